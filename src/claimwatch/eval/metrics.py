"""Score predicted attributions against gold ones (pure functions, micro-averaged).

An attribution is a mapping with ``source``, ``cue`` and ``content``; each role is a list of
``[start, end]`` char spans into the article text, or None when absent.

The scorer:

* Content spans are compared as **sets of character offsets**, keeping only characters that are
  neither whitespace nor punctuation (Unicode category ``P*``), so a quote mark or a trailing
  full stop never decides a match. A content whose filtered set is empty falls back to its raw
  offsets.
* Gold and predicted contents are paired **one-to-one, greedily**: all pairs are sorted by Jaccard
  (descending; ties by gold then prediction order) and a pair is taken when neither side is used.
  *Overlap* matching keeps pairs with Jaccard >= 0.5, *exact* matching pairs with identical sets.
* On overlap-matched pairs, a source (cue) is correct when both are absent, or when the filtered
  char sets of gold and prediction share a character (raw offsets when both filtered sets are
  empty). A pair is *end-to-end correct* when its source and its cue are both correct.
* Precision divides by #pred, recall by #gold; counts are summed over the corpus (micro-average).

Notes:
    Exact-plus-overlap scoring of each role follows BBC citron's ``citron/metrics.py``.
"""
from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Iterable, Mapping, Optional, Sequence

Spans = Optional[Sequence[Sequence[int]]]
Attr = Mapping[str, Spans]

OVERLAP_THRESHOLD = 0.5


def _keep(ch: str) -> bool:
    return not ch.isspace() and not unicodedata.category(ch).startswith("P")


def raw_offsets(spans: Spans) -> frozenset[int]:
    """Every char offset covered by ``spans``."""
    return frozenset(i for s, e in (spans or ()) for i in range(s, e))


def char_set(text: str, spans: Spans) -> frozenset[int]:
    """Offsets covered by ``spans`` whose character is neither whitespace nor punctuation."""
    return frozenset(i for i in raw_offsets(spans) if 0 <= i < len(text) and _keep(text[i]))


def content_set(text: str, spans: Spans) -> frozenset[int]:
    """The set a content is compared by: filtered chars, or raw offsets when none survive."""
    return char_set(text, spans) or raw_offsets(spans)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def greedy_match(
    gold: Sequence[frozenset[int]], pred: Sequence[frozenset[int]], threshold: float = OVERLAP_THRESHOLD
) -> list[tuple[int, int, float]]:
    """One-to-one greedy matching of gold and predicted sets by Jaccard.

    Returns ``(gold_index, pred_index, jaccard)`` for every pair taken, best first.
    """
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if not (g & p):
                continue
            j = jaccard(g, p)
            if j >= threshold:
                cands.append((-j, gi, pi))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for negj, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi, -negj))
    return out


def role_correct(text: str, gold: Spans, pred: Spans) -> bool:
    """Source/cue agreement: both absent, or sharing a non-space non-punctuation character."""
    if not gold and not pred:
        return True
    if not gold or not pred:
        return False
    g, p = char_set(text, gold), char_set(text, pred)
    if not g and not p:
        return bool(raw_offsets(gold) & raw_offsets(pred))
    return bool(g & p)


@dataclass
class Counts:
    """Summed counts; add them up over articles and call :meth:`report`."""

    n_gold: int = 0
    n_pred: int = 0
    matched: int = 0
    exact: int = 0
    source_correct: int = 0
    cue_correct: int = 0
    e2e_correct: int = 0
    articles: int = 0
    failures: int = 0

    def __iadd__(self, other: "Counts") -> "Counts":
        for k, v in asdict(other).items():
            setattr(self, k, getattr(self, k) + v)
        return self

    def report(self) -> dict:
        return score_report(self)


@dataclass
class ArticleMatch:
    """Per-article matching detail, kept for error analysis."""

    counts: Counts
    pairs: list[tuple[int, int, float]] = field(default_factory=list)  # overlap-matched (gold, pred, J)
    missed_gold: list[int] = field(default_factory=list)
    false_pred: list[int] = field(default_factory=list)
    best_jaccard_gold: list[float] = field(default_factory=list)  # best J of each gold vs any pred


def match_article(text: str, gold: Sequence[Attr], pred: Sequence[Attr], failed: bool = False) -> ArticleMatch:
    """Score one article: overlap and exact matching of contents, then roles on matched pairs."""
    gsets = [content_set(text, a["content"]) for a in gold]
    psets = [content_set(text, a["content"]) for a in pred]
    pairs = greedy_match(gsets, psets, OVERLAP_THRESHOLD)
    exact = [(gi, pi) for gi, pi, _ in greedy_match(gsets, psets, 1.0) if gsets[gi] == psets[pi]]
    c = Counts(n_gold=len(gold), n_pred=len(pred), matched=len(pairs), exact=len(exact), articles=1,
               failures=int(failed))
    for gi, pi, _ in pairs:
        s_ok = role_correct(text, gold[gi].get("source"), pred[pi].get("source"))
        c_ok = role_correct(text, gold[gi].get("cue"), pred[pi].get("cue"))
        c.source_correct += s_ok
        c.cue_correct += c_ok
        c.e2e_correct += s_ok and c_ok
    mg = {gi for gi, _, _ in pairs}
    mp = {pi for _, pi, _ in pairs}
    best = [max((jaccard(g, p) for p in psets), default=0.0) for g in gsets]
    return ArticleMatch(
        counts=c,
        pairs=pairs,
        missed_gold=[i for i in range(len(gold)) if i not in mg],
        false_pred=[i for i in range(len(pred)) if i not in mp],
        best_jaccard_gold=best,
    )


def score_article(text: str, gold: Sequence[Attr], pred: Sequence[Attr], failed: bool = False) -> Counts:
    return match_article(text, gold, pred, failed).counts


def _prf(tp_p: int, n_pred: int, tp_r: int, n_gold: int) -> dict[str, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f}


def score_report(c: Counts) -> dict:
    """Turn summed counts into the report: P/R/F1 per criterion, role accuracies, raw counts."""
    return {
        "content": _prf(c.matched, c.n_pred, c.matched, c.n_gold),
        "exact": _prf(c.exact, c.n_pred, c.exact, c.n_gold),
        "source_acc": c.source_correct / c.matched if c.matched else 0.0,
        "cue_acc": c.cue_correct / c.matched if c.matched else 0.0,
        "e2e": _prf(c.e2e_correct, c.n_pred, c.e2e_correct, c.n_gold),
        "counts": asdict(c),
    }


def score_corpus(items: Iterable[tuple[str, Sequence[Attr], Sequence[Attr], bool]]) -> dict:
    """Micro-average over ``(text, gold, pred, failed)`` tuples, one per article."""
    total = Counts()
    for text, gold, pred, failed in items:
        total += score_article(text, gold, pred, failed)
    return score_report(total)
