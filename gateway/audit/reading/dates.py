"""The one rule for dates given by people: query parameters, console fields, CLI options.

Written once because it was written three times with three behaviours (a date alone was
inclusive in the console, midnight in the API; an offset pushing an instant past year
9999 crashed the API and the CLI with ``OverflowError``).

- ``YYYY-MM-DD``: midnight UTC that day; as an upper bound (``end``), the end of that day,
  so ``until=2026-12-07`` includes the 7th (``9999-12-31``: through the end of time).
- an ISO 8601 instant (``2026-12-07T10:00``, ``…Z``, ``…+01:00``): that instant; without
  an offset it is UTC. Upper bounds are exclusive.
- anything else, or an instant that does not exist in UTC (``9999-12-31T23:59-14:00``), is
  an :class:`InvalidRequestError` naming the parameter: a 400, never a 500.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from gateway.errors import InvalidRequestError

_LAST = datetime.max.replace(tzinfo=UTC)


def _invalid(param: str, value: str) -> InvalidRequestError:
    shown = value if len(value) <= 40 else value[:40] + "…"
    return InvalidRequestError(
        f"Date invalide pour « {param} » : {shown!r}. Attendu : AAAA-MM-JJ ou un instant "
        "ISO 8601 (2026-12-07T10:00:00Z), entre l'an 1 et l'an 9999 en UTC.",
        param=param,
    )


def instant(value: str | None, *, param: str, end: bool = False) -> datetime | None:
    """``value`` as an aware UTC datetime (``None`` when absent or blank)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = datetime.combine(date.fromisoformat(text), time(), UTC)
            if end:  # the last day there is: through its end
                return day + timedelta(days=1) if day.date() < date.max else _LAST
            return day
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise _invalid(param, text) from exc


def iso(value: datetime | None) -> str | None:
    """An instant as the log gives it out: ISO 8601, UTC, ``Z``."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None
