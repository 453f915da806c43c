"""Budgets and rate limits declared by the usage policies, counted across processes."""
