"""Admin dependencies: role checks and the request's database session."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from gateway.api.deps import CurrentPrincipal, State
from gateway.auth.models import ROLES
from gateway.errors import PermissionDeniedError
from gateway.principal import Principal

# Who may call what under /admin/api; admin may do everything.
AUDITORS = ("auditor", "admin")
REVIEWERS = ("reviewer", "admin")
ADMINS = ("admin",)


def require_role(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency letting through callers whose key has one of ``roles`` (403 otherwise)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.personal:
            # A self-service key is made for tools; reading the log or managing keys
            # takes a key IT issued (or the console).
            raise PermissionDeniedError(
                "Accès refusé : une clé personnelle ouvre les modèles et /v1/me seulement ; "
                "l'API d'administration demande une clé émise par le service informatique."
            )
        if principal.role not in roles:
            raise PermissionDeniedError(
                f"Accès refusé : cette route est réservée aux rôles {', '.join(roles)} "
                f"(votre clé a le rôle {principal.role})."
            )
        return principal

    return check


Auditor = Annotated[Principal, Depends(require_role(*AUDITORS))]
Reviewer = Annotated[Principal, Depends(require_role(*REVIEWERS))]
Admin = Annotated[Principal, Depends(require_role(*ADMINS))]
AccessLogReader = Annotated[Principal, Depends(require_role("auditor", "admin"))]


def get_session(state: State) -> Iterator[Session]:
    """The request's session: committed once when the route returns, rolled back on error."""
    with Session(state.engine) as session:
        yield session
        session.commit()


# scope="function": commit before the response is sent, so a client that got its answer
# can rely on what the route wrote (the access journal, a decision).
DbSession = Annotated[Session, Depends(get_session, scope="function")]
