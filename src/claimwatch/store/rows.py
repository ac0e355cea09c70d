"""Claims as table rows and back, shared by every backend (the ``claims`` table's columns: docs/STORE.md).

``claim_values`` gives nested parts as Python lists and dicts (PostgreSQL keeps them as JSONB);
``claim_to_row`` gives them as JSON text (SQLite). ``row_to_stored`` reads either.
"""
from __future__ import annotations

import json
from typing import Any, Optional

from ..schema import (ActorMentionOut, ActorOut, ClaimOut, ContentOut, DateOut, EventOut, FrameOut, PlaceOut,
                      QuantityOut, SpanOut)
from .base import StoredClaim

# The claims table's columns, in order (claim_to_row returns exactly these keys).
CLAIM_COLUMNS = (
    "id", "article_id", "seq",
    "speaker_text", "speaker_start", "speaker_end", "resolved_speaker", "speaker_role",
    "cue_text", "cue_start", "cue_end", "cue_class",
    "content_text", "content_start", "content_end", "content_spans",
    "kind", "polarity", "hedged", "hedges", "addressee", "relay",
    "speaker_actor_id", "speaker_actor", "actors", "places",
    "event_category", "event", "dates", "quantities", "frame",
)
# The columns holding nested parts (JSON text in SQLite, JSONB in PostgreSQL).
JSON_COLUMNS = ("content_spans", "hedges", "addressee", "relay", "speaker_actor", "actors", "places", "event", "dates",
                "quantities", "frame")


def _span_cols(prefix: str, span: Optional[SpanOut]) -> dict[str, Any]:
    if span is None:
        return {f"{prefix}_text": None, f"{prefix}_start": None, f"{prefix}_end": None}
    return {f"{prefix}_text": span.text, f"{prefix}_start": span.start, f"{prefix}_end": span.end}


def claim_values(article_id: str, seq: int, claim: ClaimOut) -> dict[str, Any]:
    """A ``claims`` row with nested parts as plain lists and dicts (None where absent)."""
    content = claim.content
    return {
        "id": claim.id,
        "article_id": article_id,
        "seq": seq,
        **_span_cols("speaker", claim.speaker),
        "resolved_speaker": claim.resolved_speaker,
        "speaker_role": claim.speaker_role,
        **_span_cols("cue", claim.cue),
        "cue_class": claim.cue_class,
        "content_text": content.text,
        "content_start": content.start,
        "content_end": content.end,
        "content_spans": [s.model_dump() for s in content.spans] if content.spans is not None else None,
        "kind": claim.kind,
        "polarity": claim.polarity,
        "hedged": int(claim.hedged),
        "hedges": list(claim.hedges),
        "addressee": claim.addressee.model_dump() if claim.addressee is not None else None,
        "relay": [r.model_dump() for r in claim.relay],
        "speaker_actor_id": claim.speaker_actor.id if claim.speaker_actor is not None else None,
        "speaker_actor": claim.speaker_actor.model_dump() if claim.speaker_actor is not None else None,
        "actors": [m.model_dump() for m in claim.actors],
        "places": [p.model_dump() for p in claim.places],
        "event_category": claim.event.category.upper() if claim.event is not None else None,  # queried upper-case
        "event": claim.event.model_dump() if claim.event is not None else None,
        "dates": [d.model_dump() for d in claim.dates],
        "quantities": [q.model_dump() for q in claim.quantities],
        "frame": claim.frame.model_dump() if claim.frame is not None else None,
    }


def claim_to_row(article_id: str, seq: int, claim: ClaimOut) -> dict[str, Any]:
    """Flatten a ClaimOut into a ``claims`` row (nested parts as JSON text)."""
    row = claim_values(article_id, seq, claim)
    for column in JSON_COLUMNS:
        if row[column] is not None:
            row[column] = json.dumps(row[column], ensure_ascii=False)
    return row


def _span(row: dict[str, Any], prefix: str) -> Optional[SpanOut]:
    if row[f"{prefix}_start"] is None:
        return None
    return SpanOut(text=row[f"{prefix}_text"], start=row[f"{prefix}_start"], end=row[f"{prefix}_end"])


def loads_json(value: Any, default: Any = None) -> Any:
    """A JSON column's value: JSON text (SQLite) is parsed, lists and dicts (PostgreSQL JSONB) pass through."""
    if value is None:
        return default
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def row_to_stored(row: dict[str, Any]) -> StoredClaim:
    """Rebuild a StoredClaim from a ``claims`` row joined with its article (``a_*`` columns)."""
    spans = loads_json(row["content_spans"])
    addressee = loads_json(row["addressee"])
    speaker_actor = loads_json(row.get("speaker_actor"))
    event = loads_json(row.get("event"))
    frame = loads_json(row.get("frame"))
    return StoredClaim(
        id=row["id"],
        speaker=_span(row, "speaker"),
        resolved_speaker=row["resolved_speaker"],
        speaker_role=row["speaker_role"],
        cue=_span(row, "cue"),
        cue_class=row["cue_class"],
        content=ContentOut(
            text=row["content_text"],
            start=row["content_start"],
            end=row["content_end"],
            spans=[SpanOut(**s) for s in spans] if spans is not None else None,
        ),
        kind=row["kind"],
        polarity=row["polarity"],
        hedged=bool(row["hedged"]),
        hedges=loads_json(row["hedges"], []),
        addressee=SpanOut(**addressee) if addressee is not None else None,
        relay=[SpanOut(**r) for r in loads_json(row["relay"], [])],
        speaker_actor=ActorOut(**speaker_actor) if speaker_actor is not None else None,
        actors=[ActorMentionOut(**m) for m in loads_json(row.get("actors"), [])],
        places=[PlaceOut(**p) for p in loads_json(row.get("places"), [])],
        event=EventOut.model_validate(event) if event is not None else None,
        dates=[DateOut(**d) for d in loads_json(row.get("dates"), [])],
        quantities=[QuantityOut(**q) for q in loads_json(row.get("quantities"), [])],
        frame=FrameOut.model_validate(frame) if frame is not None else None,
        article_id=row["article_id"],
        title=row["a_title"],
        date=row["a_date"],
        outlet=row["a_outlet"],
        url=row["a_url"],
    )


def keys_row(claim: ClaimOut) -> tuple:
    """The ``claim_keys`` row of a claim (search keys of its speaker and speaker actor; migration 0006)."""
    from .migrations import claim_keys_row

    actor = claim.speaker_actor
    return claim_keys_row(claim.id, claim.speaker.text if claim.speaker is not None else None, claim.resolved_speaker,
                          actor.id if actor is not None else None,
                          {"country": actor.country, "name": actor.name} if actor is not None else None)


def claim_actors(claims: list[ClaimOut]) -> list[dict[str, Any]]:
    """Every distinct actor record in these claims (speakers and mentions), sorted by id (a fixed lock order)."""
    found: dict[str, dict[str, Any]] = {}
    for claim in claims:
        refs = ([claim.speaker_actor] if claim.speaker_actor is not None else []) + [m.actor for m in claim.actors]
        for ref in refs:
            found[ref.id] = ref.model_dump(include={"id", "name", "type", "country", "sector"})
    return [found[k] for k in sorted(found)]
