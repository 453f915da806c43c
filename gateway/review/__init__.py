"""The review queue: human decisions on held and blocked requests, and one-time approvals."""
