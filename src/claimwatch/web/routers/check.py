"""POST /api/check: stored claims similar to a pasted text — a full-text placeholder until issue 5's stance model."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from ...store import ClaimQuery
from ...store.sqlite import SqliteStore
from ..dependencies import get_store
from ..fulltext import similar_claims_query
from ..models import CheckOut, ErrorOut, TextIn

router = APIRouter(tags=["check"])
MAX_MATCHES = 20
CHECK_NOTE = ("Placeholder: stored claims that share words with the text, best full-text match first. Whether they "
              "support or contradict it is not assessed yet (the stance model comes with issue 5).")
MAX_CHECK_CHARS = 5000


def check_text(store: SqliteStore, text: str) -> CheckOut:
    """Shared with the check page."""
    if len(text) > MAX_CHECK_CHARS:
        raise HTTPException(413, f"text is longer than {MAX_CHECK_CHARS} characters; paste one claim")
    fts = similar_claims_query(text)
    matches = store.query_claims(ClaimQuery(text=fts, limit=MAX_MATCHES)) if fts else []
    return CheckOut(note=CHECK_NOTE, query=fts, matches=matches)


@router.post("/check", response_model=CheckOut, responses={413: {"model": ErrorOut}},
             summary="Find stored claims similar to a text (full-text placeholder; no stance, no score)")
def check(body: TextIn, store: SqliteStore = Depends(get_store)) -> CheckOut:
    return check_text(store, body.text)
