"""Train the stance model on FNC-1 (`claimwatch train stance --fnc DIR`).

By default it trains on the bodies *outside* the FNC-1 hold-out split (corpora/fnc.py: 10% of bodies, seeded as
the official baseline), so `claimwatch eval stance` can score the shipped model on bodies it never saw.
`--all` trains on every body (then only an external test file can score it). Hyper-parameters are chosen by
grouped (by body) cross-validation inside the training bodies, never on the held-out split.

Then, unless `cross=False`, the related-class cross-encoder is fine-tuned (`train_cross_part`): on the training
bodies minus two validation slices (one claim-grouped, one body-grouped), which pick its blend weight and the
disagree correction of the label decision (`choose_decision`).

Deterministic: fixed seeds, single-threaded feature code, HistGradientBoosting's own seed, and torch's
deterministic algorithms at a fixed thread count.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import numpy as np

from ..corpora.fnc import FncData, fnc_score, holdout_split
from ..disputes.stance import LABELS, StanceModel, combine, decide, is_related
from ..disputes.stance_cross import CROSS_FILE, evidence

log = logging.getLogger("claimwatch")

SEED = 13
# Chosen by 5-fold grouped CV on the training bodies (`claimwatch train stance --cv 5`); see EVALUATION.md.
DEFAULT_PARAMS: dict[str, Any] = {"learning_rate": 0.05, "max_iter": 400, "max_leaf_nodes": 31,
                                  "min_samples_leaf": 20, "l2_regularization": 1.0, "disagree_weight": 3.0}
GRID: tuple[dict[str, Any], ...] = (
    {},
    {"disagree_weight": 1.0},
    {"disagree_weight": 6.0},
    {"max_iter": 200, "learning_rate": 0.1},
)


def make_tfidf(texts: Sequence[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    tf = TfidfVectorizer(stop_words="english", sublinear_tf=True, max_features=20000, min_df=2,
                         dtype=np.float32)
    tf.fit(list(texts))
    return tf


def make_classifier(params: dict[str, Any], y: np.ndarray):
    """A seeded HistGradientBoostingClassifier and the per-sample weights it trains with."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    p = {**DEFAULT_PARAMS, **params}
    # balanced-ish weights: unrelated pairs are 73% of FNC-1; disagree (1.7%) gets an extra push
    counts = {lab: max(int((y == lab).sum()), 1) for lab in LABELS}
    base = {lab: (len(y) / (len(LABELS) * counts[lab])) ** 0.5 for lab in LABELS}
    base["disagree"] *= p["disagree_weight"] / 1.0
    weights = np.array([base[lab] for lab in y], dtype=np.float64)
    clf = HistGradientBoostingClassifier(
        learning_rate=p["learning_rate"], max_iter=p["max_iter"], max_leaf_nodes=p["max_leaf_nodes"],
        min_samples_leaf=p["min_samples_leaf"], l2_regularization=p["l2_regularization"],
        early_stopping=False, random_state=SEED,
    )
    return clf, weights


def _pairs(data: FncData) -> list[tuple[str, str]]:
    return [(p.headline, data.bodies[p.body_id]) for p in data.pairs]


def relative_score(y: Sequence[str], pred: Sequence[str]) -> float:
    s, m = fnc_score(list(y), list(pred))
    return s / m if m else 0.0


def claim_groups(data: FncData) -> np.ndarray:
    """A group id per pair: the FNC-1 claim its body belongs to (bodies joined through shared related headlines).

    FNC-1 reuses each claim's headlines across many bodies, so a body-id split still shows the model the
    held-out claims; grouping by claim measures how it does on claims it has never seen.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in data.pairs:
        find("b" + p.body_id)
        if p.stance and p.stance != "unrelated":
            parent[find("b" + p.body_id)] = find("h" + p.headline)
    return np.array([find("b" + p.body_id) for p in data.pairs])


def cross_validate(X: np.ndarray, y: np.ndarray, groups: np.ndarray, folds: int,
                   grid: Sequence[dict[str, Any]] = GRID,
                   progress: Optional[Callable[[str], None]] = None) -> list[dict[str, Any]]:
    """Grouped K-fold (by body) over `grid`: mean relative FNC score and disagree F1 per setting."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    results = []
    splits = list(GroupKFold(n_splits=folds).split(X, y, groups))
    for params in grid:
        scores, f1s = [], []
        for tr, va in splits:
            clf, w = make_classifier(params, y[tr])
            clf.fit(X[tr], y[tr], sample_weight=w)
            pred = clf.predict(X[va])
            scores.append(relative_score(y[va], pred))
            f1s.append(f1_score(y[va], pred, labels=["disagree"], average="macro", zero_division=0))
        row = {"params": {**DEFAULT_PARAMS, **params}, "score": float(np.mean(scores)),
               "disagree_f1": float(np.mean(f1s))}
        results.append(row)
        if progress:
            progress(f"cv {params or 'defaults'}: score {row['score']:.4f}, disagree F1 {row['disagree_f1']:.3f}")
    return results


def train_stance(
    data: FncData,
    out_path: Optional[str | Path] = None,
    *,
    use_all: bool = False,
    holdout: float = 0.1,
    params: Optional[dict[str, Any]] = None,
    cv_folds: Optional[int] = None,
    cv_by: str = "body",
    cache_dir: Optional[str | Path] = None,
    encoder: Any = None,
    cross: bool = True,
    cross_params: Optional[dict[str, Any]] = None,
    progress: Optional[Callable[[str], None]] = None,
) -> tuple[StanceModel, dict[str, Any]]:
    """Fit TF-IDF and the classifier on FNC-1 training bodies; optionally pick parameters by grouped CV.

    With `cross` (default) also fine-tune the related-class cross-encoder (`train_cross_part`), saved as
    `stance_cross.v1.npz` beside `out_path`. Returns the model (saved to `out_path` when given) and a report:
    sizes, CV table, chosen parameters, the cross-encoder's claim-grouped validation, seconds taken.
    """
    t0 = time.time()
    say = progress or (lambda msg: log.info(msg))
    train = data if use_all else holdout_split(data, holdout)[0]
    say(f"training on {len(train.pairs)} pairs over {len(train.bodies)} bodies"
        f"{'' if use_all else f' (held out: {len(data.bodies) - len(train.bodies)} bodies)'}")
    heads = list(dict.fromkeys(p.headline for p in train.pairs))
    tfidf = make_tfidf(list(train.bodies.values()) + heads)
    # no packaged cross-encoder sneaks into a model trained here: it gets its own (below) or none
    model = StanceModel(tfidf, None, encoder=encoder, cache_dir=cache_dir, use_cross=False)
    X, hv, bv = model.featurizer.transform_views(_pairs(train), progress=say)
    y = np.array([p.stance for p in train.pairs])
    groups = claim_groups(train) if cv_by == "claim" else np.array([p.body_id for p in train.pairs])
    chosen = dict(params or {})
    cv = None
    if cv_folds:
        cv = cross_validate(X, y, groups, cv_folds, progress=say)
        best = max(cv, key=lambda r: r["score"])
        chosen = {k: v for k, v in best["params"].items() if DEFAULT_PARAMS.get(k) != v}
        say(f"cv ({cv_folds} folds by {cv_by}) picked {best['params']}")
    clf, w = make_classifier(chosen, y)
    clf.fit(X, y, sample_weight=w)
    model.classifier = clf
    model.meta = {
        "trained_on": "all" if use_all else f"fnc-1 train minus hold-out ({holdout:.0%} of bodies)",
        "holdout": None if use_all else holdout,
        "train_body_ids": sorted(train.bodies, key=lambda b: (len(b), b)),
        "pairs": len(train.pairs),
        "params": {**DEFAULT_PARAMS, **chosen},
        "encoder": "all-MiniLM-L6-v2",
    }
    report = {"pairs": len(train.pairs), "bodies": len(train.bodies), "params": model.meta["params"],
              "cv": cv, "cv_by": cv_by if cv_folds else None, "cross": None, "seconds": 0.0}
    if out_path:
        model.save(out_path)
    say(f"gradient boosting done ({time.time() - t0:.0f} s)")
    if cross:
        enc, report["cross"] = train_cross_part(train, X, y, hv, bv, chosen, cross_params, progress=say)
        model.use_cross, model._cross, model._cross_tried = True, enc, True
        if out_path:
            enc.save(Path(out_path).parent / CROSS_FILE)
    report["seconds"] = round(time.time() - t0, 1)
    return model, report


VAL_SHARE = 0.15
BODY_SHARE = 0.1
BLEND_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
FACTOR_GRID = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)
# How far a pick may fall below the reference's relative score (docs/EVALUATION.md, "Stance", protocol 2):
# little on the body slice (what the FNC-1 split measures), a little more on unseen claims (what check meets).
BODY_TOLERANCE, CLAIM_TOLERANCE = 0.005, 0.01


def claim_slice(data: FncData, share: float = VAL_SHARE, seed: int = SEED) -> np.ndarray:
    """A boolean mask over `data.pairs`: whole claims (see `claim_groups`), shuffled with `seed`, taken until
    they hold `share` of the related pairs."""
    import random

    groups = claim_groups(data)
    related = np.array([p.stance not in (None, "unrelated") for p in data.pairs])
    uniq = sorted(set(groups.tolist()))
    random.Random(seed).shuffle(uniq)
    need, got, chosen = share * related.sum(), 0, set()
    per_group: dict[str, int] = {}
    for g, r in zip(groups.tolist(), related):
        per_group[g] = per_group.get(g, 0) + int(r)
    for g in uniq:
        if got >= need:
            break
        chosen.add(g)
        got += per_group[g]
    return np.isin(groups, sorted(chosen))


def body_slice(data: FncData, share: float = BODY_SHARE, seed: int = SEED) -> np.ndarray:
    """A boolean mask over `data.pairs`: the bodies a split of the official kind (`holdout_split`: body ids in
    file order, shuffled, the last `share`) holds out, here with our own seed, inside the given (training) data."""
    _, held = holdout_split(data, share, seed)
    return np.array([p.body_id in held.bodies for p in data.pairs])


def _gbm_proba(clf: Any, X: np.ndarray) -> np.ndarray:
    out = np.zeros((len(X), len(LABELS)))
    for j, lab in enumerate(clf.classes_):
        out[:, LABELS.index(str(lab))] = clf.predict_proba(X)[:, j]
    return out


def _slice_metrics(y: np.ndarray, pred: Sequence[str]) -> dict[str, float]:
    from sklearn.metrics import f1_score

    return {"score": relative_score(y, pred),
            "disagree_f1": float(f1_score(y, list(pred), labels=["disagree"], average="macro", zero_division=0))}


def decision_table(y: np.ndarray, in_body: np.ndarray, in_claim: np.ndarray, blended: dict[float, np.ndarray],
                   factors: Sequence[float] = FACTOR_GRID) -> list[dict[str, Any]]:
    """Relative score and disagree F1 on each slice for every (blend, disagree factor).

    `blended[b]` holds the (n, 4) blended probabilities of the validation pairs (labels `y`); `in_body` and
    `in_claim` say which of them belong to the body-grouped and the claim-grouped slice (they may overlap).
    """
    rows = []
    for b, proba in blended.items():
        for f in factors:
            pred = np.array(decide(proba, f))
            rows.append({"blend": b, "factor": f, "body": _slice_metrics(y[in_body], pred[in_body]),
                         "claim": _slice_metrics(y[in_claim], pred[in_claim])})
    return rows


def choose_decision(table: Sequence[dict[str, Any]], body_tol: float = BODY_TOLERANCE,
                    claim_tol: float = CLAIM_TOLERANCE) -> tuple[dict[str, Any], dict[str, Any]]:
    """(reference, pick) from a `decision_table`: the pre-registered rule of docs/EVALUATION.md.

    The reference is the rule the model shipped with before: no correction (factor 1), the blend with the best
    claim-slice score. The pick has the best body-slice disagree F1 among rows whose body-slice score is at most
    `body_tol` and claim-slice score at most `claim_tol` below the reference's; ties go to the simpler row (the
    smaller factor, then the blend nearest the reference's).
    """
    plain = [r for r in table if r["factor"] == 1.0]
    ref = max(plain, key=lambda r: (r["claim"]["score"], r["blend"]))
    ok = [r for r in table if r["body"]["score"] >= ref["body"]["score"] - body_tol
          and r["claim"]["score"] >= ref["claim"]["score"] - claim_tol]
    pick = min(ok, key=lambda r: (-r["body"]["disagree_f1"], r["factor"], abs(r["blend"] - ref["blend"]),
                                  r["blend"]))
    return ref, pick


def train_cross_part(train: FncData, X: np.ndarray, y: np.ndarray, hv: dict, bv: dict,
                     gbm_params: dict[str, Any], params: Optional[dict[str, Any]] = None,
                     share: float = VAL_SHARE, progress: Optional[Callable[[str], None]] = None):
    """Fine-tune the cross-encoder on the related pairs of the training bodies minus two validation slices.

    The slices: `claim_slice` (whole claims: what `check` meets) and `body_slice` (bodies of the official
    split's kind). Neither is seen by the cross-encoder nor by a gradient-boosting model refitted without them;
    together they pick the blend weight of `combine` and the disagree factor of `decide` (`choose_decision`).
    The held-out bodies of `eval stance` play no part.
    """
    from ..disputes.stance_cross import DEFAULT_TRAIN, train_cross

    t0 = time.time()
    say = progress or (lambda msg: log.info(msg))
    pairs = _pairs(train)
    p = {**DEFAULT_TRAIN, **(params or {})}
    k = int(p["k"])

    def ev(i: int) -> tuple[str, str]:
        h, b = pairs[i]
        return h, evidence(bv[b].sentences, bv[b].emb @ hv[h].emb[0], k)

    cval, bval = claim_slice(train, share), body_slice(train)
    val = cval | bval
    # `discuss_keep` < 1 trains on a seeded share of the (plentiful) discuss pairs, when CPU time is short
    keep = np.random.default_rng(SEED).random(len(y)) < p["discuss_keep"]
    tr_rel = np.flatnonzero(~val & (y != "unrelated") & ((y != "discuss") | keep))
    say(f"cross-encoder: {len(tr_rel)} related training pairs; validation: claim-grouped slice {int(cval.sum())} "
        f"pairs ({int((cval & (y != 'unrelated')).sum())} related), body-grouped slice {int(bval.sum())} pairs "
        f"({int((bval & (y != 'unrelated')).sum())} related, {int((bval & (y == 'disagree')).sum())} disagree)")
    enc = train_cross([ev(i) for i in tr_rel], [str(v) for v in y[tr_rel]], p, seed=SEED, progress=say)
    clf, w = make_classifier(gbm_params, y[~val])
    clf.fit(X[~val], y[~val], sample_weight=w)
    vi = np.flatnonzero(val)
    gbm = _gbm_proba(clf, X[vi])
    cp = enc.predict_proba([ev(i) for i in vi[is_related(gbm)]])
    table = decision_table(y[vi], bval[vi], cval[vi], {b: combine(gbm, cp, b) for b in BLEND_GRID})
    ref, pick = choose_decision(table)
    for r in table:
        if r["blend"] in (ref["blend"], pick["blend"]) or r["factor"] == 1.0:
            say(f"blend {r['blend']:.2f} disagree ×{r['factor']:g}: body slice score {r['body']['score']:.4f} "
                f"disagree F1 {r['body']['disagree_f1']:.3f}; claim slice score {r['claim']['score']:.4f} "
                f"disagree F1 {r['claim']['disagree_f1']:.3f}")
    say(f"reference (blend {ref['blend']}, ×1): body {ref['body']['score']:.4f} / {ref['body']['disagree_f1']:.3f}, "
        f"claim {ref['claim']['score']:.4f} / {ref['claim']['disagree_f1']:.3f}")
    say(f"picked blend {pick['blend']}, disagree ×{pick['factor']:g}: body {pick['body']['score']:.4f} / "
        f"{pick['body']['disagree_f1']:.3f}, claim {pick['claim']['score']:.4f} / {pick['claim']['disagree_f1']:.3f}")
    enc.meta.update({"blend": pick["blend"], "disagree_factor": pick["factor"], "validation": table,
                     "reference": ref,
                     "train_body_ids": sorted({train.pairs[i].body_id for i in tr_rel}, key=lambda s: (len(s), s))})
    say(f"cross-encoder done ({time.time() - t0:.0f} s)")
    return enc, {"train_pairs": len(tr_rel), "validation_pairs": int(val.sum()), "validation": table,
                 "reference": ref, "blend": pick["blend"], "disagree_factor": pick["factor"],
                 "seconds": round(time.time() - t0, 1)}
