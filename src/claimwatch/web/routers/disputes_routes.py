"""/api/disputes: pairs of conflicting claims, as `claimwatch disputes` detected and saved them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from ...store import DisputeQuery, Store, StoredDispute
from ..dependencies import get_store
from ..dispute_queries import (DISPUTE_COLUMNS, NO_DISPUTES_NOTE, dispute_facets, dispute_rows, disputes_available,
                               get_dispute, list_disputes)
from ..listing import MAX_EXPORT, MAX_LIMIT, check_offset, decode_cursor, download, encode_cursor, link_header, next_url
from ..models import DisputeList, ErrorOut, FacetsOut

router = APIRouter(tags=["disputes"])


@dataclass(frozen=True)
class DisputeFilters:
    """The dispute list's filters (query parameters), shared with the disputes page."""

    actor: Optional[str] = Query(None, max_length=200, description="Either side's speaker actor (id, country code "
                                                                   "or name, as for claims).")
    outlet: Optional[str] = Query(None, max_length=200, description="Either side's outlet (normalised key: BBC = "
                                                                    "BBC News).")
    event: Optional[str] = Query(None, max_length=40, description="Either side's event category (PLOVER).")
    since: Optional[str] = Query(None, max_length=40, description="Seen on or after (ISO date).")
    until: Optional[str] = Query(None, max_length=40, description="Seen on or before (ISO date).")
    min_score: Optional[float] = Query(None, ge=0, le=1, description="At least this score (0 to 1).")
    group: Optional[str] = Query(None, max_length=40, description="Every pair of one dispute group (a listed "
                                                                  "dispute's group_id), not the best pair of each.")

    def params(self) -> dict[str, Optional[str]]:
        return {"actor": self.actor, "outlet": self.outlet, "event": self.event, "since": self.since,
                "until": self.until, "min_score": None if self.min_score is None else str(self.min_score),
                "group": self.group}

    def matching(self, store: Store) -> list[StoredDispute]:
        def clean(v: Optional[str]) -> Optional[str]:
            return v.strip() if v and v.strip() else None

        query = DisputeQuery(actor=clean(self.actor), outlet=clean(self.outlet), since=clean(self.since),
                             until=clean(self.until), min_score=self.min_score, group_id=clean(self.group),
                             limit=None)
        return list_disputes(store, query, clean(self.event))


def dispute_list(store: Store, filters: DisputeFilters, limit: int, offset: int,
                 request: Optional[Request] = None) -> tuple[DisputeList, list[StoredDispute]]:
    """One page of the filtered disputes, and every matching dispute (for facets); shared with the page."""
    check_offset(offset)
    every = filters.matching(store)
    nxt = encode_cursor(offset + limit) if offset + limit < len(every) else None
    page = DisputeList(items=every[offset:offset + limit], total=len(every), limit=limit, next_cursor=nxt,
                       next_url=next_url(request, nxt) if request is not None else None,
                       note=None if disputes_available(store) else NO_DISPUTES_NOTE)
    return page, every


@router.get("/disputes", response_model=DisputeList, responses={400: {"model": ErrorOut}},
            summary="List disputes (empty until claimwatch disputes has run on the store)")
def read_disputes(
    request: Request,
    response: Response,
    filters: DisputeFilters = Depends(),
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Disputes per page."),
    cursor: Optional[str] = Query(None, max_length=200, description="next_cursor from the previous page."),
    offset: int = Query(0, ge=0, le=1_000_000, description="Older paging (ignored when cursor is given)."),
    store: Store = Depends(get_store),
) -> DisputeList:
    result, _ = dispute_list(store, filters, limit, decode_cursor(cursor) if cursor else offset, request)
    link_header(response, result.next_url)
    return result


@router.get("/disputes/facets", response_model=FacetsOut, responses={400: {"model": ErrorOut}},
            summary="Matching disputes counted by outlets, speakers, event categories and polarities of their sides")
def disputes_facets(filters: DisputeFilters = Depends(), store: Store = Depends(get_store)) -> FacetsOut:
    every = filters.matching(store)
    return FacetsOut(total=len(every), facets=dispute_facets(every))


@router.get("/disputes/export", responses={400: {"model": ErrorOut}, 200: {"content": {"text/csv": {}}}},
            summary="Download every matching dispute (the same filters) as CSV or JSON")
def export_disputes(filters: DisputeFilters = Depends(), format: Literal["csv", "json"] = Query("csv"),
                    store: Store = Depends(get_store)) -> Response:
    every = filters.matching(store)
    return download(dispute_rows(every[:MAX_EXPORT]), DISPUTE_COLUMNS, format, "disputes", len(every) > MAX_EXPORT)


@router.get("/disputes/{dispute_id}", response_model=StoredDispute, responses={404: {"model": ErrorOut}},
            summary="One dispute: both sides")
def read_dispute(dispute_id: str, store: Store = Depends(get_store)) -> StoredDispute:
    found = get_dispute(store, dispute_id)
    if found is None:
        raise HTTPException(404, f"no dispute with id {dispute_id!r}")
    return found
