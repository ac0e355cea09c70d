"""Denials that answer the accusation told just before them: "Maria Zakharova accused Kiev of holding Europe hostage.
… Kiev has denied the allegations."

A denial whose content only points at a claim ("the allegations", "these claims") states nothing a similarity search
can match, and the relation gates close on it (no proposition of its own). Newsrooms write disputes this way all the
time, so detection pairs such a denial with the claim it answers, found by position, not by wording: the nearest
earlier claim of the same article (at most ``MAX_BACK`` claims back) that asserts something, from another side, and
names the denier (its country, its actor, or its name). The pair's score is the rules file's
``thresholds.answered`` (docs/DISPUTES.md, "Answered accusations", says how it was set and measured).
"""
from __future__ import annotations

from typing import Optional, Sequence

from .candidates import ASSERTS, DENIES, ClaimProfile
from .lexicon import DisputeLexicon, stem
from .relation import Relation, rejects_another, same_side, word_list

MAX_BACK = 4  # claims back from the denial, in the article's extraction order
# A pronoun points at what was just said, not at a claim paragraphs back: the claim a bare "which" answers ends at
# most this many characters before it ("Ukrainian officials have accused Russian forces of shelling the plant,
# which …"), and one "it"/"this"/"them" answers at most about a sentence before. Run 16 paired "which Russia has
# rejected" (a demilitarised zone's proposal) and "The government denies this" (an unattributed complaint) with
# claims 120-420 characters back that they did not answer (read after judging: tuning data).
PRONOUN_GAP = {"which": 40, "it": 120, "this": 120, "them": 120}
# What the answered claim must do: state something (not ask, wish or deny it).
ANSWERABLE_CUES = frozenset({"accuse", "assert", "report", "announce", "warn", "believe", "predict", None})


def _bare(p: ClaimProfile) -> str:
    return p.content.strip(" \"'“”‘’.,;:!")


def points_at_claim(p: ClaimProfile, lex: DisputeLexicon) -> bool:
    """A denial whose whole content is a claim pointed at ("has denied the allegations", "rejected these claims",
    "dismissed Moscow's allegations as 'dangerous lies'") or a charge named ("dismissed accusations of Ukrainian
    involvement": ``names_charge``)."""
    if lex.pointing is None or DENIES not in (p.own_stance, p.cue_stance):
        return False
    return lex.pointing.fullmatch(_bare(p)) is not None or names_charge(p, lex)


def names_charge(p: ClaimProfile, lex: DisputeLexicon) -> bool:
    """A denial's content that names a charge and states nothing of its own: only an accusation answers it."""
    if lex.charges is None or DENIES not in (p.own_stance, p.cue_stance):
        return False
    bare = _bare(p)
    return lex.charges.fullmatch(bare) is not None and (lex.pointing is None or lex.pointing.fullmatch(bare) is None)


def names_denier(claim: ClaimProfile, denial: ClaimProfile) -> bool:
    """The claim names the denier: a state or one of its voices by its country or actor code ("accused Kiev of …"
    for Kiev or Zelensky), anyone else by a word of their name ("Reed grabbed the wheel" for Paula Reed; a private
    person's country named in the claim is not them: "the U.S. Embassy" is not Paul Whelan)."""
    # (the claim's words, not only its names: a name opening the content, "Reed grabbed the wheel", is no ``names``)
    if denial.speaker_actor_id and denial.speaker_actor_id.startswith("person:") and denial.state_side is None:
        return bool(denial.speaker_names & claim.terms)
    codes = {c for c in (denial.state_side or denial.side, denial.speaker_actor_id) if c}
    # (an actor the data does not know may also be the accused opening the content: "accused Vardania of …")
    words = set(claim.names)
    if (denial.speaker_actor_id or "").startswith("unknown:"):
        first = word_list(claim.content)[:1]
        words |= {w for w in claim.terms if first and w == stem(first[0].casefold())}
    return bool(codes & claim.about) or bool(denial.speaker_names & words)


def states_something(c: ClaimProfile) -> bool:
    """A claim a denial can answer: reported as said, asserting, and telling how things are, will be, or what
    someone else plans ("Ukraine is planning to detonate a dirty bomb"), not a demand, a question, an opinion, a
    condition or the speaker's own intention ("Blinken said he intended to take up a swap")."""
    if not (c.reportable and c.own_stance == ASSERTS and c.cue_class in ANSWERABLE_CUES):
        return False
    frame = c.frame
    # (a conditional is no statement of how things are: "the bridge will seem like flowers if they touch our land"
    # is a threat, and a denial after it answers the act threatened over, not the threat: run 16, partly)
    if frame is None or frame.modality in (None, "fact", "prediction"):
        return True
    own = frame.agent is not None and frame.agent.actor_id is not None and frame.agent.actor_id == c.speaker_actor_id
    return frame.modality == "intention" and not own


def _near_enough(claim: ClaimProfile, denial: ClaimProfile) -> bool:
    """A pronoun denial ("which", "this") answers only a claim ending just before it; other pointers may reach back."""
    words = _bare(denial).casefold().split()
    gap = PRONOUN_GAP.get(words[0]) if words and (len(words) == 1 or words[1] == "as") else None
    if gap is None or claim.end < 0 or denial.start < 0:
        return True
    return 0 <= denial.start - claim.end <= gap


def answered(profiles: Sequence[ClaimProfile], denial: int, lex: DisputeLexicon) -> Optional[int]:
    """The index of the claim the denial at ``denial`` answers, or None: an accusation among the ``MAX_BACK`` claims
    before it, else the nearest claim that states something. ``profiles`` hold each article's claims in extraction
    order (``seq``), as detection loads them."""
    d = profiles[denial]
    found = []
    k = denial - 1
    while k >= 0 and denial - k <= MAX_BACK and profiles[k].article_id == d.article_id:
        c = profiles[k]
        # (a denial that names whose claims it rejects, "rejected Minsk's claims", answers only that holder)
        if states_something(c) and not same_side(c, d) and names_denier(c, d) and _near_enough(c, d) \
                and not rejects_another(d, c):
            found.append(k)
        k -= 1
    accusations = [k for k in found if profiles[k].cue_class == "accuse"]
    if names_charge(d, lex):
        return (accusations or [None])[0]
    return (accusations or found or [None])[0]


def _relation(claim: ClaimProfile, denial: ClaimProfile, score: float) -> Relation:
    frame = claim.frame
    kind = "position" if frame is not None and frame.modality not in (None, "fact") else "fact"
    who = f"{claim.side or claim.speaker_actor_id or '?'} vs {denial.side or denial.speaker_actor_id or '?'}"
    return Relation("contradicts", float(score), 0.0, kind, f"denies the accusation just before it: {who}",
                    features={"opposed": 1.0, "answered": 1.0, "same_article": 1.0})


def answer_between(profiles: Sequence[ClaimProfile], i: int, j: int, lex: DisputeLexicon) -> Optional[Relation]:
    """The relation of claims ``i`` and ``j`` of one article's ``profiles`` (in extraction order) when one is a
    pointing denial that answers the other, else None (``eval disputes-real`` scores gold pairs with it)."""
    score = lex.thresholds.get("answered")
    if score is None:
        return None
    for claim, denial in ((i, j), (j, i)):
        if points_at_claim(profiles[denial], lex) and answered(profiles, denial, lex) == claim:
            return _relation(profiles[claim], profiles[denial], score)
    return None


def answered_pairs(profiles: Sequence[ClaimProfile], todo: Sequence[int], lex: DisputeLexicon
                   ) -> list[tuple[int, int, Relation]]:
    """``(claim, denial, relation)`` for every pointing denial that answers a claim, where either is in ``todo``."""
    score = lex.thresholds.get("answered")
    if score is None or lex.pointing is None:
        return []
    todo_set = set(todo)
    out = []
    for j, d in enumerate(profiles):
        if not points_at_claim(d, lex):
            continue
        i = answered(profiles, j, lex)
        if i is None or not ({i, j} & todo_set):
            continue
        out.append((i, j, _relation(profiles[i], d, score)))
    return out
