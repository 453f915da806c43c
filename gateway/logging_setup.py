"""Process logging: one JSON object per line (``GATEWAY_LOG_JSON=true``) or plain text.

Each JSON line carries ``time`` (ISO 8601, UTC), ``level``, ``logger``, ``message`` and,
inside a request, ``interaction_id`` (set by the interaction-id middleware through
:data:`interaction_id_var`), plus ``exception`` when there is one.

Log calls in the gateway never pass secrets or prompt content; as a second line of defence
the formatter cuts the ``[SQL: …]`` and ``[parameters: …]`` parts a database error's text
carries, since parameters would hold a record's prompt.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson

from gateway.settings import Settings

interaction_id_var: ContextVar[str | None] = ContextVar("interaction_id", default=None)

_SQL_DETAIL = re.compile(r"\s*\[(?:SQL|parameters): .*?\](?=\s*(?:\[|\(Background|$))", re.S)


def scrub(text: str) -> str:
    """A log text without the statement and parameters of a database error."""
    return _SQL_DETAIL.sub("", text)


class InteractionIdFilter(logging.Filter):
    """Stamps each record with the interaction id of the request being served, if any."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.interaction_id = interaction_id_var.get()
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        interaction_id = getattr(record, "interaction_id", None) or interaction_id_var.get()
        if interaction_id:
            entry["interaction_id"] = interaction_id
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return orjson.dumps(entry).decode()


class TextFormatter(logging.Formatter):
    """The plain format, with the same scrubbing and the interaction id when known."""

    def format(self, record: logging.LogRecord) -> str:
        text = scrub(super().format(record))
        interaction_id = getattr(record, "interaction_id", None)
        return f"{text} [interaction {interaction_id}]" if interaction_id else text


def logging_config(settings: Settings) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server, uvicorn's loggers included.

    Handed to uvicorn as ``log_config``, so every worker process applies it too.
    """
    formatter: dict[str, Any] = (
        {"()": JSONFormatter} if settings.log_json
        else {"()": TextFormatter, "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    level = settings.log_level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"interaction": {"()": InteractionIdFilter}},
        "formatters": {"default": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["interaction"],
            },
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # uvicorn's own handlers would print a second, unformatted copy.
            "uvicorn": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.error": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.access": {"handlers": [], "propagate": True, "level": "WARNING"},
            # presidio lists each recognizer it loads at INFO (14 lines per start, per
            # worker); its warnings still show.
            "presidio-analyzer": {"handlers": [], "propagate": True, "level": "WARNING"},
            # alembic announces each plugin it sets up, in every process that migrates.
            "alembic.runtime.plugins": {"handlers": [], "propagate": True, "level": "WARNING"},
        },
    }


def configure(settings: Settings) -> dict[str, Any]:
    """Apply :func:`logging_config` to this process and return it (for uvicorn)."""
    import logging.config

    config = logging_config(settings)
    logging.config.dictConfig(config)
    return config
