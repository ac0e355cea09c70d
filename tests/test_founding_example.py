"""What claimwatch must find in the founding example (../shared/examples/crimea-withdrawal.txt).

The article is not ours to ship, so the test reads it from the shared folder and skips without it.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from claimwatch.pipeline import extract_articles
from claimwatch.schema import Article

EXAMPLE = Path(os.environ.get("CLAIMWATCH_FOUNDING_EXAMPLE")
               or Path(__file__).resolve().parents[2] / "shared" / "examples" / "crimea-withdrawal.txt")


@pytest.fixture(scope="module")
def result(nlp):
    if not EXAMPLE.is_file():
        pytest.skip(f"founding example not found at {EXAMPLE}")
    text = EXAMPLE.read_text(encoding="utf-8")
    return text, next(extract_articles(nlp, [Article(id="crimea", text=text, date="2022-02-17")]))


def find(result, words: str):
    """The claims whose content contains `words`."""
    _, art = result
    return [c for c in art.claims if words in c.content.text]


def test_russia_announces_withdrawal(result):
    [claim] = find(result, "withdrawal of troops from the Crimean peninsula")
    assert claim.speaker.text == "Russia" and claim.cue.text == "announced"


def test_ministry_relayed_by_news_agencies(result):
    [claim] = find(result, "returning by rail to their permanent bases")
    assert claim.speaker.text == "the Ministry of Defence"
    assert [r.text for r in claim.relay] == ["Russian news agencies"]
    assert claim.kind == "direct"


def test_west_alleges_and_washington_warns(result):
    [west] = find(result, "increasing its military presence")
    assert west.speaker.text == "the West" and "alleged" in west.cue.text
    [wash] = find(result, "invasion of Ukraine could be due any time")
    assert wash.speaker.text == "Washington" and "warned" in wash.cue.text and wash.hedged


@pytest.mark.parametrize("words", ["certain phases of the exercises", "a process that will take some time",
                                   "can’t just take to the air"])
def test_peskov_statements_resolved(result, words):
    [claim] = find(result, words)
    assert claim.resolved_speaker == "Dmitry Peskov"


def test_no_claim_from_also_read_lines(result):
    text, art = result
    teaser_lines = [(i, i + len(line)) for line in text.split("\n") if line.startswith("Also read")
                    for i in [text.index(line)]]
    assert len(teaser_lines) == 2
    for c in art.claims:
        for s, e in teaser_lines:
            assert not (c.content.start < e and s < c.content.end), c.content.text


def test_offsets_point_into_the_text(result):
    text, art = result
    for c in art.claims:
        for span in [c.content, c.speaker, c.cue, *c.relay, *(c.content.spans or [])]:
            if span is not None:
                assert text[span.start : span.end] == span.text
