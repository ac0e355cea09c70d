"""Cut an article's text into segments for highlighting: each piece knows which claim part covers it.

No HTML is built here. Templates print each segment's text with autoescaping, so an article containing
``<script>`` or ``" onmouseover=`` is shown as text, whatever the claims' offsets are.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..schema import ClaimOut

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


def highlight(text: str, claims: Sequence[ClaimOut], boilerplate: Sequence[tuple[int, int]] = ()) -> Highlighted:
    """Segments of ``text`` covering it end to end, plus the speaker legend (colour per resolved speaker)."""
    n = len(text)
    legend: dict[str, SpeakerKey] = {}
    colours: list[Optional[int]] = []
    for claim in claims:
        label = speaker_label(claim)
        if label not in legend:
            colour = None if label == UNATTRIBUTED else sum(k.colour is not None for k in legend.values()) % PALETTE_SIZE
            legend[label] = SpeakerKey(label, colour)
        legend[label].claims += 1
        colours.append(legend[label].colour)

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
