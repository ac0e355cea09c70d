"""Watchlists (saved searches) and their alerts: the JSON API, the pages and each watchlist's Atom feed.

Reading is open like every other page; creating, changing and deleting a watchlist needs a writable server and the
write token in the ``X-Claimwatch-Token`` header, exactly as ``POST /api/articles`` (``require_write``). The pages'
forms send it from a script (static/watchlists.js). Alerts are raised by ``claimwatch watch`` (docs/WATCH.md).
"""
from __future__ import annotations

import secrets
from typing import Any, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, field_validator

from ...alerts.atom import alert_title, render_atom
from ...alerts.matching import claim_path
from ...store import Alert, Store, Watchlist
from ..dependencies import get_settings, get_store, require_write
from ..models import ErrorOut
from ..settings import WebSettings

router = APIRouter(tags=["watchlists"])
pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
NOT_FOUND = {404: {"model": ErrorOut}}
WRITE_ERRORS = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}}
ATOM_TYPE = "application/atom+xml; charset=utf-8"


class WatchlistIn(BaseModel):
    """A watchlist to create or the new state of one (every filter given must match; none: any claim)."""

    name: str = Field(..., min_length=1, max_length=200)
    actor: Optional[str] = Field(None, max_length=200, description="The speaker's actor: id, country code or name.")
    text: Optional[str] = Field(None, max_length=500, description="Full-text query over the claim content.")
    event: Optional[str] = Field(None, max_length=60, description="Event category (PLOVER).")
    outlet: Optional[str] = Field(None, max_length=200)
    disputes: bool = Field(False, description="Alert when a matching claim enters a dispute, not on every claim.")
    webhook: Optional[str] = Field(None, max_length=2000, description="An http(s) URL each alert is POSTed to.")
    email: Optional[str] = Field(None, max_length=320, description="An address each alert is mailed to.")

    @field_validator("name", "actor", "text", "event", "outlet", "webhook", "email", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return (value.strip() or None) if isinstance(value, str) else value

    @field_validator("webhook")
    @classmethod
    def _http_url(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("email")
    @classmethod
    def _address(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and ("@" not in value or any(c.isspace() for c in value)):
            raise ValueError("must be a mail address")
        return value


class WatchlistOut(Watchlist):
    feed: str = Field(..., description="The Atom feed of its alerts.")
    page: str


def _out(wl: Watchlist) -> WatchlistOut:
    return WatchlistOut(**wl.model_dump(), feed=f"/watchlists/{wl.id}/feed.atom", page=f"/watchlists/{wl.id}")


def _get(store: Store, watchlist_id: str) -> Watchlist:
    wl = store.get_watchlist(watchlist_id)
    if wl is None:
        raise HTTPException(404, f"no watchlist with id {watchlist_id!r}")
    return wl


# -- API ----------------------------------------------------------------------------------------------------------------


@router.get("/watchlists", response_model=list[WatchlistOut], summary="The saved watchlists")
def list_watchlists(store: Store = Depends(get_store)) -> list[WatchlistOut]:
    return [_out(w) for w in store.watchlists()]


@router.post("/watchlists", response_model=WatchlistOut, status_code=201, responses=WRITE_ERRORS,
             dependencies=[Depends(require_write)], summary="Create a watchlist (needs the write token)")
def create_watchlist(body: WatchlistIn, store: Store = Depends(get_store)) -> WatchlistOut:
    return _out(store.save_watchlist(Watchlist(id="w" + secrets.token_hex(4), **body.model_dump())))


@router.get("/watchlists/{watchlist_id}", response_model=WatchlistOut, responses=NOT_FOUND, summary="One watchlist")
def get_watchlist(watchlist_id: str, store: Store = Depends(get_store)) -> WatchlistOut:
    return _out(_get(store, watchlist_id))


@router.put("/watchlists/{watchlist_id}", response_model=WatchlistOut, responses={**NOT_FOUND, **WRITE_ERRORS},
            dependencies=[Depends(require_write)], summary="Replace a watchlist's name, filters and deliveries")
def update_watchlist(watchlist_id: str, body: WatchlistIn, store: Store = Depends(get_store)) -> WatchlistOut:
    wl = _get(store, watchlist_id)
    return _out(store.save_watchlist(wl.model_copy(update=body.model_dump())))


@router.delete("/watchlists/{watchlist_id}", status_code=204, responses={**NOT_FOUND, **WRITE_ERRORS},
               dependencies=[Depends(require_write)], summary="Delete a watchlist and its alerts")
def delete_watchlist(watchlist_id: str, store: Store = Depends(get_store)) -> Response:
    if not store.delete_watchlist(watchlist_id):
        raise HTTPException(404, f"no watchlist with id {watchlist_id!r}")
    return Response(status_code=204)


@router.get("/watchlists/{watchlist_id}/alerts", response_model=list[Alert], responses=NOT_FOUND,
            summary="A watchlist's alerts, newest first")
def list_alerts(watchlist_id: str, limit: int = Query(50, ge=1, le=500),
                store: Store = Depends(get_store)) -> list[Alert]:
    _get(store, watchlist_id)
    return store.alerts(watchlist_id, limit)


# -- pages and feed -------------------------------------------------------------------------------------------------------


def _render(request: Request, name: str, **context: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, context)


@pages.get("/watchlists")
def watchlists_page(request: Request, store: Store = Depends(get_store),
                    settings: WebSettings = Depends(get_settings)) -> HTMLResponse:
    lists = store.watchlists()
    latest = {w.id: store.alerts(w.id, 1) for w in lists}
    return _render(request, "watchlists.html", nav="watchlists", watchlists=lists, latest=latest,
                   writable=settings.allow_write)


@pages.get("/watchlists/{watchlist_id}")
def watchlist_page(request: Request, watchlist_id: str, store: Store = Depends(get_store),
                   settings: WebSettings = Depends(get_settings)) -> HTMLResponse:
    wl = _get(store, watchlist_id)
    alerts = store.alerts(wl.id, 100)
    items = [{"alert": a, "title": alert_title(a), "link": claim_path(a.article_id, a.claim_id),
              "claim": a.payload.get("claim", {}), "dispute": a.payload.get("dispute")} for a in alerts]
    return _render(request, "watchlist.html", nav="watchlists", wl=wl, items=items, writable=settings.allow_write)


@pages.get("/watchlists/{watchlist_id}/feed.atom")
def watchlist_feed(request: Request, watchlist_id: str, store: Store = Depends(get_store)) -> Response:
    wl = _get(store, watchlist_id)
    site = str(request.base_url).rstrip("/")
    body = render_atom(wl, store.alerts(wl.id, 100), feed_url=f"{site}/watchlists/{wl.id}/feed.atom",
                       page_url=f"{site}/watchlists/{wl.id}", site_url=site)
    return Response(body, media_type=ATOM_TYPE)
