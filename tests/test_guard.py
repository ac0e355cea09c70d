"""The per-article guard: hostile text is analysed within fixed limits, with a note, and offsets stay exact."""
from __future__ import annotations

import pytest
import spacy
from hypothesis import given, strategies as st

from claimwatch.ingest.readers import InputProblem
from claimwatch.nlp.features import _nearest
from claimwatch.nlp.guard import MAX_RUN_CHARS, MAX_SENTENCE_TOKENS, MAX_TOKENS, guarded_doc
from claimwatch.pipeline import extract_articles
from claimwatch.schema import Article

HOSTILE = {
    "said": "said " * 2000,
    "quote storm": '"' * 5000,
    "said in quotes": '"said," ' * 1000,
    "no": 'He said "no" ' * 1000,
}
PROSE = '"We have no choice," the mayor told reporters on Monday. Critics said the plan would fail.\n\n'


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def test_ordinary_text_passes_untouched(blank):
    guarded = guarded_doc(blank, PROSE * 20)
    assert guarded.notes == [] and guarded.doc.text == PROSE * 20


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_gets_a_note_and_a_doc_whose_offsets_are_the_texts(blank, name: str):
    text = PROSE + HOSTILE[name] + "\n\n" + PROSE
    guarded = guarded_doc(blank, text)
    assert guarded.notes
    doc_text = guarded.doc.text
    assert len(doc_text) <= len(text)
    # Only ever spaces put in place of characters: any span of the Doc indexes the same place in the text.
    assert all(a == b or a == " " for a, b in zip(doc_text, text))
    assert doc_text.startswith(PROSE) and doc_text.endswith(PROSE)


def test_long_runs_are_broken_with_spaces_every_max_run_chars(blank):
    guarded = guarded_doc(blank, "x" * (MAX_RUN_CHARS * 3 + 5))
    assert [i for i, ch in enumerate(guarded.doc.text) if ch == " "] == [MAX_RUN_CHARS, 2 * MAX_RUN_CHARS,
                                                                         3 * MAX_RUN_CHARS]
    assert "1 run(s)" in guarded.notes[0]


def test_a_stretch_just_within_the_sentence_limit_is_kept(blank):
    text = "word " * MAX_SENTENCE_TOKENS + ". " + "word " * (MAX_SENTENCE_TOKENS + 1) + "."
    guarded = guarded_doc(blank, text)
    kept, blanked = guarded.doc.text.split(". ", 1)
    assert kept == text.split(". ", 1)[0]
    assert blanked.strip() == "." and len(guarded.notes) == 1


def test_only_the_first_max_tokens_are_analysed(blank):
    guarded = guarded_doc(blank, "Word. " * (MAX_TOKENS // 2 + 10))
    assert len(guarded.doc) <= MAX_TOKENS and "only the first 25,000" in guarded.notes[0]


def test_over_max_length_is_cut_to_it(blank):
    nlp = spacy.blank("en")
    nlp.max_length = 100
    guarded = guarded_doc(nlp, "Word. " * 30)
    assert len(guarded.doc.text) == 100 and "only the first 100" in guarded.notes[0]


@given(st.lists(st.integers(-50, 50), min_size=1, unique=True), st.integers(-60, 60))
def test_nearest_is_min_by_distance(values: list[int], i: int):
    values.sort()
    assert _nearest(values, i) == min(values, key=lambda c: abs(c - i))


# -- through the pipeline --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_pipeline_reports_the_guard_and_keeps_the_prose_claims(nlp, name: str):
    text = PROSE + HOSTILE[name] + "\n\n" + PROSE
    problems: list[InputProblem] = []
    (out,) = extract_articles(nlp, [Article(id="h", text=text, origin="h.txt")], problems=problems)
    assert problems and all(p.origin == "h.txt" for p in problems)
    assert any(c.speaker and c.speaker.text == "the mayor" for c in out.claims)
    for claim in out.claims:
        assert text[claim.content.start : claim.content.end] == claim.content.text


def test_a_lone_surrogate_given_to_the_library_becomes_a_replacement_character(nlp):
    problems: list[InputProblem] = []
    text = "The minister said \ud800 taxes will rise."
    (out,) = extract_articles(nlp, [Article(id="s", text=text, title="\udc00")], problems=problems)
    assert [p.message for p in problems] == ["lone surrogates in text, title replaced by U+FFFD"]
    assert out.title == "\ufffd"
    assert out.model_dump_json()  # encodable
    assert all("\ufffd" in c.content.text or "taxes" in c.content.text for c in out.claims)
