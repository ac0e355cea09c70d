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


def test_shared_names_alone_answer_nothing() -> None:
    # claims interim 14 / run 8: "the Brigade leader was dead" does not answer "the Brigade was threatening to …".
    threat = profile(claim("a", "that the Red Brigade was threatening to burn the grain stores of Kessel", VAR))
    dead = profile(denial("that the leader of the Red Brigade was dead"))
    assert relate(threat, dead, 0.7).gate == "the denial answers another matter"
    # a shared word that is not a name (what is said of them) still answers
    burnt = profile(denial("that the Red Brigade burned the grain stores"))
    assert relate(threat, burnt, 0.8).gate is None


def test_the_same_words_twice_are_one_statement() -> None:
    # Two outlets quote one slogan; a parse of one copy reading a negation the other copy lacks changes nothing.
    a = profile(claim("a", "“This ain’t no grain store!”", VAR))
    b = profile(claim("b", "“This ain’t no grain store!”", MAR, negated_verb=True, article="a2"))
    assert relate(a, b, 1.0).features["opposed"] and relate(a, b, 1.0).p_dispute == 0.0
    # the same words denied by one cue and asserted by the other are opposed
    denied = profile(denial("“This ain’t no grain store!”"))
    assert relate(a, denied, 1.0).p_dispute > 0.5


def test_a_false_story_and_an_untrue_story_are_both_denials() -> None:
    from claimwatch.disputes.candidates import own_stance

    for text in ("the managers knew it was a false story for a long time",
                 "the suggestion is categorically false",
                 "the volunteer was nowhere near Kessel",
                 "the company has squashed all rumours that a blue bridge was planned",
                 "the video would shortly be exposed as fake"):
        assert own_stance(claim("a", text, VAR))[0] == "denies", text
    assert own_stance(claim("a", "the story ran in the Kessel Courier for a long time", VAR))[0] == "asserts"


def test_a_rejection_opposes_only_a_claim_or_a_proposal() -> None:
    from claimwatch.disputes.candidates import reportable

    def rejection(text: str) -> StoredClaim:
        return denial(text).model_copy(update={"kind": "object"})

    assert reportable(rejection("rumours of a blue bridge over the Kessel"))
    assert reportable(rejection("the wage offer"))
    # an act (a court dismissing cases) and a thing conceded are no rejection of anything said
    assert not reportable(rejection("849 misdemeanour cases involving police arrests in Kessel"))
    assert not reportable(rejection("the raw material value in a gold watch case"))


def test_a_denial_that_only_points_at_a_claim_is_no_side() -> None:
    # run 10: "Peskov dismissed it as 'purposeful pumping'", "Allies reject this blatantly false accusation"
    from claimwatch.disputes.candidates import reportable

    assert not reportable(denial("it as “purposeful pumping” of rhetoric about the Kessel dam"))
    assert not reportable(denial("this blatantly false accusation about the Kessel dam").model_copy(
        update={"kind": "object"}))
    assert not reportable(denial("these claims").model_copy(update={"kind": "object"}))
    # what the denial's own words say stays: a clause whose subject is "it", a named claim, "that" as a conjunction
    assert reportable(denial("it was responsible for the flooding of the Kessel dam"))
    assert reportable(denial("the claim that Marovia flooded the Kessel dam").model_copy(update={"kind": "object"}))
    assert reportable(denial("that Marovia had flooded the Kessel dam"))
    assert reportable(denial("that claims of abuse in the Kessel jail had been ignored"))


def test_a_name_is_enough_when_one_side_speaks_of_a_claim() -> None:
    # run 8: "Hunter's claim was unfounded" answers "Hunter's office remains convinced the lawmaker was correct".
    rejected = profile(claim("a", "that Kessler’s claim was unfounded", MAR, article="a2"))
    upheld = profile(claim("b", "that Kessler’s office remains convinced that the lawmaker was correct", VAR))
    assert rejected.own_stance == "denies"
    assert relate(rejected, upheld, 0.7).gate is None


def test_two_contents_that_both_deny_it_agree() -> None:
    # run 8: "Rosenberg was not in Kobani" and "Rosenberg was nowhere near Kobani" say one thing.
    not_in = profile(claim("a", "the volunteer Rosen was not in Kessel", VAR, negated_verb=True))
    nowhere = profile(claim("b", "that the volunteer Rosen was nowhere near Kessel", MAR, negated_verb=True,
                            article="a2"))
    assert (not_in.own_stance, nowhere.own_stance) == ("asserts", "denies")
    assert relate(not_in, nowhere, 0.8).p_dispute == 0.0


def test_a_name_is_no_answer_unless_it_holds_the_claim() -> None:
    # run 8 (tuning): "experts fear Ebola could spread" is not answered by "a posting claiming a family has Ebola
    # is not true", though the one name and a claim word are shared.
    fear = profile(claim("a", "Ebola could be accidentally spread by the Red Brigade", VAR))
    posting = profile(claim("b", "An Internet posting claiming a family in Kessel has come down with Ebola is not true",
                            MAR, article="a2"))
    assert posting.own_stance == "denies"
    assert relate(fear, posting, 0.7).gate == "the denial answers another matter"


def test_unclear_doubts_rather_than_asserts() -> None:
    from claimwatch.disputes.candidates import own_stance

    assert own_stance(claim("a", "it was unclear what the mayor of Kessel believes about the bridge", VAR))[0] == "doubts"


def test_a_company_and_its_own_spokesperson_are_one_side() -> None:
    # run 8 (FNC-1 half T): "Durex" and "A Durex spokesperson", typed differently by NER and the actor layer
    firm = ActorOut(id="org:kessel-rubber", name="Kessel Rubber", type="organisation")
    voice = ActorOut(id="unknown:a-kessel-rubber-spokesperson", name="A Kessel Rubber spokesperson",
                     type="unknown")
    alleged = profile(claim("a", "Kessel Rubber will launch a pumpkin-spice product next month", firm))
    denied = profile(claim("d", "Kessel Rubber will launch a pumpkin-spice product next month", voice,
                           cue="denied", cue_class="deny", polarity="denies", article="a2"))
    assert relate(alleged, denied, 0.9).gate is not None
    other = ActorOut(id="org:marovia-post", name="Marovia Post", type="media")
    rival = profile(claim("r", "Kessel Rubber will launch a pumpkin-spice product next month", other,
                          cue="denied", cue_class="deny", polarity="denies", article="a2"))
    assert relate(alleged, rival, 0.9).gate is None


def test_generic_speakers_are_no_one_side() -> None:
    # "Residents" in two articles (Kessel's and Marovia's) are two sides, whatever the capital letter
    a = ActorOut(id="unknown:residents", name="Residents", type="unknown")
    alleged = profile(claim("a", "Kessel Rubber will launch a pumpkin-spice product next month", a))
    denied = profile(claim("d", "Kessel Rubber will launch a pumpkin-spice product next month", a,
                           cue="denied", cue_class="deny", polarity="denies", article="a2"))
    assert alleged.voice is None and denied.voice is None


def test_a_denial_of_a_named_holders_claim_answers_that_holder() -> None:
    # run 10: "U.S. deny Russia's espionage claims against imprisoned American" against an American's argument
    rejection = denial("Russia's espionage claims against the jailed engineer").model_copy(
        update={"kind": "object", "speaker_actor": VAR, "resolved_speaker": VAR.name,
                "speaker": SpanOut(text=VAR.name, start=0, end=len(VAR.name))})
    rejected = profile(rejection)
    norland = ActorOut(id="XNO", name="Norland", type="country", country="XNO")
    argument = profile(claim("b", "the jailed engineer was a spy working for Varland", norland, article="a3"))
    russia = ActorOut(id="RUS-GOV", name="Russian government", type="government", country="RUS", sector="GOV")
    holder = profile(claim("c", "the jailed engineer was a spy working for Varland", russia, article="a3"))
    assert rejected.rejects
    assert relate(rejected, argument, 0.8).gate == "it rejects another's claim"
    assert relate(rejected, holder, 0.8).gate != "it rejects another's claim"
    # a holder the actor data does not know ("the President's claims") may be whoever the other side is
    unknown = profile(rejection.model_copy(update={
        "content": ContentOut(text="the President's claims against the jailed engineer", start=0, end=50)}))
    assert relate(unknown, argument, 0.8).gate != "it rejects another's claim"



def test_a_pronoun_agent_agrees_but_never_conflicts() -> None:
    # "Borgen said it would pay" and the company's own "it would pay": one telling resolves "it" to the firm, the
    # other to its country; a pronoun is too weak to set two agents against each other. Two named agents still are.
    from claimwatch.disputes.relation import slots

    firm = ActorOut(id="org:borgen", name="Borgen", type="organisation", country=None)
    told = claim("a", "it would pay for the gas in euros", VAR)
    told.frame.agent = FrameArgOut(text="it", actor_id=firm.id)
    own = claim("b", "it would pay for the gas in euros", KES)
    own.frame.agent = FrameArgOut(text="it", actor_id="XKE", country="XKE")
    named = claim("c", "Marovia would pay for the gas in euros", KES, agent=MAR)
    assert slots(profile(told), profile(own))["agent"] == "unknown"
    assert slots(profile(own), profile(own.model_copy(update={"id": "d"})))["agent"] == "agree"
    assert slots(profile(claim("e", "Vardania would pay", VAR, agent=VAR)), profile(named))["agent"] == "conflict"


def test_a_guess_of_what_will_happen_does_not_dispute_a_denied_fact() -> None:
    # "Vardania may reconsider supplying drones" presupposes supplies but asserts only a guess (run 12).
    guess = profile(claim("a", "Marovia may reconsider supplying drones to Kessland", VAR, modality="prediction",
                          agent=MAR))
    denied = profile(denial("supplying drones to Kessland", agent=MAR))
    assert relate(guess, denied, 0.8).gate == "a guess vs a denied fact"
    # a hedged statement of how things are is answered by the denial
    hedged = profile(claim("a", "Marovia's leader may be ill", VAR, modality="prediction", agent=MAR))
    ill = profile(denial("Marovia's leader is ill", agent=MAR))
    assert relate(hedged, ill, 0.8).gate is None


def test_opposed_claims_sharing_nothing_but_who_acts_are_two_matters() -> None:
    # Run 14: a denial of attacks on a plant set against a report of building work there shared only the agent.
    no_time = FrameTimeOut(start=None, end=None, basis="none")

    def undated(c: StoredClaim) -> StoredClaim:
        return c.model_copy(update={"frame": c.frame.model_copy(update={"time": no_time})})

    alleged = claim("a", "Marovian troops shelled the power plant on the river", VAR, agent=MAR)
    denied = denial("Marovian troops shelled the power plant", agent=MAR)
    assert relate(profile(undated(alleged)), profile(undated(denied)), 0.8).gate == "nothing in common"
    # a time in common (or a target, a place, a predicate) lets the pair be weighed
    assert relate(profile(alleged), profile(denied), 0.8).gate is None


def test_a_denied_plan_of_another_country_is_not_the_deniers_own_part() -> None:
    # dev gold r728 / s79: Wallace "denied the Kremlin's allegations Ukraine is planning to detonate a dirty bomb"
    # denies Ukraine's plan, so it answers the claim that Ukraine plans it (before: read as his own plan)
    plan = claim("a", "Vardania is planning to detonate a dirty bomb", MAR, agent=VAR)
    denied = claim("d", "Vardania is planning to detonate a dirty bomb", KES, cue="denied", cue_class="deny",
                   polarity="denies", article="a2", agent=VAR)
    assert not profile(denied).denies_part
    own = claim("d", "it plans to detonate a dirty bomb", VAR, cue="denied", cue_class="deny", polarity="denies",
                article="a2")
    assert profile(own).denies_part


def test_one_transfer_told_from_both_ends_has_one_agent() -> None:
    # dev gold r649: "Russia has acquired explosive drones from Iran" and Iran's denial "that Iran transferred
    # drones to Russia" tell one transfer; their agents differ only because the verbs face opposite ways
    from claimwatch.disputes.relation import slots

    def framed(c: StoredClaim, agent: ActorOut, lemma: str, about: ActorOut) -> StoredClaim:
        frame = c.frame.model_copy(update={"lemma": lemma})
        c = c.model_copy(update={"frame": frame})
        p = profile(c)
        return replace(p, about=p.about | {about.country, agent.country})

    got = framed(claim("a", "Marovia has acquired drones from Vardania", KES, agent=MAR), MAR, "acquire", VAR)
    gave = framed(denial("that Vardania transferred drones to Marovia", agent=VAR), VAR, "transfer", MAR)
    assert slots(got, gave)["agent"] == "agree"
    sold = framed(denial("that Vardania sold drones to Marovia", agent=VAR), VAR, "sell", MAR)
    assert slots(gave, sold)["agent"] == "agree"  # (same direction: compared as usual, Vardania both times)
    other = framed(claim("a", "Kessland has bought drones from Vardania", MAR, agent=KES), KES, "buy", VAR)
    assert slots(other, gave)["agent"] == "unknown"  # Kessland is not named in the denial: no agreement
