"""Everything the gateway builds once at start and hands to requests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit.recorder import Recorder
from gateway.audit.storable import storable
from gateway.audit.writer import AuditWriter
from gateway.auth.service import KeyAuthenticator
from gateway.catalogue import MODEL_NAME_MAX, Catalogue, ModelEntry
from gateway.errors import InvalidRequestError, ModelNotFoundError
from gateway.identity.directory import Directory
from gateway.identity.mapping import IdentityMapping
from gateway.limits.enforcer import Charges, LimitEnforcer
from gateway.metrics import Metrics
from gateway.policies import PolicySet, RequestContext
from gateway.providers.base import Adapter
from gateway.providers.http import UpstreamClient
from gateway.providers.retry import RetryPolicy
from gateway.settings import Settings

if TYPE_CHECKING:  # presidio and spaCy load only where the scan is on (gateway/app.py)
    from gateway.audit.content_crypto import ContentVault
    from gateway.redaction import Finding, Pseudonymizer, RedactionConfig, RedactionService
    from gateway.text.ocr import Ocr


class Scanner(Protocol):
    """The personal-data scan (:class:`gateway.redaction.RedactionService`)."""

    @property
    def config(self) -> RedactionConfig: ...

    async def analyze_batch_async(self, texts: Sequence[str]) -> list[list[Finding]]: ...


class Approvals(Protocol):
    """Reviewers' approvals of held requests (:class:`gateway.review.service.Approvals`)."""

    def fingerprint(self, endpoint: str, request: Mapping[str, Any]) -> str: ...

    async def consume(self, user: str, fingerprint: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class GuardServices:
    """What the policy and personal-data step (:mod:`gateway.proxy.guard`) uses, and only that.

    Built once with the state; the guard never sees the rest of it, so its tests give it a
    real scan and policy set, and light fakes where the real service needs a database.
    """

    # The running policy set: read per request, a reload swaps it between requests.
    policies: Callable[[], PolicySet]
    # A route's target by name and kind (404 or 400 as for a requested model).
    resolve: Callable[[str, str], tuple[ModelEntry, Adapter]]
    adapters: Mapping[str, Adapter]
    # None when the scan is off (GATEWAY_REDACTION_ENABLED=false).
    scanner: Scanner | None
    approvals: Approvals
    # Budgets and rate limits: counts the request, 429 when over.
    admit: Callable[[PolicySet, RequestContext], Awaitable[Charges]]
    # log_content full-encrypted: seals the raw prompt of an interaction, None without a key.
    vault: Callable[[str, str, Pseudonymizer | None], ContentVault | None]
    approval_ttl_s: float
    # Tesseract, reading pictures and scanned pages; None when off or not installed.
    ocr: Ocr | None = None


@dataclass(frozen=True, slots=True)
class RecordServices:
    """What the interaction record step (:mod:`gateway.proxy.record`) uses, and only that.

    Built once with the state, like :class:`GuardServices`: its tests give it the real
    recorder over a fake writer, and nothing else of the gateway.
    """

    recorder: Recorder
    # GATEWAY_AUDIT_INSERT_TIMEOUT: how long a request waits for its record to commit.
    insert_timeout_s: float
    # Counts a request refused because its record did not commit in time (a metric).
    on_timeout: Callable[[], None]


@dataclass
class GatewayState:
    settings: Settings
    engine: Engine
    metrics: Metrics
    writer: AuditWriter
    recorder: Recorder
    authenticator: KeyAuthenticator
    catalogue: Catalogue
    adapters: dict[str, Adapter]
    http_client: UpstreamClient
    policy_set: PolicySet
    limits: LimitEnforcer
    # Kept for keyed digests (request fingerprints); never logged or rendered.
    server_secret: bytes = field(repr=False, default=b"")
    redaction: RedactionService | None = None
    # PostgreSQL: the interaction log's async engine (gateway.db.engine.build_log_engine).
    log_engine: AsyncEngine | None = None
    policy_error: str | None = None
    # Company sign-in, group mapping and SCIM (gateway.identity.directory).
    directory: Directory = field(default_factory=lambda: Directory(IdentityMapping()))
    # Set once built (gateway.app.build_state): it reads the running policy set from here.
    guard: GuardServices = field(init=False, repr=False)
    # Likewise for the interaction record (gateway.app.record_services).
    records: RecordServices = field(init=False, repr=False)
    # From the settings, once: every forwarded request built its own.
    retry_policy: RetryPolicy = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.retry_policy = RetryPolicy.from_settings(self.settings)

    def resolve(self, name: str, kind: str) -> tuple[ModelEntry, Adapter]:
        """The catalogue entry and adapter for a requested model name."""
        # Measured as the log stores it (gateway.audit.storable): whatever passes is kept
        # whole. Never echoed back.
        if len(name) > MODEL_NAME_MAX or len(storable(name)) > MODEL_NAME_MAX:
            raise InvalidRequestError(
                f"Nom de modèle trop long : {MODEL_NAME_MAX} caractères au plus (un caractère "
                "de contrôle en compte plusieurs).",
                param="model",
            )
        entry = self.catalogue.get(name)
        if entry is None:
            raise ModelNotFoundError(
                f"Modèle « {name} » inconnu. Les modèles disponibles sont listés par "
                "GET /v1/models.",
                param="model",
            )
        if entry.kind != kind:
            raise InvalidRequestError(
                f"Le modèle « {name} » est un modèle de type {entry.kind}, pas {kind}.",
                param="model",
            )
        return entry, self.adapters[name]

    def apply_policies(self, policy_set: PolicySet | None, error: str | None) -> None:
        """Swap in a reloaded set, or keep the running one and remember why a reload failed."""
        if policy_set is not None:
            self.policy_set = policy_set
        self.policy_error = error

    @property
    def policy_version(self) -> str:
        return self.policy_set.version
