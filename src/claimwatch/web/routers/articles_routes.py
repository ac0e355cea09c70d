"""/api/articles: list, read (text + claims) and, on a writable server, store articles."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from spacy.language import Language

from ...ingest.boilerplate import boilerplate_ranges
from ...ingest_flow import SpacyPipeline, ingest_articles
from ...schema import Article
from ...store import ArticleSummary, Store
from ..dependencies import get_nlp, get_settings, get_store, require_write
from ..listing import MAX_EXPORT, MAX_LIMIT, check_offset, decode_cursor, download, encode_cursor, link_header, next_url
from ..models import ArticleDetail, ArticleIn, ArticleList, ErrorOut, StoredOut, TextRange
from ..settings import WebSettings

router = APIRouter(tags=["articles"])
NOT_FOUND = {404: {"model": ErrorOut}}


def check_text_length(text: str, settings: WebSettings) -> None:
    if len(text) > settings.max_text_chars:
        raise HTTPException(413, f"text is longer than {settings.max_text_chars} characters")


def article_detail(store: Store, article_id: str) -> ArticleDetail:
    """The stored article with text, claims and boilerplate ranges; 404 when unknown (shared with the page)."""
    article = store.get_article(article_id)
    text = store.article_text(article_id) if article is not None else None
    if article is None or text is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    return ArticleDetail(**article.model_dump(), text=text,
                         boilerplate=[TextRange(start=s, end=e) for s, e in boilerplate_ranges(text)])


@dataclass(frozen=True)
class ArticleFilters:
    """The article list's filters (query parameters), shared with the articles page."""

    since: Optional[str] = Query(None, max_length=40, description="Dated on or after (ISO date).")
    until: Optional[str] = Query(None, max_length=40, description="Dated on or before (ISO date).")
    outlet: Optional[str] = Query(None, max_length=200, description="Outlet, matched on its normalised key "
                                  "(BBC = BBC News, case and punctuation ignored).")

    def kwargs(self) -> dict[str, Optional[str]]:
        return {k: (v.strip() if v and v.strip() else None) for k, v in self.params().items()}

    def params(self) -> dict[str, Optional[str]]:
        return {"since": self.since, "until": self.until, "outlet": self.outlet}


def article_list(store: Store, filters: ArticleFilters, limit: int, offset: int,
                 request: Optional[Request] = None) -> ArticleList:
    """One page of the filtered articles (shared with the page)."""
    check_offset(offset)
    items = store.list_articles(limit=limit, offset=offset, **filters.kwargs())
    total = store.count_articles(**filters.kwargs())
    nxt = encode_cursor(offset + limit) if offset + limit < total else None
    return ArticleList(items=items, total=total, limit=limit, next_cursor=nxt,
                       next_url=next_url(request, nxt) if request is not None else None,
                       page=offset // limit + 1, per_page=limit)


@router.get("/articles", response_model=ArticleList, responses={400: {"model": ErrorOut}},
            summary="List stored articles, newest first")
def list_articles(
    request: Request,
    response: Response,
    filters: ArticleFilters = Depends(),
    limit: Optional[int] = Query(None, ge=1, le=MAX_LIMIT, description="Articles per page (default 20)."),
    cursor: Optional[str] = Query(None, max_length=200, description="next_cursor from the previous page."),
    per_page: Optional[int] = Query(None, ge=1, le=MAX_LIMIT, description="Older name of limit."),
    page: int = Query(1, ge=1, le=100_000, description="Older page number (ignored when cursor is given)."),
    store: Store = Depends(get_store),
) -> ArticleList:
    size = limit or per_page or 20
    result = article_list(store, filters, size, decode_cursor(cursor) if cursor else (page - 1) * size, request)
    link_header(response, result.next_url)
    return result


ARTICLE_COLUMNS = ("id", "date", "outlet", "title", "url", "claims", "ingested_at")


@router.get("/articles/export", responses={400: {"model": ErrorOut}, 200: {"content": {"text/csv": {}}}},
            summary="Download every matching article's metadata (the same filters) as CSV or JSON")
def export_articles(filters: ArticleFilters = Depends(),
                    format: Literal["csv", "json"] = Query("csv", description="csv or json."),
                    store: Store = Depends(get_store)) -> Response:
    found = store.list_articles(limit=MAX_EXPORT + 1, **filters.kwargs())
    rows = [a.model_dump() for a in found[:MAX_EXPORT]]
    return download(rows, ARTICLE_COLUMNS, format, "articles", len(found) > MAX_EXPORT)


@router.get("/articles/{article_id}", response_model=ArticleDetail, responses=NOT_FOUND,
            summary="One article: its original text and every claim (offsets index the text)")
def get_article(article_id: str, store: Store = Depends(get_store)) -> ArticleDetail:
    return article_detail(store, article_id)


@router.post("/articles", response_model=StoredOut, status_code=201, dependencies=[Depends(require_write)],
             responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 409: {"model": ErrorOut}},
             summary="Extract and store an article (needs --allow-write and the X-Claimwatch-Token header)")
def add_article(
    body: ArticleIn,
    settings: WebSettings = Depends(get_settings),
    store: Store = Depends(get_store),
    nlp: Language = Depends(get_nlp),
) -> StoredOut:
    check_text_length(body.text, settings)
    article_id = body.id or "web-" + hashlib.sha1(body.text.encode("utf-8")).hexdigest()[:12]
    article = Article(id=article_id, text=body.text, title=body.title, date=body.date, outlet=body.outlet,
                      url=body.url, origin="POST /api/articles")
    stats = ingest_articles(store, [article], SpacyPipeline(nlp=nlp))
    if not stats.stored:
        raise HTTPException(409, f"article {article_id!r} (or the same text) is already stored")
    return StoredOut(stored=True, article=ArticleSummary(id=article_id, title=article.title, date=article.date,
                                                         outlet=article.outlet, url=article.url, claims=stats.claims))
