"""The web app under concurrent requests: stores come from a pool (one per request at a time, reused), and
`claimwatch serve --workers N` hands its settings to worker processes. Latency is for `claimwatch bench
--load-db` (docs/BENCHMARKS.md), not for tests."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install 'claimwatch[web]')")

from fastapi.testclient import TestClient  # noqa: E402

from claimwatch.web import WebSettings, create_app  # noqa: E402
from claimwatch.web.dependencies import StorePool  # noqa: E402
from claimwatch.web.settings import SETTINGS_ENV, settings_from_env, settings_to_env  # noqa: E402
from web_fixtures import build_store  # noqa: E402


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("web") / "web.db")


def test_concurrent_requests_all_answer_and_reuse_a_few_stores(db: Path):
    app = create_app(WebSettings(db=db))
    opened: list[object] = []
    pool: StorePool = app.state.stores
    real_acquire = pool.acquire
    lock = threading.Lock()

    def counting_acquire():
        store = real_acquire()
        with lock:
            if all(store is not s for s in opened):
                opened.append(store)
        return store

    pool.acquire = counting_acquire  # type: ignore[method-assign]
    with TestClient(app) as client:
        paths = ["/api/claims?q=minister", "/api/articles", "/api/claims?speaker=mayor", "/api/actors"] * 30
        with ThreadPoolExecutor(max_workers=12) as workers:
            statuses = list(workers.map(lambda p: client.get(p).status_code, paths))
    assert statuses == [200] * len(paths)
    assert 1 <= len(opened) <= 12 * 2  # one per request running at once at most, never one per request
    assert pool._open == []  # closed at shutdown


def test_a_failed_request_closes_its_store_instead_of_reusing_it(db: Path):
    pool = StorePool(WebSettings(db=db))
    store = pool.acquire()
    pool.release(store, reusable=False)
    assert pool.acquire() is not store
    pool.close()


def test_settings_travel_to_worker_processes_without_the_token(db: Path, monkeypatch):
    settings = WebSettings(db=db, allow_write=True, write_token="w" * 20, cors_origins=("http://a.example",),
                           embedder="lexical", check_slots=3)
    text = settings_to_env(settings, "MY_TOKEN")
    assert "w" * 20 not in text
    monkeypatch.setenv(SETTINGS_ENV, text)
    monkeypatch.setenv("MY_TOKEN", "w" * 20)
    assert settings_from_env() == settings


def test_checks_beyond_the_slots_wait_their_turn(db: Path):
    from claimwatch.web.checker import CheckService

    service = CheckService(WebSettings(db=db, check_slots=2), nlp=lambda: None)
    lock = threading.Lock()
    inside = [0]
    most = [0]
    release = threading.Event()

    def fake_check(store, text, *, date, limit):  # stands in for the models: records how many run at once
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        release.wait(timeout=30)
        with lock:
            inside[0] -= 1
        return text

    service._check = fake_check  # type: ignore[method-assign]
    with ThreadPoolExecutor(max_workers=6) as workers:
        futures = [workers.submit(service.check, None, f"text {n}") for n in range(6)]
        for _ in range(200):  # until two are inside; the other four must be waiting at the slots
            if inside[0] == 2:
                break
            threading.Event().wait(0.01)
        threading.Event().wait(0.2)  # time for a third to get in, were the slots not enforced
        assert inside[0] == 2
        release.set()
        assert sorted(f.result(timeout=30) for f in futures) == [f"text {n}" for n in range(6)]
    assert most[0] == 2
    with pytest.raises(Exception, match="check_slots"):
        WebSettings(db=db, check_slots=0)


def test_the_candidate_cache_builds_the_row_index_of_its_matrix_once():
    # check's name search needs each claim's matrix row; a web check reuses the index its store's matrix has
    import numpy as np

    from claimwatch.web.checker import CandidateCache

    cache = CandidateCache()
    matrix = (["c1", "c2", "c3"], np.zeros((3, 2), dtype=np.float32), np.zeros(3, dtype=np.int64))
    rows = cache.row_index(matrix)
    assert rows == {"c1": 0, "c2": 1, "c3": 2}
    assert cache.row_index(matrix) is rows
