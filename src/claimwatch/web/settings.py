"""Settings of the web app: one frozen object, built by `claimwatch serve` (or a test) and passed to create_app."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from ..errors import ClaimwatchError

TOKEN_HEADER = "X-Claimwatch-Token"
DEFAULT_TOKEN_ENV = "CLAIMWATCH_TOKEN"
# 1 MB is far above any one news article yet small enough that a flood of bodies cannot exhaust memory.
DEFAULT_MAX_BODY_BYTES = 1_000_000
# Extraction runs a parser over the text: bound it so one request cannot hold a worker for minutes.
DEFAULT_MAX_TEXT_CHARS = 200_000
MIN_TOKEN_CHARS = 16
EMBEDDERS = ("auto", "minilm", "lexical")
# How `claimwatch serve --workers N` hands its settings to the worker processes uvicorn starts.
SETTINGS_ENV = "CLAIMWATCH_WEB_SETTINGS"


@dataclass(frozen=True)
class WebSettings:
    """What the web app serves and allows.

    db: the claim database (a SQLite file or a postgresql:// URL); it must exist unless ``allow_write`` is set.
    allow_write: enable the endpoints that store (``POST /api/articles``); they also need ``write_token``.
    write_token: the secret a storing request must send in the ``X-Claimwatch-Token`` header.
    cors_origins: origins allowed to call the API from a browser; empty (the default) adds no CORS headers.
    max_body_bytes: larger request bodies get 413 before any handler reads them.
    max_text_chars: longest text ``/api/extract``, ``/api/articles`` and ``/api/check`` accept.
    model: spaCy pipeline for extraction and check (None: the default English one), loaded on first use.
    actors: a user actor file (YAML or JSONL, docs/ACTORS.md) for that pipeline, as ``claimwatch ingest --actors``:
        check codes the pasted text's actors as the stored claims were coded.
    embedder: sentence embeddings for check: "auto" (all-MiniLM-L6-v2 when installed, else lexical), "minilm"
        or "lexical", as ``claimwatch check --embedder``.
    warm_check: load the check models and build the claim matrix when the app starts (in the background), not
        on the first check; ``claimwatch serve`` does.
    check_slots: checks computed at once in one server process; further checks wait their turn. A check is
        hundreds of milliseconds of CPU, a search a few: without a bound, many checks at once take every core (and
        the process's interpreter lock) from the searches running beside them.
    """

    db: Union[str, Path]
    allow_write: bool = False
    write_token: Optional[str] = field(default=None, repr=False)
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS
    model: Optional[str] = None
    actors: Optional[str] = None
    embedder: str = "auto"
    warm_check: bool = False
    check_slots: int = 1

    def __post_init__(self) -> None:
        if self.allow_write and (not self.write_token or len(self.write_token) < MIN_TOKEN_CHARS):
            raise ClaimwatchError(
                f"writing needs a token of at least {MIN_TOKEN_CHARS} characters (set it in the environment "
                f"variable named by --token-env, default {DEFAULT_TOKEN_ENV})"
            )
        if self.max_body_bytes < 1 or self.max_text_chars < 1:
            raise ClaimwatchError("max_body_bytes and max_text_chars must be positive")
        if self.check_slots < 1:
            raise ClaimwatchError("check_slots must be at least 1")
        if self.embedder not in EMBEDDERS:
            raise ClaimwatchError(f"unknown embedder {self.embedder!r}; expected one of {', '.join(EMBEDDERS)}")


def settings_to_env(settings: WebSettings, token_env: str) -> str:
    """``settings`` as the JSON a worker process reads back with ``settings_from_env``.

    The write token stays out of it: the worker reads it from ``token_env``, as the parent did.
    """
    return json.dumps({
        "db": str(settings.db), "allow_write": settings.allow_write, "token_env": token_env,
        "cors_origins": list(settings.cors_origins), "max_body_bytes": settings.max_body_bytes,
        "max_text_chars": settings.max_text_chars, "model": settings.model, "actors": settings.actors,
        "embedder": settings.embedder, "warm_check": settings.warm_check,
        "check_slots": settings.check_slots,
    })


def settings_from_env() -> WebSettings:
    """The settings ``settings_to_env`` put in ``$CLAIMWATCH_WEB_SETTINGS``."""
    from ..store import is_url

    raw = os.environ.get(SETTINGS_ENV)
    if not raw:
        raise ClaimwatchError(f"${SETTINGS_ENV} is not set: start the server with claimwatch serve")
    data = json.loads(raw)
    token_env = data.pop("token_env")
    db = data.pop("db")
    return WebSettings(db=db if is_url(db) else Path(db), write_token=os.environ.get(token_env) if data["allow_write"]
                       else None, cors_origins=tuple(data.pop("cors_origins")), **data)
