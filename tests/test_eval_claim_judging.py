"""The hand-judged claim precision protocol: blind packets drawn reproducibly, judges' labels combined."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimwatch.errors import ClaimwatchError
from claimwatch.eval.claim_judging import draw_packet, drawn_articles, read_labels, render, score
from claimwatch.pipeline import extract_articles
from claimwatch.schema import Article

TEXTS = [
    '"We will reopen the port on Friday," the mayor of Kessen said on Monday.',
    'The coast guard said the port would stay closed until the storm passed.',
    'Minister Ana Reyes told reporters that the bridge had been repaired.',
    '"Nobody was hurt," a spokesperson for the fire service said.',
    'Union leader Jo Park warned that workers would strike next week.',
    'The harbour office denied that any ship had been turned away.',
]


def _articles() -> list[Article]:
    return [Article(id=f"a{k}", text=t, date="2031-03-0%d" % (k + 1)) for k, t in enumerate(TEXTS)]


def test_draws_repeat_and_leave_out_earlier_articles():
    arts = _articles()
    first = [a.id for a in drawn_articles(arts, 7, 3)]
    assert first == [a.id for a in drawn_articles(arts, 7, 3)] and len(set(first)) == 3
    second = [a.id for a in drawn_articles(arts, 8, 3, exclude_seeds=[7])]
    assert len(second) == 3 and not set(second) & set(first)


def test_a_chain_of_draws_is_left_out_exactly_by_its_keys(tmp_path: Path, nlp):
    from claimwatch.eval.claim_judging import key_articles

    arts = [Article(id=f"b{k}", text=TEXTS[k % len(TEXTS)]) for k in range(12)]
    first = drawn_articles(arts, 7, 4)
    second = drawn_articles(arts, 8, 4, exclude_seeds=[7])
    # by seeds alone, a third draw may reuse the second's articles (the second went past its own first four)
    by_ids = drawn_articles(arts, 9, 4, exclude_ids=[a.id for a in first + second])
    assert not {a.id for a in by_ids} & {a.id for a in first + second}
    # a key records every article its draw extracted
    key = tmp_path / "key.json"
    draw_packet(second, lambda a: extract_articles(nlp, a), tmp_path / "p", key, seed=1, count=4, n=2)
    assert sorted(key_articles(json.loads(key.read_text()))) == sorted(a.id for a in second)


def test_packet_is_blind_and_keyed(tmp_path: Path, nlp):
    out, key = tmp_path / "packet", tmp_path / "key.json"
    summary = draw_packet(_articles(), lambda arts: extract_articles(nlp, arts), out, key, seed=3, count=6, n=4)
    assert summary["drawn"] == 4 and summary["claims_total"] >= 4
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    keyed = json.loads(key.read_text())["items"]
    assert [i["item"] for i in items] == [k["item"] for k in keyed]
    for item in items:
        assert set(item) == {"item", "article_file", "speaker", "resolved_speaker", "cue", "content",
                             "sentence_context"}  # no kind, class, actor or score
        article = (out / item["article_file"]).read_text()
        marked = item["sentence_context"].split("⟦")[1].split("⟧")[0]
        assert marked in " ".join(article.split())
    again = tmp_path / "again"
    draw_packet(_articles(), lambda arts: extract_articles(nlp, arts), again, tmp_path / "k2.json", seed=3, count=6, n=4)
    assert (again / "items.jsonl").read_text() == (out / "items.jsonl").read_text()


def test_the_lower_label_counts(tmp_path: Path):
    key = {"items": [{"item": "P000", "kind": "direct"}, {"item": "P001", "kind": "indirect"},
                     {"item": "P002", "kind": "indirect"}]}
    j1, j2 = tmp_path / "j1.jsonl", tmp_path / "j2.jsonl"
    j1.write_text('{"item": "P000", "label": "right"}\n{"item": "P001", "label": "right"}\n'
                  '{"item": "P002", "label": "partly"}\n')
    j2.write_text('{"item": "P000", "label": "right"}\n{"item": "P001", "label": "wrong"}\n')
    report = score(key, [read_labels(j1), read_labels(j2)])
    assert (report["right"], report["partly"], report["wrong"]) == (1, 1, 1)
    assert report["agreed"] == 1 and report["missing"] == ["P002"]
    assert report["by_kind"] == {"direct": {"right": 1}, "indirect": {"wrong": 1, "partly": 1}}
    assert "right 1, partly 1, wrong 1" in render(report)


def test_a_bad_label_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"item": "P000", "label": "right"}\n{"item": "P001", "label": "maybe"}\n')
    with pytest.raises(ClaimwatchError, match=r"bad.jsonl:2: label must be one of"):
        read_labels(bad)


def test_a_split_quote_shows_the_reported_words_only():
    from claimwatch.eval.claim_judging import packet_item
    from claimwatch.schema import ClaimOut, ContentOut, SpanOut

    text = '"We will reopen the port," the mayor said. "The storm has passed."'
    first, second = text.index('"We'), text.index('"The')
    parts = [SpanOut(text=text[first:26], start=first, end=26), SpanOut(text=text[second:], start=second, end=len(text))]
    claim = ClaimOut(id="c", speaker=SpanOut(text="the mayor", start=27, end=36), resolved_speaker=None,
                     cue=SpanOut(text="said", start=37, end=41),
                     content=ContentOut(text=text[first:], start=first, end=len(text), spans=parts),
                     kind="direct", polarity="asserts", hedged=False)
    item = packet_item("P000", claim, text)
    assert item["content"] == '"We will reopen the port," … "The storm has passed."'
    assert "the mayor said" in item["sentence_context"]  # the context still shows the frame


def test_statements_draw_only_claims_a_list_shows(tmp_path: Path):
    from claimwatch.schema import ArticleOut, ClaimOut, ContentOut, SpanOut

    text = "The mayor said the port was open. The engineers ran models of the tide."
    said = ClaimOut(id="s", speaker=SpanOut(text="The mayor", start=0, end=9), resolved_speaker="The mayor",
                    cue=SpanOut(text="said", start=10, end=14),
                    cue_class="assert", content=ContentOut(text="the port was open", start=15, end=32),
                    kind="indirect", polarity="asserts", hedged=False)
    noise = said.model_copy(update={"id": "n", "cue": SpanOut(text="ran models", start=48, end=58), "cue_class": None})
    extract = lambda arts: [ArticleOut(id=a.id, claims=[said, noise]) for a in arts]  # noqa: E731
    arts = [Article(id="a0", text=text)]
    everything = draw_packet(arts, extract, tmp_path / "p1", tmp_path / "k1.json", seed=1, count=1, n=10)
    shown = draw_packet(arts, extract, tmp_path / "p2", tmp_path / "k2.json", seed=1, count=1, n=10, statements=True)
    assert everything["claims_total"] == 2 and shown["claims_total"] == 1 and shown["statements_only"]
    assert [row["claim_id"] for row in json.loads((tmp_path / "k2.json").read_text())["items"]] == ["s"]
