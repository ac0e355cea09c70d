"""check's cross-encoder (disputes/check_cross.py): its file, what check lists from it, how fit-cross counts."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claimwatch.disputes import check_cross, stance_cross
from claimwatch.disputes.embeddings import MiniLMEmbedder
from claimwatch.disputes.relation import Relation
from claimwatch.eval import dispute_gold as dg
from store_fixtures import checker_over

minilm = pytest.mark.skipif(not MiniLMEmbedder.available(), reason="all-MiniLM-L6-v2 not installed (disputes extra)")
needs_torch = pytest.mark.skipif(not stance_cross.available(), reason="torch or the MiniLM package not installed")


class ReadsWord:
    """A stand-in model: p(contradicts) 0.9 for a claim holding ``word``, p(other) 0.9 for the rest."""

    threshold = 0.5
    support_threshold = 1.01
    active = True

    def __init__(self, word: str) -> None:
        self.word = word
        self.read_texts: list[str] = []

    def read(self, sentence: str, claims) -> np.ndarray:
        self.read_texts.append(sentence)
        return np.array([[0.05, 0.9, 0.05] if self.word in c.content.text else [0.05, 0.05, 0.9] for c in claims])


def _checker(path: Path, nlp, text: str, cross):
    return checker_over(path, nlp, text, cross=cross)


TEXT = ("The harbour master said that the harbour had been empty since Monday, its cranes idle.\n\n"
        "Valdoria's foreign ministry denied that its navy was blockading the port of Kessel.")
SENTENCE = "Grain ships sailed out of the port of Kessel this week"


@minilm
def test_check_lists_what_the_model_reads_as_contradicting_after_the_rules(tmp_path: Path, nlp) -> None:
    model = ReadsWord("harbour")
    with _checker(tmp_path / "x.db", nlp, TEXT, model) as checker:
        result = checker.check(SENTENCE)
        checker.cross = None
        rules_only = checker.check(SENTENCE)
    found = [m for m in result.contradicting if "harbour had" in m.claim.content.text]
    assert found and found[0].reason.startswith("contradicts in other words (check model p 0.90)"), found
    assert found[0].score == 0.9
    assert not any("harbour had" in m.claim.content.text for m in rules_only.contradicting)
    assert model.read_texts == [SENTENCE]  # the sentence as pasted, once per check
    assert not any("harbour had" in m.claim.content.text for m in result.supporting)


@minilm
def test_check_model_below_its_threshold_lists_nothing(tmp_path: Path, nlp) -> None:
    model = ReadsWord("harbour")
    model.threshold = 0.95
    with _checker(tmp_path / "y.db", nlp, TEXT, model) as checker:
        result = checker.check(SENTENCE)
    assert not any("harbour had" in m.claim.content.text for m in result.contradicting)


def _bare_checker(cross):
    from claimwatch.disputes.check import Checker

    checker = object.__new__(Checker)
    checker.cross = cross
    return checker


def test_a_claim_lists_hide_is_never_a_side_even_for_the_model() -> None:
    checker = _bare_checker(ReadsWord("x"))
    rel = Relation(label="other", p_dispute=0.0, p_same=0.0, kind="fact", reason="", cross=(0.01, 0.99))
    assert checker.cross_contradicts(rel)
    rel.support_only = True
    assert not checker.cross_contradicts(rel)
    rel.cross = None  # not among the candidates the model read
    rel.support_only = False
    assert not checker.cross_contradicts(rel)
    assert not _bare_checker(None).cross_contradicts(Relation("other", 0.0, 0.0, "fact", "", cross=(0.0, 1.0)))


def test_a_model_support_is_held_to_what_can_ever_support() -> None:
    model = ReadsWord("x")
    model.support_threshold = 0.6
    checker = _bare_checker(model)
    rel = Relation(label="other", p_dispute=0.0, p_same=0.0, kind="fact", reason="", cross=(0.8, 0.1))
    assert checker.cross_supports(0.5, rel)
    rel.features["doubted"] = 1.0
    assert not checker.cross_supports(0.5, rel)  # opposed
    rel.features["doubted"] = 0.0
    rel.gate = "no proposition"
    assert not checker.cross_supports(0.5, rel)  # asserts nothing to support with


def test_a_model_contradiction_needs_no_gate() -> None:
    checker = _bare_checker(ReadsWord("x"))
    rel = Relation(label="other", p_dispute=0.0, p_same=0.0, kind="fact", reason="", cross=(0.01, 0.99))
    assert checker.cross_contradicts(rel)
    rel.gate = "same side"  # one side cannot dispute itself
    assert not checker.cross_contradicts(rel)


def _cand(dec=None, score=None, s=0, c=0, support_only=False, may_support=True, gate=None):
    return {"text": "t", "sim": 0.5, "dec": dec, "score": score, "support_only": support_only,
            "may_support": may_support, "gate": gate, "s": s, "c": c}


def test_cross_listing_counts_the_first_fives() -> None:
    rows = [
        {"case": "a", "kind": "seed", "sentence": "s", "has_support": True, "has_contra": True,
         "cands": [_cand("supports", 0.7, s=1), _cand(c=1), _cand(c=1, support_only=True)]},
        {"case": "b", "kind": "never", "sentence": "n", "has_support": False, "has_contra": False,
         "cands": [_cand(), _cand()]},
    ]
    probs = {(0, 1): (0.1, 0.8), (0, 2): (0.1, 0.95), (1, 0): (0.1, 0.6), (1, 1): (0.7, 0.1)}
    rules = dg._cross_listing(rows, probs, None, None)
    assert (rules["supports"], rules["contradicts"], rules["abstain"]) == (1, 0, 1)
    at7 = dg._cross_listing(rows, probs, 0.7, None)
    # the gold contradiction read at 0.8 is listed; the one lists hide (0.95) is not; the never case stays unaddressed
    assert (at7["contradicts"], at7["listed_con"], at7["abstain"]) == (1, 1, 1)
    at5 = dg._cross_listing(rows, probs, 0.5, None)
    assert at5["abstain"] == 0  # 0.6 on the never case now addresses it
    sup = dg._cross_listing(rows, probs, None, 0.65)
    assert sup["abstain"] == 0 and sup["supports"] == 1
    rows[1]["cands"][1]["may_support"] = False  # check would never list it: nor does the simulation
    assert dg._cross_listing(rows, probs, None, 0.65)["abstain"] == 1
    rows[0]["cands"][1]["gate"] = "a question"
    assert dg._cross_listing(rows, probs, 0.7, None)["contradicts"] == 0


def test_cross_pairs_train_on_the_nearest_and_the_gold_further_down() -> None:
    rows = [{"case": "a", "kind": "seed", "sentence": "s", "has_support": True, "has_contra": False,
             "cands": [_cand(), _cand(), _cand(s=1), _cand()]}]
    pairs, labels, where = dg._cross_pairs(rows, k_train=1, k_test=2)
    assert [(w[1], w[2], w[3]) for w in where] == [(0, True, True), (1, False, True), (2, True, False)]
    assert labels == ["other", "other", "supports"]
    assert all(p == ("s", "t") for p in pairs)


def test_fit_cross_refuses_an_unspent_split(monkeypatch) -> None:
    from claimwatch.errors import ClaimwatchError

    monkeypatch.setattr(dg, "UNSPENT", {"test9"})
    with pytest.raises(ClaimwatchError, match="test9 is scored once"):
        dg._spent_splits("dev,test9")


@needs_torch
def test_check_model_file_round_trip_and_kind(tmp_path: Path) -> None:
    model = check_cross.start_model()
    model.meta["threshold_contradicts"] = 0.7
    path = model.save(tmp_path / "c.npz")
    again = check_cross.CheckCross.load(path)
    assert again.threshold == 0.7 and again.support_threshold == 1.01 and again.active
    again.meta["threshold_contradicts"] = 1.01
    assert not again.active  # fitted, not adopted: check does not run it
    long = "Ukraine " * 400  # far past the window: truncated, not an error
    a = model.read(long, [])
    assert a.shape == (0, 3)
    with pytest.raises(stance_cross.CrossEncoderError, match="not a claimwatch cross-encoder of this kind"):
        check_cross.CheckCross.load(stance_cross.default_cross_path())  # the stance model is another kind
    assert check_cross.load_default(tmp_path / "missing.npz") is None
    (tmp_path / "broken.npz").write_bytes(b"not an npz")
    assert check_cross.load_default(tmp_path / "broken.npz") is None  # logged; check runs on its rules


@needs_torch
def test_check_model_reads_a_long_sentence(tmp_path: Path) -> None:
    from types import SimpleNamespace

    model = check_cross.start_model()
    claim = SimpleNamespace(resolved_speaker="Nova Wire", speaker=None, content=SimpleNamespace(text="ships left"))
    p = model.read("Grain ships left the port of Kessel " * 60, [claim])
    assert p.shape == (1, 3) and abs(p.sum() - 1.0) < 1e-6
    assert check_cross.claim_text(claim) == "Nova Wire: ships left"


def test_model_reason_keeps_the_slots_not_the_same_direction_head() -> None:
    from claimwatch.disputes.check import _model_reason

    assert _model_reason("contradicts", 0.834, "same direction: agent RUS, Kherson") == \
        "contradicts in other words (check model p 0.83); agent RUS, Kherson"
    assert _model_reason("supports", 0.7, "same direction") == "supports in other words (check model p 0.70)"
    assert _model_reason("contradicts", 0.9, "asserts vs denies: Kessel") == \
        "contradicts in other words (check model p 0.90); asserts vs denies: Kessel"


@minilm
def test_check_without_its_model_on_request(tmp_path: Path, nlp) -> None:
    from claimwatch.disputes.check import Checker
    from claimwatch.store.sqlite import SqliteStore

    with SqliteStore(tmp_path / "z.db") as store:
        assert Checker(store, nlp=nlp, cross=ReadsWord("x"), use_cross=False).cross is None
        assert Checker(store, nlp=nlp, cross=ReadsWord("x")).cross is not None


def test_claim_text_form_two_reads_the_cue_and_marks_a_denial() -> None:
    from store_fixtures import claim

    text = "Valdoria's foreign ministry denied that its navy was blockading the port of Kessel."
    denial = claim(text, "its navy was blockading the port of Kessel", speaker="Valdoria's foreign ministry",
                   cue="denied", polarity="denies")
    assert check_cross.claim_text(denial) == "Valdoria's foreign ministry: its navy was blockading the port of Kessel"
    assert check_cross.claim_text(denial, 2) == \
        "Valdoria's foreign ministry denied: (denied) its navy was blockading the port of Kessel"
    said = claim("The harbour master said ships left.", "ships left", speaker="The harbour master", cue="said")
    assert check_cross.claim_text(said, 2) == "The harbour master said: ships left"


def _gold_pair(pid: str, a: tuple[str, int, int], b: tuple[str, int, int], label: str) -> dict:
    ref = (lambda r: {"article_id": r[0], "start": r[1], "end": r[2], "sha": "x"})
    return {"pair": pid, "split": "dev", "a": ref(a), "b": ref(b), "label": label}


def test_gold_pairs_become_check_training_pairs_both_ways(tmp_path: Path) -> None:
    import json

    from store_fixtures import article, claim

    from claimwatch.store.sqlite import SqliteStore

    t1 = "Valdoria's foreign ministry denied that its navy was blockading the port of Kessel."
    t2 = "Port officials said that Valdorian warships were blocking the port of Kessel."
    t3 = "The mayor said that the town's new library would open in June."
    c1 = claim(t1, "its navy was blockading the port of Kessel", speaker="Valdoria's foreign ministry",
               cue="denied", polarity="denies", cid="c1")
    c2 = claim(t2, "Valdorian warships were blocking the port of Kessel", speaker="Port officials", cue="said",
               cid="c2")
    c3 = claim(t3, "the town's new library would open in June", speaker="The mayor", cue="said", cid="c3")
    gold = tmp_path / "gold"
    gold.mkdir()
    sp = (lambda t, c: (c.content.start, c.content.end))
    rows = [_gold_pair("p1", ("a1", *sp(t1, c1)), ("a2", *sp(t2, c2)), "dispute"),
            _gold_pair("p2", ("a2", *sp(t2, c2)), ("a3", *sp(t3, c3)), "unrelated"),
            _gold_pair("p3", ("a1", *sp(t1, c1)), ("a3", *sp(t3, c3)), "partly"),  # unclear: left out
            _gold_pair("p4", ("a1", 0, 3), ("a3", *sp(t3, c3)), "same")]  # a span no claim holds: left out
    (gold / "pairs.v1.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with SqliteStore(tmp_path / "g.db") as store:
        for aid, text, c in (("a1", t1, c1), ("a2", t2, c2), ("a3", t3, c3)):
            store.add_article(*article(aid, text, [c]))
        got = dg.gold_pair_training(store, gold, 2)
    assert sorted(got) == sorted([
        # the denial is read with its cue and mark, never as the proposition it denies
        ("Valdoria's foreign ministry denied: (denied) its navy was blockading the port of Kessel",
         "Port officials said: Valdorian warships were blocking the port of Kessel", "contradicts"),
        ("Valdorian warships were blocking the port of Kessel",
         "Valdoria's foreign ministry denied: (denied) its navy was blockading the port of Kessel", "contradicts"),
        ("Valdorian warships were blocking the port of Kessel", "The mayor said: the town's new library would open in June",
         "other"),
        ("the town's new library would open in June", "Port officials said: Valdorian warships were blocking the port of Kessel",
         "other")])


def test_cross_pairs_read_the_chosen_text_form() -> None:
    rows = [{"case": "a", "kind": "seed", "sentence": "s", "has_support": True, "has_contra": False,
             "cands": [{**_cand(s=1), "text2": "t2"}]}]
    assert dg._cross_pairs(rows, k_train=1, k_test=1)[0] == [("s", "t")]
    assert dg._cross_pairs(rows, k_train=1, k_test=1, form=2)[0] == [("s", "t2")]


def test_seeds_of_one_stance(tmp_path: Path) -> None:
    from store_fixtures import article, claim

    from claimwatch.store.sqlite import SqliteStore

    texts = [(f"a{i}", f"Official {i} said that the ferry to the island number {i} had sailed late on Monday.",
              "asserts") for i in range(6)]
    texts += [(f"d{i}", f"Official {i} denied that the ferry to the island number {i} had sailed late on Monday.",
               "denies") for i in range(3)]
    with SqliteStore(tmp_path / "s.db") as store:
        for aid, text, pol in texts:
            c = claim(text, text[text.index("the ferry"):-1], speaker=f"Official {aid[1:]}",
                      cue="denied" if pol == "denies" else "said", polarity=pol, cid=aid)
            store.add_article(*article(aid, text, [c]))
    drawn = dg.seed_claims(str(tmp_path / "s.db"), 2, seed=3, polarity="denies")
    assert len(drawn) == 2 and all(c.id.startswith("d") for c in drawn)
    assert len(dg.seed_claims(str(tmp_path / "s.db"), 9, seed=3)) == 9  # no stance asked: all of them


def test_extra_pairs_are_trained_in_every_fold_and_never_scored() -> None:
    rows = [{"case": "a", "kind": "seed", "sentence": "s", "has_support": True, "has_contra": False,
             "cands": [{**_cand(s=1), "text2": "t2"}, {**_cand(), "text2": "u2"}]}]
    pairs, labels, where = dg._with_extra(*dg._cross_pairs(rows, k_train=1, k_test=2, form=2),
                                          [("x", "y", "contradicts")])
    assert pairs[-1] == ("x", "y") and labels[-1] == "contradicts" and where[-1] == (-1, -1, True, False)
    held = {0}  # the one case held out: its own pairs leave training, the extra pair stays
    fold_labels = [y if train and r_i not in held else None for y, (r_i, _, train, _) in zip(labels, where)]
    assert fold_labels == [None, None, "contradicts"]
    assert [i for i, (r_i, _, _, test) in enumerate(where) if r_i in held and test] == [0, 1]


def test_unknown_text_form_and_gold_pairs_without_form_two_are_refused() -> None:
    from types import SimpleNamespace

    from claimwatch.errors import ClaimwatchError

    claim = SimpleNamespace(resolved_speaker="Nova Wire", speaker=None, cue=None, polarity="asserts",
                            content=SimpleNamespace(text="ships left"))
    assert check_cross.claim_text(claim, 2) == "Nova Wire: ships left"  # no cue: nothing added
    with pytest.raises(ValueError, match="unknown check-model text form 3"):
        check_cross.claim_text(claim, 3)
    with pytest.raises(ClaimwatchError, match="--gold-pairs needs --text-form 2"):
        dg.main(["fit-cross", "--db", "unused.db", "--splits", "dev", "--gold-pairs", "--rows", "missing.json"])


@needs_torch
def test_check_model_reads_claims_in_the_form_it_was_trained_on() -> None:
    from types import SimpleNamespace

    model = check_cross.start_model()
    seen: list = []
    model.predict_proba = lambda pairs: seen.extend(pairs) or np.zeros((len(pairs), 3))  # type: ignore[method-assign]
    claim = SimpleNamespace(resolved_speaker="Kessel port", speaker=None, cue=SimpleNamespace(text="denied"),
                            polarity="denies", content=SimpleNamespace(text="ships left"))
    model.read("s", [claim])
    model.meta["text_form"] = 2
    model.read("s", [claim])
    assert seen == [("s", "Kessel port: ships left"), ("s", "Kessel port denied: (denied) ships left")]


@needs_torch
def test_fit_cross_hands_over_its_report_before_the_all_cases_training(monkeypatch) -> None:
    # the cross-validated reading must survive the last (long) training being stopped
    from types import SimpleNamespace

    events: list[str] = []
    monkeypatch.setattr(check_cross, "start_model", lambda seed=13: SimpleNamespace(meta={}))
    monkeypatch.setattr(stance_cross, "lower_outputs", lambda base, pairs, progress: None)
    monkeypatch.setattr(stance_cross, "train_top", lambda model, cached, labels, extra, seed: events.append("train"))
    monkeypatch.setattr(stance_cross, "predict_lower", lambda model, cached, idx: [[0.1, 0.8, 0.1]] * len(idx))
    rows = [{"case": str(i), "kind": "seed", "sentence": "s", "has_support": False, "has_contra": True,
             "cands": [{**_cand(c=1), "text2": "t"}]} for i in range(5)]
    model, report = dg.fit_cross(rows, folds=5, on_cv=lambda r: events.append(f"report {len(r['probs'])}"))
    assert events == ["train"] * 5 + ["report 5", "train"]
    assert model.meta["text_form"] == 1 and report["pairs"] == 5


@needs_torch
def test_fit_cross_command_writes_its_report_when_the_last_training_fails(tmp_path: Path, monkeypatch) -> None:
    import json

    db, rows, out = tmp_path / "s.db", tmp_path / "rows.json", tmp_path / "report.json"
    rows.write_text(json.dumps({"splits": ["dev"], "kind": "cross-rows/3", "db": str(db.resolve()), "rows": []}))

    def stopped(rows, *, progress, extra, form, on_cv):
        on_cv({"chosen": {"contradicts": None, "supports": 0.5}, "cv": {}, "pairs": 0, "probs": []})
        raise KeyboardInterrupt  # the all-cases training stopped

    monkeypatch.setattr(dg, "fit_cross", stopped)
    with pytest.raises(KeyboardInterrupt):
        dg.main(["fit-cross", "--db", str(db), "--splits", "dev", "--rows", str(rows), "--report", str(out)])
    report = json.loads(out.read_text())
    assert report["chosen"]["supports"] == 0.5 and report["splits"] == ["dev"] and report["text_form"] == 1
    assert set(report) == {"chosen", "cv", "pairs", "probs", "gold_pairs", "text_form", "splits"}
