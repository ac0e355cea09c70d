"""The self-written dispute gold pairs (tests/gold_disputes): format checks and a precision/recall floor."""
from __future__ import annotations

from pathlib import Path

import pytest

from claimwatch.disputes.embeddings import MiniLMEmbedder
from claimwatch.eval.dispute_pairs import load_gold

GOLD = Path(__file__).resolve().parent / "gold_disputes"
REASONS = {"denial", "doubt", "opposite_events", "numbers", "dates", "dispute_cue"}


def test_gold_set_shape() -> None:
    pairs = load_gold(GOLD)
    assert len(pairs) >= 40
    conflicting = [p for p in pairs if p["conflict"]]
    assert 15 <= len(conflicting) <= len(pairs) - 15
    assert {p["reason"] for p in conflicting} <= REASONS
    assert {p["reason"] for p in conflicting} >= {"denial", "opposite_events", "numbers", "dispute_cue"}


@pytest.mark.skipif(not MiniLMEmbedder.available(), reason="all-MiniLM-L6-v2 not installed (disputes extra)")
def test_gold_precision_recall_floor(nlp) -> None:
    from claimwatch.eval.dispute_pairs import evaluate_disputes

    # nlp fixture is the default pipeline; the gold set's own actors file must be used, so load it here.
    report = evaluate_disputes(GOLD)
    # Regression floor, below the numbers of the fitted relation model (relation.v2: P and R in EVALUATION.md).
    assert report["p"] >= 0.85
    # R 0.17: the fitted model catches the denials, not yet the other kinds. It was 0.23 before opposite events
    # told in two different articles stopped counting (0 of 30 such groups were real in the judged real-news
    # listings, docs/EVALUATION.md run 4); this set's two-report opposite events lost one pair to that rule. R 0.13
    # since the CRF was retrained with paragraph breaks (2026-12-04): "The union rejected the offer, union
    # spokesman Erik Moll said" is now read as Moll's report of a rejection (as PolNeAR would), no longer the
    # union's own rejection of the offer, so opp-03 is two opposite events in two articles, which that rule leaves out.
    assert report["r"] >= 0.13
