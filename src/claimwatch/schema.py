"""Public output models, shared by CLI JSON, the store and (later) the REST API.

Offsets are code-point offsets into the article's original text:
``article.text[span.start:span.end] == span.text`` always holds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict

ClaimKind = Literal["direct", "indirect", "mixed", "nominal", "according_to", "object"]
Polarity = Literal["asserts", "denies"]
Stance = Literal["asserts", "denies", "doubts"]
Modality = Literal["fact", "prediction", "conditional", "intention", "demand", "opinion", "question"]


class SpanOut(BaseModel):
    text: str
    start: int
    end: int


class ContentOut(SpanOut):
    # Present only when the content is discontinuous (e.g. a quote split by its cue).
    spans: Optional[list[SpanOut]] = None

    def reported(self) -> str:
        """The reported words only: the parts of a split quote joined with an ellipsis (``text`` spans the cue too)."""
        if self.spans:
            return " … ".join(p.text for p in self.spans)
        return self.text


# Each kind of thing a claim mentions is defined once, below. A Doc carries it with a ``CharSpan`` (``PlaceRef``,
# ``DateRef``, ``QuantityRef``: frozen, so claims can be compared and hashed); the output carries it with the
# mention's text and offsets (``PlaceOut``, ``DateOut``, ``QuantityOut``). ``pipeline.claim_to_out`` converts.


@dataclass(frozen=True)
class CharSpan:
    start: int
    end: int


class ActorOut(BaseModel):
    """A canonical actor (CAMEO-style codes: ISO 3166 alpha-3 country, sector such as GOV/MIL/MED)."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    type: str  # person | country | government | military | igo | bloc | media | organisation | unknown
    country: Optional[str] = None
    sector: Optional[str] = None


ActorRef = ActorOut  # an actor has no offsets: the Doc and the output share the record


class Place(BaseModel):
    name: str
    country: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    gazetteer_id: Optional[str] = None


class DateValue(BaseModel):
    value: Optional[str] = None  # ISO date
    precision: Optional[str] = None  # day | week | month | year
    resolved: bool = False


class Quantity(BaseModel):
    value: float
    unit: Optional[str] = None
    qualifier: Optional[str] = None  # more than | about | up to | at least | fewer than …


class EventOut(BaseModel):
    model_config = ConfigDict(frozen=True)

    category: str  # PLOVER category
    cameo: Optional[str] = None
    mode: Optional[str] = None
    source: Optional[ActorOut] = None
    target: Optional[ActorOut] = None
    negated: bool = False


EventRef = EventOut  # an event has no offsets either


# Base order matters: pydantic lays fields out from the last base, so text/start/end come first in the JSON.
class PlaceOut(Place, SpanOut):
    pass


class DateOut(DateValue, SpanOut):
    pass


class QuantityOut(Quantity, SpanOut):
    pass


class PlaceRef(Place):
    model_config = ConfigDict(frozen=True)

    span: CharSpan


class DateRef(DateValue):
    model_config = ConfigDict(frozen=True)

    span: CharSpan


class QuantityRef(Quantity):
    model_config = ConfigDict(frozen=True)

    span: CharSpan


@dataclass(frozen=True)
class ActorMention:
    span: CharSpan
    actor: ActorRef


class ActorMentionOut(SpanOut):
    actor: ActorOut


class FrameArgOut(BaseModel):
    """Who acts (agent) or is acted on (target) in a claim's content: the words, and the actor they resolve to."""

    text: str
    actor_id: Optional[str] = None
    country: Optional[str] = None


class FrameTimeOut(BaseModel):
    """When the content's proposition holds: a named date range, else the article's day (``basis``)."""

    start: Optional[str] = None
    end: Optional[str] = None
    basis: Literal["named", "article", "none"] = "none"


class FrameOut(BaseModel):
    """The proposition a claim's content states (docs/DISPUTES.md, "Frames"), read from the content only.

    ``category`` is the content's PLOVER event, ``lemma`` its main predicate; ``polarity`` says whether the claim
    asserts, denies or doubts that proposition; ``modality`` whether it is put as a fact, a prediction or
    conditional, an intention, a demand, an opinion or a question; ``tense`` past / present / future.
    """

    agent: Optional[FrameArgOut] = None
    target: Optional[FrameArgOut] = None
    category: Optional[str] = None
    lemma: Optional[str] = None
    places: list[str] = []
    time: FrameTimeOut = FrameTimeOut()
    tense: Optional[str] = None
    polarity: Stance = "asserts"
    modality: Modality = "fact"
    quantities: list[Quantity] = []


@dataclass(frozen=True)
class Article:
    """One input text with its metadata; ``text`` is never modified."""

    id: str
    text: str
    title: Optional[str] = None
    date: Optional[str] = None
    outlet: Optional[str] = None
    url: Optional[str] = None
    origin: Optional[str] = None  # file path (and line) it came from, for error messages


@dataclass(frozen=True)
class Claim:
    """One attribution, as found on a Doc (char offsets into the Doc text)."""

    content: tuple[CharSpan, ...]
    cue: Optional[tuple[CharSpan, ...]] = None
    speaker: Optional[CharSpan] = None
    kind: str = "indirect"
    cue_class: Optional[str] = None
    polarity: str = "asserts"
    hedges: tuple[str, ...] = ()
    addressee: Optional[CharSpan] = None
    relay: tuple[CharSpan, ...] = ()
    resolved_speaker: Optional[str] = None
    speaker_role: Optional[str] = None
    # Filled by the later pipeline stages (actors, places, dates, quantities, events, frames).
    speaker_actor: Optional[ActorRef] = None
    actors: tuple[ActorMention, ...] = ()
    places: tuple[PlaceRef, ...] = ()
    dates: tuple[DateRef, ...] = ()
    quantities: tuple[QuantityRef, ...] = ()
    event: Optional[EventRef] = None
    frame: Optional[FrameOut] = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


class ClaimOut(BaseModel):
    id: str
    speaker: Optional[SpanOut]
    resolved_speaker: Optional[str]
    speaker_role: Optional[str] = None
    cue: Optional[SpanOut]
    cue_class: Optional[str] = None
    content: ContentOut
    kind: ClaimKind
    polarity: Polarity
    hedged: bool
    hedges: list[str] = []
    addressee: Optional[SpanOut] = None
    relay: list[SpanOut] = []
    speaker_actor: Optional[ActorOut] = None
    actors: list[ActorMentionOut] = []
    places: list[PlaceOut] = []
    dates: list[DateOut] = []
    quantities: list[QuantityOut] = []
    event: Optional[EventOut] = None
    frame: Optional[FrameOut] = None

    def stance(self) -> str:
        """asserts / denies / doubts: the frame's polarity when there is a frame, else the claim's."""
        return self.frame.polarity if self.frame is not None else self.polarity

    def stance_prefix(self) -> str:
        """What a list shows before the content so a denied content never reads as asserted: "denied: ", ""."""
        return {"denies": "denied: ", "doubts": "doubted: "}.get(self.stance(), "")


# Kinds whose attribution holds whatever the cue: a quotation, "according to".
SELF_EVIDENT_KINDS = frozenset({"direct", "according_to"})
# Cue classes whose noun-phrase object says something when it names the charge: "blamed Kyiv for the attack",
# "accused Russia of shelling the plant". A bare object states nothing: "condemned the expose", "criticized the
# package", and demands and promises of a thing ("demanding the director's release", "promised 18 more HIMARS") were
# judged noun phrases, not statements, in claims interim 9 (as "announced sanctions" in interim 6).
OBJECT_STATEMENT_CUES = frozenset({"accuse"})
# The words that introduce the charge in such an object, spaces included, so that the store's SQL (LIKE) and Python
# agree exactly.
CHARGE_WORDS = (" of ", " for ")
CHARGE_PREPOSITIONS = frozenset(w.strip() for w in CHARGE_WORDS)  # the same, as tokens ("of", "for")


def names_charge(content: str) -> bool:
    """Whether an accusation's object names the charge ("Kyiv for the attack"), as the store's SQL tests it."""
    padded = f" {content.lower()} "
    return any(w in padded for w in CHARGE_WORDS)


# Speakers that name no one a reader could find (claims interims 3 to 17: all 30 such claims were judged partly or
# wrong): the writer or the reader ("I think", "We asked", "you feel"), whatever they were resolved to, and a
# possessive or relative pronoun or a quantifier left unresolved ("his claim", "some suggest").
# (not "us" or "me": "US said on Monday …" is the United States, and an object form never speaks; not an unresolved
# "he" or "she": "Volodymyr Zelenskiy said … He added …" is left unresolved when NER misses the name, and the
# statement is still one a reader wants)
FIRST_SECOND_PERSON = frozenset({"i", "my", "we", "our", "you", "your"})
# "it" and "they" count only once resolved: "they said …" with no one found for "they" tells a reader nothing of who
# claimed it (fifteenth session: most of those resolved far back named the wrong source, so they are now left
# unresolved, and so hidden, rather than guessed). An unresolved "he" or "she" stays: NER missing a name
# ("Volodymyr Zelenskiy said … He added …") leaves it unresolved, and the statement is still wanted.
UNRESOLVED_NO_ONE = frozenset({"his", "her", "its", "their", "who", "which", "that", "what", "some", "most", "many",
                               "it", "they", "them"})


def names_no_one(speaker: Optional[str], resolved: Optional[str]) -> bool:
    """Whether a speaker names no one, as the store's SQL tests it (``FIRST_SECOND_PERSON``, ``UNRESOLVED_NO_ONE``)."""
    if speaker is None:
        return True
    low = speaker.lower()
    if low in FIRST_SECOND_PERSON:
        return True
    return low in UNRESOLVED_NO_ONE and (resolved is None or resolved.lower() == low)


# A content opening with a relative word is a clause about someone ("according to records, who had by then recused
# himself"), not what the source said.
RELATIVE_OPENINGS = frozenset({"who", "whom", "whose", "which"})
PRONOUNS_AFTER_WHAT = frozenset({"he", "she", "they", "we", "i", "you", "it"})
# "wrote a book titled …", "published a children's book titled …": a work named, not a statement made.
_TITLED_WORK = re.compile(r"^(?:an?|the|his|her|their|its)\s+(?:[\w'’-]+\s+){0,3}(?:book|novel|memoir|series|film|"
                          r"documentary|album|song|play|show|poem|report)s?\s+(?:titled|entitled|called)\b", re.I)


def refers_to_statement(content: str) -> bool:
    """Whether a content only points at a statement or a clause instead of making one: a relative clause, or "what
    President Biden told the U.N." / "what he will and will not do" (claims interims 3-19: 0 of 6 such contents judged
    right; "what little spending there is stems from …" is a statement and stays), or a work named by its title."""
    if content[:1] in "\"'“‘":
        return False  # a quotation is the speaker's own words, however it opens
    words = content.split(maxsplit=2)
    if not words:
        return False
    first = words[0].lower().strip(",")
    if first in RELATIVE_OPENINGS or _TITLED_WORK.match(content):
        return True
    return first == "what" and len(words) > 1 and (words[1].lower() in PRONOUNS_AFTER_WHAT or words[1][:1].isupper())


def reports_statement(claim: Any) -> bool:
    """Whether a claim (``ClaimOut`` or a stored claim) reports what a named source said: it has a speaker, and a
    cue the cue lexicon knows (a communication, attitude or evidential predicate), or is a quotation or an
    "according to", or has no cue at all; and its content is a statement, not the cue's noun-phrase object ("denied
    the accusations", kind ``object``) unless the cue demands or accuses ("called for a ceasefire"). Lists show only
    these by default (``--all`` shows every attribution).

    The extractor keeps the others because PolNeAR annotates them (dropping them costs 4.4 points of PolNeAR dev
    content F1), but in three random draws of 100 real-news claims judged by hand (docs/EVALUATION.md) 41 of the 46
    such claims were wrong ("ran models", "has already approved", a photo caption): to a reader they are noise. So
    were all 21 claims with no speaker in claims interims 3 to 6 ("amid allegations that …", a quote nobody is
    named for): "who claimed what" needs a who, and a speaker that names no one (``names_no_one``) is none.
    """
    if claim.speaker is None or names_no_one(claim.speaker.text, claim.resolved_speaker):
        return False
    if claim.cue is None:
        return True
    if claim.kind != "direct" and refers_to_statement(claim.content.text):
        return False
    if claim.kind == "object":  # "denied the accusations": a noun phrase, unless an accusation names its charge
        return claim.cue_class in OBJECT_STATEMENT_CUES and names_charge(claim.content.text)
    return claim.kind in SELF_EVIDENT_KINDS or claim.cue_class is not None


class ArticleOut(BaseModel):
    id: str
    title: Optional[str] = None
    date: Optional[str] = None
    outlet: Optional[str] = None
    url: Optional[str] = None
    claims: list[ClaimOut]


class ExtractionOut(BaseModel):
    articles: list[ArticleOut]
