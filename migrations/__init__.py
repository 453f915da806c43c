"""Alembic migrations, shipped with the package so `gateway db upgrade` works anywhere."""
