"""Whose claim a nominal cue names: "the Russian claim that …", "rejected Ukraine's claims that …".

A claim noun often carries its holder as a modifier rather than as a subject: a nationality or country adjective
("the Russian claim", "Western allegations") or a possessive ("Moscow's accusation"). Two things follow, both
done here, right after attribution and before speakers are resolved:

- a speakerless nominal claim takes that holder as its speaker, so "the Russian claim that X" is Russia's claim,
  not an unattributed one;
- a denial that names the claim it denies ("Kyiv rejected Russia's claim that X") also reports that claim: Russia
  claims X. The sentence states the dispute itself, so the asserted side is added as a claim of its own (kind
  ``nominal``, the noun as its cue, the same content), marked ``extra["named_by_denial"]``.

A pronoun possessor ("its claims") is left alone: whose claim that is needs the article, not the phrase.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from spacy.tokens import Doc, Span, Token

from ..schema import CharSpan, Claim
from .datafiles import DataFileComponent, Files
from .extensions import CLAIMS_ATTR, set_span_groups
from .lexicon import CueLexicon, load_lexicon

HOLDER_ENTS = ("NORP", "GPE", "ORG")


def holder_of(noun: Token) -> Optional[Span]:
    """The holder a claim noun names as its modifier: a possessive name ("Moscow's", "the Kremlin's") or a
    nationality or country adjective ("Russian", "Western"); None for pronouns and plain adjectives."""
    for child in noun.children:
        if child.i > noun.i:
            continue
        if child.dep_ == "poss" and child.pos_ in ("PROPN", "NOUN"):
            words = [t for t in child.subtree if t.dep_ != "case"]
            return noun.doc[words[0].i : words[-1].i + 1]
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


def with_holders(doc: Doc, claims: list[Claim], lexicon: CueLexicon) -> list[Claim]:
    """``claims`` with the holders of their claim nouns as speakers, and the claims their denials name."""
    out: list[Claim] = []
    for claim in claims:
        tokens = _cue_tokens(doc, claim)
        noun = _claim_noun(tokens, lexicon)
        holder = holder_of(noun) if noun is not None else None
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

    def read(self, files: Files) -> None:
        lexicon = getattr(self.upstream, "lexicon", None)
        self.lexicon = lexicon if isinstance(lexicon, CueLexicon) else load_lexicon()

    def process(self, doc: Doc) -> Doc:
        claims: list[Claim] = getattr(doc._, CLAIMS_ATTR) or []
        if not claims:
            return doc
        found = with_holders(doc, claims, self.lexicon)
        if found != claims:
            setattr(doc._, CLAIMS_ATTR, found)
            set_span_groups(doc, found)
        return doc
