"""``claimwatch check "sentence"``: which stored claims support it, which contradict it.

The sentence is read as one claim by the same pipeline stages as articles (actors, places, dates, numbers,
event), embedded, and matched against every stored claim's cached embedding with one matrix product; the best
candidates (similar wording, or events of the same or the opposite family) are then compared with the rules
of ``compare.py``. When the FNC-1 stance model (``disputes/stance.py``) is installed, its agree/disagree
probabilities are blended into the scores (30 %) and can add a contradiction the rules missed.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Optional

import numpy as np
from pydantic import BaseModel

from ..errors import ClaimwatchError
from ..schema import Article, CharSpan, Claim, ClaimOut
from ..store import Store, StoredClaim
from .candidates import profile
from .compare import compare, supports
from .detect import ensure_embeddings
from .embeddings import Embedder, embedding_text, get_embedder
from .lexicon import DisputeLexicon, default_lexicon

log = logging.getLogger("claimwatch")
MAX_CHARS = 5000
CANDIDATES = 300
STANCE_WEIGHT = 0.3
# The stance model embeds every sentence it reads (~15 ms each on one core): it reads only the matches and pending
# candidates most similar to the sentence, which keeps a warm check well under a second on 100K claims.
STANCE_PAIRS = 25
STANCE_SENTENCES = 3  # of each candidate's content


class CheckMatch(BaseModel):
    claim: StoredClaim
    score: float
    relation: str  # supports / contradicts
    reason: str
    similarity: float


class CheckResult(BaseModel):
    query: str
    method: str
    event: Optional[str] = None
    supporting: list[CheckMatch] = []
    contradicting: list[CheckMatch] = []
    candidates: int = 0
    claims_searched: int = 0
    seconds: float = 0.0


def sentence_claim(nlp: Any, text: str, date: Optional[str] = None) -> ClaimOut:
    """The sentence as one claim, coded by the pipeline's actor, place, date, number and event stages."""
    from ..nlp.extensions import ARTICLE_DATE_ATTR, CLAIMS_ATTR, register
    from ..pipeline import claim_to_out

    register()
    body = text.strip()
    doc = nlp.make_doc(body)
    setattr(doc._, ARTICLE_DATE_ATTR, date)
    for name, proc in nlp.pipeline:
        if name == "claimwatch_attribution":
            # No attribution: the whole sentence is the content, asserted by nobody in particular.
            setattr(doc._, CLAIMS_ATTR, [Claim(content=(CharSpan(0, len(body)),), kind="indirect", cue_class="assert")])
            continue
        if name == "claimwatch_speakers":
            continue
        doc = proc(doc)
    claims = getattr(doc._, CLAIMS_ATTR) or []
    return claim_to_out(Article(id="check", text=body, date=date), claims[0])


def _stance_model(embedder: Embedder) -> Any:
    """The FNC-1 stance model when it is installed and loads; None otherwise (the rules work alone)."""
    try:
        from .stance import StanceModel
    except ImportError:
        return None
    try:
        # Gradient boosting only: the cross-encoder adds ~0.6 s per check for 40 pairs, and on claims it has not
        # seen (what check meets) it barely moves the score (docs/EVALUATION.md, "Stance": 0.881 vs 0.886).
        return StanceModel.load(encoder=embedder if embedder.name.lower().startswith("all-minilm") else None,
                                use_cross=False)
    except ClaimwatchError as exc:
        log.info("stance model not used: %s", exc)
        return None
    except Exception as exc:  # a broken optional model must not break check
        log.warning("stance model not used: %s: %s", type(exc).__name__, exc)
        return None


class Checker:
    """Holds the pipeline, the embedder and the store's embedding matrix between checks (the web keeps one)."""

    def __init__(self, store: Optional[Store], *, nlp: Any = None, embedder: Optional[Embedder] = None,
                 use_stance: bool = True, lex: Optional[DisputeLexicon] = None) -> None:
        self._store = store  # None: only the models are used (the web loads them this way)
        self._nlp = nlp
        self.embedder = embedder or get_embedder()
        self.lex = lex or default_lexicon()
        self.use_stance = use_stance
        self._stance: Any = None
        self._stance_tried = False
        self._matrix: Optional[tuple[list[str], np.ndarray, np.ndarray]] = None
        self._rows: Optional[dict[str, int]] = None  # claim id -> row of the matrix

    @property
    def store(self) -> Store:
        if self._store is None:
            raise ClaimwatchError("this checker has no claim store")
        return self._store

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            from ..pipeline import load_nlp

            self._nlp = load_nlp()
        return self._nlp

    def stance_model(self) -> Any:
        if self.use_stance and not self._stance_tried:
            self._stance_tried = True
            self._stance = _stance_model(self.embedder)
        return self._stance

    def matrix(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Claim ids, their vectors and each claim's event family index (lazily embeds missing claims)."""
        if self._matrix is None:
            ensure_embeddings(self.store, self.embedder)
            ids, vectors = self.store.embedding_matrix(self.embedder.name)
            fams = self.store.claim_event_families(ids, self.lex)
            self._matrix = (ids, vectors, fams)
        return self._matrix

    def check(self, text: str, *, date: Optional[str] = None, limit: int = 10) -> CheckResult:
        text = " ".join(text.split())
        if not text:
            raise ClaimwatchError("nothing to check: the sentence is empty")
        if len(text) > MAX_CHARS:
            raise ClaimwatchError(f"the sentence is too long to check ({len(text)} characters; at most {MAX_CHARS})")
        t0 = time.perf_counter()
        lex = self.lex
        qclaim = sentence_claim(self.nlp, text, date)
        q = profile(qclaim, article_id="\x00check", lex=lex)
        qv = self.embedder.encode([embedding_text(qclaim.content.text)])[0]
        ids, vectors, fams = self.matrix()
        result = CheckResult(query=text, method="embeddings+rules", claims_searched=len(ids),
                             event=qclaim.event.category if qclaim.event else None)
        if not ids:
            result.seconds = round(time.perf_counter() - t0, 4)
            return result
        cos = vectors @ qv
        names = self.store.family_names(lex)
        boost = np.zeros(len(names) + 1, dtype=np.float32)
        if q.family is not None:
            for k, name in enumerate(names, start=1):
                if name == q.family or lex.opposition(q.family, name) > 0:
                    boost[k] = 0.2
        ranked = cos + boost[fams]
        top = np.argsort(-ranked)[: min(CANDIDATES, len(ids))]
        top = [int(k) for k in top if cos[k] >= 0.15]
        result.candidates = len(top)
        claims = self.store.claims_by_id([ids[k] for k in top])
        matches: list[CheckMatch] = []
        pending: list[tuple[StoredClaim, float]] = []
        for k in top:
            claim = claims.get(ids[k])
            if claim is None:
                continue
            p = profile(claim, lex=lex)
            sim = float(cos[k])
            conflict = compare(q, p, sim, lex)
            if conflict is not None:
                matches.append(CheckMatch(claim=claim, score=conflict.score, relation="contradicts",
                                          reason=conflict.explanation, similarity=round(sim, 4)))
                continue
            s = supports(q, p, sim, lex)
            if s is not None:
                matches.append(CheckMatch(claim=claim, score=s, relation="supports",
                                          reason=f"same {p.family or 'content'}" + (" (both deny)" if q.sign < 0 else ""),
                                          similarity=round(sim, 4)))
            elif sim >= 0.5:
                pending.append((claim, sim))
        model = self.stance_model()
        if model is not None and (matches or pending):
            result.method = "embeddings+rules+stance"
            matches.sort(key=lambda m: -m.similarity)
            pending.sort(key=lambda p: -p[1])
            read, unread = matches[:STANCE_PAIRS], matches[STANCE_PAIRS:]
            self._blend(model, text, read, pending[: max(0, STANCE_PAIRS - len(read))])  # appends what it adds
            matches = read + unread
        for m in matches:
            (result.supporting if m.relation == "supports" else result.contradicting).append(m)
        result.supporting.sort(key=lambda m: -m.score)
        result.contradicting.sort(key=lambda m: -m.score)
        result.supporting = result.supporting[:limit]
        result.contradicting = result.contradicting[:limit]
        result.seconds = round(time.perf_counter() - t0, 4)
        return result

    def _reuse_vectors(self, model: Any, claims: list[StoredClaim]) -> None:
        """Hand the stance model the stored vectors of one-sentence claims, so a check embeds only its own sentence.

        The stored vector is of the claim's ``embedding_text`` (quote marks and a leading "that" dropped), the
        stance features' of the sentence as written: close enough for a 30 % blend, and ~10x faster on a warm check.
        """
        from .stance_features import split_sentences

        embedder = getattr(getattr(model, "featurizer", None), "embedder", None)
        if embedder is None or not hasattr(embedder, "remember"):
            return
        ids, vectors, _ = self.matrix()
        if self._rows is None or len(self._rows) != len(ids):
            self._rows = {cid: k for k, cid in enumerate(ids)}
        for claim in claims:
            row = self._rows.get(claim.id)
            sentences = split_sentences(claim.content.text)
            if row is not None and len(sentences) == 1:
                embedder.remember(sentences[0], vectors[row])

    def _blend(self, model: Any, text: str, matches: list[CheckMatch], pending: list[tuple[StoredClaim, float]]) -> None:
        self._reuse_vectors(model, [m.claim for m in matches] + [c for c, _ in pending])
        pairs = [(text, _head(m.claim.content.text)) for m in matches] + [(text, _head(c.content.text))
                                                                             for c, _ in pending]
        try:
            probs = model.predict(pairs)
        except Exception as exc:  # never let the optional model break a check
            log.warning("stance model failed: %s: %s", type(exc).__name__, exc)
            return
        for m, p in zip(matches, probs):
            own = p["agree"] if m.relation == "supports" else p["disagree"]
            m.score = round((1 - STANCE_WEIGHT) * m.score + STANCE_WEIGHT * own, 4)
        for (claim, sim), p in zip(pending, probs[len(matches):]):
            if p["disagree"] >= 0.6:
                matches.append(CheckMatch(claim=claim, score=round(p["disagree"] * sim, 4), relation="contradicts",
                                          reason=f"stance model: disagree {p['disagree']:.2f}", similarity=round(sim, 4)))
            elif p["agree"] >= 0.7:
                matches.append(CheckMatch(claim=claim, score=round(p["agree"] * sim, 4), relation="supports",
                                          reason=f"stance model: agree {p['agree']:.2f}", similarity=round(sim, 4)))


def _head(content: str, sentences: int = STANCE_SENTENCES) -> str:
    """A claim's first sentences: a run-on quote of twenty sentences costs the stance model twenty embeddings."""
    from .stance_features import split_sentences

    parts = split_sentences(content)
    return content if len(parts) <= sentences else " ".join(parts[:sentences])


def check_claim(store: Store, text: str, *, date: Optional[str] = None, limit: int = 10, nlp: Any = None,
                embedder: Optional[Embedder] = None, use_stance: bool = True) -> CheckResult:
    """One-off check (the CLI); keep a ``Checker`` to check many sentences against the same store."""
    return Checker(store, nlp=nlp, embedder=embedder, use_stance=use_stance).check(text, date=date, limit=limit)
