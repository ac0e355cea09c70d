"""A claim the writer's own sentence rejects ("the claims that … are baseless") is not extracted (nlp/nonclaims.py)."""
from __future__ import annotations

import spacy
from spacy.tokens import Doc

from claimwatch.nlp.nonclaims import is_rejected, rejecting_words
from claimwatch.pipeline import extract_articles
from claimwatch.schema import Article, CharSpan, Claim


def _doc(words: list[str], heads: list[int], deps: list[str], pos: list[str], lemmas: list[str]) -> Doc:
    return Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, pos=pos, lemmas=lemmas)


# "Claims that rebels got arms are baseless ."
CLAIMS_BASELESS = dict(
    words=["Claims", "that", "rebels", "got", "arms", "are", "baseless", "."],
    heads=[5, 3, 3, 0, 3, 5, 5, 5],
    deps=["nsubj", "mark", "nsubj", "acl", "dobj", "ROOT", "acomp", "punct"],
    pos=["NOUN", "SCONJ", "NOUN", "VERB", "NOUN", "AUX", "ADJ", "PUNCT"],
    lemmas=["claim", "that", "rebel", "get", "arm", "be", "baseless", "."],
)


def _claim(doc: Doc, cue: int, speaker: "CharSpan | None" = None) -> Claim:
    content = CharSpan(doc[2].idx, doc[4].idx + len(doc[4].text))
    return Claim(content=(content,), cue=(CharSpan(doc[cue].idx, doc[cue].idx + len(doc[cue].text)),),
                 speaker=speaker, kind="nominal")


def test_a_speakerless_claim_called_baseless_is_rejected() -> None:
    doc = _doc(**CLAIMS_BASELESS)
    assert is_rejected(doc, _claim(doc, 0), rejecting_words())


def test_a_negated_rejection_leaves_the_claim_standing() -> None:
    spec = {k: list(v) for k, v in CLAIMS_BASELESS.items()}
    # "Claims that rebels got arms are not baseless ."
    spec["words"].insert(6, "not")
    spec["heads"] = [5, 3, 3, 0, 3, 5, 5, 5, 5]
    spec["deps"].insert(6, "neg")
    spec["pos"].insert(6, "PART")
    spec["lemmas"].insert(6, "not")
    doc = _doc(**spec)
    assert not is_rejected(doc, _claim(doc, 0), rejecting_words())


def test_a_claim_with_a_speaker_is_never_dropped() -> None:
    doc = _doc(**CLAIMS_BASELESS)
    assert not is_rejected(doc, _claim(doc, 0, speaker=CharSpan(0, 6)), rejecting_words())


def test_rejecting_words_come_from_the_data_file(tmp_path) -> None:
    own = tmp_path / "rejections.txt"
    own.write_text("# only one word\nbogus\n", encoding="utf-8")
    doc = _doc(**CLAIMS_BASELESS)
    assert rejecting_words(own) == frozenset({"bogus"})
    assert not is_rejected(doc, _claim(doc, 0), rejecting_words(own))


def _contents(nlp, text: str) -> list[str]:
    out = next(extract_articles(nlp, [Article(id="t", text=text)]))
    return [c.content.text for c in out.claims]


def test_rejected_claims_are_not_extracted(nlp) -> None:
    text = ("The claims that the ferry company hid safety reports are baseless.\n\n"
            "Allegations that the coach paid the referee were dismissed as nonsense by the league.\n\n"
            "Suggestions that the mayor had resigned proved false.")
    contents = _contents(nlp, text)
    assert not any("safety reports" in c or "paid the referee" in c or "had resigned" in c for c in contents)


def test_reports_left_standing_are_still_claims(nlp) -> None:
    # Neither sentence rejects its reports: both stay claims.
    text = ("Reports that the harbour will reopen next week are encouraging.\n\n"
            "The minister rejected claims that the budget was cut.")
    contents = " | ".join(_contents(nlp, text))
    assert "harbour will reopen" in contents
    assert "budget was cut" in contents


# "allegations he rejected as false ." / "allegations that troops shelled towns ."
REJECTED_AS = dict(
    words=["allegations", "he", "rejected", "as", "false", "."],
    heads=[0, 2, 0, 2, 3, 0],
    deps=["ROOT", "nsubj", "relcl", "prep", "amod", "punct"],
    pos=["NOUN", "PRON", "VERB", "ADP", "ADJ", "PUNCT"],
    lemmas=["allegation", "he", "reject", "as", "false", "."],
)
CONTENT_CLAUSE = dict(
    words=["allegations", "that", "troops", "shelled", "towns", "."],
    heads=[0, 3, 3, 0, 3, 0],
    deps=["ROOT", "mark", "nsubj", "acl", "dobj", "punct"],
    pos=["NOUN", "SCONJ", "NOUN", "VERB", "NOUN", "PUNCT"],
    lemmas=["allegation", "that", "troop", "shell", "town", "."],
)


def _nominal(doc: Doc, first: int, last: int) -> Claim:
    return Claim(content=(CharSpan(doc[first].idx, doc[last].idx + len(doc[last].text)),),
                 cue=(CharSpan(0, len(doc[0].text)),), kind="nominal")


def test_a_relative_clause_about_the_noun_is_not_its_content() -> None:
    # what someone did with the allegations is not what they allege
    doc = _doc(**REJECTED_AS)
    assert is_rejected(doc, _nominal(doc, 1, 4), rejecting_words())
    doc = _doc(**CONTENT_CLAUSE)
    assert not is_rejected(doc, _nominal(doc, 2, 4), rejecting_words())


def test_an_assertion_another_side_called_false_is_not_extracted_as_its_content(nlp) -> None:
    text = ("Ostmark's navy said on Monday that Vardanian divers had cut the cable in May, an assertion that "
            "Vardania said was false and designed to distract from its losses.")
    claims = next(extract_articles(nlp, [Article(id="a", text=text)])).claims
    contents = [c.content.text for c in claims]
    assert any("Vardanian divers had cut the cable" in t for t in contents), contents
    assert not any(t.startswith("Vardania said") for t in contents), contents


def test_a_content_clause_parsed_as_relative_is_still_content() -> None:
    # "claims that Ostmark was preparing an attack ." with "preparing" attached as a relative clause and "that" as
    # its complementizer (the parser does this after "claims, rejected by Kyiv,")
    doc = _doc(words=["claims", "that", "Ostmark", "was", "preparing", "attacks", "."],
               heads=[0, 4, 4, 4, 0, 4, 0], deps=["ROOT", "mark", "nsubj", "aux", "relcl", "xcomp", "punct"],
               pos=["NOUN", "SCONJ", "PROPN", "AUX", "VERB", "NOUN", "PUNCT"],
               lemmas=["claim", "that", "Ostmark", "be", "prepare", "attack", "."])
    assert not is_rejected(doc, _nominal(doc, 2, 5), rejecting_words())
