"""Placeholder restoration, whole-text and streaming (incl. JSON fragments)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from gateway.text.offsets import OffsetMap

__all__ = ["PlaceholderRestorer", "StreamingRestorer"]


def _json_escape(value: str) -> str:
    """Escape ``value`` for insertion inside a JSON string literal."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


class PlaceholderRestorer:
    """Replaces known placeholders by their values.

    With ``json_mode`` the text is JSON (tool-call arguments): values are
    JSON-escaped, and the ``\\u003c...\\u003e`` spelling some serializers use
    for ``<``/``>`` is recognised too. Unknown placeholders are left as is.
    """

    def __init__(self, mapping: Mapping[str, str], json_mode: bool = False) -> None:
        tokens: dict[str, str] = {}
        for placeholder, value in mapping.items():
            replacement = _json_escape(value) if json_mode else value
            tokens[placeholder] = replacement
            if json_mode:
                inner = placeholder[1:-1]
                for lt, gt in (("\\u003c", "\\u003e"), ("\\u003C", "\\u003E")):
                    tokens[lt + inner + gt] = replacement
        self._tokens = tokens
        alternatives = sorted(tokens, key=len, reverse=True)
        self._regex = re.compile("|".join(map(re.escape, alternatives))) if tokens else None
        self._prefixes = {tok[:i] for tok in tokens for i in range(1, len(tok))}
        self.max_token_length = max((len(t) for t in tokens), default=0)

    def restore(self, text: str, offsets: OffsetMap | None = None, base: int = 0) -> str:
        """Return ``text`` with every complete known placeholder replaced; each
        replacement is added to ``offsets`` (``text`` starting at ``base`` of what it maps)."""
        if self._regex is None:
            return text
        if offsets is None:
            return self._regex.sub(lambda m: self._tokens[m.group(0)], text)
        out: list[str] = []
        done = 0
        for match in self._regex.finditer(text):
            value = self._tokens[match.group(0)]
            out += [text[done:match.start()], value]
            offsets.add(base + match.start(), base + match.end(), len(value))
            done = match.end()
        out.append(text[done:])
        return "".join(out)

    def holdback(self, text: str) -> int:
        """Length of the longest suffix of ``text`` that may start a placeholder."""
        for size in range(min(len(text), self.max_token_length - 1), 0, -1):
            if text[-size:] in self._prefixes:
                return size
        return 0


class StreamingRestorer:
    """Restores placeholders in a stream of text deltas.

    ``feed`` returns what can be emitted now; only a suffix that could be the
    beginning of a placeholder (e.g. ``"<PERS"``) is held back, never longer
    than the longest placeholder minus one character. ``flush`` returns the
    remainder at end of stream. Concatenated outputs equal
    ``restore(whole text)`` for any split of the input.
    """

    def __init__(self, mapping: Mapping[str, str], json_mode: bool = False) -> None:
        self._restorer = PlaceholderRestorer(mapping, json_mode)
        self._buffer = ""
        self.offsets = OffsetMap()  # of everything fed so far, once it has gone out
        self._done = 0  # characters of the input gone out

    @property
    def pending(self) -> str:
        """Input held back, waiting for the next delta."""
        return self._buffer

    def feed(self, delta: str) -> str:
        """Add a delta; return the restored text that is safe to emit now."""
        if not delta:
            return ""
        buffer = self._buffer + delta
        keep = self._restorer.holdback(buffer)
        emit, self._buffer = buffer[: len(buffer) - keep], buffer[len(buffer) - keep :]
        return self._restore(emit)

    def flush(self) -> str:
        """End of stream: return whatever was held back (restored if complete)."""
        rest, self._buffer = self._buffer, ""
        return self._restore(rest)

    def _restore(self, text: str) -> str:
        out = self._restorer.restore(text, self.offsets, self._done)
        self._done += len(text)
        return out
