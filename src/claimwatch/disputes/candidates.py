"""Propositions: which claims speak about the same thing, and each claim's stance toward it.

A claim is reduced to a ``ClaimProfile`` (its actors as country codes, event family, places, day, numbers,
stance cues). Two claims are *related* by

    relatedness = cos(content embeddings) + 0.10·actors + 0.08·event family + 0.05·places

where each term is +1 (they share an actor / their events are in the same or opposite families / they share a
place or its country), −1 (both have some and none is shared / their events are unrelated) or 0 (unknown).
Claims whose relatedness to a proposition's first claim reaches ``thresholds.proposition`` (within
``4 × window_days`` of its latest claim) join it; the rest start their own (leader clustering, in date order).

Stance toward the proposition: the claim's own stance (``denies`` for a denial cue or polarity, a negated
event or a denial word; ``doubts`` for a doubt cue or word; else ``asserts``), flipped when its event family is
opposite to the proposition's first claim (a withdrawal claim *denies* a build-up proposition).

Notes:
    Leader clustering is order-dependent but single-pass and stable under incremental ingest, which
    agglomerative clustering is not (cf. the "first story detection" setting of Allan et al. 1998, Topic
    Detection and Tracking).
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Optional, Sequence

import numpy as np

from ..nlp.countries import country_index
from ..nlp.frames import SENTENCE_END as _SENTENCE_END, first_sentence
from ..schema import ClaimOut, FrameOut, reports_statement
from .embeddings import embedding_text
from .lexicon import DisputeLexicon, stem, default_lexicon

ASSERTS, DENIES, DOUBTS = "asserts", "denies", "doubts"
NEGATED_EVENT = "negated event"  # own_stance's cue when a negated main verb denies
DENY_CUES = {"deny", "disagree"}
DOUBT_CUES = {"doubt", "question"}
CHECKED = "\x00check"  # the article id of the profile of a sentence given to `check`
DIRECTIVE_CUES = {"demand"}  # "urged Kyiv to …", "called on Moscow to …": an appeal, not a statement of fact
W_ACTORS, W_FAMILY, W_PLACES = 0.10, 0.08, 0.05


@dataclass(frozen=True)
class Quantity:
    unit: str
    low: float
    high: float  # inf when open-ended ("more than")
    text: str


@dataclass
class ClaimProfile:
    """What dispute detection needs to know about one claim (built by ``profile``)."""

    id: str
    article_id: str
    seq: int
    day: Optional[date]
    text: str  # the embedded text
    content: str
    side: Optional[str]  # who speaks: the speaker actor's country, else its id
    speaker_actor_id: Optional[str]
    family: Optional[str]
    negated: bool
    source: Optional[str]  # country (or id) of the event's source
    target: Optional[str]
    about: frozenset[str]  # countries / actor ids the claim is about (with the speaker's own, see ``strong``)
    strong: frozenset[str]  # the same without the speaker's actor where the event coder fell back to it
    places: frozenset[str]  # place names and their countries
    quantities: tuple[Quantity, ...]
    days_named: frozenset[str]  # day-precision dates inside the claim
    own_stance: str  # asserts / denies / doubts
    stance_cue: Optional[str]
    dispute_cue: Optional[str]
    named_families: frozenset[str]  # families whose topic words stand next to the content's dispute cue
    hedged: bool
    outlet: Optional[str] = None
    denies_part: bool = False  # denies only the speaker's own part in an event ("denied any involvement in …")
    about_claims: bool = False  # the content talks about a claim ("such allegations") instead of making it
    accused: frozenset[str] = frozenset()  # actors named beside the dispute cue: whose claims it calls false
    directive: bool = False  # tells someone what (not) to do ("warned Russia against using …"): asserts nothing
    frame: Optional[FrameOut] = None  # the content's proposition (nlp/frames.py); None for claims stored before frames
    state_side: Optional[str] = None  # the country whose state speaks (its government, military, a known official)
    reportable: bool = True  # reports what a source said (``reportable``); only such claims enter disputes and check
    terms: frozenset[str] = frozenset()  # the content's words (``DisputeLexicon.terms``)
    core: frozenset[str] = frozenset()  # the words of its main clause: what a denial of it denies
    names: frozenset[str] = frozenset()  # the terms that are names: whom it speaks of, not what it says
    holders: frozenset[str] = frozenset()  # names it gives as a claim's holder ("Hunter's claim")
    cue_stance: str = ASSERTS  # the stance its cue alone takes ("denied that …"), whatever the content says
    withholds: bool = False  # its cue says nothing of the content ("doesn't know how many …"): asserts nothing
    cue_class: Optional[str] = None  # the cue lexicon's class ("accuse" for "has alleged")
    voice: Optional[str] = None  # whom the speaker speaks for, by name (``voice``): "durex" for "A Durex spokesperson"
    # a denial of someone's claim ("rejected Russia's claims that …", "deny Russia's espionage claims"): whose claim
    # it rejects, by name (stemmed) and country; and the speaker's own names, which such a holder must match
    rejects: frozenset[str] = frozenset()
    rejects_codes: frozenset[str] = frozenset()
    speaker_names: frozenset[str] = frozenset()
    start: int = -1  # the content's offsets in its article (-1: unknown)
    end: int = -1
    extra: dict = field(default_factory=dict)

    @property
    def sign(self) -> int:
        return -1 if self.own_stance == DENIES else 1


STATE_TYPES = {"country", "government", "military"}
STATE_SECTORS = {"GOV", "MIL"}


@functools.lru_cache(maxsize=1)
def known_people() -> frozenset[str]:
    """Person ids in the built-in actor data: only their country is evidence (an unknown person's country is the
    article's dominant country, which says nothing about whose side they speak for)."""
    return frozenset(a for a in _resolver().by_id if a.startswith("person:"))


def state_side(actor) -> Optional[str]:
    """The country a speaker speaks for as part of its state, else None (a professor, a newspaper, an unknown)."""
    if actor is None or not actor.country:
        return None
    if actor.type in STATE_TYPES:
        return actor.country
    if actor.sector in STATE_SECTORS and (actor.type != "person" or actor.id in known_people()):
        return actor.country
    return None


def _code(actor) -> Optional[str]:
    if actor is None:
        return None
    return actor.country or actor.id


def _day(value: Optional[str]) -> Optional[date]:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _quantities(claim: ClaimOut, lex: DisputeLexicon) -> tuple[Quantity, ...]:
    out = []
    for q in claim.quantities:
        unit = lex.unit(q.unit)
        if unit is None or q.value <= 0:
            continue
        lo_f, hi_f = lex.qualifier_ranges.get(q.qualifier or "_none", lex.qualifier_ranges["_none"])
        out.append(Quantity(unit, q.value * lo_f, float("inf") if hi_f is None else q.value * hi_f, q.text))
    return tuple(out)


CUE_TOPIC_CHARS = 50  # "deceitful about its withdrawal claims", "the ceasefire announcement was propaganda"


def cue_window(text: str, start: int, end: int, reach: int = CUE_TOPIC_CHARS) -> str:
    """The words a dispute cue is about: up to ``reach`` characters either side of it, inside its sentence
    ("Putin lied about his intentions. Now the invasion …" names no invasion claim)."""
    lo = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        lo = m.end()
    m = _SENTENCE_END.search(text, end)
    hi = m.start() if m else len(text)
    return text[max(lo, start - reach) : min(hi, end + reach)]


_TO_VERB = re.compile(r"\s+to\s+([A-Za-z]+)")  # "not seeking [to impose]"


def _same_verb(word: str, lemma: str) -> bool:
    """"attacked" / "attack", "used" / "use", "seen" / "see": a form of the lemma (its first letters shared)."""
    n = min(len(lemma), 4)
    return word[:n] == lemma[:n]


def _negates_predicate(content: str, frame: Optional[FrameOut], pattern: re.Pattern[str]) -> bool:
    """Whether ``content`` negates a verb (``verb_negation``), and that verb is its main predicate when the frame
    names one."""
    words: list[str] = []
    for m in pattern.finditer(content):
        words.append(m.group(0).split()[-1].lower())
        # "was not seeking to impose a blockade": the negation reaches the verb its verb leads to
        then = _TO_VERB.match(content, m.end())
        if then:
            words.append(then.group(1).lower())
    if not words:
        return False
    lemma = (frame.lemma or "").lower() if frame is not None else ""
    return not lemma or any(_same_verb(w, lemma) for w in words)



def cue_stance(claim: ClaimOut, lex: Optional[DisputeLexicon] = None) -> tuple[str, Optional[str]]:
    """The stance the claim's cue (or its extracted polarity) takes, before its content is read."""
    lex = lex or default_lexicon()
    cue = claim.cue.text if claim.cue else None
    if cue is not None and lex.softening is not None and lex.softening.search(cue):
        return DOUBTS, cue  # "downplays the threat": doubts how serious it is, does not deny it
    # "countered that X" asserts X against someone else's claim; "denied that X" denies X.
    rebuttal = cue is not None and lex.rebuttal is not None and lex.rebuttal.search(cue) is not None
    # (a denial cue whose claim asserts a verdict, "dismissed the case as an attempt to pressure her", asserts it)
    if claim.polarity == "denies" or ((claim.cue_class or "") in DENY_CUES and not rebuttal
                                      and not (claim.cue_class == "deny" and claim.polarity == "asserts")):
        return DENIES, (cue or "denies")
    return ASSERTS, None


def own_stance(claim: ClaimOut, lex: Optional[DisputeLexicon] = None) -> tuple[str, Optional[str]]:
    """The claim's own stance toward what its content says, and the cue that decided it."""
    lex = lex or default_lexicon()
    content = claim.content.text
    cue = claim.cue.text if claim.cue else None
    by_cue = cue_stance(claim, lex)
    if by_cue[0] != ASSERTS:
        return by_cue
    if claim.event is not None and claim.event.negated and (
            lex.verb_negation is None or _negates_predicate(content, claim.frame, lex.verb_negation)):
        # The event coder's negation may sit outside the content ("did not refer to 'invasion'") or on another
        # word of it ("not far short of genocide"): only a negated verb in the content itself denies, and only
        # when it is the content's main predicate ("Russia miscalculated and can't win" asserts a miscalculation).
        return DENIES, NEGATED_EVENT
    # Denial and doubt words count in the content's main clause only: a run-on content (a quote the extractor did
    # not close) may carry someone else's "no evidence" paragraphs later, and "X happened, though there is no
    # evidence that Y" asserts X.
    lead = lex.main_clause(first_sentence(content))
    if lex.denial is not None and (m := lex.denial.search(lead)):
        return DENIES, m.group(0)
    if (claim.cue_class or "") in DOUBT_CUES:
        return DOUBTS, (cue or "doubts")
    if lex.doubt is not None and (m := lex.doubt.search(lead)):
        return DOUBTS, m.group(0)
    return ASSERTS, None


def reportable(claim: ClaimOut, lex: Optional[DisputeLexicon] = None) -> bool:
    """Whether the claim reports what a source said, so that it can be one side of a dispute: what lists show by
    default (``schema.reports_statement``), and also an explicit rejection of a named claim or proposal ("the union
    rejected the wage offer", the rules file's ``rejectable_objects``), which states no proposition of its own to
    list but opposes one. A denial of an object that only points at a claim ("dismissed it as propaganda") is
    neither: what it denies is not in its words."""
    if (claim.cue_class or "") in DENY_CUES and claim.speaker is not None:
        lex = lex or default_lexicon()
        text = claim.content.text.lstrip(" \"'“‘")
        # (a clause may open with the conjunction: "denied that claims of abuse had been ignored")
        clause = claim.kind != "object" and text[:5].lower() in ("that ", "this ", "these", "those", "such ")
        if lex.unnamed is not None and not clause and lex.unnamed.match(text) is not None:
            return False
    if claim.kind == "object" and claim.cue is not None and claim.speaker is not None \
            and (claim.cue_class or "") in DENY_CUES:
        lex = lex or default_lexicon()
        return lex.rejectable is None or lex.rejectable.search(lex.main_clause(claim.content.text)) is not None
    return reports_statement(claim)


def profile(claim: ClaimOut, *, article_id: str = "", seq: int = 0, day: Optional[str] = None,
            outlet: Optional[str] = None, lex: Optional[DisputeLexicon] = None) -> ClaimProfile:
    """Reduce a claim (a ``ClaimOut`` or ``StoredClaim``) to its dispute-relevant parts."""
    lex = lex or default_lexicon()
    article_id = getattr(claim, "article_id", None) or article_id
    day = getattr(claim, "date", None) or day
    outlet = getattr(claim, "outlet", None) or outlet
    ev = claim.event
    family = lex.family(ev.category, ev.mode) if ev is not None else None
    about: set[str] = set()
    for m in claim.actors:
        code = _code(m.actor)
        if code:
            about.add(code)
    places: set[str] = set()
    for p in claim.places:
        places.add(p.name.casefold())
        if p.country:
            places.add(p.country)
            about.add(p.country)
    source = _code(ev.source) if ev is not None else None
    target = _code(ev.target) if ev is not None else None
    side = _code(claim.speaker_actor)
    strong = set(about)
    for code in (source, target):
        if code:
            about.add(code)
            if code != side:  # an event source equal to the speaker may be the coder's fallback: weak evidence
                strong.add(code)
    stance, cue = own_stance(claim, lex)
    scope = content = claim.content.text
    if claim.cue is not None:
        scope = claim.cue.text + " " + content
    dispute = lex.dispute.search(scope) if lex.dispute is not None else None
    window = cue_window(scope, dispute.start(), dispute.end()) if dispute is not None else ""
    named = lex.named_families(window) if window else set()
    # Who the cue accuses: actors named beside it ("Moscow was being deceitful", "Marovia's ceasefire announcement
    # was propaganda"), not anywhere in a long quote ("remove harmful misinformation" accuses no one).
    accused = {code for m in claim.actors if (code := _code(m.actor)) and m.text and m.text in window}
    if dispute is not None and stance == ASSERTS and family is not None and family in named:
        # "Moscow was lying about the pullback": the content's own event is what the claim calls a lie.
        stance, cue = DENIES, dispute.group(0)
    denies_part = stance == DENIES and not _others_act(claim, side) and (
        (lex.involvement is not None and lex.involvement.search(scope) is not None)
        or (lex.own_act is not None and lex.own_act.match(content.lstrip(" \"'“‘")) is not None))
    rejects, rejects_codes = _rejected_holders(claim, stance, lex)
    return ClaimProfile(
        id=claim.id, article_id=article_id, seq=seq, day=_day(day), text=embedding_text(content), content=content,
        side=side, speaker_actor_id=claim.speaker_actor.id if claim.speaker_actor else None,
        family=family, negated=bool(ev.negated) if ev is not None else False, source=source, target=target,
        about=frozenset(about), strong=frozenset(strong), places=frozenset(places), quantities=_quantities(claim, lex),
        days_named=frozenset(d.value for d in claim.dates if d.precision == "day" and d.resolved and d.value),
        own_stance=stance, stance_cue=cue, dispute_cue=dispute.group(0) if dispute else None,
        named_families=frozenset(named), hedged=claim.hedged, outlet=outlet, denies_part=denies_part,
        about_claims=lex.claim_words is not None and lex.claim_words.search(content) is not None,
        accused=frozenset(accused),
        directive=((claim.cue_class or "") in DIRECTIVE_CUES
                   or (lex.directive is not None and lex.directive.search(content) is not None)),
        frame=getattr(claim, "frame", None),
        state_side=state_side(claim.speaker_actor),
        reportable=reportable(claim, lex),
        terms=lex.terms(content), core=lex.core(content), names=lex.names(content), holders=lex.holders(content),
        cue_stance=cue_stance(claim, lex)[0], cue_class=claim.cue_class, voice=voice(claim),
        withholds=(claim.cue is not None and lex.withholding is not None
                   and lex.withholding.search(claim.cue.text.replace("\u2019", "'")) is not None),
        rejects=rejects, rejects_codes=rejects_codes, speaker_names=_speaker_names(claim),
        start=claim.content.start, end=claim.content.end,
    )


_PRONOUN_AGENTS = {"it", "they", "we", "i", "he", "she", "you"}


def _others_act(claim: ClaimOut, side: Optional[str]) -> bool:
    """The content's own agent is another country or actor than the speaker's: "denied the Kremlin's allegations
    Ukraine is planning to detonate a dirty bomb" (Wallace) denies Ukraine's plan, not a plan of Wallace's own."""
    frame = getattr(claim, "frame", None)
    agent = frame.agent if frame is not None else None
    if agent is None or side is None or " ".join(agent.text.split()).casefold() in _PRONOUN_AGENTS:
        return False
    key = agent.country or agent.actor_id
    return bool(key) and not key.startswith("unknown:") and key != side and key != (
        claim.speaker_actor.id if claim.speaker_actor else None)


def _rejected_holders(claim, stance: str, lex: DisputeLexicon) -> tuple[frozenset[str], frozenset[str]]:
    """Whose claim a denial rejects when its cue or object names the holder: "rejected Ukraine's claim that …",
    "deny Russia's espionage claims against …" (dispute run 10: the U.S. denial was set against an American's
    argument, not against Russia's claim)."""
    if stance != DENIES:
        return frozenset(), frozenset()
    # (in the cue or a noun-phrase object only: "that Kessler's claim was unfounded" speaks of the claim, and
    # whoever upholds it, "Kessler's office", may answer)
    text = ((claim.cue.text + " ") if claim.cue is not None else "") + (
        claim.content.text[:80] if claim.kind == "object" else "")
    names = lex.holder_names(text)
    index = country_index()
    codes = set()
    for n in names:
        code = index.country_by_name(n) or index.country_by_demonym(n)
        if code is None:  # "the Kremlin's allegations": a known actor's country
            ref = _resolver().resolve(n)
            code = ref.country if ref.type != "unknown" else None
        if code:
            codes.add(code)
    return frozenset(stem(n.casefold()) for n in names), frozenset(codes)


@functools.lru_cache(maxsize=1)
def _resolver():
    """The built-in actor data, loaded once."""
    from ..nlp.actors import ActorResolver

    return ActorResolver()


def _speaker_names(claim) -> frozenset[str]:
    """The words of the speaker's names (as written, resolved, the actor's), stemmed as ``holders`` are."""
    actor = claim.speaker_actor
    parts = [claim.speaker.text if claim.speaker is not None else None, getattr(claim, "resolved_speaker", None),
             actor.name if actor is not None else None]
    return frozenset(_stem_words(" ".join(p for p in parts if p)))


def _stem_words(text: str) -> set[str]:
    return {stem(w) for w in re.findall(r"[\w-]+", text.replace("\u2019", "'").casefold())}


_SPOKES = re.compile(r"^(?:an?|the)\s+|(?:'s|’s)?\s+(?:spokesman|spokeswoman|spokesperson|spokespeople|"
                     r"representative|representatives|press office|press officer|statement)$", re.I)


NAMED_VOICES = {"person", "organisation", "media", "igo"}
GENERIC_VOICES = {"police", "government", "ministry", "army", "military", "officials", "authorities", "residents",
                  "witnesses", "sources", "experts", "analysts", "critics", "observers", "reports", "media"}


def voice(claim) -> Optional[str]:
    """Whom the speaker speaks for, by name: "A Durex spokesperson" and "Durex" both speak for "durex" (NER and
    the actor layer may type the two differently, but one side cannot dispute itself). Names only: "Police" or
    "Officials" at the head of a sentence, two articles' "the company" or "a US official", may be anyone."""
    name = getattr(claim, "resolved_speaker", None)
    if not name:
        return None
    bare = _SPOKES.sub("", name.strip()).strip()
    if bare == name.strip():  # no spokesperson: the speaker itself must be a named actor
        actor = getattr(claim, "speaker_actor", None)
        if actor is None or actor.id.startswith("unknown:") or actor.type not in NAMED_VOICES:
            return None
    words = [w for w in bare.split() if w[:1].isalpha()]
    if not words or not all(w[0].isupper() for w in words) or _generic(bare.casefold()):
        return None
    return bare.casefold()


def _generic(name: str) -> bool:
    from ..nlp.speakers import is_pronoun, org_nouns, person_nouns

    word = name.removesuffix("s") if name.endswith("s") and not name.endswith("ss") else name
    return name in GENERIC_VOICES or word in person_nouns() or word in org_nouns() or is_pronoun(name)


@dataclass(frozen=True)
class Relatedness:
    score: float
    cos: float
    actors: int
    family: int
    places: int
    opposition: float  # weight of the opposition between the two event families, 0 if none


def _term(a: frozenset[str], b: frozenset[str]) -> int:
    if not a or not b:
        return 0
    return 1 if a & b else -1


def _actors_term(a: ClaimProfile, b: ClaimProfile) -> int:
    """+1 when they share an actor; −1 only when both name actors of their own (beyond the speaker's fallback)
    and share none; else 0."""
    if a.about & b.about:
        return 1
    if a.strong and b.strong:
        return -1
    return 0


def relatedness(a: ClaimProfile, b: ClaimProfile, cos: float, lex: Optional[DisputeLexicon] = None) -> Relatedness:
    """How much two claims speak about the same thing (see the module docstring)."""
    lex = lex or default_lexicon()
    opposition = lex.opposition(a.family, b.family)
    if a.family is None or b.family is None:
        fam = 0
    elif a.family == b.family or opposition > 0:
        fam = 1
    else:
        fam = -1
    actors = _actors_term(a, b)
    places = _term(a.places, b.places)
    score = float(cos) + W_ACTORS * actors + W_FAMILY * fam + W_PLACES * places
    return Relatedness(score, float(cos), actors, fam, places, opposition)


def within_window(a: ClaimProfile, b: ClaimProfile, days: float) -> bool:
    """Same article, or dated no more than ``days`` apart (undated claims are never ruled out by time)."""
    if a.article_id == b.article_id or a.day is None or b.day is None:
        return True
    return abs((a.day - b.day).days) <= days


# -- propositions -------------------------------------------------------------------------------------------


@dataclass
class Proposition:
    id: str
    anchor: int  # index of its first claim
    last_day: Optional[date]
    members: list[int] = field(default_factory=list)


def stance_toward(anchor: ClaimProfile, claim: ClaimProfile, lex: Optional[DisputeLexicon] = None) -> str:
    """The claim's stance toward the proposition its anchor states (asserts / denies / doubts)."""
    lex = lex or default_lexicon()
    if claim.own_stance == DOUBTS:
        return DOUBTS
    sign = claim.sign * (-1 if lex.opposition(anchor.family, claim.family) > 0 else 1)
    return ASSERTS if sign > 0 else DENIES


def proposition_id(anchor: ClaimProfile) -> str:
    return "p" + hashlib.sha1(anchor.id.encode("utf-8")).hexdigest()[:15]


def assign_propositions(profiles: Sequence[ClaimProfile], vectors: np.ndarray, todo: Iterable[int],
                        existing: Optional[list[Proposition]] = None, lex: Optional[DisputeLexicon] = None,
                        *, block: int = 256) -> tuple[list[Proposition], dict[int, tuple[str, str, float]]]:
    """Leader clustering of the claims ``todo`` (indices into ``profiles``/``vectors``), oldest first.

    ``existing`` propositions (from earlier runs) are joined before new ones are made. Returns every proposition
    and, for each claim of ``todo``, ``(proposition id, stance, relatedness to the anchor)``.

    Claims are taken ``block`` at a time: one matrix product scores the block against every anchor made before
    it, and only the anchors made inside the block are scored claim by claim. The result is the claim-by-claim
    leader clustering; the product just avoids re-reading every anchor vector for every claim.
    """
    lex = lex or default_lexicon()
    threshold = lex.threshold("proposition")
    floor = threshold - (W_ACTORS + W_FAMILY + W_PLACES)  # anchors below this cannot reach it with every bonus
    window = 4 * lex.threshold("window_days")
    props = list(existing or [])
    order = sorted(todo, key=lambda i: (profiles[i].day or date.max, profiles[i].article_id, profiles[i].seq))
    anchor_vecs = np.empty((len(props) + len(order), vectors.shape[1]), dtype=np.float32)
    for k, prop in enumerate(props):
        anchor_vecs[k] = vectors[prop.anchor]
    out: dict[int, tuple[str, str, float]] = {}
    for start in range(0, len(order), block):
        rows = order[start : start + block]
        before = len(props)
        sims = vectors[rows] @ anchor_vecs[:before].T if before else np.zeros((len(rows), 0), np.float32)
        for r, i in enumerate(rows):
            made_here = anchor_vecs[before : len(props)] @ vectors[i]
            cos = np.concatenate([sims[r], made_here]) if len(made_here) else sims[r]
            best = _best_proposition(profiles, props, i, cos, floor, threshold, window, lex)
            p = profiles[i]
            if best is None:
                prop = Proposition(proposition_id(p), i, p.day, [i])
                anchor_vecs[len(props)] = vectors[i]
                props.append(prop)
                out[i] = (prop.id, p.own_stance, 1.0)
                continue
            score, prop = best
            prop.members.append(i)
            if p.day is not None and (prop.last_day is None or p.day > prop.last_day):
                prop.last_day = p.day
            out[i] = (prop.id, stance_toward(profiles[prop.anchor], p, lex), round(score, 4))
    return props, out


def _best_proposition(profiles: Sequence[ClaimProfile], props: Sequence[Proposition], i: int, cos: np.ndarray,
                      floor: float, threshold: float, window: float, lex: DisputeLexicon,
                      ) -> Optional[tuple[float, Proposition]]:
    """The proposition claim ``i`` joins (the most related anchor at or over ``threshold``), or None."""
    p = profiles[i]
    best: Optional[tuple[float, Proposition]] = None
    for k in np.nonzero(cos >= floor)[0]:
        prop = props[int(k)]
        if prop.last_day is not None and p.day is not None and abs((p.day - prop.last_day).days) > window:
            continue
        rel = relatedness(profiles[prop.anchor], p, float(cos[k]), lex)
        if rel.score >= threshold and rel.actors >= 0 and (best is None or rel.score > best[0]):
            best = (rel.score, prop)
    return best


# -- candidate pairs ----------------------------------------------------------------------------------------


def _day_numbers(profiles: Sequence[ClaimProfile]) -> np.ndarray:
    return np.array([p.day.toordinal() if p.day else -1 for p in profiles], dtype=np.int64)


def candidate_pairs(profiles: Sequence[ClaimProfile], vectors: np.ndarray, todo: Sequence[int],
                    lex: Optional[DisputeLexicon] = None, *, per_claim: int = 30,
                    chunk: int = 512) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, cos)`` worth comparing, with ``i`` in ``todo`` and ``j`` any other claim.

    Vectorised prefilter: inside the time window (or the same article), and either similar contents, or
    events in opposite families, or one side using a dispute cue. At most ``per_claim`` most similar partners
    per claim; pairs inside ``todo`` come once.
    """
    lex = lex or default_lexicon()
    n = len(profiles)
    if n < 2 or not len(todo):
        return []
    window = lex.threshold("window_days")
    days = _day_numbers(profiles)
    articles = np.array([hash(p.article_id) for p in profiles], dtype=np.int64)
    fams = sorted({p.family for p in profiles if p.family})
    fam_index = {f: k + 1 for k, f in enumerate(fams)}
    fam = np.array([fam_index.get(p.family, 0) for p in profiles], dtype=np.int64)
    opp = np.zeros((len(fams) + 1, len(fams) + 1), dtype=bool)
    for f in fams:
        for g in fams:
            opp[fam_index[f], fam_index[g]] = lex.opposition(f, g) > 0
    cue = np.array([p.dispute_cue is not None for p in profiles], dtype=bool)
    can_dispute = np.array([p.reportable for p in profiles], dtype=bool)
    todo_arr = np.asarray(sorted(set(todo)), dtype=np.int64)
    in_todo = np.zeros(n, dtype=bool)
    in_todo[todo_arr] = True
    floor_similar = min(lex.threshold("denial"), lex.threshold("numbers")) - (W_ACTORS + W_FAMILY + W_PLACES)
    floor_opposite = lex.threshold("opposite_events") - (W_ACTORS + W_FAMILY + W_PLACES)
    by_row: dict[int, list[tuple[int, int, float]]] = {}
    # Rows go in day order, so a chunk of dated rows spans a few days and is compared only with the claims inside
    # that span's window, undated claims and its own articles: the rest could never pass ``timely``.
    rows_by_day = todo_arr[np.argsort(days[todo_arr], kind="stable")]
    everything = np.arange(n)
    for start in range(0, len(rows_by_day), chunk):
        rows = rows_by_day[start : start + chunk]
        d_rows = days[rows]
        if (d_rows < 0).any():
            cols = everything  # an undated claim is timely with every other
        else:
            near = (days >= d_rows.min() - window) & (days <= d_rows.max() + window)
            cols = np.nonzero(near | (days < 0) | np.isin(articles, articles[rows]))[0]
        sims = vectors[rows] @ vectors[cols].T  # (r, len(cols))
        d, dc = d_rows[:, None], days[cols][None, :]
        timely = (np.abs(d - dc) <= window) | (d < 0) | (dc < 0) | (articles[rows][:, None] == articles[cols][None, :])
        mask = sims >= floor_similar
        mask |= (sims >= floor_opposite) & opp[fam[rows][:, None], fam[cols][None, :]]
        # A dispute cue ("deceitful about its withdrawal claims") need not share words with what it disputes.
        mask |= (cue[rows][:, None] | cue[cols][None, :]) & (sims >= 0.0)
        mask &= timely
        mask &= can_dispute[rows][:, None] & can_dispute[cols][None, :]
        mask &= rows[:, None] != cols[None, :]
        # A pair inside todo is kept from its smaller index only.
        mask &= ~(in_todo[cols][None, :] & (cols[None, :] < rows[:, None]))
        for r, i in enumerate(rows):
            js = np.nonzero(mask[r])[0]
            if len(js) > per_claim:
                js = js[np.argsort(-sims[r, js], kind="stable")[:per_claim]]  # ties: the older claim
            by_row[int(i)] = [(int(i), int(cols[j]), float(sims[r, j])) for j in js]
    return [pair for i in todo_arr for pair in by_row[int(i)]]
