"""`claimwatch eval attribution` and `claimwatch bench` end to end on tiny self-written inputs."""
from __future__ import annotations

import json

import pytest
import spacy
from click.testing import CliRunner

from claimwatch.cli import main
from claimwatch.eval.attribution import _token_spans, claim_to_prediction
from claimwatch.corpora.polnear import read_polnear
from claimwatch.schema import ClaimOut


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_eval_table_with_baseline(polnear_tiny_dir):
    res = invoke("eval", "attribution", "--polnear", str(polnear_tiny_dir), "--baseline", "textacy")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert any(ln.startswith("claimwatch ") for ln in lines)
    assert any(ln.startswith("textacy ") for ln in lines)
    assert "e2eF1" in res.stdout


def test_eval_json_and_export(polnear_tiny_dir, tmp_path):
    out = tmp_path / "preds.jsonl"
    res = invoke("eval", "attribution", "--polnear", str(polnear_tiny_dir), "--format", "json",
                 "--export", str(out), "--errors", "3")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["articles"] == 2 and report["gold_attributions"] == 6
    (ours,) = report["systems"]
    assert ours["system"] == "claimwatch"
    assert ours["counts"]["n_gold"] == 6
    assert 0.0 <= ours["e2e"]["f1"] <= 1.0
    assert set(report["errors"]) >= {"missed", "false_positives"}

    texts = {a.id: a.text for a in read_polnear(polnear_tiny_dir, "dev")}
    rows = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == sorted(texts)
    n_pred = 0
    for r in rows:
        assert set(r) == {"id", "attributions"}
        for a in r["attributions"]:
            n_pred += 1
            assert set(a) == {"source", "cue", "content"}
            assert a["content"]
            for role in ("source", "cue", "content"):
                assert a[role] is None or all(
                    0 <= s < e <= len(texts[r["id"]]) for s, e in a[role]
                )
    assert n_pred == ours["counts"]["n_pred"]


def test_eval_limit(polnear_tiny_dir):
    res = invoke("eval", "attribution", "--polnear", str(polnear_tiny_dir), "--limit", "1", "-f", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["articles"] == 1


def test_eval_missing_dir_is_one_line(tmp_path):
    res = invoke("eval", "attribution", "--polnear", str(tmp_path / "nope"))
    assert res.exit_code == 1
    assert "not a PolNeAR directory" in res.output
    assert "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_fail_under_exits_3(polnear_tiny_dir, monkeypatch):
    import claimwatch.eval.attribution as attribution

    def fake(*args, **kwargs):
        row = {"system": "claimwatch", "content": {"p": 0.5, "r": 0.5, "f1": 0.5},
               "exact": {"p": 0.2, "r": 0.2, "f1": 0.2}, "source_acc": 0.5, "cue_acc": 0.5,
               "e2e": {"p": 0.3, "r": 0.3, "f1": 0.3}, "failures": 0,
               "counts": {"n_gold": 10, "n_pred": 10}}
        return {"split": "dev", "articles": 1, "gold_attributions": 10, "model": "x", "systems": [row]}

    monkeypatch.setattr(attribution, "evaluate_attribution", fake)
    base = ["eval", "attribution", "--polnear", str(polnear_tiny_dir)]
    assert invoke(*base, "--fail-under", "0.5").exit_code == 3
    assert invoke(*base, "--fail-under", "0.3").exit_code == 0


def test_claim_to_prediction_keeps_content_parts():
    claim = ClaimOut.model_validate({
        "id": "x", "speaker": {"text": "Smith", "start": 15, "end": 20}, "resolved_speaker": None,
        "cue": {"text": "said", "start": 21, "end": 25},
        "content": {"text": "a … b", "start": 0, "end": 49,
                    "spans": [{"text": "a", "start": 0, "end": 14}, {"text": "b", "start": 27, "end": 49}]},
        "kind": "direct", "polarity": "asserts", "hedged": False,
    })
    assert claim_to_prediction(claim) == {"source": [[15, 20]], "cue": [[21, 25]], "content": [[0, 14], [27, 49]]}
    single = claim.model_copy(update={"speaker": None, "cue": None,
                                      "content": claim.content.model_copy(update={"spans": None})})
    assert claim_to_prediction(single) == {"source": None, "cue": None, "content": [[0, 49]]}


def test_token_spans_merge_adjacent_tokens():
    doc = spacy.blank("en")("the prime minister of Spain said")
    assert _token_spans([doc[2], doc[1], doc[4]]) == [[4, 18], [22, 27]]


def test_bench_json(tiny_corpus):
    res = invoke("bench", "--corpus", str(tiny_corpus), "--limit", "2", "--warmup", "1", "--format", "json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["articles"] == 2
    assert report["words"] > 10
    for name in ("bare", "full"):
        run = report["runs"][name]
        assert run["wall_s"] > 0 and run["words_per_s"] > 0 and run["peak_rss_mb"] > 10
    assert report["ratio_full_bare_words_per_s"] > 0


def test_bench_pairs_report_each_ratio_and_their_median(tiny_corpus):
    res = invoke("bench", "--corpus", str(tiny_corpus), "--limit", "1", "--warmup", "0", "--pairs", "2",
                 "--format", "json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    ratios = report["ratio_per_pair"]
    assert len(ratios) == 2 and all(r > 0 for r in ratios)
    assert report["ratio_full_bare_words_per_s"] == pytest.approx(sum(ratios) / 2)
    assert report["runs"]["bare"]["load_before"] is not None
    res = invoke("bench", "--corpus", str(tiny_corpus), "--limit", "1", "--warmup", "0", "--pairs", "0")
    assert res.exit_code == 2 and "--pairs" in res.output


def test_bench_table_and_missing_corpus(tiny_corpus, tmp_path):
    res = invoke("bench", "--corpus", str(tiny_corpus), "--limit", "1", "--warmup", "0")
    assert res.exit_code == 0, res.output
    assert "full/bare words/s" in res.stdout
    res = invoke("bench", "--corpus", str(tmp_path / "missing.jsonl"))
    assert res.exit_code == 1 and "corpus not found" in res.output
