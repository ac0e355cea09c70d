"""Quantities: value, unit and qualifier of the numbers in claims."""
from __future__ import annotations

import pytest

from claimwatch.nlp.quantities import QuantityFinder
from claimwatch.schema import Article


@pytest.fixture(scope="module")
def finder() -> QuantityFinder:
    return QuantityFinder()


def quantities(nlp, finder, text: str):
    doc = nlp(text)
    return [(text[q.span.start : q.span.end], q.value, q.unit, q.qualifier) for q in finder.find(doc, 0, len(text))]


@pytest.mark.parametrize("text, expected", [
    ("Russia has amassed more than 100,000 troops near the border.",
     ("more than 100,000 troops", 100000.0, "troop", "more than")),
    ("Officials said 30,000 soldiers took part.", ("30,000 soldiers", 30000.0, "soldier", None)),
    ("The army moved two battalions to the coast.", ("two battalions", 2.0, "battalion", None)),
    ("Turnout fell to about 40 percent.", ("about 40 percent", 40.0, "percent", "about")),
    ("Turnout fell to nearly 40% in the east.", ("nearly 40%", 40.0, "percent", "nearly")),
    ("Up to 5,000 refugees crossed the border.", ("Up to 5,000 refugees", 5000.0, "refugee", "up to")),
    ("At least 12 people were killed.", ("At least 12 people", 12.0, "people", "at least")),
    ("The fund holds $1.5 billion in reserves.", ("$1.5 billion", 1.5e9, "USD", None)),
    ("Over 1.2 million people fled.", ("Over 1.2 million people", 1.2e6, "people", "more than")),
    ("Tens of thousands of troops gathered.", ("Tens of thousands of troops", 10000.0, "troop", "at least")),
])
def test_quantity(nlp, finder, text, expected) -> None:
    assert quantities(nlp, finder, text) == [expected]


@pytest.mark.parametrize("text", [
    "The war began in 2014 and talks resumed.",
    "He spoke on February 17 about the crisis.",
    "One of the officials declined to comment.",
])
def test_not_quantities(nlp, finder, text) -> None:
    assert quantities(nlp, finder, text) == []


def test_pipeline_quantities(nlp) -> None:
    from claimwatch.pipeline import extract_articles

    text = "Ukraine's president said Moscow has amassed more than 100,000 troops along the border."
    (out,) = extract_articles(nlp, [Article(id="q", text=text, date="2022-02-17")])
    qs = [q for c in out.claims for q in c.quantities]
    assert [(q.text, q.value, q.unit, q.qualifier) for q in qs] == [
        ("more than 100,000 troops", 100000.0, "troop", "more than")]
    assert text[qs[0].start : qs[0].end] == qs[0].text


def test_claims_without_a_number_word_are_skipped_alike(nlp, finder) -> None:
    text = ("A spokesman said twenty-five ships and 3,000 troops had left. The mayor said the port was calm. "
            "Officials said dozens of sailors and a million litres of fuel were lost.")
    doc = nlp(text)
    starts = finder.starts(doc)
    marked = [t.text for t in doc if starts[t.i + 1] > starts[t.i]]
    assert {"twenty", "3,000", "million"} <= set(marked) and "a" not in marked and "calm" not in marked
    for sent in doc.sents:
        with_starts = finder.find(doc, sent.start_char, sent.end_char, starts=starts)
        assert with_starts == finder.find(doc, sent.start_char, sent.end_char)
    calm = next(s for s in doc.sents if "calm" in s.text)
    assert finder.find(doc, calm.start_char, calm.end_char, starts=starts) == []
