"""Settings of the web app: one frozen object, built by `claimwatch serve` (or a test) and passed to create_app."""
from __future__ import annotations

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

    def __post_init__(self) -> None:
        if self.allow_write and (not self.write_token or len(self.write_token) < MIN_TOKEN_CHARS):
            raise ClaimwatchError(
                f"writing needs a token of at least {MIN_TOKEN_CHARS} characters (set it in the environment "
                f"variable named by --token-env, default {DEFAULT_TOKEN_ENV})"
            )
        if self.max_body_bytes < 1 or self.max_text_chars < 1:
            raise ClaimwatchError("max_body_bytes and max_text_chars must be positive")
        if self.embedder not in EMBEDDERS:
            raise ClaimwatchError(f"unknown embedder {self.embedder!r}; expected one of {', '.join(EMBEDDERS)}")
