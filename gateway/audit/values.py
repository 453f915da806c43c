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

With the server secret, each record's seals are checked too (gateway/audit/seal.py): what the
gateway wrote before the record was chained, so an edit made before its link is caught.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from gateway.audit import subjects
from gateway.audit.integrity import EVENTS_TABLE, INTERACTION_FIELDS, _iso
from gateway.audit.models import PENDING
from gateway.audit.seal import BEGIN, END, SEALING_KIND, Sealer

if TYPE_CHECKING:
    from gateway.audit.models import Interaction
    from gateway.audit.verify import ChainReport

ERASED_KIND, CONTENT_PURGE_KIND = "gdpr.erased", "retention.content"
# Read after each interaction's hash, in this order.
EXTRA_COLUMNS = ("user_email", "prompt", "response", "request_fingerprint", "boot_id",
                 "begin_seal", "end_seal")
_EXTRA_NAMES = ("hash", *EXTRA_COLUMNS)
_REVIEWED = ("approved", "rejected")

_W = len(INTERACTION_FIELDS)
_SEQ, _ID = INTERACTION_FIELDS.index("seq"), INTERACTION_FIELDS.index("id")
_CREATED = INTERACTION_FIELDS.index("created_at")
_SUBJECT = INTERACTION_FIELDS.index("subject_id")
_USER_HASH = INTERACTION_FIELDS.index("user_hash")
_CONTENT = (
    (subjects.PROMPT, _W + 2, INTERACTION_FIELDS.index("prompt_hash")),
    (subjects.RESPONSE, _W + 3, INTERACTION_FIELDS.index("response_hash")),
)


@dataclass(frozen=True, slots=True)
class Sealing:
    """When sealing began, and the records written before it (gateway/audit/seal.py)."""

    since: str
    chained_up_to: int
    unchained: frozenset[str]

    def before(self, record: dict[str, Any]) -> bool:
        seq = record.get("seq")
        if seq is not None and int(seq) <= self.chained_up_to:
            return True
        return str(record["id"]) in self.unchained


@dataclass(slots=True)
class ValueChecker:
    keys: dict[str, bytes]
    erased: set[str]
    # Content purge markers by ``through_seq``, and the latest cutoff among those at or past
    # each (a record is covered by the marker reaching furthest in time at its seq).
    marker_seqs: list[int] = field(default_factory=list)
    marker_cutoffs: list[str] = field(default_factory=list)
    # Seals are checked with the server secret. The chained ``audit.sealing`` event names
    # the records written before sealing began (chained up to a seq, or unchained then):
    # every other record must have its seals. None: no such event, nothing is required.
    sealer: Sealer | None = None
    sealing: Sealing | None = None
    sealed: int = 0

    @classmethod
    def load(cls, connection: Connection, sealer: Sealer | None = None) -> ValueChecker:
        events = EVENTS_TABLE
        erased: set[str] = set()
        markers: list[tuple[int, str]] = []
        sealing: Sealing | None = None
        for kind, detail, created_at in connection.execute(
            select(events.c.kind, events.c.detail, events.c.created_at)
            .where(events.c.kind.in_((ERASED_KIND, CONTENT_PURGE_KIND, SEALING_KIND)))
            .order_by(events.c.seq)
        ):
            if kind == SEALING_KIND:
                # One event per upgrade to sealing (a downgrade and upgrade again adds one):
                # what any of them names was written without seals.
                named = Sealing(str(_iso(created_at)), int(detail.get("interactions_seq") or 0),
                                frozenset(detail.get("unchained") or ()))
                sealing = named if sealing is None else Sealing(
                    sealing.since, max(sealing.chained_up_to, named.chained_up_to),
                    sealing.unchained | named.unchained)
            elif kind == ERASED_KIND:
                erased.add(str(detail.get("subject")))
            elif detail.get("through_seq") is not None and detail.get("cutoff"):
                markers.append((int(detail["through_seq"]), str(_iso(detail["cutoff"]))))
        markers.sort()
        cutoffs = [cutoff for _, cutoff in markers]
        for i in range(len(cutoffs) - 2, -1, -1):  # suffix maximum
            cutoffs[i] = max(cutoffs[i], cutoffs[i + 1])
        return cls(subjects.keys_by_id(connection), erased,
                   [seq for seq, _ in markers], cutoffs, sealer, sealing)

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
        if self.sealer is None:
            return None
        record = dict(zip(INTERACTION_FIELDS, row[:_W], strict=True))
        record.update(zip(_EXTRA_NAMES, row[_W:], strict=True))
        return self.seals(record, content_may_be_gone=emptied)

    def seals(self, record: dict[str, Any], *, content_may_be_gone: bool = False,
              ) -> tuple[str, str] | None:
        """``(reason, message)`` if the record is not what the gateway sealed, else None."""
        assert self.sealer is not None
        begin, end = record.get("begin_seal"), record.get("end_seal")
        sealing = self.sealing
        if begin is None and end is None and (sealing is None or sealing.before(record)):
            return None  # written before the gateway sealed records
        final = record["state"] != PENDING
        if begin is None or (final and end is None):
            since = sealing.since if sealing else "?"
            return ("unsealed", "a seal is missing, although the gateway seals every record "
                    f"since {since}: it was removed, or the record was not written by the "
                    "gateway")
        self.sealed += 1
        problem = self.sealer.check(BEGIN, record, content_may_be_gone=content_may_be_gone)
        if problem is None and final and end is not None:
            problem = self.sealer.check(END, record, content_may_be_gone=content_may_be_gone)
            if problem is not None and record["decision"] in _REVIEWED:
                # A reviewer's verdict on a held record (held to the review table on chained
                # records).
                problem = self.sealer.check(END, record, content_may_be_gone=content_may_be_gone,
                                            decision="held")
        return None if problem is None else ("sealed", problem + " (edited in the database)")


def record_matches(key: bytes, row: Interaction) -> bool:
    """Whether one record's e-mail and remaining content still match their commitments."""
    if subjects.commit(key, subjects.USER, row.id, row.user_email) != row.user_hash:
        return False
    return all(
        text is None or subjects.commit(key, label, row.id, text) == stored
        for label, text, stored in ((subjects.PROMPT, row.prompt, row.prompt_hash),
                                    (subjects.RESPONSE, row.response, row.response_hash))
    )
