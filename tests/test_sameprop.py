"""The same-proposition head of dispute detection (disputes/sameprop.py, training/sameprop.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claimwatch.disputes.embeddings import MiniLMEmbedder
from claimwatch.disputes.sameprop import SamePropHead, judged, load_head, pair_features
from claimwatch.errors import DataFileError
from claimwatch.training.sameprop import fit_head, threshold_keeping


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_fit_separates_near_copies_from_strangers() -> None:
    rng = np.random.default_rng(3)
    u = _unit(rng.normal(size=(200, 8)))
    near = _unit(u[:100] + 0.1 * rng.normal(size=(100, 8)))  # the same proposition, reworded
    far = _unit(rng.normal(size=(100, 8)))  # another proposition
    v = np.vstack([near, far])
    y = [1] * 100 + [0] * 100
    w, b = fit_head(u, v, y, c=1.0)
    head = SamePropHead(w, b, 0.5, "test")
    p = head.probability(u, v)
    assert p[:100].min() > p[100:].max()
    # symmetric in its two claims: both orders were fitted
    assert np.allclose(head.probability(v, u), p, atol=0.05)


def test_threshold_keeps_the_asked_share_of_real_pairs() -> None:
    probs = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05])
    real = np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    t = threshold_keeping(probs, real, keep=0.9)
    assert (probs[real == 1] >= t).sum() == 9 and t > 0.05


def test_features_and_judged_kinds() -> None:
    u = np.array([[1.0, 0.0]])
    v = np.array([[0.0, 1.0]])
    assert pair_features(u, v).tolist() == [[0.0, 0.0, 1.0, 1.0, 0.0]]
    assert judged({"opposed": 1.0}) and judged({"numbers_conflict": 1.0})
    assert not judged({"opposite_family": 1.0, "blame": 1.0, "opposed": 0.0})


def test_head_file_round_trip_and_bad_file(tmp_path: Path) -> None:
    head = SamePropHead(np.arange(5, dtype=float), -1.0, 0.4, "emb", "about", {"pairs": 3})
    path = head.save(tmp_path / "h.npz")
    back = load_head(path)
    assert back.threshold == 0.4 and back.embedder == "emb" and back.dim == 2 and back.report == {"pairs": 3}
    assert back.applies_to("emb", 2) and not back.applies_to("lexical", 2) and not back.applies_to("emb", 3)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not an npz")
    with pytest.raises(DataFileError):
        load_head(bad)


def test_packaged_head_is_for_minilm() -> None:
    head = load_head()
    assert head is not None and head.embedder == MiniLMEmbedder.name and head.dim == MiniLMEmbedder.dim
    assert 0.0 < head.threshold < 1.0 and head.report["pairs"] > 400


@pytest.mark.skipif(not MiniLMEmbedder.available(), reason="all-MiniLM-L6-v2 not installed (disputes extra)")
def test_a_denial_is_matched_to_what_it_denies() -> None:
    head = load_head()
    e = MiniLMEmbedder()
    denial, same, other = e.encode([
        "its artillery shelled the maternity hospital in Ostrel",
        "Vardanian artillery shelled the maternity hospital in Ostrel on Monday",
        "Vardania's navy is blocking grain ships from leaving the port of Ostrel",
    ])
    p_same = head.probability(denial[None], same[None])[0]
    p_other = head.probability(denial[None], other[None])[0]
    assert p_same >= head.threshold > p_other
