"""Per-employee gateway keys: issue, hash, look up, revoke."""
