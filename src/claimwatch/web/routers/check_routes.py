"""POST /api/check: stored claims that support or contradict a text, ranked (``claimwatch check`` over HTTP)."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from ..checker import CheckService
from ..dependencies import get_checker, get_store
from ..models import CheckIn, CheckOut, ErrorOut

router = APIRouter(tags=["check"])


# A plain `def`: FastAPI runs it in the threadpool, so parsing and embedding never block the event loop.
@router.post("/check", response_model=CheckOut, responses={413: {"model": ErrorOut}, 503: {"model": ErrorOut}},
             summary="Which stored claims support or contradict a sentence (models load on the first check)")
def check(body: CheckIn, store: Store = Depends(get_store),
          checker: CheckService = Depends(get_checker)) -> CheckOut:
    return checker.check(store, body.text, date=body.date, limit=body.limit)
