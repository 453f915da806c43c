"""The evaluation input: a frozen, I/O-free description of one request."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from gateway.policies.reading import as_read
from gateway.text.normalize import normalize


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Everything the policy engine may look at for one request.

    The core fills it; the engine never performs I/O.  ``hosting`` defaults
    to ``"us"`` so a context built without it falls on the cautious side
    (non-EU, non-on-prem).  ``messages`` is a sequence of ``(role, text)``.
    """

    user: str = ""
    department: str = ""
    role: str = "employee"
    key_tags: Collection[str] = frozenset()
    tool: str = "unknown"
    # The User-Agent as received, so a refusal can say which client was seen.
    client: str = ""
    model: str = ""
    provider: str = ""
    hosting: str = "us"
    endpoint: str = "chat"
    stream: bool = False
    tool_names: Sequence[str] = ()
    # The kinds of files the request carries or names (image, audio, video, pdf, file),
    # and ``unreadable`` when the gateway could not read one of them.
    attachments: Collection[str] = frozenset()
    estimated_tokens: int = 0
    pii_counts: Mapping[str, int] = field(default_factory=dict)
    messages: Sequence[tuple[str, str]] = ()


class ContentScan:
    """Per-evaluation cache of message texts joined by role selection.

    Several rules usually scan the same roles; joining once per request
    keeps content checks to one regex search each.
    """

    __slots__ = ("_lowered", "_messages", "_texts")

    def __init__(self, ctx: RequestContext) -> None:
        self._messages = ctx.messages
        self._texts: dict[frozenset[str] | None, str] = {}
        self._lowered: dict[frozenset[str] | None, str] = {}

    def text(self, roles: frozenset[str] | None) -> str:
        """Texts of the messages whose role is in ``roles`` (all if None), as written and,
        where it differs, normalized after them: « PROJET AURORE » written with a
        zero-width space, a Cyrillic « О » or a no-break space is found all the same
        (``gateway.text.normalize``), and a pattern written with such characters still
        finds them as typed; and as a reader reads them (``reading.py``: letters spaced
        out, markup inside a word, words parted by a line break)."""
        cached = self._texts.get(roles)
        if cached is None:
            cached = "\n".join(
                text for role, text in self._messages if roles is None or role in roles
            )
            folded = normalize(cached).text
            read = as_read(folded)
            readings = [cached, *(t for t in (folded, read) if t != cached)]
            cached = "\n".join(dict.fromkeys(readings))
            self._texts[roles] = cached
        return cached

    def lowered(self, roles: frozenset[str] | None) -> str:
        """Lower-cased ``text(roles)``, for case-insensitive keywords."""
        cached = self._lowered.get(roles)
        if cached is None:
            cached = self.text(roles).lower()
            self._lowered[roles] = cached
        return cached
