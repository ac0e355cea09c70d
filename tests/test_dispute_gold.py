"""The real-news dispute gold set's drawing and matching (eval/dispute_gold.py), on hand-built claims."""
from __future__ import annotations

from typing import Optional

import numpy as np
import pytest

from claimwatch.disputes.lexicon import default_lexicon
from claimwatch.eval.dispute_gold import (Universe, candidate_universe, claim_ref, content_hash, context, draw,
                                          match_claim, overlap)
from claimwatch.schema import ContentOut, EventOut, SpanOut
from claimwatch.store import StoredClaim


def claim(cid: str, text: str, speaker: Optional[str], *, article: str = "a1", day: str = "2031-02-16",
          start: int = 0, polarity: str = "asserts", cue_class: str = "assert", event: Optional[str] = None,
          mode: Optional[str] = None) -> StoredClaim:
    return StoredClaim(
        id=cid, speaker=SpanOut(text=speaker, start=0, end=len(speaker)) if speaker else None,
        resolved_speaker=speaker, cue=SpanOut(text="said", start=0, end=4), cue_class=cue_class,
        content=ContentOut(text=text, start=start, end=start + len(text)), kind="indirect", polarity=polarity,
        hedged=False, event=EventOut(category=event, mode=mode) if event else None, article_id=article, date=day)


def unit(v: list[float]) -> np.ndarray:
    x = np.asarray(v, dtype=np.float32)
    return x / np.linalg.norm(x)


def test_a_ref_with_a_cue_picks_that_claim_of_two_on_one_span() -> None:
    named = claim("c1", "the troops left the town", "Ostrel")
    denial = claim("c2", "the troops left the town", "Marovia", polarity="denies")
    denial = denial.model_copy(update={"cue": SpanOut(text="denied", start=40, end=46)})
    by_article = {"a1": [named, denial]}
    ref = claim_ref(denial)
    assert match_claim(ref, by_article) is named  # (without a cue: the first, as the v1 gold was written)
    assert match_claim(claim_ref(denial, with_cue=True), by_article) is denial


def test_overlap_and_match_claim_take_the_best_span_at_half_union() -> None:
    assert overlap((0, 10), (5, 15)) == 5 / 15
    assert overlap((0, 10), (10, 20)) == 0.0
    a = claim("x", "a" * 10, "A", start=100)
    b = claim("y", "b" * 30, "B", start=95)
    ref = {"article_id": "a1", "start": 100, "end": 110, "sha": content_hash("a" * 10)}
    assert match_claim(ref, {"a1": [b, a]}) is a
    # A later pipeline that cut the content to under half of the gold span no longer matches it.
    short = claim("z", "a" * 4, "A", start=100)
    assert match_claim(ref, {"a1": [short]}) is None
    assert match_claim(ref, {"a2": [a]}) is None
    assert claim_ref(a) == ref


def test_universe_keeps_different_speakers_inside_the_window_above_the_floor() -> None:
    lex = default_lexicon()
    claims = [
        claim("c0", "Troops are leaving the town.", "Ministry", article="a1", day="2031-02-16"),
        claim("c1", "Troops are not leaving the town.", "Mayor", article="a2", day="2031-02-20",
              polarity="denies"),
        claim("c2", "Troops are leaving the town, he said.", "Ministry", article="a3", day="2031-02-17"),
        claim("c3", "Troops are leaving the town.", "Governor", article="a4", day="2031-03-30"),
        claim("c4", "Troops left.", None, article="a5", day="2031-02-18"),
        claim("c5", "Troops left.", None, article="a5", day="2031-02-18", start=50),
    ]
    vecs = np.stack([unit([1, 0.1 * k, 0]) for k in range(5)] + [unit([1, 0.4, 0])])
    vecs[3] = unit([1, 0, 0])
    uni = candidate_universe(claims, vecs, lex)
    pairs = {(int(i), int(j)): bool(x) for i, j, x in zip(uni.i, uni.j, uni.contrast)}
    assert (0, 2) not in pairs  # same speaker
    assert (0, 3) not in pairs and (1, 3) not in pairs  # 6 weeks apart
    assert (4, 5) not in pairs  # two unattributed claims of one article
    assert (0, 4) in pairs  # an unattributed claim against an attributed one
    assert pairs[(0, 1)] is True  # exactly one side denies: contrast-bearing
    assert pairs[(0, 4)] is False


def test_draw_is_seeded_takes_each_pair_once_and_fills_strata() -> None:
    n = 400
    rng = np.random.default_rng(1)
    uni = Universe(i=np.arange(n), j=np.arange(n) + 1000, cos=rng.uniform(0.3, 1.0, n).astype(np.float32),
                   contrast=rng.random(n) < 0.5)
    old = [(int(uni.i[k]), int(uni.j[k])) for k in range(0, 40)] + [(5000, 5001)]
    first = draw(uni, old, seed=7)
    assert first == draw(uni, old, seed=7)
    keys = [(d["i"], d["j"]) for d in first]
    assert len(keys) == len(set(keys))
    s3 = [d for d in first if d["stratum"] == "S3"]
    # Old-rule pairs already drawn in S1/S2 are replaced by the next draw; only 41 exist here.
    assert len(s3) == len({*old} - set(keys[: len(first) - len(s3)]))
    for d in first:
        if d["stratum"] in ("S1", "S2"):
            lo, hi = (0.30, 0.50, 0.65, 0.80, 1.01)[d["band"]], (0.30, 0.50, 0.65, 0.80, 1.01)[d["band"] + 1]
            assert lo <= d["cos"] < hi


def test_the_second_test_set_draw_leaves_out_v1_pairs_and_fills_its_strata() -> None:
    from claimwatch.eval.dispute_gold import V2_HIGH_PER_BAND, V2_STORED, _pair_labellers, draw_v2

    n = 3000
    rng = np.random.default_rng(2)
    uni = Universe(i=np.arange(n), j=np.arange(n) + 10000, cos=rng.uniform(0.3, 1.0, n).astype(np.float32),
                   contrast=rng.random(n) < 0.5)
    v1 = {(int(uni.i[k]), int(uni.j[k])) for k in range(0, 3000, 3)}
    stored = [(int(uni.j[k]), int(uni.i[k])) for k in range(1, 301, 3)]  # (stored either way round)
    drawn = draw_v2(uni, stored, v1, seed=5)
    assert drawn == draw_v2(uni, stored, v1, seed=5)
    keys = [(d["i"], d["j"]) for d in drawn]
    assert len(keys) == len(set(keys)) and not set(keys) & v1
    counts = {s: sum(d["stratum"] == s for d in drawn) for s in ("S1", "S2", "S4", "S5")}
    assert counts["S4"] == 2 * V2_HIGH_PER_BAND and counts["S5"] == min(V2_STORED, len(stored))
    assert all(d["cos"] >= 0.65 for d in drawn if d["stratum"] == "S4")
    pairs = _pair_labellers(520, [f"T{k}" for k in range(1, 9)])
    assert all(a != b for a, b in pairs)
    load = {name: sum(name in p for p in pairs) for name in {x for p in pairs for x in p}}
    assert set(load.values()) == {130}


def test_second_test_set_rows_need_both_labels_and_a_third_where_they_differ(tmp_path) -> None:
    import json

    import pytest

    from claimwatch.errors import ClaimwatchError
    from claimwatch.eval.dispute_gold import cohen_kappa, merge_v2

    ref = {"article_id": "x", "start": 0, "end": 5, "sha": "0" * 12}
    key = tmp_path / "KEY-v2.jsonl"
    key.write_text("".join(json.dumps({"pair": p, "stratum": "S1", "band": 0, "cos": 0.4, "a": ref, "b": ref,
                                       "a_date": "2031-01-01", "b_date": "2031-01-02", "labellers": ["T1", "T2"]})
                           + "\n" for p in ("t001", "t002")), encoding="utf-8")
    (tmp_path / "labels_T1.jsonl").write_text(
        '{"pair": "t001", "label": "dispute", "note": "n1"}\n{"pair": "t002", "label": "same"}\n', encoding="utf-8")
    with pytest.raises(ClaimwatchError, match="t001: not labelled by T1, T2"):
        merge_v2(key, tmp_path)
    (tmp_path / "labels_T2.jsonl").write_text(
        '{"pair": "t001", "label": "partly", "note": "n2"}\n{"pair": "t002", "label": "same", "bad_extraction": true}\n',
        encoding="utf-8")
    rows, open_pairs = merge_v2(key, tmp_path)
    assert [r["pair"] for r in rows] == ["t002"] and rows[0]["bad_extraction"] and rows[0]["split"] == "test2"
    assert open_pairs == [{"pair": "t001", "labels": ["dispute", "partly"], "notes": ["n1", "n2"]}]
    third = tmp_path / "third.jsonl"
    third.write_text('{"pair": "t001", "label": "dispute", "note": "settled"}\n', encoding="utf-8")
    rows, open_pairs = merge_v2(key, tmp_path, third)
    assert not open_pairs and rows[0]["label"] == "dispute" and rows[0]["adjudicated"] and rows[0]["note"] == "settled"
    assert cohen_kappa(["a", "b", "a", "b"], ["a", "b", "a", "b"]) == 1.0
    assert abs(cohen_kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"])) < 1e-9


def test_second_test_set_check_cases_keep_what_both_sessions_mark_and_settle_the_rest() -> None:
    from claimwatch.eval.dispute_gold import merge_check_v2

    r = [{"article_id": "x", "start": k, "end": k + 5, "sha": "0" * 12} for k in range(0, 40, 10)]
    written = [{"case": "W1-01", "kind": "seed", "sentence": "s", "supports": [r[0], r[1]], "contradicts": [r[2]]},
               {"case": "W1-02", "kind": "never", "sentence": "n", "supports": [], "contradicts": []},
               {"case": "W1-03", "kind": "never", "sentence": "m", "supports": [], "contradicts": []},
               {"case": "W1-04", "kind": "seed", "sentence": "unsearched", "supports": [r[0]], "contradicts": []}]
    second = [{"case": "W1-01", "supports": [r[0]], "contradicts": [r[2], r[3]]},
              {"case": "W1-02", "supports": [], "contradicts": []},
              {"case": "W1-03", "supports": [r[1]], "contradicts": []}]
    cases, open_items = merge_check_v2(written, second)
    assert [c["case"] for c in cases] == ["W1-01", "W1-02"]  # the addressed never-case dropped, the unsearched one left
    assert cases[0]["supports"] == [r[0]] and cases[0]["contradicts"] == [r[2]] and cases[0]["split"] == "test2"
    assert sorted((o["ref"]["start"], tuple(o["marks"])) for o in open_items) == [
        (10, ("supports", "neither")), (30, ("neither", "contradicts"))]
    settled = [{"case": "W1-01", "ref": r[1], "verdict": "neither"}, {"case": "W1-01", "ref": r[3], "verdict": "contradicts"}]
    cases, open_items = merge_check_v2(written, second, settled)
    assert not open_items and cases[0]["supports"] == [r[0]] and cases[0]["contradicts"] == [r[2], r[3]]


def test_context_marks_the_claim_inside_its_paragraphs() -> None:
    text = "First para.\n\nSecond para says troops left.\n\nThird para.\n\nFourth."
    start = text.index("troops left")
    out = context(text, start, start + len("troops left"), reach=1)
    assert "⟦troops left⟧" in out
    assert out.startswith("First para.") and "Third para." in out and "Fourth" not in out


def test_frozen_gold_files_are_well_formed() -> None:
    from pathlib import Path

    from claimwatch.eval.dispute_gold import LABELS, load_check_cases, load_gold_pairs, split_of

    gold = Path(__file__).resolve().parent / "gold_real"
    pairs = load_gold_pairs(gold)
    assert len(pairs) == len({p["pair"] for p in pairs}) >= 500
    for p in pairs:
        assert p["label"] in LABELS and p["split"] == split_of(p["a_date"])
        for side in ("a", "b"):
            ref = p[side]
            assert ref["end"] > ref["start"] >= 0 and len(ref["sha"]) == 12
    cases = load_check_cases(gold)
    kinds = {k: [c for c in cases if c["kind"] == k] for k in ("seed", "contested", "never")}
    assert len(kinds["seed"]) + len(kinds["contested"]) >= 40 and len(kinds["never"]) >= 20
    assert all(not c["supports"] and not c["contradicts"] for c in kinds["never"])
    assert {c["split"] for c in cases} == {"dev", "test"}


def test_the_second_test_set_is_well_formed_and_shares_no_pair_with_v1() -> None:
    from pathlib import Path

    from claimwatch.eval.dispute_gold import LABELS, load_check_cases, load_gold_pairs

    gold = Path(__file__).resolve().parent / "gold_real"
    pairs = load_gold_pairs(gold, "test2")
    assert len(pairs) == len({p["pair"] for p in pairs}) == 516
    assert {p["split"] for p in pairs} == {"test2"} and all(p["label"] in LABELS for p in pairs)
    assert all(len(p["labels"]) == 2 and (p["adjudicated"] or p["labels"][0] == p["labels"][1] == p["label"])
               for p in pairs)
    # two claims on one content span (a denial and the claim it names) are told apart by the cue where v2 needs it
    assert sum("cue" in p[side] for p in pairs for side in "ab") > 900
    key = lambda p: frozenset(((p["a"]["article_id"], p["a"]["start"]), (p["b"]["article_id"], p["b"]["start"])))  # noqa: E731
    assert not {key(p) for p in pairs} & {key(p) for p in load_gold_pairs(gold)}
    cases = load_check_cases(gold, "test2")
    kinds = {k: [c for c in cases if c["kind"] == k] for k in ("seed", "never")}
    assert len(kinds["seed"]) == 40 and len(kinds["never"]) == 20 and {c["split"] for c in cases} == {"test2"}
    assert all(not c["supports"] and not c["contradicts"] for c in kinds["never"])


def test_the_third_test_set_is_well_formed_and_shares_no_pair_with_v1_or_v2() -> None:
    from pathlib import Path

    from claimwatch.eval.dispute_gold import LABELS, load_check_cases, load_gold_pairs

    gold = Path(__file__).resolve().parent / "gold_real"
    pairs = load_gold_pairs(gold, "test3")
    assert len(pairs) == len({p["pair"] for p in pairs}) == 485 and all(p["pair"].startswith("u") for p in pairs)
    assert {p["split"] for p in pairs} == {"test3"} and all(p["label"] in LABELS for p in pairs)
    assert all(len(p["labels"]) == 2 and (p["adjudicated"] or p["labels"][0] == p["labels"][1] == p["label"])
               for p in pairs)
    key = lambda p: frozenset(((p["a"]["article_id"], p["a"]["start"]), (p["b"]["article_id"], p["b"]["start"])))  # noqa: E731
    earlier = load_gold_pairs(gold) + load_gold_pairs(gold, "test2")
    assert not {key(p) for p in pairs} & {key(p) for p in earlier}
    cases = load_check_cases(gold, "test3")
    kinds = {k: [c for c in cases if c["kind"] == k] for k in ("seed", "never")}
    assert len(kinds["seed"]) == 40 and len(kinds["never"]) == 20 and {c["split"] for c in cases} == {"test3"}
    assert all(not c["supports"] and not c["contradicts"] for c in kinds["never"])
    seeds = {(c["seed"]["article_id"], c["seed"]["start"]) for c in kinds["seed"]}
    older = {(c["seed"]["article_id"], c["seed"]["start"]) for split in (None, "test2")
             for c in load_check_cases(gold, split) if c.get("seed")}
    assert len(seeds) == 40 and not seeds & older


@pytest.mark.parametrize("split, older_splits", [("test4", (None, "test2", "test3")),
                                                  ("test5", (None, "test2", "test3", "test4")),
                                                  ("test6", (None, "test2", "test3", "test4", "test5")),
                                                  ("test7", (None, "test2", "test3", "test4", "test5", "test6")),
                                                  ("test8", (None, "test2", "test3", "test4", "test5", "test6",
                                                             "test7"))])
def test_the_later_check_sets_are_well_formed_and_reuse_no_seed(split: str, older_splits: tuple) -> None:
    from pathlib import Path

    from claimwatch.eval.dispute_gold import load_check_cases, load_gold_pairs

    gold = Path(__file__).resolve().parent / "gold_real"
    assert load_gold_pairs(gold, split) == []  # check cases only
    cases = load_check_cases(gold, split)
    kinds = {k: [c for c in cases if c["kind"] == k] for k in ("seed", "never")}
    assert len(kinds["seed"]) == 40 and len(kinds["never"]) == 20 and {c["split"] for c in cases} == {split}
    assert all(not c["supports"] and not c["contradicts"] for c in kinds["never"])
    assert sum(bool(c["supports"]) for c in kinds["seed"]) >= 35
    seeds = {(c["seed"]["article_id"], c["seed"]["start"]) for c in kinds["seed"]}
    older = {(c["seed"]["article_id"], c["seed"]["start"]) for older_split in older_splits
             for c in load_check_cases(gold, older_split) if c.get("seed")}
    assert len(seeds) == 40 and not seeds & older


def test_the_ninth_check_set_has_its_strata_and_reuses_no_seed() -> None:
    from pathlib import Path

    from claimwatch.eval.dispute_gold import load_check_cases

    gold = Path(__file__).resolve().parent / "gold_real"
    cases = load_check_cases(gold, "test9")
    by = {s: [c for c in cases if c["stratum"] == s] for s in ("random", "negated", "denial", "never")}
    assert [len(v) for v in by.values()] == [20, 20, 20, 20] and len(cases) == 80
    assert all(c["kind"] == "never" and not c["supports"] and not c["contradicts"] for c in by["never"])
    # the stratum that measures contradicts@5: most denial cases have one (the plan, docs/EVALUATION.md)
    assert sum(bool(c["contradicts"]) for c in by["denial"]) >= 10
    seeds = {(c["seed"]["article_id"], c["seed"]["start"]) for c in cases if c.get("seed")}
    older = {(c["seed"]["article_id"], c["seed"]["start"]) for split in (None, *(f"test{n}" for n in range(2, 9)))
             for c in load_check_cases(gold, split) if c.get("seed")}
    assert len(seeds) == 60 and not seeds & older


def test_the_support_head_fit_refuses_a_test_set_not_yet_scored(monkeypatch: pytest.MonkeyPatch) -> None:
    from claimwatch.errors import ClaimwatchError
    from claimwatch.eval import dispute_gold

    monkeypatch.setattr(dispute_gold, "UNSPENT", {"test6"})  # as a set is until its single run
    with pytest.raises(ClaimwatchError, match="test6 is scored once and never fitted on"):
        dispute_gold.main(["fit-support", "--db", "unused.db", "--splits", "dev,test6", "--out", "unused.json"])


def test_gold_offsets_point_at_the_shared_articles() -> None:
    """The hashes match the shared news sample's texts at the stored offsets (skipped without ../shared)."""
    import hashlib
    import json
    from pathlib import Path

    import pytest

    from claimwatch.eval.dispute_gold import load_gold_pairs

    news = Path(__file__).resolve().parents[2] / "shared" / "data" / "news" / "ukraine_2022_apr_dec_news_sample.jsonl"
    if not news.is_file():
        pytest.skip(f"shared news sample not found at {news}")
    texts = {}
    for line in news.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        texts[rec["id"]] = rec["text"]
    pairs = load_gold_pairs(Path(__file__).resolve().parent / "gold_real")
    checked = 0
    for p in pairs[:200] + [p for p in pairs if p["stratum"] == "S5"]:
        for side in ("a", "b"):
            ref = p[side]
            text = texts.get(ref["article_id"])
            if text is None:
                continue
            span = text[ref["start"]:ref["end"]]
            assert hashlib.sha1(span.encode("utf-8")).hexdigest()[:12] == ref["sha"], (p["pair"], side)
            checked += 1
    assert checked > 300


def test_a_judged_listing_counts_a_group_real_only_when_every_judge_says_so(tmp_path) -> None:
    import json

    from claimwatch.eval.dispute_gold import main, score_listing

    key = tmp_path / "key.json"
    key.write_text(json.dumps({"items": [{"item": "s01", "score": 0.95}, {"item": "s02", "score": 0.8},
                                         {"item": "s03", "score": 0.5}]}))
    (tmp_path / "labels_J1.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"pair": "s01", "label": "dispute"}, {"pair": "s02", "label": "position"}, {"pair": "s03", "label": "partly"}]))
    (tmp_path / "labels_J2.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"pair": "s01", "label": "dispute"}, {"pair": "s02", "label": "related"}, {"pair": "s03", "label": "partly"}]))
    report = score_listing(key, tmp_path)
    assert (report["groups"], report["real_all_judges"], report["real_any_judge"], report["judges_agree"]) == (3, 1, 2, 2)
    assert report["bands"]["0.9"] == {"real": 1, "groups": 1} and report["bands"]["0.7"] == {"real": 1, "groups": 2}
    assert main(["score-listing", "--key", str(key), "--labels", str(tmp_path)]) == 0


def test_the_support_head_fit_reuses_a_rows_cache_only_of_the_same_splits_and_features(tmp_path) -> None:
    import json

    from claimwatch.errors import ClaimwatchError
    from claimwatch.eval import dispute_gold

    cache = tmp_path / "rows.json"
    cache.write_text(json.dumps([]), encoding="utf-8")  # an older cache: a bare list of rows
    with pytest.raises(ClaimwatchError, match="rows cache of other splits or features"):
        dispute_gold.main(["fit-support", "--db", "unused.db", "--splits", "dev", "--rows", str(cache)])
    cache.write_text(json.dumps({"splits": ["dev", "test"], "features": [], "rows": []}), encoding="utf-8")
    with pytest.raises(ClaimwatchError, match="rows cache of other splits or features"):
        dispute_gold.main(["fit-support", "--db", "unused.db", "--splits", "dev", "--rows", str(cache)])


def test_check_figures_by_stratum() -> None:
    from claimwatch.eval.dispute_gold import _by_stratum

    rows = [{"case": "a", "kind": "seed", "stratum": "denial", "addressed": True, "support_hit": True,
             "contradict_hit": False},
            {"case": "b", "kind": "seed", "stratum": "denial", "addressed": True, "contradict_hit": True},
            {"case": "c", "kind": "never", "stratum": "never", "addressed": False},
            {"case": "d", "kind": "never", "stratum": "never", "addressed": True},
            {"case": "e", "kind": "seed", "addressed": True, "support_hit": True}]  # no stratum: not counted
    assert _by_stratum(rows, 5) == {
        "denial": {"cases": 2, "supports@5": "1/1", "contradicts@5": "1/2", "abstention": "0/0"},
        "never": {"cases": 2, "supports@5": "0/0", "contradicts@5": "0/0", "abstention": "1/2"}}
