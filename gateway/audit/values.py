"""The values beside a link: checked against their commitments, or accounted for when gone.

A chained interaction holds commitments (gateway/audit/subjects.py) to its person's e-mail,
its prompt and its response. ``verify`` walks the links (gateway/audit/verify.py) and hands
each record to :meth:`ValueChecker.interaction`, which says whether the values kept beside
it still match. A value may be missing only where a chained event says why:

- ``retention.content`` (written by each retention purge *before* it empties anything):
  every record up to ``through_seq`` created before ``cutoff`` may have lost its content;
- ``gdpr.erased``: every record of that subject lost its e-mail and content, and the
  subject's key is destroyed, so nothing of theirs can be checked any more: those records are
  counted as erased, not as broken.

Anything else (a prompt set to NULL on a fresh record, a key row deleted by hand) breaks.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from gateway.audit import subjects
from gateway.audit.integrity import EVENTS_TABLE, INTERACTION_FIELDS, _iso

if TYPE_CHECKING:
    from gateway.audit.models import Interaction
    from gateway.audit.verify import ChainReport

ERASED_KIND, CONTENT_PURGE_KIND = "gdpr.erased", "retention.content"
# Read after each interaction's hash, in this order.
EXTRA_COLUMNS = ("user_email", "prompt", "response")

_W = len(INTERACTION_FIELDS)
_SEQ, _ID = INTERACTION_FIELDS.index("seq"), INTERACTION_FIELDS.index("id")
_CREATED = INTERACTION_FIELDS.index("created_at")
_SUBJECT = INTERACTION_FIELDS.index("subject_id")
_USER_HASH = INTERACTION_FIELDS.index("user_hash")
_CONTENT = (
    (subjects.PROMPT, _W + 2, INTERACTION_FIELDS.index("prompt_hash")),
    (subjects.RESPONSE, _W + 3, INTERACTION_FIELDS.index("response_hash")),
)


@dataclass(slots=True)
class ValueChecker:
    keys: dict[str, bytes]
    erased: set[str]
    # Content purge markers by ``through_seq``, and the latest cutoff among those at or past
    # each (a record is covered by the marker reaching furthest in time at its seq).
    marker_seqs: list[int] = field(default_factory=list)
    marker_cutoffs: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, connection: Connection) -> ValueChecker:
        events = EVENTS_TABLE
        erased: set[str] = set()
        markers: list[tuple[int, str]] = []
        for kind, detail in connection.execute(
            select(events.c.kind, events.c.detail)
            .where(events.c.kind.in_((ERASED_KIND, CONTENT_PURGE_KIND)))
        ):
            if kind == ERASED_KIND:
                erased.add(str(detail.get("subject")))
            elif detail.get("through_seq") is not None and detail.get("cutoff"):
                markers.append((int(detail["through_seq"]), str(_iso(detail["cutoff"]))))
        markers.sort()
        cutoffs = [cutoff for _, cutoff in markers]
        for i in range(len(cutoffs) - 2, -1, -1):  # suffix maximum
            cutoffs[i] = max(cutoffs[i], cutoffs[i + 1])
        return cls(subjects.keys_by_id(connection), erased,
                   [seq for seq, _ in markers], cutoffs)

    def purged(self, seq: int, created_at: Any) -> bool:
        """Whether a chained retention marker covers the content of this record."""
        at = bisect.bisect_left(self.marker_seqs, seq)
        return at < len(self.marker_seqs) and str(_iso(created_at)) < self.marker_cutoffs[at]

    def interaction(self, row: Sequence[Any], report: ChainReport) -> tuple[str, str] | None:
        """``(reason, message)`` if the values beside this link betray an edit, else None."""
        subject, record_id = row[_SUBJECT], row[_ID]
        key = self.keys.get(subject)
        if key is None:
            if subject in self.erased:
                report.erased += 1
                return None
            return ("subject", f"the key of its person ({subject}) was deleted, but no "
                    "erasure of that person is in the chain")
        if subjects.commit(key, subjects.USER, record_id, row[_W + 1]) != row[_USER_HASH]:
            return ("content", "the person (user) no longer matches its commitment")
        emptied = False
        for label, text_at, hash_at in _CONTENT:
            text, stored = row[text_at], row[hash_at]
            if text is None:
                if stored is None:
                    continue
                if subject in self.erased or self.purged(row[_SEQ], row[_CREATED]):
                    emptied = True
                    continue
                return ("content_removed", f"the {label} is gone but no retention purge or "
                        "erasure in the chain covers this record")
            if stored is None or subjects.commit(key, label, record_id, text) != stored:
                return ("content", f"the {label} was altered")
        report.purged += emptied
        return None


def record_matches(key: bytes, row: Interaction) -> bool:
    """Whether one record's e-mail and remaining content still match their commitments."""
    if subjects.commit(key, subjects.USER, row.id, row.user_email) != row.user_hash:
        return False
    return all(
        text is None or subjects.commit(key, label, row.id, text) == stored
        for label, text, stored in ((subjects.PROMPT, row.prompt, row.prompt_hash),
                                    (subjects.RESPONSE, row.response, row.response_hash))
    )
