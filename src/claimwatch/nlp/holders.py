"""Whose claim a nominal cue names: "the Russian claim that …", "rejected Ukraine's claims that …".

A claim noun often carries its holder as a modifier rather than as a subject: a nationality or country adjective
("the Russian claim", "Western allegations") or a possessive ("Moscow's accusation"); or the holder is the subject
of a verb of making the claim ("he repeated claims that …", "officials made accusations that …"; the verbs are
data: ``resources/holder_verbs.en.v1.txt``). Two things follow, both done here, right after attribution and
before speakers are resolved:

- a speakerless nominal claim takes that holder as its speaker, so "the Russian claim that X" is Russia's claim,
  not an unattributed one;
- a denial that names the claim it denies ("Kyiv rejected Russia's claim that X") also reports that claim: Russia
  claims X. The sentence states the dispute itself, so the asserted side is added as a claim of its own (kind
  ``nominal``, the noun as its cue, the same content), marked ``extra["named_by_denial"]``.

A pronoun possessor ("its claims") is left alone: whose claim that is needs the article, not the phrase.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Optional

from spacy.tokens import Doc, Span, Token

from ..resources import DataPath, cached, data_path, read_lines
from ..schema import CharSpan, Claim
from .datafiles import DataFileComponent, Files
from .extensions import CLAIMS_ATTR, set_span_groups
from .lexicon import CueLexicon, load_lexicon

HOLDER_ENTS = ("NORP", "GPE", "ORG")
HOLDER_VERBS_FILE = "holder_verbs.en.v1.txt"


def holder_verbs(path: Optional[DataPath] = None) -> frozenset[str]:
    """The verbs whose subject holds the claim they take as object (``resources/holder_verbs.en.v1.txt``)."""
    return cached(_read_verbs, data_path(path, HOLDER_VERBS_FILE))


def _read_verbs(path: Path) -> frozenset[str]:
    return frozenset(line.split()[0].lower() for _, line in read_lines(path))


def _subject_phrase(verb: Token) -> Optional[Span]:
    """The subject noun phrase of ``verb`` without its relative clauses and appositions."""
    subj = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subj or subj[0].lower_ in ("there", "it", "which", "that", "who"):
        return None
    head = subj[0]
    words = [t for t in head.subtree
             if not any(a.dep_ in ("relcl", "appos", "acl") and a.head == head and t in a.subtree for a in head.children)
             and t.dep_ != "punct"]
    return verb.doc[words[0].i : words[-1].i + 1] if words else None


def holder_of(noun: Token, verbs: frozenset[str] = frozenset()) -> Optional[Span]:
    """The holder a claim noun names: a possessive name ("Moscow's", "the Kremlin's"), a nationality or country
    adjective ("Russian", "Western"), or the subject of a verb of making it ("he repeated claims"); None for a
    possessive pronoun and plain adjectives."""
    if noun.dep_ == "dobj" and noun.head.lemma_.lower() in verbs:
        return _subject_phrase(noun.head)
    for child in noun.children:
        if child.i > noun.i:
            continue
        if child.dep_ == "poss" and child.pos_ in ("PROPN", "NOUN"):
            words = [t for t in child.subtree if t.dep_ != "case"]
            return noun.doc[words[0].i : words[-1].i + 1]
        # "Western" names a camp but is seldom tagged NORP, hence the one word
        if child.dep_ in ("amod", "compound") and (child.ent_type_ in HOLDER_ENTS or child.lower_ == "western"):
            return noun.doc[child.i : child.i + 1]
    return None


def _cue_tokens(doc: Doc, claim: Claim) -> list[Token]:
    return [t for part in claim.cue or () for t in (doc.char_span(part.start, part.end, alignment_mode="expand") or ())]


def _claim_noun(tokens: list[Token], lexicon: CueLexicon) -> Optional[Token]:
    """The claim noun of a cue ("claim" in "rejected Russia's claim"), if the lexicon knows it as a cue noun."""
    for t in tokens:
        if t.pos_ == "NOUN" and lexicon.noun_class(t.lemma_.lower()) is not None:
            return t
    return None


def _span(span: Span) -> CharSpan:
    return CharSpan(span.start_char, span.end_char)


def with_holders(doc: Doc, claims: list[Claim], lexicon: CueLexicon,
                 verbs: frozenset[str] = frozenset()) -> list[Claim]:
    """``claims`` with the holders of their claim nouns as speakers, and the claims their denials name."""
    out: list[Claim] = []
    for claim in claims:
        tokens = _cue_tokens(doc, claim)
        noun = _claim_noun(tokens, lexicon)
        holder = holder_of(noun, verbs if claim.speaker is None else frozenset()) if noun is not None else None
        if holder is None or any(holder.start <= t.i < holder.end for t in tokens if t.pos_ == "VERB"):
            out.append(claim)
            continue
        if claim.speaker is None and claim.kind == "nominal":
            out.append(dataclasses.replace(claim, speaker=_span(holder)))
            continue
        out.append(claim)
        if claim.polarity == "denies" and claim.speaker is not None and \
                not (claim.speaker.start <= holder.start_char < claim.speaker.end):
            out.append(Claim(content=claim.content, cue=(_span(doc[noun.i : noun.i + 1]),), speaker=_span(holder),
                             kind="nominal", cue_class=lexicon.noun_class(noun.lemma_.lower()), polarity="asserts",
                             extra={"named_by_denial": True}))
    return out


class HolderComponent(DataFileComponent):
    """spaCy component ``claimwatch_holders``: fills in the holders that claim nouns name (module docstring).
    Its cue nouns are the attribution component's lexicon, so a user's cue file counts here too."""

    UPSTREAM = "claimwatch_attribution"
    DEFAULT_FILES = {"holder_verbs_path": HOLDER_VERBS_FILE}

    def read(self, files: Files) -> None:
        lexicon = getattr(self.upstream, "lexicon", None)
        self.lexicon = lexicon if isinstance(lexicon, CueLexicon) else load_lexicon()
        self.verbs = holder_verbs(files["holder_verbs_path"])

    def process(self, doc: Doc) -> Doc:
        claims: list[Claim] = getattr(doc._, CLAIMS_ATTR) or []
        if not claims:
            return doc
        found = with_holders(doc, claims, self.lexicon, self.verbs)
        if found != claims:
            setattr(doc._, CLAIMS_ATTR, found)
            set_span_groups(doc, found)
        return doc
