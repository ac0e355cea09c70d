"""Writer's rejections are not claims: "the claims that Iran is providing weapons are baseless".

A claim with no speaker whose cue is a noun ("claims", "allegations", "reports", "suggestions") reports what
someone said only when the sentence leaves it standing. When the sentence itself rejects that noun (it is the
subject of "are baseless", "were dismissed as nonsense", "have been rejected"), extracting its content as an
assertion would state the opposite of what the article says, so the claim is dropped here, right after
attribution. A claim with a speaker ("the minister rejected claims that …") is the speaker's denial and is kept;
so is a negated rejection ("the reports are not baseless"). The rejecting words are data:
``resources/rejections.en.v1.txt``.

A speakerless nominal claim whose "content" is a relative clause about the noun ("allegations [he rejected as
politically motivated]", "the assertion [London said was false]") is dropped too: that clause tells what someone
did with the allegation, not what it says, and read as its content it states the rejection as the allegation.

A claim inside an inline photo caption ("'I thought I might have to start over …' … Fernandez. Photograph: …",
``breaks.caption_ranges``) is dropped: a caption's quotation is a pull quote the body repeats, and its "says" is the
writer's summary of a claim made in the body.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from spacy.tokens import Doc, Token

from ..resources import DataPath, cached, data_path, read_lines
from ..schema import Claim
from .datafiles import DataFileComponent, Files
from .breaks import caption_ranges, in_ranges
from .extensions import CLAIMS_ATTR, doc_text, set_span_groups

REJECTIONS_FILE = "rejections.en.v1.txt"
SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Children of the predicate that say what the subject is or was called: "are [baseless]", "proved [false]",
# "were dismissed [as] nonsense", "turned out [to be] untrue".
COMPLEMENT_DEPS = ("acomp", "attr", "oprd", "xcomp", "ccomp", "prep")
COMPLEMENT_DEPTH = 3


def rejecting_words(path: Optional[DataPath] = None) -> frozenset[str]:
    """The words that reject a claim (``resources/rejections.en.v1.txt``, or a user's file in that format)."""
    return cached(_read_rejections, data_path(path, REJECTIONS_FILE))


def _read_rejections(path: Path) -> frozenset[str]:
    return frozenset(line.lower() for _, line in read_lines(path))


def _rejects(word: Token, words: frozenset[str]) -> bool:
    return word.lemma_.lower() in words or word.lower_ in words


def _complements(predicate: Token) -> Iterable[Token]:
    """The predicate and the words its complements are made of, a few levels down ("to be false", "as nonsense")."""
    frontier = [predicate]
    for _ in range(COMPLEMENT_DEPTH):
        nxt = []
        for tok in frontier:
            yield tok
            nxt += [c for c in tok.children if c.dep_ in COMPLEMENT_DEPS or (tok.dep_ == "prep" and c.dep_ == "pobj")
                    or (tok.dep_ == "xcomp" and c.dep_ in ("acomp", "attr"))]
        frontier = nxt
    yield from frontier


def rejected_noun(noun: Token, words: frozenset[str]) -> bool:
    """Whether the sentence rejects ``noun``: it is the subject of a predicate that is, or is completed by, a
    rejecting word, and nothing negates that predicate ("the claims are not baseless" stands)."""
    if noun.dep_ not in SUBJECT_DEPS:
        return False
    predicate = noun.head
    if any(c.dep_ == "neg" for c in predicate.children):
        return False
    return any(_rejects(t, words) and not any(c.dep_ == "neg" for c in t.children) for t in _complements(predicate))


def gap_relative(verb: Token) -> bool:
    """Whether ``verb`` heads a relative clause with a gap where the noun it modifies belongs: "[allegations] he
    rejected _ as false", "[the assertion] London said _ was false". A clause complete in itself ("claims the army
    shelled the town", sometimes parsed as a relative clause) is a content clause instead."""
    if verb.dep_ not in ("relcl", "acl") or any(c.dep_ == "dobj" for c in verb.children):
        return False
    comps = [c for c in verb.children if c.dep_ == "ccomp"]
    gapped = [c for c in comps if not any(g.dep_ in SUBJECT_DEPS and g.lower_ not in RELATIVE_WORDS
                                          for g in c.children)]
    if verb.dep_ == "acl":
        # "an assertion that London said _ was false" parses as a content clause; the gap is in its complement,
        # while "claims that troops withdrew" has none.
        return bool(gapped) and any(c.dep_ in SUBJECT_DEPS for c in verb.children)
    # "claims, rejected by Kyiv, that Ukraine could be preparing …" is sometimes parsed as a relative clause: its
    # "that" is then a complementizer (mark), not a relative pronoun, and the clause is the content.
    if any(c.dep_ == "mark" for c in verb.children):
        return False
    return not comps or bool(gapped)


RELATIVE_WORDS = ("which", "that", "who", "whom")


def is_rejected(doc: Doc, claim: Claim, words: frozenset[str]) -> bool:
    """A speakerless claim whose nominal cue the sentence rejects, or whose content is a relative clause about it."""
    if claim.speaker is not None or not claim.cue:
        return False
    content = [t for part in claim.content
               for t in (doc.char_span(part.start, part.end, alignment_mode="expand") or ())]
    for part in claim.cue:
        span = doc.char_span(part.start, part.end, alignment_mode="expand")
        if span is None:
            continue
        # Only a subject can be rejected by its predicate; the tagger sometimes calls a sentence-initial
        # "Reports" a verb, but the parse still has it as the subject.
        if any(t.pos_ in ("NOUN", "PROPN", "VERB") and rejected_noun(t, words) for t in span):
            return True
        if any(gap_relative(t) and t.head in span for t in content):
            return True
    return False


class NonClaimFilter(DataFileComponent):
    """spaCy component ``claimwatch_nonclaims``: drops from ``doc._.cw_claims`` what the writer rejects."""

    DEFAULT_FILES = {"rejections_path": REJECTIONS_FILE}

    def read(self, files: Files) -> None:
        self.words = rejecting_words(files["rejections_path"])

    def process(self, doc: Doc) -> Doc:
        claims: list[Claim] = getattr(doc._, CLAIMS_ATTR) or []
        captions = caption_ranges(doc_text(doc))
        kept = [c for c in claims if not is_rejected(doc, c, self.words)
                and not (c.content and in_ranges(c.content[0].start, captions))]
        if len(kept) != len(claims):
            setattr(doc._, CLAIMS_ATTR, kept)
            set_span_groups(doc, kept)
        return doc
