"""What route handlers get injected: settings, a store per request, the spaCy pipeline, the checker, the write guard.

Tests swap any of these with ``app.dependency_overrides`` (e.g. ``get_store`` for a temporary database).
"""
from __future__ import annotations

import hmac
import logging
import queue
import threading
from typing import TYPE_CHECKING, Iterator, Optional

from fastapi import Depends, HTTPException, Request
from spacy.language import Language

from ..store import Store, open_store
from .settings import TOKEN_HEADER, WebSettings

if TYPE_CHECKING:
    from .checker import CheckService

log = logging.getLogger("claimwatch")


def get_settings(request: Request) -> WebSettings:
    return request.app.state.settings


class StorePool:
    """Open stores shared by requests: each request takes one for itself and gives it back when it is done.

    Opening a store checks the schema (migrations), which under fifty concurrent clients was most of a request's
    time; a store given back is reused by the next request instead. There are never more stores than requests
    running at once (the server's thread pool bounds those). A store is used by one request at a time, possibly
    from two pool threads in turn (dependency, then handler), hence ``check_same_thread=False``.
    """

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self._idle: "queue.SimpleQueue[Store]" = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._open: list[Store] = []

    def acquire(self) -> Store:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            store = open_store(self.settings.db, create=self.settings.allow_write, check_same_thread=False)
            with self._lock:
                self._open.append(store)
            return store

    def release(self, store: Store, *, reusable: bool = True) -> None:
        """Give ``store`` back; one that saw an unexpected error is closed instead (its state is unknown)."""
        if reusable:
            self._idle.put(store)
            return
        with self._lock:
            self._open.remove(store)
        store.close()

    def close(self) -> None:
        with self._lock:
            stores, self._open = self._open, []
        for store in stores:
            store.close()


def get_store(request: Request) -> Iterator[Store]:
    """A store for this request from the app's ``StorePool``, given back afterwards."""
    pool: StorePool = request.app.state.stores
    store = pool.acquire()
    reusable = False
    try:
        yield store
        reusable = True
    except HTTPException:
        reusable = True  # a 404 or 400 leaves the connection as it was
        raise
    finally:
        pool.release(store, reusable=reusable)


class NlpProvider:
    """Loads the spaCy pipeline once, on first use, and shares it between requests.

    spaCy pipelines are safe to call from several threads for inference; loading is guarded by a lock so two
    first requests do not load it twice.
    """

    def __init__(self, model: Optional[str] = None, actors_path: Optional[str] = None) -> None:
        self.model = model
        self.actors_path = actors_path
        self._nlp: Optional[Language] = None
        self._lock = threading.Lock()

    def use(self, nlp: Language) -> None:
        """Serve an already loaded pipeline (tests and scripts that hold one): no second load."""
        with self._lock:
            self._nlp = nlp

    def get(self) -> Language:
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    from ..pipeline import load_nlp

                    log.info("loading the spaCy pipeline")
                    self._nlp = load_nlp(self.model, actors_path=self.actors_path)
        return self._nlp


def get_nlp(request: Request) -> Language:
    return request.app.state.nlp.get()


def get_checker(request: Request) -> "CheckService":
    """The app's one ``CheckService`` (cheap: its models load on the first check, not here)."""
    return request.app.state.checker


def require_write(request: Request, settings: WebSettings = Depends(get_settings)) -> None:
    """Guard for storing endpoints: the server must run with --allow-write and the request carry the token."""
    if not settings.allow_write:
        raise HTTPException(403, "this server is read-only (start it with --allow-write and a token to store)")
    sent = request.headers.get(TOKEN_HEADER, "")
    # compare_digest: the time taken does not reveal how much of the token matched.
    if not sent or not hmac.compare_digest(sent.encode(), (settings.write_token or "").encode()):
        raise HTTPException(401, f"missing or wrong {TOKEN_HEADER} header")
