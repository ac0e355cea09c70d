"""Server-rendered pages: home, articles, claims search, disputes, actors, check.

Handlers fetch through the same helpers as the API and hand plain data to the templates, which autoescape
everything they print.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from ...disputes.check import MAX_CHARS as MAX_CHECK_CHARS
from ...store import ClaimQuery, DisputeQuery, FacetCount, Store, is_url
from ..checker import CheckService
from ..dependencies import get_checker, get_store
from ..dispute_queries import NO_DISPUTES_DETAIL, dispute_facets, disputes_available, get_dispute, query_disputes
from ..highlight import highlight
from ..listing import export_url, page_url
from ..models import iso_date
from ..timeline_chart import build_chart, build_stacked_chart
from .actors_routes import ActorFilters, actor_list
from .articles_routes import ArticleFilters, article_detail, article_list
from .claims_routes import ClaimFilters, claim_facets, claim_page
from .disputes_routes import DisputeFilters, dispute_list
from .timeline_routes import actor_timeline

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
PER_PAGE = 25
ACTORS_PER_PAGE = 50
FACETS_SHOWN = 6
NARROW_CHART_PX = 320  # a 390 px phone's panel width, so the chart's 11 px axis text is drawn at about 11 px


def render(request: Request, name: str, **context: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, context)


def no_disputes_note(request: Request) -> str:
    """What fills the dispute lists, with this server's database file in the command (its name only: no directory,
    and never a database URL, which can hold a password)."""
    db = request.app.state.settings.db
    if not db or is_url(db):
        return NO_DISPUTES_DETAIL
    return f"Run claimwatch disputes --db {Path(db).name} to detect disputes among the stored claims"


def paging(path: str, params: dict[str, Any], page: int, per_page: int, total: int) -> dict[str, Any]:
    """The pager's context: page n of N, previous and next links keeping the filters."""
    pages = max(1, -(-total // per_page))
    return {"page": page, "pages": pages, "total": total,
            "prev_url": page_url(path, params, page - 1) if page > 1 else None,
            "next_url": page_url(path, params, page + 1) if page < pages else None}


def downloads(api_path: str, params: dict[str, Any]) -> dict[str, str]:
    return {"csv": export_url(api_path, params, "csv"), "json": export_url(api_path, params, "json")}


def facet_view(path: str, params: dict[str, Any], facets: dict[str, list[FacetCount]]) -> list[dict[str, Any]]:
    """Each facet's biggest values (linked to the list filtered by them) and one "others" row, so the rows shown
    sum to the list's total."""
    out = []
    for name, values in facets.items():
        shown, rest = values[:FACETS_SHOWN], values[FACETS_SHOWN:]
        rows = [{"label": v.label, "count": v.count,
                 "url": page_url(path, {**params, v.filter: v.value}, 1) if v.filter and v.value else None,
                 "active": bool(v.filter and params.get(v.filter) and str(params[v.filter]) == v.value)}
                for v in shown]
        if rest:
            rows.append({"label": f"{len(rest)} others", "count": sum(v.count for v in rest), "url": None,
                         "active": False})
        out.append({"name": name, "rows": rows})
    return out


@router.get("/")
def home(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    return render(
        request, "home.html", nav="home",
        counts=store.counts(),
        articles=store.list_articles(limit=8),
        disputes=query_disputes(store, DisputeQuery(limit=5)),
        no_disputes_note=no_disputes_note(request),
        actors=request.app.state.actor_ranking.page(store, 8)[0],
    )


@router.get("/articles")
def articles_page(request: Request, filters: ArticleFilters = Depends(), page: int = Query(1, ge=1, le=100_000),
                  store: Store = Depends(get_store)) -> HTMLResponse:
    result = article_list(store, filters, PER_PAGE, (page - 1) * PER_PAGE)
    params = filters.params()
    return render(request, "articles.html", nav="articles", articles=result.items, params=params,
                  filtered=any(v for v in params.values()), downloads=downloads("/api/articles/export", params),
                  **paging("/articles", params, page, PER_PAGE, result.total))


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    detail = article_detail(store, article_id)
    marked = highlight(detail.text, detail.claims, [(r.start, r.end) for r in detail.boilerplate])
    return render(request, "article.html", nav="articles", article=detail, marked=marked)


@router.get("/claims")
def claims_page(request: Request, filters: ClaimFilters = Depends(), page: int = Query(1, ge=1, le=100_000),
                store: Store = Depends(get_store)) -> HTMLResponse:
    params = filters.params()
    result = claim_page(store, filters, page, PER_PAGE)
    total = result.total or 0
    facets = claim_facets(store, filters)
    outlet_names = {f.value: f.label for f in facets.facets["outlet"] if f.value}
    rows = [(r.day, r.outlet, r.claims) for r in store.outlet_timeline(filters.query(limit=None))]
    return render(request, "claims.html", nav="claims", params=params, result=result,
                  searched=not filters.is_empty(), facets=facet_view("/claims", params, facets.facets),
                  # The same chart drawn twice: wide for a desktop, narrow (drawn at a phone's width) for a phone.
                  charts=[build_stacked_chart(rows, outlet_names),
                          build_stacked_chart(rows, outlet_names, width=NARROW_CHART_PX, height=220)],
                  downloads=downloads("/api/claims/export", params),
                  **paging("/claims", params, page, PER_PAGE, total))


@router.get("/disputes")
def disputes_page(request: Request, filters: DisputeFilters = Depends(), page: int = Query(1, ge=1, le=100_000),
                  store: Store = Depends(get_store)) -> HTMLResponse:
    params = filters.params()
    result, every = dispute_list(store, filters, PER_PAGE, (page - 1) * PER_PAGE)
    return render(request, "disputes.html", nav="disputes", disputes=result.items, params=params,
                  filtered=any(v for v in params.values()), detected=bool(query_disputes(store, DisputeQuery(limit=1))),
                  facets=facet_view("/disputes", params, dispute_facets(every)) if every else [],
                  available=disputes_available(store), no_disputes_note=no_disputes_note(request),
                  downloads=downloads("/api/disputes/export", params),
                  **paging("/disputes", params, page, PER_PAGE, result.total))


@router.get("/disputes/{dispute_id}")
def dispute_page(request: Request, dispute_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    dispute = get_dispute(store, dispute_id)
    if dispute is None:
        raise HTTPException(404, "No dispute with this id. Dispute detection is not part of this version yet."
                            if not disputes_available(store) else "No dispute with this id.")
    return render(request, "dispute.html", nav="disputes", dispute=dispute)


@router.get("/actors")
def actors_page(request: Request, filters: ActorFilters = Depends(), page: int = Query(1, ge=1, le=100_000),
                store: Store = Depends(get_store)) -> HTMLResponse:
    result = actor_list(store, filters, ACTORS_PER_PAGE, (page - 1) * ACTORS_PER_PAGE, request, link=False)
    params = filters.params()
    return render(request, "actors.html", nav="actors", actors=result.items, params=params,
                  counted=filters.within() is not None, downloads=downloads("/api/actors/export", params),
                  **paging("/actors", params, page, ACTORS_PER_PAGE, result.total))


@router.get("/actors/{actor_id}")
def actor_page(request: Request, actor_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    actor = store.get_actor(actor_id)
    if actor is None:
        raise HTTPException(404, "No actor with this id.")
    timeline = actor_timeline(store, actor.id, None)
    recent = store.query_claims(ClaimQuery(actor=actor.id, limit=20, statements=True))
    return render(request, "actor.html", nav="actors", actor=actor, timeline=timeline,
                  chart=build_chart(timeline.days), claims=recent,
                  narrow_chart=build_chart(timeline.days, width=NARROW_CHART_PX, height=220),
                  disputes=query_disputes(store, DisputeQuery(actor=actor.id, limit=10)),
                  no_disputes_note=no_disputes_note(request))


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
