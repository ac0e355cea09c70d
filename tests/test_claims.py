"""Claim spans built from tagged chunks (nlp/claims.py): content ends at a closing quote a new sentence follows."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from claimwatch.nlp.claims import build_claim
from claimwatch.nlp.features import quote_depth
from claimwatch.nlp.grouping import Chunk, Group
from claimwatch.nlp.lexicon import load_lexicon


def _doc(text: str) -> Doc:
    return spacy.blank("en")(text)


def _content(doc: Doc, *chunks: tuple[str, str]) -> list[str]:
    """The content parts of a claim whose content chunks run from the token starting each first string to the
    token ending each second."""
    def first(word: str) -> int:
        return next(t.i for t in doc if t.text == word)

    def last(word: str) -> int:
        return max(t.i for t in doc if t.text == word) + 1

    group = Group(content=[Chunk("CON", first(a), last(b)) for a, b in chunks])
    claim = build_claim(doc, group, quote_depth(doc), load_lexicon())
    assert claim is not None
    return [doc.text[p.start : p.end] for p in claim.content]


def test_content_stops_at_a_closing_quote_before_a_new_sentence() -> None:
    doc = _doc('She said the plan was “a disaster for the harbour.” Officials at the port declined to comment.')
    assert _content(doc, ("the", "comment")) == ["the plan was “a disaster for the harbour.”"]


def test_content_stops_at_a_closing_quote_before_a_new_paragraph() -> None:
    # Two chunks only a paragraph break apart are one stretch: the name after the break is not what was said.
    doc = _doc("The union said the rota would “keep the real costs under wraps.”\n\nMaria Lindqvist, who chairs it")
    assert _content(doc, ("the", "”"), ("Maria", "Lindqvist")) == ["the rota would “keep the real costs under wraps.”"]


def test_a_name_after_a_closing_quote_in_mid_sentence_stays_in_the_content() -> None:
    doc = _doc("He said the invitation was only “to mock” Helen Carter for her remarks.")
    assert _content(doc, ("the", "remarks")) == ["the invitation was only “to mock” Helen Carter for her remarks"]


def test_a_quote_inside_a_quote_does_not_end_the_content() -> None:
    doc = _doc("“We have to say, ‘Look, this is not who we are.’ We will do better,” the pastor said.")
    assert _content(doc, ("“", "”")) == ["“We have to say, ‘Look, this is not who we are.’ We will do better,”"]


def test_the_parts_of_a_split_quote_are_kept() -> None:
    doc = _doc("“We will not back down,” she said. “The strike goes on.” Workers gathered outside.")
    text = _content(doc, ("“", "down"), ("The", "on"))
    assert text[0].startswith("“We will") and text[-1].startswith("The strike goes on")
    assert all("Workers" not in part for part in text)


def test_a_noun_phrase_object_is_no_statement_unless_its_cue_names_one(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    def claims_of(text: str):
        return next(extract_articles(nlp, [Article(id="t", text=text)])).claims

    (rejected,) = claims_of("The Valdorian government spokesman rejected the accusations on Tuesday.")
    assert rejected.kind == "object" and not reports_statement(rejected)
    (announced,) = claims_of("The defence ministry announced a withdrawal of troops from Kessel.")
    assert announced.kind == "object" and not reports_statement(announced)  # an act announced, not a statement
    # a demand or promise of a thing states nothing a reader can check (judged so in claims interim 9)
    (demanded,) = claims_of("The mayor of Kessel demanded an immediate ceasefire around the dam.")
    assert demanded.kind == "object" and not reports_statement(demanded)
    # an accusation that names its charge does state something
    (blamed,) = claims_of("The mayor of Kessel blamed the army for the flooding of the valley.")
    assert blamed.kind == "object" and reports_statement(blamed)
    (calls,) = claims_of("Authorities in Kessel have reiterated calls for civilians to leave the city.")
    assert calls.kind == "object" and not reports_statement(calls)
    (said,) = claims_of("The defence ministry said that troops were withdrawing from Kessel.")
    assert said.kind == "indirect" and reports_statement(said)


def test_a_negated_attitude_cue_rejects_its_content(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article

    def polarity(text: str) -> list[str]:
        return [c.polarity for c in next(extract_articles(nlp, [Article(id="t", text=text)])).claims]

    assert polarity("Officials do not accept that the dam at Kessel was damaged by shelling.") == ["denies"]
    assert polarity("Officials accept that the dam at Kessel was damaged by shelling.") == ["asserts"]
    # "did not know that X" takes X as true
    assert polarity("Officials did not know that the dam at Kessel had been mined, the mayor said.")[0] == "asserts"
    # not saying something is no denial of it
    assert polarity("The minister did not say that the talks in Kessel had failed.") == ["asserts"]


def test_a_claim_with_no_speaker_is_not_shown(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    text = ("The Ostrel accords were signed by president Ana Varga to end the war, but have since been criticised "
            "for forcing concessions while the country was weak.")
    claims = next(extract_articles(nlp, [Article(id="t", text=text)])).claims
    criticised = [c for c in claims if "forcing concessions" in c.content.text]
    # the accords are what was criticised, not who criticised them
    assert criticised and criticised[0].speaker is None and not reports_statement(criticised[0])


def test_a_statement_not_yet_made_is_not_shown(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    def shown(text: str) -> list[bool]:
        return [reports_statement(c) for c in next(extract_articles(nlp, [Article(id="t", text=text)])).claims]

    assert shown("The chancellor of Ostmark will announce that the fuel tax will rise.") == [False]
    assert shown("The chancellor of Ostmark announced that the fuel tax will rise.") == [True]


def test_a_withheld_answer_and_a_picture_state_nothing(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    def shown(text: str) -> list[bool]:
        return [reports_statement(c) for c in next(extract_articles(nlp, [Article(id="t", text=text)])).claims]

    assert not any(shown("The spokesman of Ostmark declined to say how many troops had been moved to the border."))
    assert not any(shown("The harbour master did not disclose whether the ferry company was paid for the berths."))
    assert not any(shown("CCTV footage showed a lorry exploding on the Kessel bridge."))
    # an embedded question that is the subject of what was said is still a statement
    assert shown("The minister said whether the talks continue depends on Valdoria.") == [True]
    # a named source that shows something still speaks
    assert shown("The defence ministry of Ostmark said the footage showed troops leaving Kessel.")[0]


def test_a_passive_belief_with_no_one_holding_it_is_not_shown(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    def shown(text: str) -> list[bool]:
        return [reports_statement(c) for c in next(extract_articles(nlp, [Article(id="t", text=text)])).claims]

    assert not any(shown("The president of Ostmark is expected to attend the summit in Kessel on Monday."))
    assert not any(shown("Valdoria is thought to have supplied the drones to the army of Ostmark."))
    assert shown("Valdoria said it had supplied the drones to the army of Ostmark.") == [True]


def test_a_prescription_a_judgment_or_an_accused_states_nothing(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    def shown(text: str) -> list[bool]:
        return [reports_statement(c) for c in next(extract_articles(nlp, [Article(id="t", text=text)])).claims]

    # what someone ought to know, what they do instead of saying, the writer's judgment of knowing
    assert not any(shown("Travellers to Ostmark should know that the border guards of Valdoria will check every passport."))
    assert not any(shown("The mayors of Kessel would rather blame the council than tell voters that the bridge was never safe."))
    assert not any(shown("It is hard for aid workers in Kessel to know how many tents are needed in the mountains."))
    # a situation, and a feeling caused in no one named
    assert not any(shown("The mayor of Kessel finds himself defending a bridge that the council wanted to close."))
    assert not any(shown("The shelling near the dam has raised fears that the reservoir of Kessel could flood the valley."))
    # people who raise a concern voice it; a subject of its own keeps "quick to deny"; a finding is a statement
    assert shown("Analysts in Kessel have raised concerns that the bridge is unsafe.") == [True]
    assert shown("The ministry of Ostmark raised fears that the dam would burst.") == [True]
    assert shown("Peskov was quick to deny that the troops of Ostmark had crossed the border.") == [True]
    assert shown("The mayor of Kessel found that the bridge was unsafe.") == [True]
    # a past tense read as a participle still reports: "Ostmark's president, Ana Varga, acknowledged … that"
    assert shown("Ostmark's president, Ana Varga, acknowledged late on Sunday that the bridge had been destroyed, "
                 "as she asked for more help.")[0]


def test_an_accusation_names_a_charge_only_on_its_object(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    def shown(text: str) -> list[bool]:
        return [reports_statement(c) for c in next(extract_articles(nlp, [Article(id="t", text=text)])).claims]

    # dispute run 10: the "of" of "invasion of" is the invasion's, not a charge
    assert shown("The council of Kessel was blaming Valdoria's invasion of Ostmark on Friday.") == [False]
    assert shown("The mayor blamed the builders for the leak.") == [True]
    assert shown("Ostmark accused Valdoria of shelling the dam.") == [True]
    assert shown("The White House has been blaming Valdoria's invasion of Ostmark for the rise in fuel prices.") == [True]
    # a review found the parser hangs a charge on a possessed accused too
    assert shown("Brel accused the mayor's office of hiding the report.") == [True]
    assert shown("Protesters accused the city's police of brutality.") == [True]


def test_a_cue_that_ends_its_sentence_reports_what_came_before(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article

    text = ("Gas started flowing through the Kessel pipeline on Thursday after a long shutdown, the operator said. "
            "But the flow was expected to fall well short of full capacity.")
    claims = next(extract_articles(nlp, [Article(id="t", text=text)])).claims
    said = [c for c in claims if c.cue is not None and c.cue.text == "said"]
    assert said and said[0].content.text.startswith("Gas started flowing")
    assert not any("fall well short" in c.content.text for c in said)
    # a time after the cue still closes it: "…, the operator said on Monday."
    text = "Gas flows will be cut, the operator said on Monday. But the gas flow was expected to resume on Friday."
    claims = next(extract_articles(nlp, [Article(id="t", text=text)])).claims
    said = [c for c in claims if c.cue is not None and c.cue.text == "said"]
    assert said and not any("resume on Friday" in c.content.text for c in said)


def test_an_act_or_an_aim_is_no_statement(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    def shown(text: str) -> list[bool]:
        return [reports_statement(c) for c in next(extract_articles(nlp, [Article(id="t", text=text)])).claims]

    assert not any(shown("The company of Ostmark agreed to pay compensation to the families."))
    assert not any(shown("He even considered taking up arms to defend the country, the mayor of Kessel said.")[:1])
    # an assertion or a denial with an infinitive or gerund still states something
    assert shown("Valdoria claimed to have shot down five drones over Kessel.") == [True]
    assert shown("Valdoria denied attacking civilians in Kessel.") == [True]


def test_a_guess_and_a_question_put_state_nothing(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    def shown(text: str) -> dict[str, bool]:
        out = next(extract_articles(nlp, [Article(id="t", text=text)]))
        return {(c.cue.text if c.cue else ""): reports_statement(c) for c in out.claims}

    # The writer's guess at what someone would think or say reports nothing said.
    assert not any(shown("Farmers in Kessel, who may well feel that the new tax is unfair, will vote on Sunday.").values())
    assert not any(shown("Critics of the mayor might argue that the bridge in Kessel was never needed.").values())
    assert shown("Critics of the mayor argue that the bridge in Kessel was never needed.") == {"argue": True}
    assert not any(shown("The mayor has not commented. Perhaps he thinks the council of Kessel has said enough.")
                   .values())
    assert not any(shown("The flood in Kessel is remarkable considering how dry the summer has been.").values())
    # "Asked …" is the question put to the subject; the answer after it is the claim.
    got = shown('Asked if he would resign over the ferry deal, the mayor of Kessel said: "I will not go."')
    assert got.get("said") is True and not got.get("Asked")
    # A passive belief on a verb that shares its subject with the one before it.
    assert not any(shown("Three former managers of the Kessel port have pleaded guilty and are expected to give "
                         "evidence against the mayor.").values())


def test_a_negated_denial_denies_nothing(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article

    def cues(text: str) -> dict[str, tuple]:
        out = next(extract_articles(nlp, [Article(id="t", text=text)]))
        return {c.cue.text: (c.polarity, c.cue_class) for c in out.claims if c.cue}

    assert cues("The mayor of Kessel denied that the bridge was closed.")["denied"] == ("denies", "deny")
    got = cues("The mayor of Kessel did not deny that the bridge was closed.")
    assert [v for k, v in got.items() if "deny" in k] == [("asserts", None)]
    # what was not said states nothing; a negated belief still rejects its content
    got = cues("Officials in Kessel did not confirm that the mayor had resigned until Friday.")
    assert [v[1] for k, v in got.items() if "confirm" in k] == [None]
    got = cues("The mayor of Kessel does not accept that the bridge was closed.")
    assert [(v[0], v[1] is not None) for k, v in got.items() if "accept" in k] == [("denies", True)]


def test_the_writers_own_links_report_nothing(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    def shown(text: str) -> list:
        out = next(extract_articles(nlp, [Article(id="t", text=text)]))
        return [(c.speaker.text if c.speaker else None, c.content.text) for c in out.claims if reports_statement(c)]

    # a connective and an inference from what came before (claims interim 14b)
    assert shown("The mayor would not want the bridge to look bad. That said, the bridge in Kessel is striking.") == []
    assert shown("The council issued a subpoena over the photos. This indicates that the council of Kessel is "
                 "taking measures.") == []
    # the writer's "as" clause after a quote's cue: the quote is what was said
    assert shown('"We grieve with Kessel," the president added, as his administration reaffirmed its intention to '
                 'give Kessel $3 billion in aid.') == [("the president", '"We grieve with Kessel,"')]


def test_an_ability_a_nobody_and_the_writers_inference_report_nothing(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    def shown(text: str) -> list:
        out = next(extract_articles(nlp, [Article(id="t", text=text)]))
        return [(c.speaker.text if c.speaker else None, c.cue.text if c.cue else None)
                for c in out.claims if reports_statement(c)]

    # what someone is able to do (claims interim 16)
    assert shown("The new cameras in Kessel can predict where thieves will strike next.") == []
    assert shown("The new cameras in Kessel predict where thieves will strike next.") != []
    # a speech verb under "can" still reports a statement
    assert shown("The police in Kessel can confirm that two people died in the fire.") != []
    # a statement no one made; a quoted "no power" before the cue is not the subject
    assert shown("No one in Kessel can say they saw the mayor at the bridge.") == []
    assert shown('"No water, no gas, no power," said the mayor of Kessel.') == [("the mayor of Kessel", "said")]
    # an answer someone might give
    assert shown("Have any tips that could confirm whether the mayor of Kessel will resign? Write to us.") == []
    # the writer's conclusion from a deed; the speaker's own when the main verb is a speech act
    assert shown("The post about the Kessel bridge was shared 10,000 times, proving that people believe anything.") \
        == []
    assert shown("Some farmers in Kessel have expressed concern over the new tax, suggesting that it risks "
                 "ruining them.") != []


def test_an_as_clause_reports_the_clause_it_hangs_on(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article

    def said(text: str) -> list:
        out = next(extract_articles(nlp, [Article(id="t", text=text)]))
        return [(c.speaker.text if c.speaker else None, c.content.text) for c in out.claims if c.cue]

    # the tagger gave the cue the next sentence (claims interim 16)
    got = said("As the Kessel Courier reported last week, the mayor plans to close the bridge. The council will "
               "vote on the new bridge on Monday.")
    assert [(s, c.rstrip(".")) for s, c in got] == [("the Kessel Courier", "the mayor plans to close the bridge")]
    # "as" of time: the cue's own clause is what was said
    got = said("The crowd cheered as the mayor of Kessel said he would resign.")
    assert [c for _, c in got] == ["he would resign"]
    # a second statement made at the same time is not the first one's source (Apr-Dec dev gold pairs)
    got = said("The mayor of Kessel has strongly denied the council's allegations that the bridge is unsafe, as his "
               "deputy warned of a long delay.")
    assert not any(s == "his deputy" and "bridge" in c for s, c in got)
    assert any("bridge is unsafe" in c and s and "mayor" in s for s, c in got)


def test_an_act_or_an_acquaintance_with_an_object_states_nothing(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    def shown(text: str) -> list:
        out = next(extract_articles(nlp, [Article(id="t", text=text)]))
        return [c.cue.text for c in out.claims if c.cue and reports_statement(c)]

    # an object followed by an "as" clause of its own is still an object
    assert shown("The mayor of Kessel has declared a state of emergency as officials began evacuating the "
                 "old town.") == []
    assert shown("The mayor of Kessel has known her since her childhood and he attended her wedding.") == []
    assert shown("The mayor of Kessel has declared that the old town is safe.") != []


def test_what_a_reviewer_found_the_new_rules_must_not_drop(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    def shown(text: str) -> list:
        out = next(extract_articles(nlp, [Article(id="t", text=text)]))
        return [(c.speaker.text if c.speaker else None, c.cue_class) for c in out.claims if reports_statement(c)]

    # Downing Street is someone; a speech verb under "can" still speaks; speaking is a speech act
    assert shown("No 10 said the prime minister had full confidence in the chancellor.") == [("No 10", "assert")]
    assert ("Ostmark Gas", "deny") in shown("Ostmark Gas can categorically deny that any money changed hands.")
    assert shown("The minister spoke at a rally in Kessel, signalling that the offensive would continue.") != []
    # what did not happen states nothing
    assert shown("The church of Kessel could have officially recognised the relics at its May council.") == []
    # "as" of time with a verb that rarely reports
    assert shown("As the prosecutor testified, the defendant's family left the courtroom in tears.") == []


def _claims(nlp, text: str) -> list[tuple[str, str, "str | None"]]:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    out = next(extract_articles(nlp, [Article(id="t", text=text)]))
    return [(c.cue.text if c.cue else "", c.content.text, c.resolved_speaker) for c in out.claims if reports_statement(c)]


def test_a_second_act_joined_to_a_content_is_its_own_claim(nlp) -> None:
    # The writer joins the speaker's second act to the first content: it ends there, and the rest is the same
    # speaker's claim under its own cue (claims interims 3-18).
    found = _claims(nlp, "Marovia has argued that the closure of the rail link is illegal under international law and "
                         "threatened to retaliate.")
    assert ("has argued", "that the closure of the rail link is illegal under international law", "Marovia") in found
    assert ("threatened", "to retaliate", "Marovia") in found
    found = _claims(nlp, "Ostmark's president said fighting had reached the streets of Kessel while admitting that "
                         "Vardanian forces had the numerical advantage.")
    assert [(cue, content) for cue, content, _ in found] == [
        ("said", "fighting had reached the streets of Kessel"),
        ("admitting", "that Vardanian forces had the numerical advantage")]


def test_a_verb_of_the_contents_own_subject_stays_in_it(nlp) -> None:
    # the content's subject told, the candidates advocated, and "nor did he say" reports nothing
    found = _claims(nlp, "Police said officers located the man and told him to leave the station.")
    assert [content for _, content, _ in found] == ["officers located the man and told him to leave the station"]
    found = _claims(nlp, "Dalan said the biggest worry would be candidates who have been critical of the aid or "
                         "advocated a quick settlement.")
    assert any(content.endswith("or advocated a quick settlement") for _, content, _ in found), found
    found = _claims(nlp, "Kennet did not say how long he was in Ostmark, nor did he say when exactly he was there.")
    assert not any("when exactly" in content for _, content, _ in found), found


def test_a_quotation_is_one_content_whatever_nouns_it_holds(nlp) -> None:
    # A noun cue inside the quote ("assurances that …") or a clause of the quote that the rule's subtree leaves out
    # ("and I am calling on …") does not cut the quotation apart (claims interim 8).
    found = _claims(nlp, "The foreign minister, Anna Berg, said on Wednesday that after the agreement to provide "
                         "Ostmark with rocket systems, Ostmark had “given us assurances that they will not use these "
                         "systems against targets in Vardania”.\nThe ministry plans to send the first systems in May.")
    assert any(cue == "said" and content.endswith("targets in Vardania”") for cue, content, _ in found), found
    found = _claims(nlp, 'Ilse Brandt issued a statement in March that she was "opposed to this senseless closure and '
                         'I am calling on the council to reopen the harbour now." She did not mention the mayor.')
    assert any(content.endswith('reopen the harbour now."') for _, content, _ in found), found


def test_a_content_cut_before_its_conjoined_verb_takes_it(nlp) -> None:
    # the tagger ends the content before "and determined": the verb joined to the content's own is still in it
    found = _claims(nlp, "Carel Vost countered on Monday to say harbour safety experts did an assessment and "
                         "determined that the pier was no longer a danger.")
    assert ("countered on Monday to say", "harbour safety experts did an assessment and determined that the pier was "
            "no longer a danger", "Carel Vost") in found, found


def test_advice_and_a_raised_passive_report_no_statement(nlp) -> None:
    # the means of a prescription is the writer's advice; "X was predicted to …" names no one who predicted
    found = _claims(nlp, "Ostmark should exploit the council's discomfort by signaling that Vardania has a western "
                         "option.")
    assert not any("western option" in content for _, content, _ in found), found
    found = _claims(nlp, "Ostmark answered the council by signaling that Vardania has a western option.")
    assert ("signaling", "that Vardania has a western option", "Ostmark") in found, found
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article

    text = ("They explained: “Our model bay remained changed for decades after the flood.” Fish stocks in the bay, "
            "however, were predicted to return to — and even exceed — their old levels within ten years of the flood.")
    claims = next(extract_articles(nlp, [Article(id="t", text=text)])).claims
    assert not any(c.speaker is not None and c.speaker.text.startswith("Fish stocks") for c in claims), \
        [(c.speaker, c.content.text) for c in claims]


def test_an_unquoted_content_ends_with_its_sentence(nlp) -> None:
    from claimwatch.nlp.attribution import _within_sentence

    text = ("Ardent Bank said last week that oil prices could reach $140 this summer, triggering more pain at the "
            "pumps. Britons are facing record petrol prices. He said: \"Prices will rise. We warned you.\"")
    doc = nlp(text)
    at = {t.text: t.i for t in reversed(doc)}
    quotes = quote_depth(doc)
    # the tagger ran the content one word into the next sentence
    spilled = Group(cue=[Chunk("CUE", at["said"], at["said"] + 1)], source=[Chunk("SRC", 0, 2)],
                    content=[Chunk("CON", at["that"], at["Britons"] + 1)])
    lexicon = load_lexicon()
    (kept,) = _within_sentence(doc, spilled, quotes, lexicon)
    assert doc[kept.content[0].start : kept.content[0].end].text.endswith("at the pumps.")
    # …or added the next sentence as a second part
    two_parts = Group(cue=[Chunk("CUE", at["said"], at["said"] + 1)], source=[Chunk("SRC", 0, 2)],
                      content=[Chunk("CON", at["that"], at["pumps"] + 1), Chunk("CON", at["Britons"], at["petrol"] + 2)])
    (kept,) = _within_sentence(doc, two_parts, quotes, lexicon)
    assert [doc[c.start : c.end].text for c in kept.content] == [doc[at["that"] : at["pumps"] + 1].text]
    # a quotation runs on as written
    second = [t.i for t in doc if t.text == "said"][-1]
    quoted = Group(cue=[Chunk("CUE", second, second + 1)], source=[Chunk("SRC", second - 1, second)],
                   content=[Chunk("CON", second + 2, len(doc))])
    assert [g.content for g in _within_sentence(doc, quoted, quotes, lexicon)] == [quoted.content]


def test_dismissing_a_thing_as_something_asserts_a_verdict(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article

    def polarity(text: str) -> str:
        claims = next(extract_articles(nlp, [Article(id="t", text=text)])).claims
        assert claims
        return claims[0].polarity

    assert polarity("Vera Orlova dismissed the case as the government's attempt to put pressure on her.") == "asserts"
    assert polarity("The Kessel ministry dismissed the reports as lies.") == "denies"
    assert polarity("The Kessel ministry dismissed the video as fake.") == "denies"
    # a pronoun object is a claim named before
    assert polarity("The Kessel ministry dismissed it as an attempt to distract attention.") == "denies"
    # the frame and the dispute profile read the verdict as the claim does
    from claimwatch.disputes.candidates import profile
    from claimwatch.store import StoredClaim

    claim = next(extract_articles(nlp, [Article(id="t", text="Vera Orlova dismissed the case as the government's "
                                                "attempt to put pressure on her.")])).claims[0]
    assert claim.frame is not None and claim.frame.polarity == "asserts"
    stored = StoredClaim(**{**claim.model_dump(), "article_id": "t", "id": "c1"})
    assert profile(stored).own_stance == "asserts"


@pytest.mark.parametrize("content,refers", [
    ("what President Brenner told the assembly in September", True),
    ("what he will and will not do", True),
    ("who had by then recused himself", True),
    ("what little spending there is stems from savings", False),
    ("where thieves will strike next", False),
    ("the bridge would be rebuilt", False),
    ('"Which is why we left"', False),
    ("a book titled “How to Talk to a Shark” and has shared such maxims as", True),
    ("a children's book titled \"The Plot\"", True),
    ("the book says the war was lost", False),
])
def test_a_content_that_only_points_at_a_statement(content: str, refers: bool) -> None:
    from claimwatch.schema import refers_to_statement

    assert refers_to_statement(content) is refers


def test_neither_confirming_nor_denying_states_nothing(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    for text in ("The Kessel ministry would neither confirm nor deny that the drones had been sent.",
                 "The Kessel ministry neither confirmed nor denied reports that drones were sent."):
        claims = next(extract_articles(nlp, [Article(id="t", text=text)])).claims
        assert claims and all(c.polarity == "asserts" and not reports_statement(c) for c in claims)
    claims = next(extract_articles(nlp, [Article(id="t", text="The Kessel ministry denied that drones were sent.")])).claims
    assert claims and claims[0].polarity == "denies" and reports_statement(claims[0])


@pytest.mark.parametrize("text, shown", [
    # the subject of a passive cue is the one told, urged or accused, not the source
    ("The Kessel envoys had been told that the border would close on Friday.", False),
    ("Mayor Anna Brill was accused of hiding the flood reports from the council.", False),
    ("The Kessel ministry was urged to reopen the border crossing at Ostrava.", False),
    # unless the cue's passive keeps its source
    ('"The border stays shut," Mayor Anna Brill was quoted as saying by the Kessel Herald.', True),
    ("Mayor Anna Brill said that the border would close on Friday.", True),
])
def test_a_passive_cue_names_no_source_in_its_subject(nlp, text: str, shown: bool) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    claims = next(extract_articles(nlp, [Article(id="t", text=text)])).claims
    assert any(reports_statement(c) for c in claims) is shown, [(c.speaker, c.cue, c.content.text) for c in claims]


def test_a_passive_cue_keeps_its_by_agent_as_source(nlp) -> None:
    from claimwatch.nlp.claims import passive_source
    from claimwatch.nlp.lexicon import load_lexicon
    from claimwatch.schema import CharSpan

    doc = nlp("Mayor Anna Brill was described by her colleagues as tireless.")
    head = next(t for t in doc if t.lower_ == "described")
    agent = doc.text.index("her colleagues")
    colleagues = CharSpan(agent, agent + len("her colleagues"))
    assert passive_source(head, colleagues, load_lexicon()) == colleagues
    # the tagger's speaker is the one described: the agent speaks
    assert passive_source(head, CharSpan(0, len("Mayor Anna Brill")), load_lexicon()) == colleagues
    told = nlp("Mayor Anna Brill was told that the bridge would close.")
    assert passive_source(next(t for t in told if t.lower_ == "told"), CharSpan(0, 16), load_lexicon()) is None
    # a passive that keeps its source (the cue lexicon's passive_speaker)
    quoted = nlp("Mayor Anna Brill was quoted as saying that the bridge would close.")
    assert passive_source(next(t for t in quoted if t.lower_ == "quoted"), CharSpan(0, 16), load_lexicon()) \
        == CharSpan(0, 16)


@pytest.mark.parametrize("text, content", [
    # the writer turning to another source ends the content
    ("Mayor Anna Brill said the flood caused no damage to the town but later the Kessel ministry conceded that "
     "two bridges were lost.", "the flood caused no damage to the town"),
    ("Officials claimed hours later that the dam had been repaired and it is believed pumps were used to drain it.",
     "that the dam had been repaired"),
    # a clause joined by "and" with its own believer may be more of what was said; an embedded report stays
    ("Mayor Anna Brill said the bridge was closed and officials believe it will reopen in May.",
     "the bridge was closed and officials believe it will reopen in May"),
    ("Mayor Anna Brill said the ministry had conceded that the bridge was closed.",
     "the ministry had conceded that the bridge was closed"),
])
def test_a_content_ends_where_the_writer_turns_to_another_source(nlp, text: str, content: str) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article

    claims = next(extract_articles(nlp, [Article(id="t", text=text)])).claims
    assert claims[0].content.text == content


def test_it_is_expected_to_of_the_thing_talked_about_stays_in_the_content(nlp) -> None:
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article

    text = "According to Pat Brill, work on the pipeline will begin in 2025 and it is expected to be ready in three years."
    claims = next(extract_articles(nlp, [Article(id="t", text=text)])).claims
    assert claims[0].content.text.endswith("ready in three years.")


def test_a_quote_after_a_reported_clause_is_a_claim_of_its_own(nlp) -> None:
    # "He said he still found time … "I always listened …"": the reported clause does not run on into the quotes
    # that follow it (claims interim 21); a run of quotes still merges.
    text = ('Steve Harrow spent six months in Kessel. He said he still found time to listen to his local radio '
            'station while he was there. "I always listened to Radio Wessex in the mornings."')
    found = _claims(nlp, text)
    reported = [content for _, content, _ in found if "still found time" in content]
    assert reported and "I always listened" not in reported[0]


def test_a_that_clause_after_a_statement_nouns_holder_is_the_holders(nlp) -> None:
    # "warning Moscow over public comments from top Russian officials that they could use …": the clause is the
    # officials' comments, not the US warning (runs 12-15, claims interim 22); the medium of a statement ("said in a
    # statement by the ministry that …") and an answered claim ("dismissed claims by Kyiv that …") stay the cue's.
    found = _claims(nlp, "Ostmark has been warning Marovia for weeks over public comments from top Marovian officials "
                         "that they could use chemical weapons in Kessel in certain cases.")
    assert [(cue, speaker) for cue, content, speaker in found if "chemical weapons" in content] == [
        ("comments", "top Marovian officials")]
    found = _claims(nlp, "The minister said in a statement by the ministry that the troops would stay. Gazprom "
                         "dismissed claims by Kessel that the pipeline was unsafe.")
    assert ("said in a statement by the ministry", "that the troops would stay", "The minister") in found
    assert [speaker for _, content, speaker in found if "pipeline was unsafe" in content] == ["Gazprom"]


def test_a_cue_inside_a_whether_clause_states_nothing(nlp) -> None:
    found = _claims(nlp, "It is unclear whether experts believe the new rifles meet the army's needs in Kessel.")
    assert not [content for _, content, _ in found if "rifles" in content]
    assert _claims(nlp, "Experts believe the new rifles meet the army's needs in Kessel.")


def test_a_cue_inside_a_purpose_clause_states_nothing(nlp) -> None:
    # claims interim 24: "so she would know that it was him" was shown as her belief
    from claimwatch.pipeline import extract_articles
    from claimwatch.schema import Article, reports_statement

    text = "He sent his wife a photo from the front so she would know that he was alive and well."
    claims = next(extract_articles(nlp, [Article(id="t", text=text)])).claims
    assert not [c for c in claims if "alive" in c.content.text and reports_statement(c)]
    text = "His wife said she knew that he was alive and well."
    claims = next(extract_articles(nlp, [Article(id="t", text=text)])).claims
    assert [c for c in claims if "alive" in c.content.text and reports_statement(c)]


def test_a_quotation_set_beside_another_with_its_own_cue_is_its_own_claim(nlp) -> None:
    # 'Shoigu said "…" "…," the defense minister revealed' gave both quotations to "said" and lost "revealed"
    # (claims interim 23): a space between a closing and an opening mark is no token, so they read as one stretch
    text = ("At a ministry meeting, Minister Petr Varga said “the collective West continues arms supplies to the "
            "regime.” “More than 28,000 tons of cargo have already been delivered,” the defense minister revealed.")
    found = _claims(nlp, text)
    said = [content for cue, content, _ in found if cue == "said"]
    revealed = [content for cue, content, _ in found if cue == "revealed"]
    assert len(said) == 1 and "28,000" not in said[0] and "collective West" in said[0]
    assert len(revealed) == 1 and "28,000" in revealed[0] and "collective West" not in revealed[0]
    # a quoted phrase inside a reported clause, then "adding", stays in its claim
    text = ("Truss told MPs that the government had concerns “about a security council with Russia on it”, adding "
            "that Russia had used its veto “as a green light for barbarism”.")
    (told,) = [content for cue, content, _ in _claims(nlp, text) if cue == "told"]
    assert "security council" in told


def test_a_quotation_after_a_said_sentence_goes_on_with_that_speaker(nlp) -> None:
    # claims interim 23: '"The Charter is clear," he said. "Any annexation …" "I must be clear," stressed Guterres'
    # gave the annexation quote to "stressed"; it continues the sentence before, whose cue has its own speaker
    text = ("Secretary-General Mira Holt issued a statement on the plan. \"The Charter is clear,\" she said. "
            "\"Any annexation of a state's territory by another state is a violation of international law.\" "
            "\"I must be clear,\" stressed Holt. \"Marovia shares a particular responsibility to respect the "
            "Charter.\"")
    found = _claims(nlp, text)
    (stressed,) = [content for cue, content, _ in found if cue == "stressed"]
    assert "annexation" not in stressed and "I must be clear" in stressed
    (said,) = [content for cue, content, _ in found if cue == "said"]
    assert "annexation" in said and "I must be clear" not in said


def test_an_adjunct_of_the_cue_is_not_the_start_of_the_content(nlp) -> None:
    # "pledged in early November 2031 that, even if …": the tagger may start the content at the cue's time adjunct;
    # the content is the "that"-clause (check sentences of the gold sets were read as the writer's own assertion).
    from claimwatch.nlp.attribution import _without_cue_adjuncts

    doc = nlp("Mayor Ilsa Varn pledged in early November 2031 that, even if the council closed the bridge again, it "
              "would not stop grain lorries going to Ostrel.")
    cue = next(t.i for t in doc if t.text == "pledged")
    group = Group(cue=[Chunk("CUE", cue, cue + 1)], source=[Chunk("SRC", 0, cue)],
                  content=[Chunk("CON", cue + 1, len(doc) - 1)])
    moved = _without_cue_adjuncts(doc, group)
    assert doc[moved.content[0].start : moved.content[0].end].text.startswith("that, even if the council")
    # A "that" of a clause the cue does not govern leaves the content as it is.
    doc = nlp("The minister said the report that the council had closed the bridge was false.")
    cue = next(t.i for t in doc if t.text == "said")
    group = Group(cue=[Chunk("CUE", cue, cue + 1)], source=[Chunk("SRC", 0, cue)],
                  content=[Chunk("CON", cue + 1, len(doc) - 1)])
    assert _without_cue_adjuncts(doc, group) == group
    # Nor does a content that a quotation mark opens: the mark stays with it.
    doc = nlp("The minister said on Monday “that the bridge will stay closed to lorries until May.”")
    cue = next(t.i for t in doc if t.text == "said")
    group = Group(cue=[Chunk("CUE", cue, cue + 1)], source=[Chunk("SRC", 0, cue)],
                  content=[Chunk("CON", cue + 1, len(doc))])
    assert _without_cue_adjuncts(doc, group) == group
