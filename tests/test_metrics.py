"""The PolNeAR scorer on hand-made spans; every expected number is worked out by hand."""
from __future__ import annotations

import copy

import pytest

from claimwatch.eval.metrics import (
    Counts,
    char_set,
    content_set,
    greedy_match,
    jaccard,
    match_article,
    role_correct,
    score_article,
    score_corpus,
    score_report,
)
from claimwatch.corpora.polnear import read_polnear

# All letters: the filtered char set of a span is exactly its raw offsets, which keeps sums simple.
PLAIN = "a" * 100


def attr(content, source=None, cue=None):
    return {"source": source, "cue": cue, "content": content}


def test_char_set_drops_spaces_and_punctuation():
    text = 'He said: "Yes, no."'
    kept = char_set(text, [[0, len(text)]])
    assert "".join(text[i] for i in sorted(kept)) == "HesaidYesno"
    # Unicode punctuation (curly quotes, em dash) is category P* too.
    text2 = "“Go — now”"
    assert "".join(text2[i] for i in sorted(char_set(text2, [[0, len(text2)]]))) == "Gonow"


def test_content_set_falls_back_to_raw_offsets():
    text = 'x "..." y'
    assert char_set(text, [[2, 7]]) == frozenset()
    assert content_set(text, [[2, 7]]) == frozenset(range(2, 7))


def test_jaccard():
    assert jaccard(frozenset({1, 2, 3}), frozenset({2, 3, 4})) == pytest.approx(2 / 4)
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_greedy_match_is_one_to_one_best_first():
    g0, g1 = frozenset(range(0, 10)), frozenset(range(10, 20))
    p0, p1 = frozenset(range(0, 15)), frozenset(range(0, 10))
    # (g0, p1) has J=1.0 and is taken first; (g0, p0) J=0.667 is then blocked; (g1, p0) J=0.25 < 0.5.
    assert greedy_match([g0, g1], [p0, p1]) == [(0, 1, 1.0)]
    # Without p1, p0 goes to g0.
    assert greedy_match([g0, g1], [p0]) == [(0, 0, pytest.approx(10 / 15))]


def test_jaccard_threshold_is_inclusive():
    g = frozenset(range(0, 10))
    assert greedy_match([g], [frozenset(range(0, 5))]) == [(0, 0, 0.5)]
    assert greedy_match([g], [frozenset(range(0, 4))]) == []


def test_role_correct():
    text = "Hi -- there now"
    assert role_correct(text, None, None)
    assert role_correct(text, [], None)
    assert not role_correct(text, [[0, 2]], None)
    assert not role_correct(text, None, [[0, 2]])
    assert role_correct(text, [[0, 2]], [[1, 8]])          # share "i"
    assert not role_correct(text, [[0, 3]], [[2, 5]])      # share only " -": filtered away
    # Both filtered sets empty ("--"): raw offsets decide.
    assert role_correct(text, [[3, 5]], [[4, 5]])
    assert not role_correct(text, [[3, 4]], [[4, 5]])


GOLD = [
    attr([[10, 30]], source=[[0, 5]], cue=[[5, 10]]),
    attr([[40, 60]], source=None, cue=[[30, 35]]),
    attr([[70, 90]], source=[[60, 65]], cue=[[65, 70]]),
]
PRED = [
    attr([[10, 30]], source=[[2, 4]], cue=[[5, 10]]),    # exact; source and cue overlap -> e2e correct
    attr([[45, 60]], source=[[90, 95]], cue=[[30, 32]]),  # J=15/20: overlap, not exact; gold has no source
    attr([[70, 78]], source=[[60, 65]], cue=[[65, 70]]),  # J=8/20=0.4: no match
    attr([[95, 100]]),                                    # nothing to match
]


def test_score_article_by_hand():
    m = match_article(PLAIN, GOLD, PRED)
    c = m.counts
    assert (c.n_gold, c.n_pred, c.matched, c.exact) == (3, 4, 2, 1)
    assert (c.source_correct, c.cue_correct, c.e2e_correct) == (1, 2, 1)
    assert m.missed_gold == [2]
    assert m.false_pred == [2, 3]
    assert m.best_jaccard_gold == pytest.approx([1.0, 0.75, 0.4])

    r = score_report(c)
    assert r["content"] == pytest.approx({"p": 2 / 4, "r": 2 / 3, "f1": 4 / 7})
    assert r["exact"] == pytest.approx({"p": 1 / 4, "r": 1 / 3, "f1": 2 / 7})
    assert r["source_acc"] == pytest.approx(1 / 2)
    assert r["cue_acc"] == pytest.approx(1.0)
    assert r["e2e"] == pytest.approx({"p": 1 / 4, "r": 1 / 3, "f1": 2 / 7})


def test_corpus_is_micro_averaged_and_counts_failures():
    r = score_corpus([
        (PLAIN, GOLD, PRED, False),
        (PLAIN, [attr([[0, 10]])], [], True),  # the system raised: no predictions, one gold missed
    ])
    c = r["counts"]
    assert (c["n_gold"], c["n_pred"], c["matched"], c["articles"], c["failures"]) == (4, 4, 2, 2, 1)
    assert r["content"] == pytest.approx({"p": 0.5, "r": 0.5, "f1": 0.5})
    assert r["e2e"] == pytest.approx({"p": 1 / 4, "r": 1 / 4, "f1": 1 / 4})


def test_punctuation_and_spaces_do_not_decide_a_match():
    text = '"Yes, we can." he said'
    gold = [attr([[0, 14]], source=[[15, 17]], cue=[[18, 22]])]   # with quote marks
    pred = [attr([[1, 12]], source=[[15, 17]], cue=[[18, 22]])]   # "Yes, we can" only
    c = score_article(text, gold, pred)
    assert (c.matched, c.exact, c.e2e_correct) == (1, 1, 1)


def test_discontinuous_content_is_one_set():
    gold = [attr([[0, 10], [20, 30]])]
    assert score_article(PLAIN, gold, [attr([[0, 10], [20, 30]])]).exact == 1
    # One part only: J = 10/20 = 0.5 -> an overlap match, not exact.
    c = score_article(PLAIN, gold, [attr([[0, 10]])])
    assert (c.matched, c.exact) == (1, 0)


def test_empty_sides():
    assert score_report(Counts())["content"] == {"p": 0.0, "r": 0.0, "f1": 0.0}
    c = score_article(PLAIN, [], [attr([[0, 5]])])
    assert (c.n_gold, c.n_pred, c.matched) == (0, 1, 0)


def _gold(polnear_tiny_dir):
    return read_polnear(polnear_tiny_dir, "dev")


def test_gold_against_itself_is_perfect(polnear_tiny_dir):
    arts = _gold(polnear_tiny_dir)
    r = score_corpus((a.text, a.attributions, a.attributions, False) for a in arts)
    for key in ("content", "exact", "e2e"):
        assert r[key] == {"p": 1.0, "r": 1.0, "f1": 1.0}
    assert r["source_acc"] == r["cue_acc"] == 1.0


def test_perturbed_gold(polnear_tiny_dir):
    arts = _gold(polnear_tiny_dir)
    n = sum(len(a.attributions) for a in arts)
    assert n == 6

    # Drop every source: contents still match exactly, source accuracy falls to the share of
    # gold attributions that had no source (1 of 6), and so does e2e.
    no_src = [[{**x, "source": None} for x in a.attributions] for a in arts]
    r = score_corpus((a.text, a.attributions, p, False) for a, p in zip(arts, no_src))
    assert r["exact"]["f1"] == 1.0
    assert r["source_acc"] == pytest.approx(1 / 6)
    assert r["cue_acc"] == 1.0
    assert r["e2e"]["f1"] == pytest.approx(1 / 6)

    # Trim one character off each content end: overlap still matches, exact mostly does not
    # (only where the trimmed char was punctuation or space).
    trimmed = copy.deepcopy([a.attributions for a in arts])
    for pred in trimmed:
        for x in pred:
            x["content"][-1][1] -= 1
    r = score_corpus((a.text, a.attributions, p, False) for a, p in zip(arts, trimmed))
    assert r["content"]["f1"] == 1.0
    # Contents ending in punctuation: '“We have no choice,”', '"and we will win big."', '"Wages fall."'
    assert r["counts"]["exact"] == 3

    # Keep only the first prediction of each article: P stays 1, R = 2/6.
    firsts = [a.attributions[:1] for a in arts]
    r = score_corpus((a.text, a.attributions, p, False) for a, p in zip(arts, firsts))
    assert r["content"] == pytest.approx({"p": 1.0, "r": 2 / 6, "f1": 0.5})
