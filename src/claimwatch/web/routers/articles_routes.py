"""/api/articles: list, read (text + claims) and, on a writable server, store articles."""
from __future__ import annotations

import hashlib

from fastapi import APIRouter, Depends, HTTPException, Query
from spacy.language import Language

from ...ingest.boilerplate import boilerplate_ranges
from ...ingest_flow import SpacyPipeline, ingest_articles
from ...schema import Article
from ...store import ArticleSummary, Store
from ..dependencies import get_nlp, get_settings, get_store, require_write
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


@router.get("/articles", response_model=ArticleList, summary="List stored articles, newest first")
def list_articles(
    page: int = Query(1, ge=1, le=100_000),
    per_page: int = Query(20, ge=1, le=200),
    store: Store = Depends(get_store),
) -> ArticleList:
    items = store.list_articles(limit=per_page, offset=(page - 1) * per_page)
    return ArticleList(items=items, page=page, per_page=per_page, total=store.counts()["articles"])


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
