"""FNC-1 (Fake News Challenge stage 1) reader, body-id hold-out split and the official weighted score.

The data is two CSV files: stances (`Headline`, `Body ID`, `Stance`) and bodies (`Body ID`, `articleBody`).
Only the train split is in ../shared/data/fnc-1; the competition test set is held back and never looked for.

Notes:
    The score follows the organisers' `score_submission` (FakeNewsChallenge/fnc-1-baseline, utils/score.py):
    0.25 when related/unrelated is right, +0.75 more when a related pair gets its exact label. The split
    follows their `generate_hold_out_split`: body ids in file order, shuffled by `random.Random(1489215)`,
    the last share held out, so a body and all its headlines fall on one side.
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..errors import InputError

LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED = ("agree", "disagree", "discuss")
SPLIT_SEED = 1489215


@dataclass(frozen=True)
class StancePair:
    """One FNC-1 row: a headline, the id of a body, and the gold stance (None when unlabelled)."""

    headline: str
    body_id: str
    stance: Optional[str]


@dataclass
class FncData:
    """Pairs plus the bodies they point to (body id -> text), in file order."""

    pairs: list[StancePair]
    bodies: dict[str, str]

    def subset(self, body_ids: Iterable[str]) -> "FncData":
        keep = set(body_ids)
        return FncData([p for p in self.pairs if p.body_id in keep],
                       {b: t for b, t in self.bodies.items() if b in keep})


def _read_csv(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise InputError(f"FNC-1 file not found: {path}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"{path}: missing column(s) {', '.join(missing)} (an FNC-1 CSV needs "
                                 f"{', '.join(required)})")
            return list(reader)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV ({exc})") from None


def read_fnc(stances_path: str | Path, bodies_path: str | Path) -> FncData:
    """Read one FNC-format pair of files; a stance outside the four labels or an unknown body id is an error."""
    stances_path, bodies_path = Path(stances_path), Path(bodies_path)
    bodies: dict[str, str] = {}
    for row in _read_csv(bodies_path, ("Body ID", "articleBody")):
        bodies[row["Body ID"].strip()] = row["articleBody"]
    pairs = []
    stance_rows = _read_csv(stances_path, ("Headline", "Body ID"))
    for i, row in enumerate(stance_rows, start=2):
        bid = row["Body ID"].strip()
        if bid not in bodies:
            raise InputError(f"{stances_path}:{i}: body id {bid!r} is not in {bodies_path.name}")
        stance = (row.get("Stance") or "").strip().lower() or None
        if stance is not None and stance not in LABELS:
            raise InputError(f"{stances_path}:{i}: unknown stance {row['Stance']!r} (expected one of "
                             f"{', '.join(LABELS)})")
        pairs.append(StancePair(row["Headline"], bid, stance))
    return FncData(pairs, bodies)


def read_fnc_dir(fnc_dir: str | Path, split: str = "train") -> FncData:
    """`<dir>/<split>_stances.csv` and `<dir>/<split>_bodies.csv`."""
    d = Path(fnc_dir)
    if not d.is_dir():
        raise InputError(f"FNC-1 directory not found: {d}")
    return read_fnc(d / f"{split}_stances.csv", d / f"{split}_bodies.csv")


def holdout_split(data: FncData, holdout: float = 0.1, seed: int = SPLIT_SEED) -> tuple[FncData, FncData]:
    """(train, held-out) by body id, as the FNC-1 baseline's `generate_hold_out_split` (shuffled ids, seeded)."""
    ids = list(data.bodies)
    random.Random(seed).shuffle(ids)
    n_train = int((1.0 - holdout) * len(ids))
    return data.subset(ids[:n_train]), data.subset(ids[n_train:])


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float]:
    """(score, maximum score) under the official FNC-1 weighting."""
    if len(gold) != len(pred):
        raise ValueError("gold and predicted labels differ in length")
    score = best = 0.0
    for g, p in zip(gold, pred):
        best += 0.25 if g == "unrelated" else 1.0
        if g == p:
            score += 0.25
            if g != "unrelated":
                score += 0.5
        if g in RELATED and p in RELATED:
            score += 0.25
    return score, best


def confusion(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> list[list[int]]:
    """Counts, rows = gold label, columns = predicted label, in `labels` order."""
    index = {lab: i for i, lab in enumerate(labels)}
    m = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred):
        m[index[g]][index[p]] += 1
    return m


def per_class_f1(matrix: Sequence[Sequence[int]], labels: Sequence[str] = LABELS) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per label from a confusion matrix."""
    out = {}
    for i, lab in enumerate(labels):
        tp = matrix[i][i]
        n_pred = sum(row[i] for row in matrix)
        n_gold = sum(matrix[i])
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        out[lab] = {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "support": n_gold}
    return out
