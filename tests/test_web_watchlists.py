"""Watchlists on the web: the JSON API (writes need the token), the pages and the Atom feed of alerts."""
from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install 'claimwatch[web]')")

from claimwatch.alerts.matching import new_alerts  # noqa: E402
from claimwatch.store import Watchlist, open_store  # noqa: E402
from web_fixtures import build_store, make_client  # noqa: E402

TOKEN = "test-token-0123456789abcdef"
PAST = "2000-01-01T00:00:00+00:00"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build_store(tmp_path / "w.db")


def test_writes_need_a_writable_server_and_the_token(db: Path) -> None:
    read_only = make_client(db)
    assert read_only.post("/api/watchlists", json={"name": "x"}).status_code == 403
    client = make_client(db, allow_write=True, write_token=TOKEN)
    assert client.post("/api/watchlists", json={"name": "x"}).status_code == 401
    wrong = client.post("/api/watchlists", json={"name": "x"}, headers={"X-Claimwatch-Token": "nope"})
    assert wrong.status_code == 401 and wrong.json()["error"]["message"].startswith("missing or wrong")
    assert client.get("/api/watchlists").json() == []


def test_create_edit_delete_through_the_api(db: Path) -> None:
    client = make_client(db, allow_write=True, write_token=TOKEN)
    auth = {"X-Claimwatch-Token": TOKEN}
    made = client.post("/api/watchlists", headers=auth,
                       json={"name": "Reyes", "actor": "Reyes", "webhook": "http://127.0.0.1:9/hook", "outlet": " "})
    assert made.status_code == 201, made.text
    wl = made.json()
    assert wl["actor"] == "Reyes" and wl["outlet"] is None and wl["feed"] == f"/watchlists/{wl['id']}/feed.atom"
    bad = client.post("/api/watchlists", headers=auth, json={"name": "x", "webhook": "javascript:alert(1)"})
    assert bad.status_code == 422 and "http(s) URL" in bad.text
    changed = client.put(f"/api/watchlists/{wl['id']}", headers=auth, json={"name": "Reyes disputes",
                                                                            "actor": "Reyes", "disputes": True})
    assert changed.status_code == 200 and changed.json()["disputes"] is True and changed.json()["webhook"] is None
    assert client.get(f"/api/watchlists/{wl['id']}").json()["name"] == "Reyes disputes"
    assert client.delete(f"/api/watchlists/{wl['id']}").status_code == 401
    assert client.delete(f"/api/watchlists/{wl['id']}", headers=auth).status_code == 204
    assert client.get(f"/api/watchlists/{wl['id']}").status_code == 404
    assert client.delete(f"/api/watchlists/{wl['id']}", headers=auth).status_code == 404


def test_pages_and_feed_show_the_alerts(db: Path) -> None:
    with open_store(db) as store:
        store.save_watchlist(Watchlist(id="wr", name="Reyes <b>watch</b>", actor="Reyes", created_at=PAST,
                                       checked_at=PAST))
        raised = new_alerts(store, "http://elsewhere.example")
    assert raised
    client = make_client(db)
    listing = client.get("/watchlists")
    assert listing.status_code == 200 and "Reyes &lt;b&gt;watch&lt;/b&gt;" in listing.text
    assert "read-only" in listing.text and 'id="watchlist-new"' not in listing.text
    page = client.get("/watchlists/wr")
    assert page.status_code == 200
    for alert in raised:
        assert f'href="/articles/{alert.article_id}#claim-{alert.claim_id}"' in page.text
    feed = client.get("/watchlists/wr/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(feed.content)
    assert not parsed.bozo and len(parsed.entries) == len(raised)
    assert {e.link for e in parsed.entries} == {f"http://testserver/articles/{a.article_id}#claim-{a.claim_id}"
                                                for a in raised}
    assert client.get("/watchlists/none").status_code == 404
    assert client.get("/watchlists/none/feed.atom").status_code == 404
    writable = make_client(db, allow_write=True, write_token=TOKEN)
    assert 'id="watchlist-new"' in writable.get("/watchlists").text
    assert 'id="watchlist-delete"' in writable.get("/watchlists/wr").text
