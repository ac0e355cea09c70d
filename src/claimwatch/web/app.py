"""``create_app(settings)``: wires the routers, templates, static files, error handlers and middleware."""
from __future__ import annotations

import logging
import threading
import sys
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import ClaimwatchError, StoreError
from .actor_ranking import ActorRanking
from .checker import CheckService
from .dependencies import NlpProvider, StorePool
from .highlight import claim_summary, speaker_label
from .middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from .routers import (actors_routes, articles_routes, check_routes, claims_routes, disputes_routes, extract_routes,
                      pages_routes, timeline_routes, watchlists_routes)
from .settings import WebSettings

log = logging.getLogger("claimwatch")

HERE = Path(__file__).resolve().parent
SERVER_SWITCH_INTERVAL_S = 0.001  # see server_process_setup
API_PREFIX = "/api"

DESCRIPTION = """
Claims extracted from news articles: who claimed what, about whom, where and when.

Read-only by default. Endpoints that store (`POST /api/articles`) need a server started with `--allow-write`
and the `X-Claimwatch-Token` header. Errors are always `{"error": {"message": "..."}}`.
`POST /api/check` ranks the stored claims that support or contradict a sentence, as `claimwatch check` does.
"""


def make_templates() -> Jinja2Templates:
    # Autoescape on for every template, whatever its extension: article text and user input are only ever
    # inserted as escaped text; no template or helper marks them safe.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    # Globals, not per-render context: imported macros see globals only. Both return plain strings.
    env.globals.update(speaker_label=speaker_label, claim_summary=claim_summary, nav="")
    return Jinja2Templates(env=env)


def _is_api(request: Request) -> bool:
    return request.url.path == API_PREFIX or request.url.path.startswith(API_PREFIX + "/")


def error_response(request: Request, status: int, message: str, details: Any = None) -> Response:
    """The one error shape: JSON for the API, an HTML page for the pages."""
    if not _is_api(request) and hasattr(request.app.state, "templates"):
        try:
            return request.app.state.templates.TemplateResponse(
                request, "error.html", {"status": status, "message": message}, status_code=status
            )
        except Exception:  # an error page must never fail: fall back to the JSON shape
            log.exception("cannot render the error page")
    body: dict[str, Any] = {"message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = error_response(request, exc.status_code, str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        # Only where and what: the offending input is not echoed back (it can be a whole article).
        details = [{"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", ""), "type": e.get("type", "")}
                   for e in exc.errors()]
        summary = "; ".join(f"{'.'.join(d['loc'][1:]) or d['loc'][0] if d['loc'] else 'request'}: {d['msg']}"
                            for d in details[:5])
        return error_response(request, 422, f"invalid request: {summary}", details)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        log.error("store error: %s", exc)
        return error_response(request, 503, "the claim database is not available")

    @app.exception_handler(ClaimwatchError)
    async def claimwatch_error(request: Request, exc: ClaimwatchError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        # The traceback goes to the server log, never to the client.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal server error")


def create_app(settings: WebSettings) -> FastAPI:
    """The claimwatch web app for ``settings`` (read-only unless ``settings.allow_write``)."""
    app = FastAPI(
        title="claimwatch",
        version=__version__,
        description=DESCRIPTION,
        debug=False,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # /docs is our own page (api_docs.py): Swagger UI's assets come from a CDN
        redoc_url=None,
        responses={400: {"model": _error_model()}, 422: {"model": _error_model()}},
    )
    app.state.settings = settings
    app.state.stores = StorePool(settings)
    app.router.add_event_handler("shutdown", app.state.stores.close)
    app.state.nlp = NlpProvider(settings.model, settings.actors)
    # Check shares the extraction pipeline: looked up at first use, so a test can hand the app a loaded one.
    app.state.checker = CheckService(settings, nlp=lambda: app.state.nlp.get())
    app.router.add_event_handler("shutdown", app.state.checker.close)
    app.state.templates = make_templates()
    app.state.actor_ranking = ActorRanking()
    if settings.warm_check:
        app.router.add_event_handler("startup", lambda: _warm_in_background(app))
    _install_error_handlers(app)

    for module in (articles_routes, claims_routes, disputes_routes, actors_routes, timeline_routes, check_routes,
                   extract_routes, watchlists_routes):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(pages_routes.router)
    _add_docs_and_icon(app)
    app.include_router(watchlists_routes.pages)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type", "X-Claimwatch-Token"])
    app.add_middleware(SecurityHeadersMiddleware)
    # Added last, so it runs first: an oversized body is refused before anything else reads it.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    return app


def _add_docs_and_icon(app: FastAPI) -> None:
    """/docs: the API reference rendered from the OpenAPI schema, with no external assets; /favicon.ico."""
    from fastapi.responses import FileResponse, HTMLResponse

    from .api_docs import reference

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs(request: Request) -> Response:
        operations, schemas = reference(app.openapi())
        return app.state.templates.TemplateResponse(
            request, "api_docs.html", {"operations": operations, "schemas": schemas, "title": app.title,
                                       "version": app.version, "nav": "api"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml",
                            headers={"Cache-Control": "public, max-age=86400"})


def _warm_in_background(app: FastAPI) -> None:
    """Load the check models and the claim matrix on a thread of their own while requests are served."""

    def warm() -> None:
        store = app.state.stores.acquire()
        try:
            app.state.checker.warm(store)
        except Exception:  # a failed warm-up only means the first check pays (and reports) it
            log.warning("could not warm up check", exc_info=True)
        finally:
            app.state.stores.release(store)

    threading.Thread(target=warm, name="claimwatch-warm-check", daemon=True).start()


def server_process_setup() -> None:
    """Process-wide settings for a ``claimwatch serve`` process (not for an app embedded elsewhere).

    A search waiting for the interpreter lock behind a check (Python-heavy for ~100 ms) gets it after at most 1 ms
    instead of Python's default 5 ms: under 50 clients this halved the searches' p95 (docs/BENCHMARKS.md).
    """
    sys.setswitchinterval(SERVER_SWITCH_INTERVAL_S)


def app_from_environment() -> FastAPI:
    """``create_app`` for a worker process of ``claimwatch serve --workers N`` (settings from the environment)."""
    from .settings import settings_from_env

    server_process_setup()
    return create_app(settings_from_env())


def _error_model() -> type:
    from .models import ErrorOut

    return ErrorOut
