"""Typed settings: the only place that reads the process environment.

Everything comes from ``GATEWAY_*`` variables (pydantic-settings). Provider credentials are
read from the variables the model catalogue names, through :func:`read_env_secret`, so no
other module touches ``os.environ``.
"""

from __future__ import annotations

import logging
import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from gateway.errors import ConfigError
from gateway.key_format import parse_key

logger = logging.getLogger(__name__)

MIN_SECRET_LENGTH = 32
# The default policies: packaged inside the wheel, or the repository's folder in a checkout.
BUNDLED_POLICIES = (
    Path(__file__).parent / "_bundled" / "policies",
    Path(__file__).resolve().parent.parent / "policies",
)


class Settings(BaseSettings):
    """Gateway settings, from ``GATEWAY_*`` environment variables."""

    # hide_input_in_errors: a malformed secret must not be echoed in the error that rejects it.
    model_config = SettingsConfigDict(
        env_prefix="GATEWAY_", extra="ignore", hide_input_in_errors=True
    )

    database_url: str = "sqlite:///./gateway.db"
    models_file: Path | None = None
    policies_dir: Path = Path("policies")
    secret_key: SecretStr | None = None

    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    # Upstream timeouts, in seconds: connect, wait for the next byte, and the whole exchange.
    upstream_connect_timeout: float = Field(default=10.0, gt=0)
    upstream_read_timeout: float = Field(default=120.0, gt=0)
    upstream_total_timeout: float = Field(default=600.0, gt=0)
    upstream_max_connections: int = Field(default=256, ge=1)
    # Retries of a failed upstream call (connect errors, resets, 5xx, 429): how many after
    # the first attempt, the base and cap of the jittered exponential backoff, and the
    # longest Retry-After honoured (a provider asking for more gets its 429 passed on).
    upstream_retries: int = Field(default=2, ge=0, le=10)
    upstream_retry_backoff: float = Field(default=0.25, ge=0)
    upstream_retry_backoff_max: float = Field(default=4.0, ge=0)
    upstream_retry_after_max: float = Field(default=10.0, ge=0)

    # A revoked key stops working within this many seconds in every process.
    key_cache_ttl_seconds: float = Field(default=10.0, ge=0)
    # Group commit of the interaction log: most records one transaction may carry.
    audit_batch_max: int = Field(default=512, ge=1)
    # Retention per field (gateway/audit/retention.py), on the CNIL's recommendation for
    # activity logs (kept six months to a year) and shortest for what intrudes most: the
    # sealed raw text (full-encrypted rules) 3 months; the pseudonymized prompts and answers
    # 6 months (then erased, their hashes stay); the records themselves, with review
    # decisions, 12 months; the access journal (who read whose records) 12 months.
    retention_raw_content_days: int = Field(default=90, ge=1)
    retention_content_days: int = Field(default=180, ge=1)
    retention_metadata_days: int = Field(default=365, ge=1)
    retention_access_log_days: int = Field(default=365, ge=1)
    db_pool_size: int = Field(default=5, ge=1)
    db_pool_timeout: float = Field(default=5.0, gt=0)
    db_connect_timeout: int = Field(default=5, ge=1)
    # SQLite: how long a statement waits for another process's write lock before failing
    # (the request then gets 503 database_unavailable).
    sqlite_busy_timeout: float = Field(default=5.0, ge=0)
    # Longest wait for the interaction log to commit a record before forwarding: past it
    # the request gets 503 audit_unavailable instead of hanging on a stuck database.
    audit_insert_timeout: float = Field(default=5.0, gt=0)
    # PostgreSQL only: which log commits wait for the disk (synchronous_commit).
    # "records" (default): a new record is on disk before its request is forwarded;
    #   completions, key touches and chain links are committed asynchronously (a database
    #   crash may lose the last fraction of a second of them: those records are then marked
    #   interrupted at restart; the record that a request went out is never lost).
    # "on": every log commit waits for the disk.
    # "off": none does: survives a gateway crash but not a database-server crash, the same
    #   guarantee as the SQLite default (WAL, synchronous=NORMAL); measured in bench/.
    pg_synchronous_commit: Literal["records", "on", "off"] = "records"
    # /readyz's database ping gives up after this many seconds.
    readiness_timeout: float = Field(default=2.0, gt=0)
    # An approved held request may be sent again, once, by the same user within this delay.
    approval_ttl_seconds: float = Field(default=86400.0, gt=0)
    # Whose X-Gateway-Tool header names the client tool for the policies: nobody's, keys
    # tagged ``tool-header`` by IT (default), or everyone's. Any client can set a header.
    tool_header_trust: Literal["none", "tagged", "all"] = "tagged"

    # Budget and rate-limit counters: Redis when set (redis://...), else the database.
    redis_url: SecretStr | None = None

    # Seconds between checks of the policy folder for changes (0: only on SIGHUP).
    policies_reload_interval: float = Field(default=2.0, ge=0)

    # Scan requests for personal data (the policies decide what is done with it).
    redaction_enabled: bool = True
    # Read the words of pictures and scanned PDF pages (Tesseract, gateway/text/ocr.py)
    # so they are scanned too: ``auto`` when the ``tesseract`` program is installed (the
    # image installs it), ``off`` to name every picture ``unreadable`` to the policies.
    ocr: Literal["auto", "off"] = "auto"
    # Tesseract's languages (its traineddata packages: tesseract-ocr-fra, -eng...).
    ocr_languages: str = Field(default="fra+eng", pattern=r"^[A-Za-z_]+(\+[A-Za-z_]+)*$")
    # Past this, a picture is left unread (unreadable for the policies).
    ocr_timeout_seconds: float = Field(default=20.0, gt=0)
    # Tesseract processes at once, across all requests (each uses one core); 0: as many as
    # the machine has cores.
    ocr_workers: int = Field(default=0, ge=0, le=256)

    # Key of the raw content that ``log_content: full-encrypted`` keeps (AES-256-GCM): 32
    # random bytes in base64 or hex (gateway/key_format.py). Without it, such
    # records keep the redacted content only and are marked. Previous keys (comma-separated)
    # still open what they sealed, after a rotation.
    content_key: SecretStr | None = None
    content_previous_keys: SecretStr | None = None

    log_level: str = "INFO"
    # One JSON object per line on stderr (``gateway serve``); plain text when false.
    log_json: bool = True
    # SIGTERM: stop accepting, let in-flight requests and streams finish up to this many
    # seconds, then drain the interaction log and exit.
    shutdown_timeout: int = Field(default=30, ge=1)

    # Where the workers of `gateway serve --workers N` (N > 1) keep their Prometheus metrics
    # so /metrics adds them up (prometheus_client's own variable). Unset: a fresh temporary
    # directory per run. It is emptied at start: give each `gateway serve` its own.
    prometheus_multiproc_dir: Path | None = Field(
        default=None, validation_alias="PROMETHEUS_MULTIPROC_DIR"
    )

    # OpenTelemetry traces (the `otel` extra): on with GATEWAY_OTEL_ENABLED=true, or, when
    # that is unset, as soon as an OTLP endpoint is given in OpenTelemetry's own variables.
    # The exporter reads its other OTEL_* variables (headers, protocol, sampler) itself.
    otel_enabled: bool | None = None
    otel_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"
        ),
    )
    otel_service_name: str = Field(default="ai-gateway", validation_alias="OTEL_SERVICE_NAME")
    otel_sdk_disabled: bool = Field(default=False, validation_alias="OTEL_SDK_DISABLED")

    # -- Hardening (issue 16): revocation, liveness, slow clients, /metrics ----------------
    # Seconds between two reads of the revocation notices (gateway/auth/revocation.py): a
    # revoked key stops working in every process within about this delay (0: only the
    # key cache TTL above).
    revocation_poll_seconds: float = Field(default=0.5, ge=0)
    # Process liveness (gateway/audit/liveness.py): every process says it runs this often,
    # and one silent for longer than the second figure is taken for dead (its pending
    # records marked interrupted). A process known dead on the same host is taken at once.
    process_heartbeat_seconds: float = Field(default=5.0, gt=0)
    process_stale_seconds: float = Field(default=60.0, gt=0)
    # Slow clients (gateway/api/slow_clients.py): seconds to send the request line and
    # headers; seconds to send the body, plus one per ``body_min_rate`` bytes received (a
    # large upload on a slow link still passes); connections still sending a request, at
    # most (past it, the one reading longest is closed to make room).
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    body_timeout_seconds: float = Field(default=30.0, gt=0)
    body_min_rate: int = Field(default=16 * 1024, ge=1)
    max_reading_connections: int = Field(default=256, ge=1)

    # --- Company sign-in, self-service keys and SCIM provisioning (gateway/identity/) ---
    # OpenID Connect: the issuer URL (discovery at <issuer>/.well-known/openid-configuration),
    # the client registered there, and what to ask for. https only, except on loopback.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid email profile"
    # The ID-token claims holding the e-mail and the groups (Entra app roles: "roles").
    oidc_email_claim: str = "email"
    oidc_groups_claim: str = "groups"
    # Comma-separated e-mail domains allowed to sign in (empty: any the issuer vouches for).
    oidc_allowed_domains: str = ""
    # The button's label on the sign-in page ("Microsoft", "Google", "Keycloak"…).
    oidc_provider_name: str = ""
    # Tolerated clock difference with the issuer when checking exp/iat, in seconds.
    oidc_clock_skew_seconds: int = Field(default=60, ge=0, le=600)
    # The gateway's public URL (https://ia.example.fr) when behind a proxy: the redirect URI
    # registered at the issuer is <public_url>/admin/auth/callback.
    public_url: str | None = None
    # YAML file mapping directory groups to roles and departments (README: Company sign-in).
    identity_mapping_file: Path | None = None
    # Console sign-in with a gateway key: "all", or "admin" (break-glass: only admin keys
    # issued by IT; everyone else signs in with the company account).
    console_key_login: Literal["all", "admin"] = "all"
    # Self-service keys in « Mon activité »: on/off, most usable keys per person, and the
    # longest validity in days (set: every personal key must expire within it).
    self_service_keys: bool = True
    personal_keys_max: int = Field(default=5, ge=0, le=100)
    personal_key_max_days: int | None = Field(default=None, ge=1, le=3650)
    # SCIM 2.0 under /scim/v2: the bearer token the directory sends (32+ characters).
    scim_token: SecretStr | None = None
    # Anchors of the chain heads outside the database (gateway/audit/anchors.py): a file of
    # signed lines, syslog, a webhook; signed with the anchor key (else one derived from
    # GATEWAY_SECRET_KEY). Every process writes one each interval.
    audit_anchor_file: Path | None = None
    audit_anchor_syslog: str | None = None
    audit_anchor_webhook: str | None = None
    audit_anchor_key: SecretStr | None = None
    audit_anchor_interval_seconds: float = Field(default=300.0, ge=1)
    # Erasure (gateway gdpr erase) refused for everyone while set: a litigation hold.
    legal_hold: bool = False

    @field_validator("audit_anchor_webhook")
    @classmethod
    def _check_anchor_webhook(cls, value: str | None) -> str | None:
        if value:
            check_https_url(value)
        return value

    # /metrics: set, scrapers must send "Authorization: Bearer <token>" (16+ characters);
    # unset, /metrics is open (keep it off the public network then).
    metrics_token: SecretStr | None = None

    @field_validator("metrics_token")
    @classmethod
    def _check_metrics_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < 16:
            raise ValueError("GATEWAY_METRICS_TOKEN must hold at least 16 characters")
        return value

    @field_validator("oidc_issuer", "public_url")
    @classmethod
    def _check_https(cls, value: str | None) -> str | None:
        # The issuer stays as written: it must equal the tokens' "iss" to the character.
        if value:
            check_https_url(value)
        return value or None

    @field_validator("content_key", "content_previous_keys")
    @classmethod
    def _check_content_keys(cls, value: SecretStr | None) -> SecretStr | None:
        # At start, not at the first confidential request; hide_input_in_errors keeps the
        # value out of the error.
        if value is not None:
            for part in value.get_secret_value().split(","):
                if part.strip():
                    parse_key(part)
        return value

    @model_validator(mode="after")
    def _retention_order(self) -> Settings:
        # Content outliving its record would be a promise retention cannot keep.
        if not (self.retention_raw_content_days <= self.retention_content_days
                <= self.retention_metadata_days):
            raise ValueError(
                "retention must shorten with intrusiveness: GATEWAY_RETENTION_RAW_CONTENT_DAYS "
                f"({self.retention_raw_content_days}) <= GATEWAY_RETENTION_CONTENT_DAYS "
                f"({self.retention_content_days}) <= GATEWAY_RETENTION_METADATA_DAYS "
                f"({self.retention_metadata_days})"
            )
        return self

    @cached_property
    def sqlalchemy_url(self) -> str:
        """The URL of the synchronous engine the gateway runs on.

        The gateway writes through a dedicated thread with a synchronous driver, so an async
        driver name (``+asyncpg``, ``+aiosqlite``) is accepted and mapped to its sync twin.
        """
        url = make_url(self.database_url)
        driver = url.drivername
        if driver in {"postgresql", "postgres", "postgresql+asyncpg", "postgresql+psycopg_async"}:
            url = url.set(drivername="postgresql+psycopg")
        elif driver == "sqlite+aiosqlite":
            url = url.set(drivername="sqlite")
        return url.render_as_string(hide_password=False)

    @property
    def tracing_enabled(self) -> bool:
        """Whether the settings ask for OpenTelemetry traces (the extra may still be absent)."""
        if self.otel_sdk_disabled:
            return False
        if self.otel_enabled is not None:
            return self.otel_enabled
        return bool(self.otel_endpoint)

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """The database file for a file-backed SQLite URL, else ``None``."""
        url = make_url(self.sqlalchemy_url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return Path(url.database or "")

    def effective_policies_dir(self) -> Path:
        """The configured folder, or the bundled defaults when ``./policies`` is absent."""
        if self.policies_dir == Path("policies") and not self.policies_dir.is_dir():
            for candidate in BUNDLED_POLICIES:
                if candidate.is_dir():
                    return candidate
        return self.policies_dir


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_https_url(url: str) -> None:
    """An https URL, or http on loopback only (tests, a local identity provider)."""
    parsed = urlsplit(url)
    if not parsed.hostname or parsed.scheme not in ("https", "http"):
        raise ValueError(f"not an http(s) URL: {url!r}")
    if parsed.scheme == "http" and parsed.hostname not in LOOPBACK_HOSTS:
        raise ValueError(f"{url!r} must use https (http is accepted on loopback only)")


def resolve_secret_key(settings: Settings) -> bytes:
    """Return the server secret, creating one for the embedded SQLite default.

    A weak or missing secret on a shared database would let anyone who reads the key table
    forge or test keys offline, so only the single-machine SQLite setup may generate its own.
    """
    if settings.secret_key is not None:
        value = settings.secret_key.get_secret_value()
        if len(value) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"GATEWAY_SECRET_KEY is too short ({len(value)} characters): use at least "
                f"{MIN_SECRET_LENGTH}, e.g. the output of `python -c 'import secrets; "
                "print(secrets.token_hex(32))'`"
            )
        return value.encode()
    db_file = settings.sqlite_path()
    if db_file is None:
        raise ConfigError(
            "GATEWAY_SECRET_KEY is required with this database: it protects the stored API key "
            "hashes and encrypted content, and every gateway process must share it. Set it to "
            f"at least {MIN_SECRET_LENGTH} random characters."
        )
    secret_file = db_file.with_name(db_file.name + ".secret")
    if not secret_file.exists():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL so two processes starting together cannot both write a different secret.
        try:
            fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            logger.warning(
                "No GATEWAY_SECRET_KEY set: generated one in %s (owner-only). Back it up with "
                "the database; set GATEWAY_SECRET_KEY in production.",
                secret_file,
            )
    return secret_file.read_text().strip().encode()


def read_env_secret(name: str) -> str | None:
    """Read a provider credential from the environment variable the catalogue names."""
    value = os.environ.get(name)
    return value or None
