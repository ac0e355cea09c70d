"""/api/timeline: claims and disputes per day for an actor and/or a text query."""
from __future__ import annotations

from collections import Counter
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query

from ...store import ClaimQuery, DisputeQuery, Store
from ..dependencies import get_store
from ..dispute_queries import query_disputes
from ..models import ErrorOut, TimelineDay, TimelineOut

router = APIRouter(tags=["timeline"])


def actor_timeline(store: Store, actor: Optional[str], q: Optional[str]) -> TimelineOut:
    """Shared with the actor page."""
    actor = actor.strip() if actor and actor.strip() else None
    q = q.strip() if q and q.strip() else None
    if actor is None and q is None:
        raise HTTPException(400, "give an actor, a query (q), or both")
    rows = store.claim_timeline(ClaimQuery(actor=actor, text=q, limit=None))
    disputes: Counter[str] = Counter()
    if actor is not None:
        for d in query_disputes(store, DisputeQuery(actor=actor, limit=None)):
            if d.last_seen:
                disputes[d.last_seen[:10]] += 1
    by_day = {r.day: r.claims for r in rows if r.day is not None}
    days = [TimelineDay(day=day, claims=by_day.get(day, 0), disputes=disputes.get(day, 0))
            for day in sorted(set(by_day) | set(disputes))]
    undated = sum(r.claims for r in rows if r.day is None)
    return TimelineOut(actor=actor, q=q, days=days, undated_claims=undated)


@router.get("/timeline", response_model=TimelineOut, responses={400: {"model": ErrorOut}},
            summary="Claims per article day for an actor and/or a full-text query")
def timeline(
    actor: Optional[str] = Query(None, max_length=200, description="Actor id, country code or name substring."),
    q: Optional[str] = Query(None, max_length=500, description="Full-text query over claim content."),
    store: Store = Depends(get_store),
) -> TimelineOut:
    return actor_timeline(store, actor, q)
