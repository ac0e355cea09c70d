"""The web shell: a FastAPI app with a REST API under /api/ and server-rendered pages (docs/WEB.md).

Needs the ``web`` extra (``pip install 'claimwatch[web]'``). ``create_app(WebSettings(db=...))`` builds the app;
``claimwatch serve`` runs it under uvicorn. Nothing in the library imports this package.
"""
from __future__ import annotations

from .settings import WebSettings

__all__ = ["WebSettings", "create_app"]


def create_app(settings: WebSettings):  # noqa: ANN201 (FastAPI is an optional dependency)
    """Build the FastAPI app for ``settings`` (see ``claimwatch.web.app.create_app``)."""
    from .app import create_app as _create_app

    return _create_app(settings)
