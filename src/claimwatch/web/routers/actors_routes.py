"""/api/actors: who speaks the most claims."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from ...store import ActorCount, Store
from ..dependencies import get_store
from ..models import ActorList, ErrorOut

router = APIRouter(tags=["actors"])


@router.get("/actors", response_model=ActorList, summary="Actors by the number of claims they speak")
def list_actors(limit: int = Query(50, ge=1, le=1000), store: Store = Depends(get_store)) -> ActorList:
    return ActorList(items=store.top_actors(limit))


@router.get("/actors/{actor_id}", response_model=ActorCount, responses={404: {"model": ErrorOut}},
            summary="One actor (id as in docs/ACTORS.md: RUS-GOV, person:dmitry-peskov…)")
def get_actor(actor_id: str, store: Store = Depends(get_store)) -> ActorCount:
    found = store.get_actor(actor_id)
    if found is None:
        raise HTTPException(404, f"no actor with id {actor_id!r}")
    return found
