"""/api/claims: search stored claims by speaker, actor, event, outlet, date range and text, page by page."""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query

from ...store import ClaimQuery, Store
from ..dependencies import get_store
from ..models import ClaimPage, ErrorOut

router = APIRouter(tags=["claims"])
MAX_PER_PAGE = 200
MAX_OFFSET = 1_000_000


@dataclass(frozen=True)
class ClaimFilters:
    """The claim filters shared by the API and the search page (query parameters)."""

    speaker: Optional[str] = Query(None, max_length=200, description="Speaker contains this (case-insensitive).")
    actor: Optional[str] = Query(None, max_length=200,
                                 description="Speaker's actor: id (RUS-GOV), country code (RUS) or name substring.")
    event: Optional[str] = Query(None, max_length=40, description="PLOVER event category (RETREAT, ACCUSE…).")
    outlet: Optional[str] = Query(None, max_length=200, description="Outlet, case-insensitive exact match.")
    since: Optional[str] = Query(None, max_length=40, description="Articles dated on or after (ISO date).")
    until: Optional[str] = Query(None, max_length=40, description="Articles dated on or before (ISO date).")
    q: Optional[str] = Query(None, max_length=500,
                             description='Full-text query over the content: words, "a phrase", OR, NOT, prefix*.')

    def query(self, limit: Optional[int], offset: int = 0) -> ClaimQuery:
        # Empty form fields mean "no filter".
        def clean(v: Optional[str]) -> Optional[str]:
            return v.strip() if v and v.strip() else None

        return ClaimQuery(speaker=clean(self.speaker), actor=clean(self.actor), event=clean(self.event),
                          outlet=clean(self.outlet), since=clean(self.since), until=clean(self.until),
                          text=clean(self.q), limit=limit, offset=offset)

    def is_empty(self) -> bool:
        return not any(v and v.strip() for v in (self.speaker, self.actor, self.event, self.outlet, self.since,
                                                  self.until, self.q))


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        offset = json.loads(raw)["o"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise HTTPException(400, "invalid cursor (pass the next_cursor of a previous page unchanged)") from None
    if not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise HTTPException(400, "invalid cursor (pass the next_cursor of a previous page unchanged)")
    return offset


def claim_page(store: Store, filters: ClaimFilters, page: int, per_page: int,
               cursor: Optional[str] = None) -> ClaimPage:
    """One page of matching claims (``cursor`` wins over ``page``); shared with the search page."""
    offset = decode_cursor(cursor) if cursor else (page - 1) * per_page
    if offset > MAX_OFFSET:
        raise HTTPException(400, f"page too deep (offset over {MAX_OFFSET}); narrow the filters")
    # One row more than the page says whether there is a next page without counting every match; the total is
    # counted for page requests only (a cursor page's client has it from the first page).
    items = store.query_claims(filters.query(limit=per_page + 1, offset=offset))
    has_next = len(items) > per_page
    items = items[:per_page]
    total = None if cursor else store.count_claims(filters.query(limit=None))
    return ClaimPage(
        items=items, total=total, page=offset // per_page + 1, per_page=per_page,
        next_page=offset // per_page + 2 if has_next else None,
        next_cursor=encode_cursor(offset + per_page) if has_next else None,
    )


@router.get("/claims", response_model=ClaimPage, responses={400: {"model": ErrorOut}},
            summary="Search claims (all filters must match; newest first, best text match first with q)")
def search_claims(
    filters: ClaimFilters = Depends(),
    page: int = Query(1, ge=1, le=100_000, description="Page number (ignored when cursor is given)."),
    per_page: int = Query(50, ge=1, le=MAX_PER_PAGE),
    cursor: Optional[str] = Query(None, max_length=200, description="next_cursor from the previous page."),
    store: Store = Depends(get_store),
) -> ClaimPage:
    return claim_page(store, filters, page, per_page, cursor)
