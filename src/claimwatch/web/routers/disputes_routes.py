"""/api/disputes: pairs of conflicting claims, as `claimwatch disputes` detected and saved them."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query

from ...store import DisputeQuery, Store, StoredDispute
from ..dependencies import get_store
from ..dispute_queries import NO_DISPUTES_NOTE, disputes_available, get_dispute, query_disputes
from ..models import DisputeList, ErrorOut

router = APIRouter(tags=["disputes"])


@router.get("/disputes", response_model=DisputeList,
            summary="List disputes (empty until claimwatch disputes has run on the store)")
def list_disputes(
    actor: Optional[str] = Query(None, max_length=200, description="Either side's speaker actor."),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
    store: Store = Depends(get_store),
) -> DisputeList:
    items = query_disputes(store, DisputeQuery(actor=actor, limit=limit, offset=offset))
    return DisputeList(items=items, note=None if disputes_available(store) else NO_DISPUTES_NOTE)


@router.get("/disputes/{dispute_id}", response_model=StoredDispute, responses={404: {"model": ErrorOut}},
            summary="One dispute: both sides")
def read_dispute(dispute_id: str, store: Store = Depends(get_store)) -> StoredDispute:
    found = get_dispute(store, dispute_id)
    if found is None:
        raise HTTPException(404, f"no dispute with id {dispute_id!r}")
    return found
