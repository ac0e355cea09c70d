"""Scraped-text shapes (claims interim 14): a blank line ends a sentence, a participle's claim ends with its phrase,
and a quoted person is not a statement."""
from __future__ import annotations

from claimwatch.nlp.breaks import paragraph_starts
from claimwatch.pipeline import extract_articles
from claimwatch.schema import Article, reports_statement


def _claims(nlp, text: str):
    return next(extract_articles(nlp, [Article(id="t", text=text)])).claims


def test_a_paragraph_starts_a_sentence(nlp) -> None:
    doc = nlp("update\n\nAn official in Kessel denied that the dam had been hit\n\nThe river rose.")
    starts = {t.text for t in doc if t.is_sent_start}
    assert {"An", "The"} <= starts
    assert [doc[i].text for i in paragraph_starts(doc)] == ["An", "The"]
    # a single line break (hard-wrapped text) starts nothing
    assert paragraph_starts(nlp.make_doc("The mayor said the dam\nhad been hit.")) == []


def test_no_speaker_or_content_runs_across_a_blank_line(nlp) -> None:
    text = ("update\n\nAn official in Kessel today denied that the dam had been hit by shells, the Courier reported."
            "\n\nThey say the bridge is 'rock' hard and 'solid as a brick'\n\nThe pair horrified the hosts when they "
            "pretended to eat the brick\n\nAll proceeds go to the Kessel flood fund.")
    claims = _claims(nlp, text)
    denied = [c for c in claims if c.cue and c.cue.text.endswith("denied")]
    assert denied and denied[0].speaker.text == "An official in Kessel"
    for c in claims:
        assert "\n\n" not in c.content.text and (c.speaker is None or "\n\n" not in c.speaker.text)
    assert any(c.content.text.endswith("'solid as a brick'") for c in claims)


def test_a_participle_claim_ends_with_its_phrase(nlp) -> None:
    text = "A fake advertisement claiming that phones could be charged in a microwave went viral after users tried it."
    (claim,) = [c for c in _claims(nlp, text) if c.cue and c.cue.text == "claiming"]
    assert claim.content.text == "that phones could be charged in a microwave"


def test_a_quoted_person_is_not_a_statement(nlp) -> None:
    text = ('To complete the tale they quoted "Kessel police chief" Lyndon Edwards, who apparently held a press '
            'conference to announce the arrest.')
    assert not any(reports_statement(c) for c in _claims(nlp, text))
    # a quoted phrase inside a reported clause still makes a statement
    assert any(reports_statement(c) for c in _claims(nlp, 'The mayor said the "special operation" in Kessel was '
                                                         'going well.'))


def test_a_quoted_title_the_cue_speaks_of_is_not_content(nlp) -> None:
    text = '"It felt like a new art form," Rodgers said later of "Kessel Nights." The song sold well.'
    (claim,) = [c for c in _claims(nlp, text) if "art form" in c.content.text]
    assert "Kessel Nights" not in claim.content.text
    # a split quote keeps both parts
    (split,) = _claims(nlp, '"We will win," the mayor of Kessel said, "and we will rebuild."')
    assert "rebuild" in split.content.text and "We will win" in split.content.text


def test_a_single_line_break_starts_a_sentence_unless_the_text_is_hard_wrapped(nlp) -> None:
    # a caption on its own line does not run into the next paragraph's speaker (claims interim 16)
    text = ("The mayor of Kessel opened the new bridge on Monday after two years of work on it.\n"
            "Photo by the Kessel Courier\n"
            "Fellow engineer Jenny Town said she believed the bridge would last a century.")
    doc = nlp.make_doc(text)
    assert [doc[i].text for i in paragraph_starts(doc)] == ["Photo", "Fellow"]
    (claim,) = [c for c in _claims(nlp, text) if c.cue and c.cue.text == "said"]
    assert claim.resolved_speaker == "Jenny Town"
    # hard-wrapped text: short lines, broken inside sentences
    wrapped = "\n".join(["The mayor of Kessel said on Monday", "That the bridge would open soon, and",
                         "The council agreed with him after", "A long debate in the town hall of",
                         "Kessel that lasted well into the night."])
    assert paragraph_starts(nlp.make_doc(wrapped)) == []


def test_a_short_hard_wrapped_text_keeps_its_sentences(nlp) -> None:
    # three wrapped lines: a line ending in a function word does not end a sentence (a reviewer's case)
    text = "The minister told reporters on Monday that\nRussia would not attend the summit in\nGeneva unless asked."
    assert paragraph_starts(nlp.make_doc(text)) == []
    (claim,) = [c for c in _claims(nlp, text) if c.cue]
    assert "Geneva" in claim.content.text
