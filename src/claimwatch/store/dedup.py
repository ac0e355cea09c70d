"""Exact and near-duplicate detection over stored articles, and sightings (migration ``0010_sightings``).

A wire story syndicated by 50 outlets is stored and extracted once; every copy becomes a row in ``sightings``
(outlet, url, date, and how it matched), so its claims count as one claim seen 50 times.

- exact: same article id, or same normalised text hash (``ingest.hashing``), as a stored article;
- near: estimated Jaccard similarity of word 3-gram shingles >= ``threshold`` (MinHash + LSH, datasketch).

The LSH index lives in memory and is rebuilt from ``article_minhash`` when a run first needs it; articles
stored without a signature (before the migration) get one computed from their text then.

Notes:
    Broder, "On the resemblance and containment of documents" (1997) for shingling and MinHash; the LSH
    banding is datasketch's ``MinHashLSH`` (Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3).
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterable, Optional

from ..ingest.hashing import normalise_text
from ..schema import Article

if TYPE_CHECKING:
    from .base import DedupStore

log = logging.getLogger("claimwatch")

NUM_PERM = 128
THRESHOLD = 0.8
# datasketch's hashing scheme, pinned: stored signatures are only comparable with ones made the same way.
SCHEME = "affine32"
# The LSH banding is tuned this much below the similarity threshold: at the threshold itself LSH finds only
# about half of the true matches (the S-curve's midpoint); candidates are then checked against the threshold.
LSH_MARGIN = 0.2
SHINGLE_WORDS = 3
# Fewer words than this: too little text for a meaningful similarity; only exact matching applies.
MIN_WORDS = 25
_WORD = re.compile(r"\w+", re.UNICODE)


def sighting_key(source_id: Optional[str], outlet: Optional[str], url: Optional[str]) -> str:
    """Identity of one sighting: the same (id, outlet, url) seen again is the same sighting."""
    raw = "\x1f".join(v or "" for v in (source_id, (outlet or "").casefold(), url))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def shingles(text: str) -> list[bytes]:
    """Word ``SHINGLE_WORDS``-grams of the casefolded text (an empty list for texts under ``MIN_WORDS`` words)."""
    words = _WORD.findall(normalise_text(text).casefold())
    if len(words) < MIN_WORDS:
        return []
    return list({" ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8") for i in range(len(words) - SHINGLE_WORDS + 1)})


def minhash(text: str, num_perm: int = NUM_PERM) -> Optional[Any]:
    """The text's MinHash (datasketch), or None when it is too short to compare."""
    from datasketch import MinHash

    grams = shingles(text)
    if not grams:
        return None
    mh = MinHash(num_perm=num_perm, seed=1, scheme=SCHEME)
    mh.update_batch(grams)
    return mh


@dataclass(frozen=True)
class Match:
    """The stored (or pending) article a new one duplicates."""

    article_id: str
    kind: str  # "exact" or "near"
    similarity: float


class Deduper:
    """Finds duplicates of incoming articles and writes sightings; one per ingest run over one store.

    Articles accepted for extraction but not stored yet ("pending") are matched too, so two copies of a story
    in one input are extracted once; sightings of a pending article are written when it is stored.
    """

    def __init__(self, store: "DedupStore", *, threshold: float = THRESHOLD, num_perm: int = NUM_PERM,
                 near: bool = True) -> None:
        self.store = store
        self.threshold = threshold
        self.num_perm = num_perm
        self.near = near and threshold < 1.0
        self._lsh: Any = None
        self._pending: dict[str, tuple[str, Any]] = {}  # id -> (text hash, minhash)
        self._pending_hash: dict[str, str] = {}  # text hash -> id
        self._deferred: dict[str, list[tuple[Article, Match]]] = {}
        self._last: Optional[tuple[Article, Any]] = None  # the article find() last computed a MinHash for, and it

    # -- matching ----------------------------------------------------------------------------------------------

    def find(self, article: Article, text_hash: str) -> Optional[Match]:
        """The article this one duplicates (stored or pending), or None for a new story."""
        for key in (article.id, text_hash):
            if key in self._pending:
                return Match(key, "exact", 1.0)
        if text_hash in self._pending_hash:
            return Match(self._pending_hash[text_hash], "exact", 1.0)
        stored = self.store.find_duplicate(article.id, text_hash)
        if stored is not None:
            return Match(stored, "exact", 1.0)
        if not self.near:
            return None
        mh = minhash(article.text, self.num_perm)
        self._last = (article, mh)  # reserve() takes it from here when the article turns out to be new
        if mh is None:
            return None
        best: Optional[Match] = None
        for candidate in self._index().query(mh):
            other = self._pending[candidate][1] if candidate in self._pending else self._stored_minhash(candidate)
            if other is None:
                continue
            sim = float(mh.jaccard(other))
            if sim >= self.threshold and (best is None or sim > best.similarity):
                best = Match(candidate, "near", round(sim, 4))
        return best

    def reserve(self, article: Article, text_hash: str) -> None:
        """Mark a new article as pending (on its way through the pipeline)."""
        if self._last is not None and self._last[0] is article:
            mh = self._last[1]
        else:
            mh = minhash(article.text, self.num_perm) if self.near else None
        self._last = None
        self._pending[article.id] = (text_hash, mh)
        self._pending_hash[text_hash] = article.id
        if mh is not None:
            index = self._index()
            if article.id not in index.keys:
                index.insert(article.id, mh)

    # -- writing -----------------------------------------------------------------------------------------------

    def sight(self, article: Article, match: Match) -> int:
        """Record ``article`` as a sighting of ``match`` (deferred while that one is pending); rows written."""
        if match.article_id in self._pending:
            self._deferred.setdefault(match.article_id, []).append((article, match))
            return 0  # counted when written, by stored()
        return self._write_sightings(match.article_id, [(article, match)])

    def stored(self, article: Article) -> int:
        """Write the stored article's own sighting, its signature and deferred sightings; return sightings added.

        Call inside the transaction that stored the article, so a killed run never leaves one without the other.
        """
        _, mh = self._pending.pop(article.id, (None, None))
        self._pending_hash = {h: i for h, i in self._pending_hash.items() if i != article.id}
        if mh is None and self.near:
            mh = minhash(article.text, self.num_perm)
        if mh is not None:
            self._save_signature(article.id, mh)
        own = Match(article.id, "original", 1.0)
        return self._write_sightings(article.id, [(article, own), *self._deferred.pop(article.id, [])])

    def forget(self, article: Article) -> None:
        """Drop a pending article that was not stored (its deferred sightings go with it)."""
        entry = self._pending.pop(article.id, None)
        if entry is not None:
            self._pending_hash.pop(entry[0], None)
        self._deferred.pop(article.id, None)
        if self._lsh is not None and article.id in self._lsh.keys:
            self._lsh.remove(article.id)

    def _write_sightings(self, article_id: str, items: Iterable[tuple[Article, Match]]) -> int:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        # Its own transaction, or a savepoint inside stored()'s.
        return self.store.add_sightings(
            [(article_id, sighting_key(a.id, a.outlet, a.url), a.id, a.outlet, a.url, a.date, m.kind, m.similarity,
              now) for a, m in items])

    def _save_signature(self, article_id: str, mh: Any) -> None:
        self.store.save_minhash(article_id, self.num_perm, _pack(mh))

    # -- the index ---------------------------------------------------------------------------------------------

    def _index(self) -> Any:
        if self._lsh is None:
            self._lsh = self._build_index()
        return self._lsh

    def _build_index(self) -> Any:
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=max(self.threshold - LSH_MARGIN, 0.3), num_perm=self.num_perm)
        store = self.store
        missing = store.articles_without_minhash()
        if missing:
            log.info("computing MinHash signatures of %d stored articles", len(missing))
            with store.transaction():
                for aid, text in missing:
                    mh = minhash(text, self.num_perm)
                    if mh is not None:
                        self._save_signature(aid, mh)
        with lsh.insertion_session() as session:
            for aid, num_perm, blob in store.minhashes():
                if num_perm == self.num_perm:
                    session.insert(aid, _unpack(blob, num_perm))
        return lsh

    def _stored_minhash(self, article_id: str) -> Optional[Any]:
        row = self.store.get_minhash(article_id)
        return _unpack(row[1], row[0]) if row else None


def _pack(mh: Any) -> bytes:
    import numpy as np

    return np.asarray(mh.hashvalues, dtype="<u8").tobytes()


def _unpack(blob: bytes, num_perm: int) -> Any:
    import numpy as np
    from datasketch import LeanMinHash, MinHash

    return LeanMinHash(MinHash(num_perm=num_perm, seed=1, scheme=SCHEME, hashvalues=np.frombuffer(blob, dtype="<u8")))


def sightings_counts(store: "DedupStore", article_ids: Iterable[str]) -> dict[str, int]:
    """How many times each article's story was seen (1 for an article stored before sightings existed)."""
    ids = list(dict.fromkeys(article_ids))
    found = store.sightings_counts(ids)
    return {aid: max(found.get(aid, 1), 1) for aid in ids}
