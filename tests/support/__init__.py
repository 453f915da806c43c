"""Plumbing shared by the test packages (the fake providers live in ``tests.fakes``)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
