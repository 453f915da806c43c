"""The request pipeline: read, check, record, forward, relay, complete."""
