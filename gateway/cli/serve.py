"""``gateway serve``: migrate, bootstrap, then run uvicorn."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from sqlalchemy.orm import Session

from gateway.api import slow_clients
from gateway.audit.maintenance import mark_interrupted
from gateway.audit.seal import Sealer
from gateway.auth.keys import count_keys, create_key
from gateway.db import migrate
from gateway.db.engine import build_engine
from gateway.logging_setup import configure as configure_logging
from gateway.settings import Settings, resolve_secret_key

logger = logging.getLogger(__name__)


def configure(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--workers", type=int, default=1,
        help="worker processes (default 1); their Prometheus metrics are added up",
    )
    serve.set_defaults(handler=cmd_serve)


def bootstrap(settings: Settings) -> str | None:
    """Prepare the database; on an empty key store, create and return one admin key."""
    secret = resolve_secret_key(settings)
    migrate.upgrade(settings.sqlalchemy_url)
    engine = build_engine(settings)
    try:
        interrupted = mark_interrupted(engine, settings.upstream_total_timeout, Sealer(secret))
        if interrupted:
            logger.warning("%d interaction(s) left incomplete by a stopped gateway were marked "
                           "interrupted", interrupted)
        with Session(engine) as session, session.begin():
            if count_keys(session):
                return None
            _, token = create_key(
                session, secret, user="admin@localhost", department="it", role="admin"
            )
            return token
    finally:
        engine.dispose()


def cmd_serve(args: argparse.Namespace) -> int:
    settings = Settings()
    log_config = configure_logging(settings)
    # Fail here, with a readable message, rather than inside each worker's startup.
    from gateway.app import check_configuration  # the web stack: only this command needs it

    check_configuration(settings)
    token = bootstrap(settings)
    if token:
        # Printed once, to the terminal only: it is not written to any log.
        sys.stdout.write(
            "\nFirst start: an admin key was created. Keep it now, it will not be shown again:\n"
            f"  {token}\n\n"
        )
        sys.stdout.flush()
    with shared_metrics(settings, args.workers), workers_skip_the_cli(args.workers):
        uvicorn.run(
            "gateway.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=settings.log_level.lower(),
            log_config=log_config,
            access_log=False,
            # Keep-alive longer than typical reverse proxies' idle timeout avoids reset races.
            timeout_keep_alive=75,
            # Deadlines for sending a request and a bound on connections still sending one
            # (gateway/api/slow_clients.py).
            http=slow_clients.PROTOCOL,
            # SIGTERM: stop accepting, let in-flight requests and streams finish up to this
            # deadline, then run the lifespan's shutdown, which drains the interaction log.
            timeout_graceful_shutdown=settings.shutdown_timeout,
        )
    return 0


@contextmanager
def workers_skip_the_cli(workers: int) -> Iterator[None]:
    """Keep the workers of ``--workers N`` from re-importing this command line.

    uvicorn spawns its workers, and a spawned process first imports the parent's
    ``__main__``: here the whole CLI, every command's imports included (the NLP stack of
    ``gateway redact``: five seconds on an idle 2-core machine, far more under load). Only
    then does a worker answer uvicorn's health check, which gives up after five seconds and
    kills it, so the workers were restarted in a loop and never served. With a bare
    ``__main__`` they import uvicorn, then the application, and nothing else.
    """
    if workers <= 1:  # served in this process: nothing is spawned
        yield
        return
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


@contextmanager
def shared_metrics(settings: Settings, workers: int) -> Iterator[Path | None]:
    """With several workers, a metrics directory they all count in (multiprocess mode).

    Made here, before the workers start, so each of them imports prometheus_client with
    ``PROMETHEUS_MULTIPROC_DIR`` set. Files left by an earlier run would be added to this
    one's figures, so the directory starts empty: an operator's ``PROMETHEUS_MULTIPROC_DIR``
    is emptied, otherwise a fresh temporary one is made, and removed at exit. One worker
    keeps the in-process registry, cheaper on every request.
    """
    if workers <= 1 and settings.prometheus_multiproc_dir is None:
        yield None
        return
    given = settings.prometheus_multiproc_dir
    if given is None:
        directory = Path(tempfile.mkdtemp(prefix="gateway-metrics-"))
    else:
        directory = given
        empty_metrics_dir(directory)
    # Inherited by the workers uvicorn spawns; prometheus_client reads it at import.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    logger.info("Prometheus metrics of %d worker(s) kept in %s", workers, directory)
    try:
        yield directory
    finally:
        if given is None:
            shutil.rmtree(directory, ignore_errors=True)


def empty_metrics_dir(directory: Path) -> None:
    """Create ``directory`` or remove the metric files a previous run left in it."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
