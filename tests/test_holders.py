"""Whose claim a claim noun names (nlp/holders.py): "the Vardanian claim that …", "rejected Ostmark's claim that …"."""
from __future__ import annotations

from claimwatch.pipeline import extract_articles
from claimwatch.schema import Article


def _claims(nlp, text: str):
    return next(extract_articles(nlp, [Article(id="h", text=text, date="2031-05-02")])).claims


def _who(c) -> str:
    return c.speaker.text if c.speaker else "-"


def test_a_nationality_adjective_is_the_holder_of_a_speakerless_claim(nlp) -> None:
    claims = _claims(nlp, "The Russian claim that Ukrainian divers cut the cable could not be verified.")
    found = [(_who(c), c.polarity) for c in claims if "divers cut the cable" in c.content.text]
    assert found == [("Russian", "asserts")], [(_who(c), c.cue and c.cue.text, c.content.text) for c in claims]
    assert [c.speaker_actor.id for c in claims if c.speaker_actor] == ["RUS"]


def test_a_denial_that_names_the_claim_also_reports_it(nlp) -> None:
    claims = _claims(nlp, "Western capitals rejected Russia's claim that Ukraine planned to flood the valley.")
    sides = sorted((_who(c), c.polarity) for c in claims if "planned to flood the valley" in c.content.text)
    assert sides == [("Russia", "asserts"), ("Western capitals", "denies")], sides
    named = [c for c in claims if _who(c) == "Russia"]
    assert named[0].kind == "nominal" and named[0].cue.text == "claim"


def test_a_pronoun_possessor_names_nobody(nlp) -> None:
    claims = _claims(nlp, "Officials dismissed its claims that Ukraine planned to flood the valley.")
    assert [(_who(c), c.polarity) for c in claims] == [("Officials", "denies")]


def test_the_subject_of_making_a_claim_holds_it(nlp) -> None:
    claims = _claims(nlp, "Top Vardanian officials made unsubstantiated accusations that Ostmark was building a device.")
    found = [(_who(c), c.kind) for c in claims if "building a device" in c.content.text]
    assert found == [("Top Vardanian officials", "nominal")], [(_who(c), c.cue and c.cue.text) for c in claims]


def test_a_claim_noun_nobody_holds_stays_speakerless(nlp) -> None:
    claims = _claims(nlp, "It comes amid speculation that the blasts were the result of an attack.")
    assert all(c.speaker is None for c in claims if "blasts" in c.content.text)


def test_the_named_claim_and_its_denial_have_ids_of_their_own(nlp) -> None:
    text = "Western capitals rejected Russia's claim that Ukraine planned to flood the valley."
    claims = _claims(nlp, text)
    assert len(claims) == 2 and len({c.id for c in claims}) == 2, [(c.id, _who(c)) for c in claims]
