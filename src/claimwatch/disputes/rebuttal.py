"""``check``'s answered accusations: a sentence that tells of an act is contradicted by the accused's own side calling
the story false.

A pasted sentence has no speaker, and the denial that answers it is rarely worded like it: "Russian troops killed
civilians in Bucha" is answered by Peskov's "It's the same scenario as in Bucha … It's a lie" (cosine 0.26), "Paul
Whelan was a spy" by "American officials flatly state that Mr. Whelan was not an intelligence informant". So the
sentence's **agent** (the one it says did it) and its **anchors** (the names that say which act: "Bucha", or the
accused person's surname) find the answers by full-text search, and a stored claim contradicts the sentence when:

- the sentence tells of an act one is accused of (an attack, coercion, a threat: the rules file's
  ``charged_families``);
- its speaker is the accused person or the accused's state (its government, military, officials);
- it calls something false: a denial or doubt stance, a dispute word ("staged", "sham"), a denial phrase anywhere in
  a short content ("It's a lie"), or a negated clause whose subject is the anchor ("Mr. Whelan was not …");
- it names an anchor, or its speaker is the accused person;
- it was said after the time the sentence names.

Chosen on the dev `check` cases (docs/EVALUATION.md, "Nineteenth session"): fitted there, measured on dev only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

from ..nlp.countries import country_index
from ..nlp.dates import date_words
from ..store import ClaimQuery, Store, StoredClaim
from ..store.fulltext import any_of
from .candidates import ASSERTS, DENIES, DENY_CUES, NEGATED_EVENT, ClaimProfile
from .lexicon import DisputeLexicon

SEARCHED = 200  # claims the name search returns (the accused side's only)
SHORT = 400  # a denial phrase anywhere in a content this short counts (a quote: "… It's a lie")
_WORD = re.compile(r"[a-z0-9]+")
# Quotation marks around the verdict ('were a "fabrication"') hide it from the denial phrases: read without them.
_QUOTE_MARKS = str.maketrans({q: None for q in "\"“”„«»‘"})
_NEGATION = re.compile(r"\b(?:not|no|never|nothing|none|nor)\b|n't\b", re.IGNORECASE)


@dataclass(frozen=True)
class Accusation:
    """What a sentence accuses, read once per check: whose side is accused, the accused person (if one), the anchors
    that say which act, and the first day of the time the sentence names."""

    side: str  # the agent's country, else its actor id
    person: Optional[str]  # the agent's actor id when a person
    anchors: tuple[str, ...]
    since: Optional[date]


def accusation(q: ClaimProfile, lex: DisputeLexicon) -> Optional[Accusation]:
    """The sentence's accusation when it asserts as a fact that its agent did an act one is accused of
    (``charged_families``) and names something to search by; else None."""
    frame = q.frame
    if (frame is None or frame.agent is None or frame.polarity != ASSERTS or frame.modality != "fact"
            or q.family not in lex.charged):
        return None
    agent = frame.agent
    side = agent.country or agent.actor_id
    if side is None or side.startswith("unknown:"):
        return None
    person = agent.actor_id if (agent.actor_id or "").startswith("person:") else None
    words = _anchors(q, person, lex)
    return Accusation(side, person, words, _named_start(q)) if words else None


def _anchors(q: ClaimProfile, person: Optional[str], lex: DisputeLexicon) -> tuple[str, ...]:
    """The names that say which act the sentence tells of: the accused person's surname, else the content's names
    that are not a country, a demonym, a capital, a month or a word of the agent (too common to point at one act)."""
    if person is not None:
        surname = person.split(":", 1)[1].rsplit("-", 1)[-1]
        return (surname,) if len(surname) >= 3 else ()
    countries = country_index()
    months = date_words().months
    agent = frozenset(_WORD.findall((q.frame.agent.text if q.frame and q.frame.agent else "").casefold()))
    return tuple(w for w in lex.name_words(q.content) if w not in months and w not in agent
                 and countries.country_of(w) is None and countries.capital_of(w) is None)


def search(store: Store, acc: Accusation, lex: DisputeLexicon) -> list[StoredClaim]:
    """The accused side's stored claims that name one of the anchors (full text)."""
    query = any_of(acc.anchors)
    found = store.query_claims(ClaimQuery(text=query, actor=acc.person or acc.side, limit=SEARCHED)) + (
        store.query_claims(ClaimQuery(text=query, actor=acc.side, limit=SEARCHED)) if acc.person else [])
    # Only a claim with some mark of calling a thing false can be an answer (``_calls_false``): the rest is left
    # before the costlier profile (a common anchor among one side's claims cost a check 0.2 s on 100K claims).
    return [c for c in found if _may_call_false(c, lex)]


def _may_call_false(claim: StoredClaim, lex: DisputeLexicon) -> bool:
    """A cheap superset of ``_calls_false``: a denying polarity or cue, a denial or dispute phrase (in the cue or the
    content, as the profile reads them), a negation."""
    if claim.polarity != ASSERTS or (claim.cue_class or "") in DENY_CUES or (
            claim.frame is not None and claim.frame.polarity != ASSERTS):
        return True
    text = ((claim.cue.text + " ") if claim.cue is not None else "") + _plain(claim.content.text)
    return bool(_NEGATION.search(text) or (lex.denial is not None and lex.denial.search(text))
                or (lex.dispute is not None and lex.dispute.search(text)))


def _calls_false(p: ClaimProfile, claim: StoredClaim, words: tuple[str, ...], lex: DisputeLexicon) -> Optional[str]:
    """The words by which the claim calls a story false, or None."""
    if p.cue_stance == DENIES or (p.own_stance == DENIES and p.stance_cue != NEGATED_EVENT):
        return p.stance_cue or p.own_stance  # a denial by its cue or its words; a merely negated verb is not one
    if p.dispute_cue:
        return p.dispute_cue
    text = claim.content.text
    if len(text) <= SHORT and lex.denial is not None and (m := lex.denial.search(_plain(text))):
        return m.group(0)
    frame = p.frame
    if frame is not None and frame.polarity != ASSERTS and frame.agent is not None:
        subject = set(_WORD.findall(frame.agent.text.casefold()))
        if subject & set(words):
            return f"{frame.agent.text} … not"
    return None


def _named_start(q: ClaimProfile) -> Optional[date]:
    """The first day of the time the sentence names ("in March 2022" -> 2022-03-01), or None."""
    frame = q.frame
    if frame is None or frame.time.basis != "named" or not frame.time.start:
        return None
    try:
        return date.fromisoformat((frame.time.start + "-01-01")[:10])
    except ValueError:
        return None


def rebuts(acc: Accusation, p: ClaimProfile, claim: StoredClaim, lex: DisputeLexicon) -> Optional[str]:
    """The reason the stored claim answers the sentence's accusation, or None (module docstring)."""
    if not p.reportable:
        return None
    # the accused person, or the accused's state (its government, military, officials): not any compatriot
    own = acc.person is not None and p.speaker_actor_id == acc.person
    if not own and p.state_side != acc.side:
        return None
    named = set(_WORD.findall(claim.content.text.casefold())) & set(acc.anchors)
    if not (named or own):
        return None
    if p.day is not None and acc.since is not None and p.day < acc.since:
        return None  # said before the act: no answer to it
    why = _calls_false(p, claim, acc.anchors, lex)
    if why is None:
        return None
    about = ", ".join(sorted(named)) or "the accused speaking"
    return f"denies vs asserts: the accused side ({acc.side}) calls it false ('{why}'), about {about}"


def _plain(text: str) -> str:
    """The text with a typographic apostrophe made plain and quotation marks dropped (an apostrophe stays)."""
    return text.replace("\u2019", "'").translate(_QUOTE_MARKS)
