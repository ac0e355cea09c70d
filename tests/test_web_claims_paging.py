"""/api/claims paging: cursor pages skip the total count; has-next comes from one extra row."""
from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install 'claimwatch[web]')")

from fastapi.testclient import TestClient  # noqa: E402

from claimwatch.store.sqlite import SqliteStore  # noqa: E402
from web_fixtures import build_store, make_client  # noqa: E402


class CountingStore(SqliteStore):
    counted = 0

    def count_claims(self, query):  # type: ignore[override]
        CountingStore.counted += 1
        return super().count_claims(query)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return make_client(build_store(tmp_path_factory.mktemp("paging") / "web.db"), store_cls=CountingStore)


def test_cursor_pages_do_not_count(client: TestClient) -> None:
    first = client.get("/api/claims", params={"per_page": 3}).json()
    total = first["total"]
    assert isinstance(total, int) and total > 6
    seen = [c["id"] for c in first["items"]]
    before = CountingStore.counted
    body = first
    while body["next_cursor"] is not None:
        body = client.get("/api/claims", params={"per_page": 3, "cursor": body["next_cursor"]}).json()
        assert body["total"] is None and len(body["items"]) <= 3
        seen += [c["id"] for c in body["items"]]
    assert CountingStore.counted == before  # no count on cursor pages
    assert len(seen) == len(set(seen)) == total


def test_exact_last_page_has_no_next(client: TestClient) -> None:
    total = client.get("/api/claims", params={"per_page": 1}).json()["total"]
    last = client.get("/api/claims", params={"per_page": 1, "page": total}).json()
    assert len(last["items"]) == 1 and last["next_page"] is None and last["next_cursor"] is None
    full = client.get("/api/claims", params={"per_page": total}).json()
    assert len(full["items"]) == total and full["next_page"] is None and full["next_cursor"] is None
    beyond = client.get("/api/claims", params={"per_page": 1, "page": total + 1}).json()
    assert beyond["items"] == [] and beyond["total"] == total and beyond["next_cursor"] is None


def test_speaker_and_actor_filters_through_the_api(client: TestClient) -> None:
    body = client.get("/api/claims", params={"per_page": 200}).json()
    some = next(c for c in body["items"] if c["resolved_speaker"])
    needle = some["resolved_speaker"].upper()
    hits = client.get("/api/claims", params={"speaker": needle, "per_page": 200}).json()
    assert some["id"] in [c["id"] for c in hits["items"]] and hits["total"] == len(hits["items"])
