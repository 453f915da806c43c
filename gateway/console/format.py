"""Jinja filters: dates, money, numbers, durations, shortened hashes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any


def when(value: Any) -> str:
    """An ISO instant (or datetime) as ``2025-01-31 14:05:09`` UTC, to the second."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return str(value.strftime("%Y-%m-%d %H:%M:%S"))


def money(value: Any) -> str:
    if value is None:
        return "—"
    amount = float(value)
    return f"{amount:,.2f} €".replace(",", " ") if amount >= 0.01 or amount == 0 else (
        f"{amount:.4f} €"
    )


def number(value: Any) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", " ")


def ms(value: Any) -> str:
    return "—" if value is None else f"{float(value):,.0f} ms".replace(",", " ")


def short(value: Any, size: int = 12) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= size else text[:size] + "…"


def duration(seconds: float, t: Callable[..., str]) -> str:
    """A delay in the largest whole unit that says it (« 24 heures », « 2 jours »)."""
    if seconds >= 2 * 86400 and seconds % 86400 == 0:
        return t("dur.days", n=int(seconds // 86400))
    if seconds >= 3600 and seconds % 3600 == 0:
        return t("dur.hours", n=int(seconds // 3600))
    return t("dur.minutes", n=max(1, round(seconds / 60)))
