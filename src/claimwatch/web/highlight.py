"""Cut an article's text into segments for highlighting: each piece knows which claim part covers it.

No HTML is built here. Templates print each segment's text with autoescaping, so an article containing
``<script>`` or ``" onmouseover=`` is shown as text, whatever the claims' offsets are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..schema import ClaimOut
from ..store.base import search_key

PALETTE_SIZE = 8
UNATTRIBUTED = "Unattributed"
# When parts of several claims overlap, the most specific one colours the text: a cue inside another claim's
# content is still shown as a cue.
_ROLE_RANK = {"cue": 0, "speaker": 1, "content": 2}


@dataclass(frozen=True)
class Segment:
    text: str
    start: int
    end: int
    role: Optional[str] = None  # cue | speaker | content | None (plain text)
    claim: Optional[int] = None  # index of the claim that colours it
    claims: tuple[int, ...] = ()  # every claim covering it
    colour: Optional[int] = None  # palette index of the claim's speaker; None: unattributed
    boilerplate: bool = False


@dataclass
class SpeakerKey:
    label: str
    colour: Optional[int]
    claims: int = 0


@dataclass
class Highlighted:
    segments: list[Segment]
    legend: list[SpeakerKey]
    claim_colours: list[Optional[int]] = field(default_factory=list)


def speaker_label(claim: ClaimOut) -> str:
    if claim.resolved_speaker:
        return claim.resolved_speaker
    if claim.speaker is not None:
        return claim.speaker.text
    return UNATTRIBUTED


def claim_summary(claim: ClaimOut) -> str:
    """One line for a tooltip: speaker · cue (class) · kind [· denies] [· event]."""
    parts = [speaker_label(claim)]
    if claim.cue is not None:
        parts.append(claim.cue.text + (f" ({claim.cue_class})" if claim.cue_class else ""))
    parts.append(claim.kind.replace("_", " "))
    if claim.polarity == "denies":
        parts.append("denies")
    if claim.event is not None:
        parts.append(f"event {claim.event.category}")
    return " · ".join(" ".join(p.split()) for p in parts)


_TITLES = re.compile(r"^(?:the|mr|mrs|ms|dr|president|prime minister|minister) ")


def _name_key(label: str) -> str:
    """A speaker's written name as the legend compares it: before any comma ("Ursula von der Leyen, the president
    of …" -> "ursula von der leyen"), case, accents and punctuation ignored, a leading title dropped."""
    head = label.split(",")[0]
    key = " ".join(re.sub(r"[^\w\s]", " ", search_key(head) or "").split())
    while True:
        shorter = _TITLES.sub("", key)
        if shorter == key:
            return key
        key = shorter


def _trusted(actor_name: str, written: str) -> bool:
    """Whether the resolved actor names the speaker as written: the same last word ("The European Union" and the
    European Union) or a short written name ("the EU", "the bloc"). The actor layer also resolves roles ("Ursula
    von der Leyen, the president of the Commission" to the Commission), which would split a person in the legend."""
    words, actor_words = written.split(), actor_name.split()
    return len(words) <= 2 or (bool(actor_words) and words[-1] == actor_words[-1])


def speaker_groups(claims: Sequence[ClaimOut]) -> tuple[list[str], dict[str, str]]:
    """One legend group per person: each claim's group key, and each key's label.

    A claim joins its speaker's resolved actor's group when that actor is a person, or names the speaker as written
    (``_trusted``); otherwise it groups by the written name (``_name_key``). Then a group whose name ends another
    group's longer name joins it ("von der Leyen" joins "Ursula von der Leyen"), so the legend shows each person
    once. A merged group of names only is labelled with its member name of two to four words, the longest such.
    """
    keys: list[str] = []
    labels: dict[str, str] = {}
    names: dict[str, set[str]] = {}  # group -> its name keys
    order: dict[str, int] = {}
    for claim in claims:
        actor = claim.speaker_actor
        label = speaker_label(claim)
        written = _name_key(label)
        if label == UNATTRIBUTED:
            key = UNATTRIBUTED
            labels.setdefault(key, UNATTRIBUTED)
        elif actor is not None and not actor.id.startswith("unknown:") and (
                actor.type == "person" or _trusted(_name_key(actor.name), written)):
            key = "actor:" + actor.id
            labels.setdefault(key, actor.name)
            names.setdefault(key, set()).update({_name_key(actor.name), written})
        else:
            key = "name:" + (written or label)
            labels.setdefault(key, " ".join(label.split(",")[0].split()) or label)
            names.setdefault(key, set()).add(written)
        order.setdefault(key, len(order))
        keys.append(key)

    parent = {k: k for k in order}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def rank(k: str) -> tuple:
        return (k.startswith("actor:"), max((len(n) for n in names.get(k, ())), default=0), -order[k])

    # A name equal to, or the end of, another group's name: one person (an actor's group leads, else the longer
    # name's).
    for g, g_names in names.items():
        for h, h_names in names.items():
            if g == h:
                continue
            if any(len(n) >= 4 and (m == n or m.endswith(" " + n)) for n in g_names for m in h_names):
                a, b = find(g), find(h)
                if a != b:
                    lead, other = (a, b) if rank(a) >= rank(b) else (b, a)
                    parent[other] = lead
    groups = [find(k) for k in keys]
    members: dict[str, list[str]] = {}
    for key in order:
        members.setdefault(find(key), []).append(key)
    for group, keys_in in members.items():
        if group.startswith("name:") and len(keys_in) > 1:
            named = [labels[k] for k in keys_in if k.startswith("name:") and 2 <= len(k[5:].split()) <= 4]
            labels[group] = max(named, key=len) if named else labels[group]
    return groups, labels


def highlight(text: str, claims: Sequence[ClaimOut], boilerplate: Sequence[tuple[int, int]] = ()) -> Highlighted:
    """Segments of ``text`` covering it end to end, plus the speaker legend (colour per person, ``speaker_groups``)."""
    n = len(text)
    legend: dict[str, SpeakerKey] = {}
    colours: list[Optional[int]] = []
    groups, labels = speaker_groups(claims)
    for key in groups:
        if key not in legend:
            colour = None if key == UNATTRIBUTED else sum(k.colour is not None for k in legend.values()) % PALETTE_SIZE
            legend[key] = SpeakerKey(labels[key], colour)
        legend[key].claims += 1
        colours.append(legend[key].colour)

    # (start, end, role, claim index), clipped to the text: a bad offset never breaks the page.
    parts: list[tuple[int, int, str, int]] = []
    for i, claim in enumerate(claims):
        pieces = claim.content.spans or [claim.content]
        for p in pieces:
            parts.append((p.start, p.end, "content", i))
        if claim.cue is not None:
            parts.append((claim.cue.start, claim.cue.end, "cue", i))
        if claim.speaker is not None:
            parts.append((claim.speaker.start, claim.speaker.end, "speaker", i))
    parts = [(max(0, s), min(n, e), r, i) for s, e, r, i in parts if max(0, s) < min(n, e)]
    boiler = [(max(0, s), min(n, e)) for s, e in boilerplate if max(0, s) < min(n, e)]

    cuts = {0, n}
    for s, e, _, _ in parts:
        cuts.update((s, e))
    for s, e in boiler:
        cuts.update((s, e))
    bounds = sorted(cuts)

    segments: list[Segment] = []
    for a, b in zip(bounds, bounds[1:]):
        covering = [p for p in parts if p[0] <= a and p[1] >= b]
        in_boiler = any(s <= a and e >= b for s, e in boiler)
        if not covering:
            segments.append(Segment(text[a:b], a, b, boilerplate=in_boiler))
            continue
        best = min(covering, key=lambda p: (_ROLE_RANK[p[2]], p[1] - p[0]))
        segments.append(Segment(
            text[a:b], a, b, role=best[2], claim=best[3],
            claims=tuple(sorted({p[3] for p in covering})), colour=colours[best[3]], boilerplate=in_boiler,
        ))
    return Highlighted(segments, list(legend.values()), colours)
