"""Database plumbing: metadata, engine, migrations."""
