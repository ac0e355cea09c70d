"""/api/claims: search stored claims by speaker, actor, event, outlet, date range and text, page by page."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Optional

from fastapi import APIRouter, Depends, Query, Request, Response

from ...store import FACETS, ClaimQuery, Store, StoredClaim
from ..dependencies import get_store
from ..listing import (MAX_EXPORT, MAX_LIMIT, check_offset, decode_cursor, download, encode_cursor, link_header,
                       next_url)
from ..models import ClaimPage, ErrorOut, FacetsOut

router = APIRouter(tags=["claims"])
MAX_PER_PAGE = MAX_LIMIT


@dataclass(frozen=True)
class ClaimFilters:
    """The claim filters shared by the API and the search page (query parameters)."""

    speaker: Optional[str] = Query(None, max_length=200, description="Speaker, resolved speaker or the speaker's "
                                   "actor name contains this (case- and accent-insensitive; Zelensky, Zelenskiy and "
                                   "Zelenskyy find the same claims).")
    actor: Optional[str] = Query(None, max_length=200,
                                 description="Speaker's actor: id (RUS-GOV), country code (RUS) or name substring.")
    event: Optional[str] = Query(None, max_length=40, description="PLOVER event category (RETREAT, ACCUSE…).")
    outlet: Optional[str] = Query(None, max_length=200, description="Outlet, matched on its normalised key "
                                  "(case, punctuation, a leading 'The' and a trailing 'News' ignored: BBC = BBC News).")
    polarity: Optional[str] = Query(None, max_length=20, description="asserts, denies or doubts.")
    since: Optional[str] = Query(None, max_length=40, description="Articles dated on or after (ISO date).")
    until: Optional[str] = Query(None, max_length=40, description="Articles dated on or before (ISO date).")
    q: Optional[str] = Query(None, max_length=500,
                             description='Full-text query over the content: words, "a phrase", OR, NOT, prefix*.')
    all: Optional[str] = Query(None, max_length=5, description="1: also claims that report no statement (a cue the "
                               "lexicon does not know, or neither cue nor speaker); by default only those that do.")

    def query(self, limit: Optional[int], offset: int = 0) -> ClaimQuery:
        # Empty form fields mean "no filter".
        def clean(v: Optional[str]) -> Optional[str]:
            return v.strip() if v and v.strip() else None

        return ClaimQuery(speaker=clean(self.speaker), actor=clean(self.actor), event=clean(self.event),
                          outlet=clean(self.outlet), since=clean(self.since), until=clean(self.until),
                          text=clean(self.q), polarity=clean(self.polarity), limit=limit, offset=offset,
                          statements=clean(self.all) in (None, "0", "false"))

    def params(self) -> dict[str, Optional[str]]:
        """The filters as query parameters (for links that keep them)."""
        return {k: getattr(self, k) for k in FILTER_NAMES}

    def is_empty(self) -> bool:
        return not any(v and v.strip() for v in self.params().values())


FILTER_NAMES = ("q", "speaker", "actor", "event", "outlet", "polarity", "since", "until", "all")


def claim_page(store: Store, filters: ClaimFilters, page: int, per_page: int,
               cursor: Optional[str] = None, request: Optional[Request] = None) -> ClaimPage:
    """One page of matching claims (``cursor`` wins over ``page``); shared with the search page."""
    offset = check_offset(decode_cursor(cursor) if cursor else (page - 1) * per_page)
    # One row more than the page says whether there is a next page without counting every match; the total is
    # counted on first pages only (a cursor page's client has it from the first page).
    items = store.query_claims(filters.query(limit=per_page + 1, offset=offset))
    has_next = len(items) > per_page
    items = items[:per_page]
    total = None if cursor else store.count_claims(filters.query(limit=None))
    nxt = encode_cursor(offset + per_page) if has_next else None
    return ClaimPage(
        items=items, total=total, limit=per_page, page=offset // per_page + 1, per_page=per_page,
        next_page=offset // per_page + 2 if has_next else None, next_cursor=nxt,
        next_url=next_url(request, nxt) if request is not None else None,
    )


def claim_facets(store: Store, filters: ClaimFilters) -> FacetsOut:
    query = filters.query(limit=None)
    return FacetsOut(total=store.count_claims(query),
                     facets={f: store.claim_facets(query, f) for f in FACETS})


CLAIM_COLUMNS = ("id", "article_id", "date", "outlet", "title", "speaker", "resolved_speaker", "actor_id", "actor",
                 "cue", "content", "kind", "polarity", "event", "url")


def claim_rows(claims: list[StoredClaim]) -> list[dict[str, Any]]:
    """Claims flattened for a download (one row each, the columns of ``CLAIM_COLUMNS``)."""
    return [{
        "id": c.id, "article_id": c.article_id, "date": c.date, "outlet": c.outlet, "title": c.title,
        "speaker": c.speaker.text if c.speaker else None, "resolved_speaker": c.resolved_speaker,
        "actor_id": c.speaker_actor.id if c.speaker_actor else None,
        "actor": c.speaker_actor.name if c.speaker_actor else None, "cue": c.cue.text if c.cue else None,
        "content": c.content.text, "kind": c.kind, "polarity": c.polarity,
        "event": c.event.category if c.event else None, "url": c.url,
    } for c in claims]


@router.get("/claims", response_model=ClaimPage, responses={400: {"model": ErrorOut}},
            summary="Search claims (all filters must match; newest first, best text match first with q)")
def search_claims(
    request: Request,
    response: Response,
    filters: ClaimFilters = Depends(),
    limit: Optional[int] = Query(None, ge=1, le=MAX_LIMIT, description="Claims per page (default 50)."),
    cursor: Optional[str] = Query(None, max_length=200, description="next_cursor from the previous page."),
    per_page: Optional[int] = Query(None, ge=1, le=MAX_LIMIT, description="Older name of limit."),
    page: int = Query(1, ge=1, le=100_000, description="Older page number (ignored when cursor is given)."),
    store: Store = Depends(get_store),
) -> ClaimPage:
    result = claim_page(store, filters, page, limit or per_page or 50, cursor, request)
    link_header(response, result.next_url)
    return result


@router.get("/claims/facets", response_model=FacetsOut, responses={400: {"model": ErrorOut}},
            summary="Matching claims counted by outlet, speaker, event category and polarity")
def claims_facets(filters: ClaimFilters = Depends(), store: Store = Depends(get_store)) -> FacetsOut:
    return claim_facets(store, filters)


@router.get("/claims/export", responses={400: {"model": ErrorOut}, 200: {"content": {"text/csv": {}}}},
            summary="Download every matching claim (the same filters) as CSV or JSON")
def export_claims(filters: ClaimFilters = Depends(),
                  format: Literal["csv", "json"] = Query("csv", description="csv or json."),
                  store: Store = Depends(get_store)) -> Response:
    found = store.query_claims(filters.query(limit=MAX_EXPORT + 1))
    return download(claim_rows(found[:MAX_EXPORT]), CLAIM_COLUMNS, format, "claims", len(found) > MAX_EXPORT)
