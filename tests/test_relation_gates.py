"""The relation's gates between two claims (disputes/relation.py): when a pair can never be a dispute.

Claims are built by hand in fictional countries; the cosine is given, so no embedding model is needed.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from claimwatch.disputes.candidates import profile
from claimwatch.disputes.relation import answer_overlap, features, relate, unseen_kind
from claimwatch.schema import ActorOut, ContentOut, FrameArgOut, FrameOut, FrameTimeOut, SpanOut
from claimwatch.store import StoredClaim

VAR = ActorOut(id="XVA", name="Vardania", type="country", country="XVA")
MAR = ActorOut(id="XMA", name="Marovia", type="country", country="XMA")
KES = ActorOut(id="XKE", name="Kessland", type="country", country="XKE")


def claim(cid: str, text: str, speaker: ActorOut, *, cue: str = "said", cue_class: str = "assert",
          polarity: str = "asserts", modality: str = "fact", agent: Optional[ActorOut] = None,
          article: str = "a1", negated_verb: bool = False) -> StoredClaim:
    """``negated_verb``: the content's frame denies ("would not be sent") while the claim itself asserts."""
    frame = FrameOut(agent=FrameArgOut(text=agent.name, actor_id=agent.id, country=agent.country) if agent else None,
                     polarity="denies" if negated_verb else polarity, modality=modality,
                     time=FrameTimeOut(start="2031-02-16", end="2031-02-16", basis="article"))
    return StoredClaim(
        id=cid, speaker=SpanOut(text=speaker.name, start=0, end=len(speaker.name)), resolved_speaker=speaker.name,
        cue=SpanOut(text=cue, start=0, end=len(cue)), cue_class=cue_class,
        content=ContentOut(text=text, start=0, end=len(text)), kind="indirect", polarity=polarity, hedged=False,
        speaker_actor=speaker, article_id=article, date="2031-02-16", frame=frame)


def denial(text: str, **kw) -> StoredClaim:
    return claim("d", text, MAR, cue="denied", cue_class="deny", polarity="denies", article="a2", **kw)


def test_a_denial_must_answer_what_the_claim_says() -> None:
    alleged = profile(claim("a", "the plant's managers colluded with Marovia's arms maker to divert parts", VAR))
    other = profile(denial("its forces were shelling the nuclear plant near the river"))
    same = profile(denial("its arms maker colluded with the plant's managers"))
    assert answer_overlap(alleged, other) < 0.3
    assert relate(alleged, other, 0.7).gate == "the denial answers another matter"
    assert answer_overlap(alleged, same) >= 0.3
    assert relate(alleged, same, 0.8).gate is None


def test_the_core_leaves_out_an_apposition() -> None:
    # "the Kessel dam, a 30-metre wall …": the denial is of attacking the dam, not of the dam's description.
    alleged = profile(claim("a", "Marovia is preparing to strike the Kessel dam", VAR))
    denied = profile(denial("it plans to strike the Kessel dam, a thirty metre wall holding back a reservoir the "
                            "size of a sea, flooding towns and villages downstream of the river"))
    assert answer_overlap(alleged, denied) >= 0.75


def test_a_content_of_one_word_states_nothing() -> None:
    a = profile(claim("a", "which", VAR))
    b = profile(denial("which"))
    assert relate(a, b, 1.0).gate == "no proposition"


def test_a_negated_prediction_is_no_denial_of_a_fact() -> None:
    promised = profile(claim("a", "the allies would provide Vardania with long-range rockets", MAR,
                             modality="prediction"))
    refused = profile(claim("b", "the long-range rockets would not be sent to Vardania", VAR, cue="announced",
                            negated_verb=True, modality="prediction", article="a2"))
    assert refused.own_stance == "asserts"  # the denial is only in the content's verb
    assert relate(promised, refused, 0.75).gate == "negated prediction vs prediction"
    # The same negation of a fact against a fact still opposes it.
    sold = profile(claim("c", "Vardania sold rockets to Marovia", MAR))
    not_sold = profile(claim("e", "rockets were not sold by Vardania to Marovia", VAR, cue="claimed",
                             negated_verb=True, article="a2"))
    assert relate(sold, not_sold, 0.8).gate is None


def test_a_speaker_who_does_not_know_asserts_nothing() -> None:
    unsure = profile(claim("a", "how many rockets Vardania has sold to Marovia", KES, cue="doesn\u2019t know",
                           cue_class="assert"))
    assert unsure.withholds
    denied = profile(denial("Vardania has sold rockets to Marovia"))
    assert relate(unsure, denied, 0.8).gate == "one side says nothing of it"


def test_claims_nothing_sets_against_each_other_are_no_dispute() -> None:
    a = profile(claim("a", "fuel prices are rising because of the war", VAR, modality="opinion", agent=VAR))
    b = profile(claim("b", "fuel prices are rising because of the war", MAR, modality="opinion", agent=VAR,
                      article="a1"))
    rel = relate(a, b, 1.0)
    assert rel.p_dispute == 0.0 and rel.label != "contradicts"


def test_opposite_events_need_a_common_place_or_an_allegation() -> None:
    # The founding example's kind: "units are returning to their bases from Crimea" against "increasing its presence
    # around Ukraine's borders" (one country). Without a place in common, one army's advance and retreat are two acts.
    retreat = replace(profile(claim("a", "units are returning to their bases from Kessel", VAR, agent=VAR)),
                      family="withdraw", places=frozenset({"kessel", "XVA"}))
    build_up = profile(claim("b", "Vardania is massing troops near its border", MAR, agent=VAR))
    for places, cue_class, expected in ((frozenset({"XVA"}), "assert", True), (frozenset({"dornholm", "XMA"}), "assert", False),
                                        (frozenset(), "assert", False),
                                        # "Marovia has alleged that Vardania is massing troops": an allegation
                                        # set against the account, as in the built-in example
                                        (frozenset(), "accuse", True), (frozenset({"dornholm", "XMA"}), "accuse", False)):
        other = replace(build_up, family="build_up", places=places, cue_class=cue_class)
        x, sl, _ = features(retreat, other, 0.45)
        x["opposite_family"] = 1.0  # which families are opposite is the rules file's business; here only the place
        assert unseen_kind(retreat, other, x, sl) is expected, (places, cue_class)
