"""Score the stance model on FNC-1: the body-id hold-out split of the train data, or any FNC-format test files."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Optional

from ..corpora.fnc import LABELS, FncData, confusion, fnc_score, holdout_split, per_class_f1, read_fnc, read_fnc_dir
from ..disputes.stance import StanceModel
from ..errors import ClaimwatchError, InputError


def score_report(gold: list[str], pred: list[str]) -> dict[str, Any]:
    """FNC-1 weighted score (raw, max, relative), accuracy, per-class P/R/F1 and the confusion matrix."""
    score, best = fnc_score(gold, pred)
    m = confusion(gold, pred)
    per = per_class_f1(m)
    related = [lab for lab in LABELS if lab != "unrelated"]
    return {
        "pairs": len(gold),
        "score": score,
        "max_score": best,
        "relative_score": score / best if best else 0.0,
        "accuracy": sum(g == p for g, p in zip(gold, pred)) / len(gold) if gold else 0.0,
        "macro_f1": sum(per[lab]["f1"] for lab in LABELS) / len(LABELS),
        "related_macro_f1": sum(per[lab]["f1"] for lab in related) / len(related),
        "per_class": per,
        "labels": list(LABELS),
        "confusion": m,
    }


def evaluate_stance(
    fnc_dir: Optional[str | Path] = None,
    *,
    test_stances: Optional[str | Path] = None,
    test_bodies: Optional[str | Path] = None,
    model_path: Optional[str | Path] = None,
    holdout: float = 0.1,
    cache_dir: Optional[str | Path] = None,
    use_cross: bool = True,
    progress: Optional[Callable[[str], None]] = None,
) -> dict[str, Any]:
    """Score a trained stance model.

    With `fnc_dir` alone: the held-out bodies of the FNC-1 train data (the model must not have trained on
    them; `claimwatch train stance` leaves them out unless `--all`). With `test_stances`/`test_bodies`: those
    files, which must carry a Stance column.
    """
    if (test_stances is None) != (test_bodies is None):
        raise InputError("give both --test-stances and --test-bodies, or neither")
    model = StanceModel.load(model_path, cache_dir=cache_dir, use_cross=use_cross)
    cross = model.cross()
    if test_stances is not None:
        data: FncData = read_fnc(test_stances, test_bodies)  # type: ignore[arg-type]
        source = f"{Path(test_stances).name} + {Path(test_bodies).name}"  # type: ignore[arg-type]
    else:
        if fnc_dir is None:
            raise InputError("give --fnc DIR (hold-out split) or --test-stances/--test-bodies")
        _, data = holdout_split(read_fnc_dir(fnc_dir), holdout)
        seen = set(model.meta.get("train_body_ids") or [])
        cross_seen = set(cross.meta.get("train_body_ids") or []) if cross is not None else {""}
        if not seen or seen & set(data.bodies) or not cross_seen or cross_seen & set(data.bodies):
            raise ClaimwatchError("this stance model was trained on held-out bodies (or does not say which it "
                                  "saw); retrain without --all to score it on the hold-out split")
        source = f"FNC-1 train, held-out bodies ({holdout:.0%}, seed as the official baseline)"
    unlabelled = sum(p.stance is None for p in data.pairs)
    if unlabelled:
        raise InputError(f"{unlabelled} pair(s) have no Stance label: cannot score them")
    t0 = time.time()
    pred = model.predict_labels([(p.headline, data.bodies[p.body_id]) for p in data.pairs])
    parts = ("gradient boosting" if cross is None
              else f"gradient boosting + cross-encoder (blend {cross.meta.get('blend')}, disagree "
                  f"×{model.disagree_factor():g})")
    report = score_report([p.stance for p in data.pairs], pred)  # type: ignore[misc]
    report.update({"data": source, "bodies": len(data.bodies), "seconds": round(time.time() - t0, 1),
                   "model": str(model_path or "packaged"), "trained_on": model.meta.get("trained_on"),
                   "parts": parts})
    return report


def render_stance_table(report: dict[str, Any]) -> str:
    """The report as plain text: headline numbers, per-class table, confusion matrix."""
    labs = report["labels"]
    out = [
        f"FNC-1 stance: {report['data']}: {report['pairs']} pairs, {report['bodies']} bodies",
        f"model: {report.get('parts', 'gradient boosting')}",
        f"score {report['score']:.2f} / {report['max_score']:.2f} = {100 * report['relative_score']:.2f}% "
        f"of max; accuracy {100 * report['accuracy']:.1f}%; macro F1 {100 * report['macro_f1']:.1f} "
        f"(related classes {100 * report['related_macro_f1']:.1f})",
        "",
        f"{'class':<10} {'P':>6} {'R':>6} {'F1':>6} {'n':>6}",
    ]
    for lab in labs:
        c = report["per_class"][lab]
        out.append(f"{lab:<10} {100 * c['p']:6.1f} {100 * c['r']:6.1f} {100 * c['f1']:6.1f} {c['support']:6d}")
    out += ["", "confusion (rows gold, columns predicted)",
            f"{'':<10} " + " ".join(f"{lab:>9}" for lab in labs)]
    for lab, row in zip(labs, report["confusion"]):
        out.append(f"{lab:<10} " + " ".join(f"{v:9d}" for v in row))
    return "\n".join(out)
