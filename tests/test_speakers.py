"""Speaker resolution (nlp/speakers.py): a pronoun resolves to a named mention, never to another pronoun."""
from __future__ import annotations

import pytest

from claimwatch.nlp.speakers import is_pronoun
from claimwatch.pipeline import extract_articles
from claimwatch.schema import Article


@pytest.mark.parametrize("text", ["I", "you", "They", "who", "this"])
def test_pronouns_name_nobody(text: str) -> None:
    assert is_pronoun(text)


@pytest.mark.parametrize("text", ["Ilse Brandt", "the harbour committee", "Theyer", "", None])
def test_names_are_not_pronouns(text) -> None:
    assert not is_pronoun(text)


def _speakers(nlp, text: str) -> dict[str, "str | None"]:
    out = next(extract_articles(nlp, [Article(id="t", text=text)]))
    return {c.speaker.text: c.resolved_speaker for c in out.claims if c.speaker}


def test_a_pronoun_is_never_resolved_to_an_earlier_unresolved_pronoun(nlp) -> None:
    text = ("I told the harbour committee that the new pier was safe. They said the pier was still too narrow.\n\n"
            "You said that the coast road would be closed. It said the road would stay open.")
    speakers = _speakers(nlp, text)
    assert speakers.get("They") is None
    assert speakers.get("It") is None


def test_a_pronoun_still_resolves_to_a_named_speaker(nlp) -> None:
    text = ("Ilse Brandt, the harbour master, said the pier was safe. She said the ferries would run on Monday.")
    assert _speakers(nlp, text).get("She") == "Ilse Brandt"


def _resolved(nlp, text: str, content: str) -> "str | None":
    out = next(extract_articles(nlp, [Article(id="t", text=text)]))
    found = [c.resolved_speaker for c in out.claims if content in c.content.text]
    assert found, [c.content.text for c in out.claims]
    return found[0]


def test_two_first_names_under_one_surname_are_two_people(nlp) -> None:
    text = ("Kayla Brennan, an aid worker, was taken hostage in the north in 2013.\n\n"
            "On Tuesday it was Marsha Brennan's turn to speak in court. She told the court that her daughter had "
            "wanted to help refugees.")
    assert _resolved(nlp, text, "her daughter had wanted") == "Marsha Brennan"


def test_a_person_named_inside_a_quote_does_not_speak_it(nlp) -> None:
    text = ("Olena Petrenko arrived in the village in March with two suitcases.\n\n"
            "\"I never thought I would meet someone as kind as Anna Kovalenko,\" she said.")
    assert _resolved(nlp, text, "someone as kind as") == "Olena Petrenko"


def test_a_word_of_the_quotation_is_never_its_speaker(nlp) -> None:
    text = ("Instead of a plan, I hear only slogans. I am reminded of Mayor Kessler\u2019s remark in the middle of a "
            "similar storm: \u201cCourage has carried us this far; but it can do so no longer. It will soon be our "
            "undoing.\u201d As a town, this must be our motto.")
    out = next(extract_articles(nlp, [Article(id="t", text=text)]))
    assert out.claims
    for c in out.claims:
        assert c.speaker is None or not any(p.start <= c.speaker.start and c.speaker.end <= p.end
                                            for p in (c.content.spans or [c.content])), c
