"""``/admin/api/interactions/{id}/content``: a record's raw content, decrypted (auditors).

Only records whose policy asked ``log_content: full-encrypted`` have any. Each read names its
reason and is journaled with it, in the same transaction: a read that cannot be journaled
returns nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from gateway.admin.deps import Auditor, DbSession
from gateway.api.deps import State
from gateway.audit.content_crypto import (
    PROMPT,
    RESPONSE,
    ContentKeyUnavailableError,
    cipher_from_settings,
    decrypt_record,
)
from gateway.audit.models import Interaction
from gateway.audit.reading import journal
from gateway.audit.reading.records import endpoint_of, is_record_id
from gateway.errors import InvalidRequestError, NotFoundError

router = APIRouter(prefix="/interactions", tags=["admin: interactions"])

Reason = Annotated[str, Query(
    max_length=1000,
    description="why this raw content is read (a ticket, a request): kept in the access log",
)]


@router.get("/{interaction_id}/content")
def read_content(
    request: Request, interaction_id: str, reason: Reason, principal: Auditor,
    session: DbSession, state: State,
) -> dict[str, Any]:
    """The raw prompt and the answer the employee saw, decrypted; the read is journaled."""
    if not reason.strip():
        raise InvalidRequestError("Indiquez la raison de cette lecture (reason).", param="reason")
    row = session.get(Interaction, interaction_id) if is_record_id(interaction_id) else None
    if row is None or row.content_key_id is None or (
        row.prompt_encrypted is None and row.response_encrypted is None
    ):
        raise NotFoundError(
            f"Aucun contenu chiffré pour l'interaction {interaction_id[:64]!r}.")
    cipher = cipher_from_settings(state.settings)
    if cipher is None:
        raise ContentKeyUnavailableError(
            "Aucune clé de contenu n'est configurée (GATEWAY_CONTENT_KEY) : le contenu chiffré "
            "ne peut pas être lu sur cette passerelle."
        )
    journal.record_access(session, principal, endpoint_of(request), record_ids=[row.id],
                          reason=reason.strip())
    content = decrypt_record(
        cipher, row.id, {PROMPT: row.prompt_encrypted, RESPONSE: row.response_encrypted},
        row.content_key_id,
    )
    return {"id": row.id, "content_key_id": row.content_key_id, **content}
