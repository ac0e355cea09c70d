"""``check``'s support head: the probability that a stored claim supports a checked sentence.

A logistic over what a candidate shares with the sentence: the cosine (with the whole and with its best clause), the
same-proposition head's score, the shared rare words (``terms.py``), whether a gate stands between them (a fact
against a prediction, two agents), and whether the older support rules pass it. A claim that opposes the sentence
(a denial, a doubt, the opposite act, other numbers, the act blamed on another) is never a support, whatever it
shares: ``check`` leaves it out before asking the head. Fitted on the gold ``check`` cases
(``python -m claimwatch.eval.dispute_gold fit-support``; docs/DISPUTES.md#check), weights and threshold in
``resources/check_support.v2.json``. ``check`` lists a claim as supporting when nothing makes it a contradiction and
this probability reaches the threshold (or it tells the same event, ``Checker.same_event``), best first; never a
claim that asserts nothing (a question, a word or two) or, in other words, a dated act of another day. The head
holds only for the embedder it was fitted with (``fitted.embedder``); with another, the older rules decide.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from ..errors import ClaimwatchError
from .embeddings import MINILM

FEATURES = ("bias", "cos", "same_prop", "cover", "cover_names", "cover_other", "top_terms", "rare_shared",
            "gate_modality", "gate_other", "rule", "cos_part", "part_gain")
RESOURCE = Path(__file__).resolve().parent.parent / "resources" / "check_support.v2.json"


@dataclass
class SupportHead:
    weights: dict[str, float]
    threshold: float
    fitted: dict[str, Any] = field(default_factory=dict)  # how and on what it was fitted

    def p(self, x: dict[str, float]) -> float:
        z = sum(w * x.get(k, 0.0) for k, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def applies_to(self, embedder: str) -> bool:
        return self.fitted.get("embedder", MINILM) == embedder

    def to_json(self) -> dict[str, Any]:
        return {"weights": self.weights, "threshold": self.threshold, "fitted": self.fitted}

    @classmethod
    def from_json(cls, data: dict[str, Any], source: str = "support head") -> "SupportHead":
        unknown = set(data.get("weights") or {}) - set(FEATURES)
        if unknown or "threshold" not in data or not data.get("weights"):
            raise ClaimwatchError(f"{source}: not a support head (unknown features {sorted(unknown)} or no threshold)")
        return cls({k: float(v) for k, v in data["weights"].items()}, float(data["threshold"]), data.get("fitted", {}))


@lru_cache(maxsize=1)
def default_head() -> Optional[SupportHead]:
    """The shipped head, or None where the file is missing (the older rules then decide alone)."""
    if not RESOURCE.is_file():
        return None
    return SupportHead.from_json(json.loads(RESOURCE.read_text(encoding="utf-8")), str(RESOURCE))


def features(sim: float, same_prop: Optional[float], overlap: dict[str, float], gate: Optional[str],
             rule: bool, same_side_gate: str, cos_part: Optional[float] = None) -> dict[str, float]:
    """One candidate's features. A gate of modality ("fact vs prediction") is apart from the others: a plan
    announced supports the act done more often than two agents or two times do. ``cos_part``: the claim's best
    cosine with a clause of the sentence (``check.sentence_parts``), and how much it beats the whole's."""
    part = sim if cos_part is None else cos_part
    other_gate = gate is not None and gate != same_side_gate
    modality = other_gate and " vs " in (gate or "")
    return {"bias": 1.0, "cos": sim, "same_prop": same_prop or 0.0, **overlap,
            "gate_modality": float(modality), "gate_other": float(other_gate and not modality),
            "rule": float(rule), "cos_part": part, "part_gain": max(0.0, part - sim)}
