"""Server-rendered pages: home, articles, claims search, disputes, actors, check.

Handlers fetch through the same helpers as the API and hand plain data to the templates, which autoescape
everything they print.
"""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from ...disputes.check import MAX_CHARS as MAX_CHECK_CHARS
from ...store import ClaimQuery, DisputeQuery, Store
from ..checker import CheckService
from ..dependencies import get_checker, get_store
from ..dispute_queries import NO_DISPUTES_DETAIL, disputes_available, get_dispute, query_disputes
from ..highlight import highlight
from ..models import iso_date
from ..timeline_chart import build_chart
from .articles_routes import article_detail
from .claims_routes import ClaimFilters, claim_page
from .timeline_routes import actor_timeline

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
PER_PAGE = 25


def render(request: Request, name: str, **context: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, context)


def page_url(path: str, params: dict[str, Any], page: int) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    kept["page"] = page
    return f"{path}?{urlencode(kept)}"


@router.get("/")
def home(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    return render(
        request, "home.html", nav="home",
        counts=store.counts(),
        articles=store.list_articles(limit=8),
        disputes=query_disputes(store, DisputeQuery(limit=5)),
        no_disputes_note=NO_DISPUTES_DETAIL,
        actors=store.top_actors(8),
    )


@router.get("/articles")
def articles_page(request: Request, page: int = Query(1, ge=1, le=100_000),
                  store: Store = Depends(get_store)) -> HTMLResponse:
    total = store.counts()["articles"]
    items = store.list_articles(limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render(request, "articles.html", nav="articles", articles=items, page=page, total=total,
                  prev_url=page_url("/articles", {}, page - 1) if page > 1 else None,
                  next_url=page_url("/articles", {}, page + 1) if page * PER_PAGE < total else None)


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    detail = article_detail(store, article_id)
    marked = highlight(detail.text, detail.claims, [(r.start, r.end) for r in detail.boilerplate])
    return render(request, "article.html", nav="articles", article=detail, marked=marked)


@router.get("/claims")
def claims_page(request: Request, filters: ClaimFilters = Depends(), page: int = Query(1, ge=1, le=100_000),
                store: Store = Depends(get_store)) -> HTMLResponse:
    params = {k: getattr(filters, k) for k in ("q", "speaker", "actor", "event", "outlet", "since", "until")}
    result = claim_page(store, filters, page, PER_PAGE)
    return render(request, "claims.html", nav="claims", params=params, result=result,
                  searched=not filters.is_empty(),
                  prev_url=page_url("/claims", params, page - 1) if page > 1 else None,
                  next_url=page_url("/claims", params, result.next_page) if result.next_page else None)


@router.get("/disputes")
def disputes_page(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    return render(request, "disputes.html", nav="disputes",
                  disputes=query_disputes(store, DisputeQuery(limit=100)),
                  available=disputes_available(store), no_disputes_note=NO_DISPUTES_DETAIL)


@router.get("/disputes/{dispute_id}")
def dispute_page(request: Request, dispute_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    dispute = get_dispute(store, dispute_id)
    if dispute is None:
        raise HTTPException(404, "No dispute with this id. Dispute detection is not part of this version yet."
                            if not disputes_available(store) else "No dispute with this id.")
    return render(request, "dispute.html", nav="disputes", dispute=dispute)


@router.get("/actors")
def actors_page(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    return render(request, "actors.html", nav="actors", actors=store.top_actors(200))


@router.get("/actors/{actor_id}")
def actor_page(request: Request, actor_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    actor = store.get_actor(actor_id)
    if actor is None:
        raise HTTPException(404, "No actor with this id.")
    timeline = actor_timeline(store, actor.id, None)
    recent = store.query_claims(ClaimQuery(actor=actor.id, limit=20))
    return render(request, "actor.html", nav="actors", actor=actor, timeline=timeline,
                  chart=build_chart(timeline.days), claims=recent,
                  disputes=query_disputes(store, DisputeQuery(actor=actor.id, limit=10)),
                  no_disputes_note=NO_DISPUTES_DETAIL)


@router.get("/check")
def check_page(request: Request, text: Optional[str] = Query(None, max_length=MAX_CHECK_CHARS),
               date: Optional[str] = Query(None, max_length=40), store: Store = Depends(get_store),
               checker: CheckService = Depends(get_checker)) -> HTMLResponse:
    try:
        date = iso_date(date)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    result = checker.check(store, text, date=date) if text and text.strip() else None
    return render(request, "check.html", nav="check", text=text or "", date=date or "", result=result,
                  max_chars=MAX_CHECK_CHARS)
