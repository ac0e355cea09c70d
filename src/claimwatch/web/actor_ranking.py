"""The actors ranked by claims spoken, kept between requests until the store gains claims.

Ranking counts every claim's mentions (a JSON scan of all claims): seconds on a store of 30,000 claims, the same
for the first page as for the last. The ranking is computed once per store version (its article and claim counts,
as the checker's claim matrix is) and each page is a slice of it.
"""
from __future__ import annotations

import threading
from typing import Optional

from ..store import ActorCount, Store


class ActorRanking:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: Optional[tuple[int, int]] = None
        self._ranked: list[ActorCount] = []

    def ranked(self, store: Store) -> list[ActorCount]:
        counts = store.counts()
        version = (counts["articles"], counts["claims"])
        with self._lock:  # one computation at a time; the others wait for it instead of repeating it
            if version != self._version:
                self._ranked = store.top_actors(None)
                self._version = version
            return self._ranked

    def page(self, store: Store, limit: int, offset: int = 0,
             name: Optional[str] = None) -> tuple[list[ActorCount], int]:
        """Actors ``offset`` to ``offset + limit`` of the ranking, and how many there are in all; ``name``: only
        those whose id or name contains it (case-insensitive, as ``Store.top_actors``)."""
        ranked = self.ranked(store)
        if name:
            needle = name.casefold()
            ranked = [a for a in ranked if needle in a.name.casefold() or needle in a.id.casefold()]
        return ranked[offset:offset + limit], len(ranked)
