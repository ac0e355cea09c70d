"""POST /api/extract: run the extractor on a text and return its claims without storing anything."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from spacy.language import Language

from ...pipeline import extract_articles
from ...schema import Article, ArticleOut
from ..dependencies import get_nlp, get_settings
from ..models import ArticleIn, ErrorOut
from ..settings import WebSettings
from .articles_routes import check_text_length

router = APIRouter(tags=["extract"])


# A plain `def`: FastAPI runs it in the threadpool, so parsing never blocks the event loop.
@router.post("/extract", response_model=ArticleOut, responses={413: {"model": ErrorOut}},
             summary="Extract claims from a text without storing it (the model loads on first use)")
def extract(body: ArticleIn, settings: WebSettings = Depends(get_settings),
            nlp: Language = Depends(get_nlp)) -> ArticleOut:
    check_text_length(body.text, settings)
    article = Article(id=body.id or "input", text=body.text, title=body.title, date=body.date,
                      outlet=body.outlet, url=body.url, origin="POST /api/extract")
    return next(iter(extract_articles(nlp, [article])))
