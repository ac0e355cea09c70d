"""Do two claims about the same thing disagree, and why?

``compare(a, b, cos)`` returns a ``Conflict`` (its reasons, score and a short explanation) or None. Reasons:

- ``denial``: one claim denies what the other asserts (a denial cue or polarity, a negated event, "false",
  "no evidence"), both about the same proposition (relatedness >= ``thresholds.denial``).
- ``doubt``: one claim doubts what the other asserts ("no sign of", "unconfirmed", "questioned").
- ``opposite_events``: their events fall in opposite families (withdraw ↔ build-up, ceasefire ↔ attack,
  agree ↔ reject …, ``opposites`` in the rules file) with the same source actor (or, when a source is
  unknown, a shared actor), neither negated.
- ``numbers``: both count the same thing (same unit family) and the ranges their qualifiers allow are far
  apart ("30,000 troops" vs "more than 100,000": ratio >= ``thresholds.number_ratio``), and neither of the two is a
  figure the other claim also gives.
- ``dates``: same event family, each names one day, and the days differ.
- ``dispute_cue``: one claim calls the other's kind of claim deceitful, false, propaganda …, naming its
  actor and its topic ("Moscow was being deceitful about its withdrawal claims" → Russia's withdrawal claims).

Claims from the same side (the same speaker country or actor) never dispute each other. The score combines
the reasons (the strongest plus 0.1 × each further one) where each sᵢ = weight × how related the two claims are, lowered for hedged
and unattributed claims.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from .candidates import ASSERTS, DENIES, DOUBTS, ClaimProfile, Quantity, relatedness, within_window
from .lexicon import DisputeLexicon, default_lexicon

WEIGHTS = {"denial": 0.9, "dispute_cue": 0.85, "opposite_events": 0.8, "numbers": 0.75, "doubt": 0.65,
           "dates": 0.4}
# Across articles a dispute cue must also share some wording with what it disputes (within one article the actor
# and topic are enough: "despite Moscow's claims … deceitful about its withdrawal claims").
CUE_COS_ACROSS = 0.3
NEGATED_EVENT_COS = 0.75  # a negated event is a denial only when the two contents say nearly the same thing


@dataclass
class Conflict:
    reasons: list[str]
    score: float
    explanation: str
    relatedness: float
    details: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return self.reasons[0]


def same_side(a: ClaimProfile, b: ClaimProfile) -> bool:
    """Both spoken by the same actor or the same country's actors (no speaker: never the same side)."""
    if _same_person(a.speaker_actor_id, b.speaker_actor_id) or (a.voice is not None and a.voice == b.voice):
        return True
    if a.side is None or b.side is None:
        return False
    return a.side == b.side or (a.speaker_actor_id is not None and a.speaker_actor_id == b.speaker_actor_id)


def _same_person(x: Optional[str], y: Optional[str]) -> bool:
    """"person:johnson" and "person:boris-johnson": one person named in full in one article, by surname in another."""
    if not (x and y and x.startswith("person:") and y.startswith("person:")):
        return False
    p, q = x[len("person:"):], y[len("person:"):]
    return p == q or p.endswith("-" + q) or q.endswith("-" + p)


UNKNOWN_ACTORS_COS = 0.45
DENIAL_COS = 0.65
MIN_WORDS = 4


def _sources_compatible(a: ClaimProfile, b: ClaimProfile, actors_term: int, cos: float) -> bool:
    """Are the two events done by the same actor? Equal sources, or (when a source is unknown or only the
    speaker's fallback) a shared actor, or no actor evidence either way and similar wording."""
    strong_a = a.source if a.source and a.source != a.side else None
    strong_b = b.source if b.source and b.source != b.side else None
    if a.source and b.source and a.source == b.source:
        return True
    if a.source and b.source and (strong_a or strong_b):
        return False  # two different sources, at least one named in the content itself
    if actors_term > 0:
        return True
    return actors_term == 0 and cos >= UNKNOWN_ACTORS_COS


def _ranges_apart(x: Quantity, y: Quantity, ratio: float) -> bool:
    """True when the ranges are disjoint and their nearest ends are at least ``ratio`` apart."""
    lo, hi = (x, y) if x.high <= y.low else (y, x)
    if lo.high > hi.low:  # overlapping
        return False
    return lo.high <= 0 or hi.low / lo.high >= ratio


def number_conflict(a: ClaimProfile, b: ClaimProfile, ratio: float) -> Optional[tuple[str, str]]:
    """Two counts of one unit far apart, neither of which the other claim also gives: "243 children killed and
    200,000 taken" against the same two figures is no conflict of 243 with 200,000 (check case test11 W41-03)."""
    for x in a.quantities:
        if _matched(x, b.quantities):
            continue
        for y in b.quantities:
            if x.unit == y.unit and not _matched(y, a.quantities) and _ranges_apart(x, y, ratio):
                return x.text, y.text
    return None


def _matched(x: Quantity, others: Sequence[Quantity]) -> bool:
    """The other claim gives a count of the same unit whose range meets this one's."""
    return any(y.unit == x.unit and max(x.low, y.low) <= min(x.high, y.high) for y in others)


def _targets(cue_claim: ClaimProfile, other: ClaimProfile, cos: float) -> Optional[float]:
    """How surely a claim with a dispute cue points at the other claim: it must name the other's speaker beside the
    cue, and its topic ("its withdrawal claims": 1.0) or say much the same thing (cos >= 0.5: 0.8); else None."""
    if other.own_stance != ASSERTS:
        return None
    # The cue disputes what the named actor *said*: a third party's report of that actor's acts ("the Pentagon's
    # updates on the Russian invasion") is not what "Russian propaganda about the invasion" calls propaganda.
    # A sentence with no speaker (one pasted into `check`) stands for its event's source.
    who = other.side or other.source
    if who is None or who not in cue_claim.accused:
        return None
    if other.family is not None and other.family in cue_claim.named_families:
        return 1.0
    return 0.8 if cos >= 0.5 else None


def _strength(rel: float, threshold: float) -> float:
    """0.6 at the threshold, rising to 1 at threshold + 0.3."""
    return min(1.0, 0.6 + 0.4 * max(0.0, rel - threshold) / 0.3)


def compare(a: ClaimProfile, b: ClaimProfile, cos: float, lex: Optional[DisputeLexicon] = None) -> Optional[Conflict]:
    """The conflict between two claims, or None when they do not disagree (or are not about the same thing)."""
    lex = lex or default_lexicon()
    if a.id == b.id or same_side(a, b):
        return None
    if min(len(a.text.split()), len(b.text.split())) < MIN_WORDS:
        return None  # "which", "the claims": too little said to disagree about
    if not within_window(a, b, lex.threshold("window_days")):
        return None
    rel = relatedness(a, b, cos, lex)
    same_statement = lex.thresholds.get("same_statement")
    # One statement told twice (a wire copy, a repeated quote) cannot deny itself, whatever the event coder made of
    # either copy; its numbers or dates may still differ ("30,000" in one copy, "100,000" in the other).
    one_statement = (same_statement is not None and rel.cos >= same_statement
                     and {a.stance_cue, b.stance_cue} <= {None, "negated event"})
    found: list[tuple[str, float, str]] = []
    details: dict = {}

    # Opposite event families, or the same family with opposite signs, flip the direction of one side.
    opposite = rel.opposition > 0 and not (a.negated or b.negated)
    if opposite and rel.score >= lex.threshold("opposite_events") and _sources_compatible(a, b, rel.actors, rel.cos):
        if a.own_stance == b.own_stance == ASSERTS:
            s = WEIGHTS["opposite_events"] * rel.opposition * _strength(rel.score, lex.threshold("opposite_events"))
            found.append(("opposite_events", s, f"{a.family} vs {b.family}"))
    same_direction_family = a.family == b.family or a.family is None or b.family is None
    # A denial restates what it denies, so the wording must be close, not only the actors and places.
    if same_direction_family and rel.actors >= 0 and rel.cos >= DENIAL_COS:
        stances = {a.own_stance, b.own_stance}
        # The side whose content is said to be so, and the side that denies or doubts it.
        asserter = a if a.own_stance == ASSERTS else b
        objector = b if asserter is a else a
        if objector.stance_cue == "negated event" and (a.family != b.family or rel.cos < NEGATED_EVENT_COS):
            stances = set()  # the event coder's negation may sit on another event of the sentence
        if one_statement:
            stances = set()
        if a.frame is not None and b.frame is not None and a.frame.polarity == b.frame.polarity != ASSERTS:
            stances = set()  # both contents deny it: "was not in Kobani" and "was nowhere near Kobani" agree (run 8)
        if objector.denies_part and objector.side not in asserter.about:
            stances = set()  # "denied any involvement in the attack" vs "the attack happened": no dispute
        if asserter.dispute_cue or asserter.about_claims or asserter.directive:
            # "pure Russian misinformation" rejects a claim too, and "cautioned Moscow against using such
            # allegations" talks about one without making it, and "warned Russia against using a dirty bomb" is an
            # appeal: none asserts what the denier denies.
            stances = set()
        if stances == {ASSERTS, DENIES} and rel.score >= lex.threshold("denial"):
            s = WEIGHTS["denial"] * _strength(rel.score, lex.threshold("denial"))
            found.append(("denial", s, f"denies ({objector.stance_cue})"))
        elif stances == {ASSERTS, DOUBTS} and rel.score >= lex.threshold("denial"):
            s = WEIGHTS["doubt"] * _strength(rel.score, lex.threshold("denial"))
            found.append(("doubt", s, f"doubts ({objector.stance_cue})"))
    if rel.score >= lex.threshold("numbers") and rel.actors >= 0 and rel.family >= 0:
        nums = number_conflict(a, b, lex.threshold("number_ratio"))
        if nums is not None:
            s = WEIGHTS["numbers"] * _strength(rel.score, lex.threshold("numbers"))
            found.append(("numbers", s, f"{nums[0]} vs {nums[1]}"))
            details["numbers"] = list(nums)
    if (a.family is not None and a.family == b.family and a.days_named and b.days_named
            and not (a.days_named & b.days_named) and rel.score >= lex.threshold("dates")):
        s = WEIGHTS["dates"] * _strength(rel.score, lex.threshold("dates"))
        found.append(("dates", s, f"{min(a.days_named)} vs {min(b.days_named)}"))
    for x, y in ((a, b), (b, a)):
        sure = _targets(x, y, cos) if x.dispute_cue and not y.dispute_cue else None
        if sure is not None and x.article_id != y.article_id and cos < CUE_COS_ACROSS:
            sure = None
        if sure is not None and rel.score >= lex.threshold("dispute_cue"):
            s = WEIGHTS["dispute_cue"] * sure
            found.append(("dispute_cue", s, f"'{x.dispute_cue}' about {y.family or 'it'}"))
            break
    if not found:
        return None
    found.sort(key=lambda t: -t[1])
    penalty = 1.0
    if a.hedged or b.hedged:
        penalty *= 0.9
    if a.side is None or b.side is None:
        penalty *= 0.9
    # The strongest reason counts fully, each further one adds a little: noisy-or saturated on pairs where weak
    # reasons pile up (a denial word plus a date difference) and ranked them above clean contradictions.
    strengths = [s for _, s, _ in found]
    combined = strengths[0] + 0.1 * sum(strengths[1:])
    score = round(min(0.99, combined * penalty), 4)
    details.update({"cos": round(rel.cos, 4), "actors": rel.actors, "family": rel.family, "places": rel.places})
    return Conflict(
        reasons=[r for r, _, _ in found], score=score,
        explanation="; ".join(f"{r}: {why}" for r, _, why in found),
        relatedness=round(rel.score, 4), details=details,
    )


def supports(a: ClaimProfile, b: ClaimProfile, cos: float, lex: Optional[DisputeLexicon] = None) -> Optional[float]:
    """A support score when two claims say the same thing in the same direction, else None."""
    lex = lex or default_lexicon()
    rel = relatedness(a, b, cos, lex)
    if rel.actors < 0 or rel.opposition > 0:
        return None
    if DOUBTS in (a.own_stance, b.own_stance) or a.sign != b.sign:
        return None
    if a.family is not None and a.family == b.family:
        need = lex.threshold("opposite_events")  # same event about the same actors: a looser bar
        if not _sources_compatible(a, b, rel.actors, rel.cos):
            return None
    else:
        need = lex.threshold("proposition")
    if rel.score < need:
        return None
    return round(min(0.99, 0.5 + 0.5 * min(1.0, (rel.score - need) / 0.4 + 0.2)), 4)
