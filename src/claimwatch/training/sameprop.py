"""Fit the same-proposition head (``disputes/sameprop.py``) on the dev half of the real-news gold pairs.

The threshold rule was set before the fit and is not tuned afterwards: the highest threshold at which the
5-fold cross-validated probabilities still keep 90% of the dev pairs labelled dispute or position. The head is
a filter on pairs the relation already opposes, so it is allowed to lose a tenth of the real ones.
"""
from __future__ import annotations

import random
from typing import Sequence

import numpy as np

from ..disputes.sameprop import SamePropHead, fit_head

SAME = ("same", "dispute", "position", "partly")
REAL = ("dispute", "position")
KEEP_REAL = 0.90
FOLDS = 5


def _auc(s: np.ndarray, y: np.ndarray) -> float:
    pos, neg = s[y == 1], s[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    return float(((pos[:, None] > neg[None]).sum() + 0.5 * (pos[:, None] == neg[None]).sum()) / (len(pos) * len(neg)))


def cv_probabilities(u: np.ndarray, v: np.ndarray, y: np.ndarray, c: float, seed: int = 7) -> np.ndarray:
    idx = list(range(len(y)))
    random.Random(seed).shuffle(idx)
    out = np.zeros(len(y))
    for f in range(FOLDS):
        test = np.array(sorted(idx[f::FOLDS]))
        train = np.array(sorted(set(idx) - set(test.tolist())))
        w, b = fit_head(u[train], v[train], y[train], c)
        head = SamePropHead(w, b, 0.5, "")
        out[test] = head.symmetric(u[test], v[test])
    return out


def threshold_keeping(probs: np.ndarray, real: np.ndarray, keep: float = KEEP_REAL) -> float:
    """The highest threshold at which at least ``keep`` of the real pairs have probability >= it."""
    p = np.sort(probs[real == 1])[::-1]
    if not len(p):
        return 0.5
    k = int(np.ceil(keep * len(p))) - 1
    return float(np.floor(p[k] * 1000) / 1000)


def fit_pairs(u: np.ndarray, v: np.ndarray, labels: Sequence[str], embedder_name: str, c: float = 0.3
              ) -> SamePropHead:
    """Fit the head on content vectors ``u``/``v`` of gold pairs with their gold ``labels``, and choose its
    threshold by the rule above."""
    y = np.array([int(label in SAME) for label in labels])
    real = np.array([int(label in REAL) for label in labels])
    cv = cv_probabilities(u, v, y, c)
    threshold = threshold_keeping(cv, real)
    w, b = fit_head(u, v, y, c)
    gated = cv >= threshold
    report = {"pairs": len(y), "same_proposition": int(y.sum()), "real": int(real.sum()), "c": c,
              "cv_auc_same": round(_auc(cv, y), 3), "cv_auc_real": round(_auc(cv, real), 3),
              "threshold": threshold, "cv_kept_pairs": int(gated.sum()),
              "cv_kept_real": int((gated & (real == 1)).sum())}
    about = (f"Fitted by `claimwatch train sameprop` on the dev half of tests/gold_real ({len(y)} matched pairs, "
             f"{int(y.sum())} same proposition); threshold: the highest keeping {KEEP_REAL:.0%} of the dev real "
             f"disputes under {FOLDS}-fold cross-validation.")
    return SamePropHead(w, b, threshold, embedder_name, about, report)
