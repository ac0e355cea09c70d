"""Claim frames (nlp/frames.py) on self-written sentences: agent, target, predicate, polarity, modality, time."""
from __future__ import annotations

from typing import Any

import pytest

from claimwatch.errors import DataFileError
from claimwatch.nlp.frames import load_frame_lexicon
from claimwatch.pipeline import extract_articles
from claimwatch.schema import Article


def frames_of(nlp: Any, text: str, date: str = "2031-05-04") -> dict[str, Any]:
    """content text -> frame, for every claim of ``text``."""
    (out,) = list(extract_articles(nlp, [Article(id="f", text=text, date=date)]))
    return {c.content.text.strip(' "“”'): c.frame for c in out.claims}


def one(nlp: Any, text: str, date: str = "2031-05-04") -> Any:
    frames = frames_of(nlp, text, date)
    assert len(frames) == 1, frames
    return next(iter(frames.values()))


def test_frame_is_read_from_the_content_not_the_reporting_sentence(nlp: Any) -> None:
    f = one(nlp, "Western officials alleged that Russia is increasing its military presence near the border.")
    assert f.agent is not None and f.agent.country == "RUS"
    assert f.lemma == "increase" and f.polarity == "asserts" and f.modality == "fact"
    assert f.time.basis == "article" and f.time.start == "2031-05-04"


def test_reported_it_is_the_speakers_own_act(nlp: Any) -> None:
    f = one(nlp, "Russia said on Tuesday that it had begun pulling its troops back from Crimea.")
    assert f.agent is not None and f.agent.country == "RUS"
    assert f.tense == "past"


def test_an_accusation_frames_the_accused_and_the_act_charged(nlp: Any) -> None:
    # dispute run 10: "accused Russia of using Iranian-made drones" had no agent and the predicate "russia"
    f = one(nlp, "Western allies have accused Russia of using drones to attack power plants in Ukraine.")
    assert f.agent is not None and f.agent.country == "RUS" and f.lemma == "use"
    g = one(nlp, "Ostmark blamed Kyiv for the attack on the dam.")
    assert g.agent is not None and g.agent.country == "UKR" and g.lemma == "attack"


@pytest.mark.parametrize("text, polarity", [
    ("The ministry denied that its forces shelled the hospital.", "denies"),
    ("The army said its troops did not enter the village.", "denies"),
    ("Officials said the reports of a strike were false.", "denies"),
    ("The governor said there was no sign of a withdrawal.", "doubts"),
    ("The ministry said its forces shelled the depot.", "asserts"),
    # "X, not Y" negates Y; "never been higher" is a superlative (check cases read after their scoring runs)
    ("The mayor said the transfer was a forced deportation, not an evacuation.", "asserts"),
    ("The minister said demand for the gas had never been higher.", "asserts"),
    ("The army said it had never shelled the town.", "denies"),
    ("The mayor said the transfer was not an evacuation.", "denies"),
    ("The mayor said the transfer had nothing to do with the evacuation.", "denies"),
])
def test_polarity(nlp: Any, text: str, polarity: str) -> None:
    assert one(nlp, text).polarity == polarity


@pytest.mark.parametrize("text, modality", [
    ("The minister said that the army had seized the bridge.", "fact"),
    ("The minister said the army will seize the bridge within days.", "prediction"),
    ("The minister said the allies should send more tanks.", "demand"),
    ("The minister urged the allies to send more tanks.", "demand"),
    ("The minister said the government wants to reopen the port.", "intention"),
    ("The minister said the sanctions were a mistake.", "opinion"),
    ("The minister asked whether the sanctions would work.", "question"),
    ("The minister said the army would withdraw if the talks succeeded.", "conditional"),
])
def test_modality(nlp: Any, text: str, modality: str) -> None:
    assert one(nlp, text).modality == modality


def test_named_date_sets_the_time(nlp: Any) -> None:
    f = one(nlp, "The mayor said the bridge was struck on May 2.")
    assert f.time.basis == "named" and f.time.start == "2031-05-02"


def test_passive_by_phrase_is_the_agent(nlp: Any) -> None:
    f = one(nlp, "The mayor said the station was hit by Russian missiles.")
    assert f.agent is not None and f.agent.country == "RUS"
    assert f.target is not None and "station" in f.target.text


def test_pronoun_without_speaker_resolution_is_no_actor(nlp: Any) -> None:
    f = one(nlp, '"They fired at us from the hills," a resident said.')
    assert f.agent is None or f.agent.actor_id is None



def test_reported_he_or_she_is_the_speaker_only_when_the_gender_agrees(nlp: Any) -> None:
    # dispute run 15: "He told the radio that she had Israeli citizenship" made him the agent of her citizenship
    text = ("Minister Tomas Varga spoke to reporters on Monday. He said that he had signed the order. "
            "He told the radio that she had signed the treaty.")
    frames = frames_of(nlp, text)
    own, other = frames["that he had signed the order"], frames["that she had signed the treaty"]
    assert own.agent is not None and own.agent.actor_id == "person:tomas-varga"
    assert other.agent is not None and other.agent.actor_id is None

def test_malformed_word_list_is_one_line_error(tmp_path) -> None:
    bad = tmp_path / "frames.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_frame_lexicon(str(bad))
    assert str(bad) in str(err.value) and "\n" not in str(err.value)


def test_a_holder_modifier_is_not_the_target(nlp: Any) -> None:
    # "the Russian-held plant" is a plant Russia holds: a strike on it is no strike on Russia (check test9 W30-08,
    # read after its scoring run, blocked the competing blame of the two sides' shelling accounts)
    f = one(nlp, "The governor said Ukrainian artillery shelled the Russian-held power plant on Friday.")
    assert f.agent is not None and f.agent.country == "UKR"
    assert f.target is not None and f.target.country != "RUS" and f.target.actor_id is None
    g = one(nlp, "The governor said Kremlin-backed separatists shelled the bridge on Friday.")
    assert g.agent is None or g.agent.country != "RUS"
    # a holder that is the head itself still acts
    h = one(nlp, "The governor said Russian troops shelled the bridge on Friday.")
    assert h.agent is not None and h.agent.country == "RUS"


def test_a_thing_named_after_a_place_is_no_person(nlp: Any) -> None:
    # NER reads "Zaporizhzhia" as a person; "the Zaporizhzhia nuclear plant" is a plant
    f = one(nlp, "The agency said Russian forces shelled the Zaporizhzhia nuclear plant on Friday.")
    assert f.agent is not None and f.agent.country == "RUS"
    assert f.target is not None and not (f.target.actor_id or "").startswith("person:")
    g = one(nlp, "The agency said Putin's army shelled the bridge on Friday.")  # a possessive still says whose
    assert g.agent is not None and g.agent.actor_id is not None
