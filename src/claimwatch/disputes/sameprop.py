"""Do two claims' contents state the same proposition, whatever their polarity?

A denial is a dispute only when what it denies is what the other side asserts. The relation's slots (agent,
target, place, time) and one cosine cannot tell "Iran denies selling drones to Russia" against "Iran sold drones
to Russia" (the same act) from the same denial against "Russia fires Iranian drones at Kyiv" (a linked but
different act): in the judged real-news listings most false groups were of that second kind (docs/EVALUATION.md).

This head is a logistic regression over the two content vectors the dispute stage already stores
(all-MiniLM-L6-v2): their element-wise product, their absolute difference, and their cosine, the usual way to
compare two sentence embeddings (Conneau et al. 2017, "Supervised Learning of Universal Sentence Representations
from Natural Language Inference Data"). It is fitted by ``claimwatch train sameprop`` on the dev half of the
project's real-news gold pairs, where a pair is the same proposition when its label is same, dispute, position
or partly, and not when it is related or unrelated. It costs one dot product per pair, so detection applies it
to every pair the relation calls a denial, doubt or conflicting figure, and drops those under its threshold.

The weights only mean something for the embedder they were fitted with; with another embedder (the lexical
fallback) the head is not used.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import numpy as np

from ..errors import DataFileError
from ..resources import cached, packaged

RESOURCE = "sameprop.v1.npz"
FORMAT = "claimwatch-sameprop/1"
# The relation features that mark a contradiction between two tellings of one proposition; opposite events and
# blame compare two different propositions on purpose, so the head does not judge them.
JUDGED = ("opposed", "doubted", "numbers_conflict")


def pair_features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(n, 2 d + 1) features of row-aligned unit vectors ``u`` and ``v``: u*v, |u-v|, cosine."""
    u = np.atleast_2d(np.asarray(u, dtype=np.float64))
    v = np.atleast_2d(np.asarray(v, dtype=np.float64))
    return np.hstack([u * v, np.abs(u - v), (u * v).sum(axis=1, keepdims=True)])


@dataclass
class SamePropHead:
    weights: np.ndarray  # (2 d + 1,)
    bias: float
    threshold: float
    embedder: str
    about: str = ""
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def dim(self) -> int:
        return (len(self.weights) - 1) // 2

    def applies_to(self, embedder_name: Optional[str], dim: int) -> bool:
        return embedder_name == self.embedder and dim == self.dim

    def probability(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Probability, per row, that contents ``u`` and ``v`` state the same proposition."""
        z = pair_features(u, v) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def symmetric(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The mean of both orders: the fit saw both, and a pair's probability must not depend on which is first."""
        return (self.probability(u, v) + self.probability(v, u)) / 2

    def save(self, path: Union[str, Path]) -> Path:
        p = Path(path)
        meta = {"format": FORMAT, "threshold": self.threshold, "embedder": self.embedder, "bias": self.bias,
                "about": self.about, "report": self.report}
        tmp = p.with_name(p.name + ".tmp.npz")
        np.savez_compressed(tmp, weights=self.weights.astype(np.float32), __meta__=np.array(json.dumps(meta)))
        tmp.replace(p)
        return p


def _read(path: Path) -> SamePropHead:
    try:
        with np.load(path, allow_pickle=False) as z:
            weights = np.asarray(z["weights"], dtype=np.float64)
            meta = json.loads(str(z["__meta__"]))
        if meta.get("format") != FORMAT or weights.ndim != 1 or len(weights) % 2 != 1:
            raise ValueError(f"not a {FORMAT} file")
        return SamePropHead(weights, float(meta["bias"]), float(meta["threshold"]), str(meta["embedder"]),
                            str(meta.get("about", "")), dict(meta.get("report", {})))
    except (OSError, KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
        raise DataFileError(f"{path}: not a valid same-proposition head ({type(exc).__name__}: {exc})") from None


def load_head(path: Union[str, Path, None] = None) -> Optional[SamePropHead]:
    """The head in ``path`` (default: the packaged one; None when the package has none)."""
    if path is not None:
        return _read(Path(path))
    p = packaged(RESOURCE)
    return cached(_read, p) if p.is_file() else None


def judged(features: dict[str, float]) -> bool:
    """Whether the head decides this contradiction: one proposition told with opposite polarity or figures."""
    return any(features.get(k) for k in JUDGED)


def fit_head(u: np.ndarray, v: np.ndarray, y: Sequence[int], c: float = 0.3, iters: int = 100
             ) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton steps, classes weighted to balance (both orders of each pair
    are fitted, so the head is symmetric in its two claims up to rounding)."""
    X = np.vstack([pair_features(u, v), pair_features(v, u)])
    t = np.concatenate([np.asarray(y, dtype=np.float64)] * 2)
    X = np.hstack([X, np.ones((len(X), 1))])
    pos = max(t.sum(), 1.0)
    neg = max(len(t) - t.sum(), 1.0)
    sw = np.where(t == 1, len(t) / (2 * pos), len(t) / (2 * neg))
    reg = np.full(X.shape[1], 1.0 / c)
    reg[-1] = 0.0
    w = np.zeros(X.shape[1])
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ w, -30, 30)))
        grad = X.T @ (sw * (p - t)) + reg * w
        hess = (X * (sw * p * (1 - p))[:, None]).T @ X + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])
