"""/api/actors: who speaks the most claims."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from ...store import ActorCount, ClaimQuery, Store
from ..dependencies import get_store
from ..listing import MAX_EXPORT, MAX_LIMIT, check_offset, decode_cursor, download, encode_cursor, link_header, next_url
from ..models import ActorList, ErrorOut

router = APIRouter(tags=["actors"])


def clean(value: Optional[str]) -> Optional[str]:
    return value.strip() if value and value.strip() else None


@dataclass(frozen=True)
class ActorFilters:
    """The actor list's filters (query parameters), shared with the actors page."""

    name: Optional[str] = Query(None, max_length=200, description="Actor id or name contains this "
                                                                  "(case-insensitive).")
    outlet: Optional[str] = Query(None, max_length=200, description="Count only claims from this outlet "
                                  "(normalised key: BBC = BBC News).")
    event: Optional[str] = Query(None, max_length=40, description="Count only claims with this event category.")
    since: Optional[str] = Query(None, max_length=40, description="Count only claims in articles dated on or "
                                                                  "after (ISO date).")
    until: Optional[str] = Query(None, max_length=40, description="Count only claims in articles dated on or "
                                                                  "before (ISO date).")

    def params(self) -> dict[str, Optional[str]]:
        return {"name": self.name, "outlet": self.outlet, "event": self.event, "since": self.since,
                "until": self.until}

    def within(self) -> Optional[ClaimQuery]:
        """The claims counted, or None for all of them."""
        values = {k: clean(getattr(self, k)) for k in ("outlet", "event", "since", "until")}
        return ClaimQuery(**values, limit=None) if any(values.values()) else None


def actor_page(store: Store, filters: ActorFilters, limit: int, offset: int,
               request: Request) -> tuple[list[ActorCount], int]:
    within = filters.within()
    if within is None:  # the whole ranking: the app keeps it per store version
        return request.app.state.actor_ranking.page(store, limit, offset, clean(filters.name))
    return (store.top_actors(limit, offset, name=clean(filters.name), within=within),
            store.count_actors(name=clean(filters.name), within=within))


def actor_list(store: Store, filters: ActorFilters, limit: int, offset: int, request: Request,
               link: bool = True) -> ActorList:
    """One page of actors, most claims first (shared with the page)."""
    check_offset(offset)
    items, total = actor_page(store, filters, limit, offset, request)
    nxt = encode_cursor(offset + limit) if offset + limit < total else None
    return ActorList(items=items, total=total, limit=limit, next_cursor=nxt,
                     next_url=next_url(request, nxt) if link else None)


@router.get("/actors", response_model=ActorList, responses={400: {"model": ErrorOut}},
            summary="Actors by the number of claims they speak (optionally only claims from an outlet, an event, "
                    "a date range)")
def list_actors(
    request: Request,
    response: Response,
    filters: ActorFilters = Depends(),
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Actors per page."),
    cursor: Optional[str] = Query(None, max_length=200, description="next_cursor from the previous page."),
    store: Store = Depends(get_store),
) -> ActorList:
    result = actor_list(store, filters, limit, decode_cursor(cursor), request)
    link_header(response, result.next_url)
    return result


ACTOR_COLUMNS = ("id", "name", "type", "country", "sector", "claims", "mentions")


@router.get("/actors/export", responses={400: {"model": ErrorOut}, 200: {"content": {"text/csv": {}}}},
            summary="Download every matching actor with its counts as CSV or JSON")
def export_actors(request: Request, filters: ActorFilters = Depends(),
                  format: Literal["csv", "json"] = Query("csv"), store: Store = Depends(get_store)) -> Response:
    found, _ = actor_page(store, filters, MAX_EXPORT + 1, 0, request)
    return download([a.model_dump() for a in found[:MAX_EXPORT]], ACTOR_COLUMNS, format, "actors",
                    len(found) > MAX_EXPORT)


@router.get("/actors/{actor_id}", response_model=ActorCount, responses={404: {"model": ErrorOut}},
            summary="One actor (id as in docs/ACTORS.md: RUS-GOV, person:dmitry-peskov…)")
def get_actor(actor_id: str, store: Store = Depends(get_store)) -> ActorCount:
    found = store.get_actor(actor_id)
    if found is None:
        raise HTTPException(404, f"no actor with id {actor_id!r}")
    return found
