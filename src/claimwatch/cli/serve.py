"""`claimwatch serve`: the web UI and REST API (FastAPI under uvicorn) over a claim database."""
from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Optional

import click

from ..errors import ClaimwatchError
from ._db import db_option
from .common import actors_option, handle_errors, model_option


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--allow-write", is_flag=True,
              help="Enable the endpoints that store (POST /api/articles); they also need the token header.")
@click.option("--token-env", default="CLAIMWATCH_TOKEN", show_default=True, metavar="VAR",
              help="Environment variable holding the write token (sent as the X-Claimwatch-Token header).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="URL",
              help="Allow browser calls from this origin (repeatable). Default: no CORS headers at all.")
@click.option("--max-body", "max_body", type=click.IntRange(min=1024), default=None, metavar="BYTES",
              help="Largest request body accepted (default 1,000,000).")
@model_option
@actors_option
@click.option("--embedder", type=click.Choice(["auto", "minilm", "lexical"]), default="auto", show_default=True,
              help="Sentence embeddings for check, as in claimwatch check.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Server processes; each loads its own models.")
@click.option("--no-warm", is_flag=True,
              help="Load the check models on the first check instead of in the background at start.")
@click.option("--check-slots", type=click.IntRange(min=1), default=1, show_default=True,
              help="Checks computed at once per server process; more wait their turn, so that checks cannot take "
                   "every core from searches.")
@handle_errors
def serve(db_path: Path, host: str, port: int, allow_write: bool, token_env: str, cors_origins: tuple[str, ...],
          max_body: Optional[int], model: Optional[str], actors_path: Optional[str], embedder: str,
          workers: int, no_warm: bool, check_slots: int) -> None:
    """Serve the web UI (articles with highlighted claims, search, actors, check) and the REST API under /api/.

    Read-only unless --allow-write is given; API docs at /docs. Needs the web extra:
    pip install 'claimwatch[web]'.
    """
    try:
        import uvicorn

        from ..web import WebSettings, create_app
        from ..web.app import server_process_setup
        from ..web.settings import DEFAULT_MAX_BODY_BYTES
    except ImportError as exc:
        raise ClaimwatchError(f"the web server needs the web extra ({exc.name} is missing): "
                              "pip install 'claimwatch[web]'") from None
    from ..store import open_store

    token = os.environ.get(token_env) if allow_write else None
    settings = WebSettings(db=db_path, allow_write=allow_write, write_token=token, cors_origins=cors_origins,
                           max_body_bytes=max_body or DEFAULT_MAX_BODY_BYTES, model=model, actors=actors_path,
                           embedder=embedder, warm_check=not no_warm, check_slots=check_slots)
    # Open once now: a missing or foreign database is a one-line error here, not a 503 on every request.
    with open_store(db_path, create=allow_write) as store:
        counts = store.counts()
        label = store.label
    if not _is_loopback(host):
        click.echo(f"warning: listening on {host}, reachable from other machines; there is no login", err=True)
    click.echo(f"claimwatch: {counts['articles']} articles, {counts['claims']} claims from {label}; "
               f"{'writable' if allow_write else 'read-only'}; http://{host}:{port}/ (API docs: /docs)", err=True)
    if workers == 1:
        server_process_setup()
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", server_header=False,
                    limit_concurrency=200)
        return
    from ..web.settings import SETTINGS_ENV, settings_to_env

    # Worker processes import the app by name, so the settings travel in the environment.
    os.environ[SETTINGS_ENV] = settings_to_env(settings, token_env)
    uvicorn.run("claimwatch.web.app:app_from_environment", factory=True, workers=workers, host=host, port=port,
                log_level="warning", server_header=False, limit_concurrency=200)
