"""Bounded, thread-safe LRU cache of analysis results keyed by a text hash."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from .findings import Finding

__all__ = ["FindingsCache", "text_key"]


def text_key(text: str) -> bytes:
    """128-bit BLAKE2b digest of ``text``; keys never hold the text itself.

    ``surrogatepass`` keeps lone surrogates hashable without altering them.
    """
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class FindingsCache:
    """LRU mapping text digest -> findings (immutable tuples)."""

    def __init__(self, max_entries: int) -> None:
        self._max = max(0, max_entries)
        self._data: OrderedDict[bytes, tuple[Finding, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: bytes) -> tuple[Finding, ...] | None:
        """Return cached findings and mark them recently used, or None."""
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: bytes, value: tuple[Finding, ...]) -> None:
        """Store findings, evicting the least recently used entry if full."""
        if self._max == 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._max:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._data.clear()
