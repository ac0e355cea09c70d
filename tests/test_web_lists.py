"""Every list of the API and the pages: one paging scheme, filters, facets, downloads, name variants, /docs offline."""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import parse_qs, urlparse

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install 'claimwatch[web]')")

from fastapi.testclient import TestClient  # noqa: E402

from claimwatch.store import name_variants, outlet_key  # noqa: E402
from claimwatch.web.highlight import speaker_groups  # noqa: E402
from web_fixtures import ZELENSKY_SPELLINGS, build_list_store, list_articles, make_claim, make_client  # noqa: E402

LISTS = ("/api/claims", "/api/articles", "/api/actors", "/api/disputes")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return make_client(build_list_store(tmp_path_factory.mktemp("lists") / "lists.db"))


def follow(client: TestClient, url: str) -> tuple[list[dict], int]:
    """Every item of a list, following next_url; checks the Link header and the cursor on each page."""
    body = client.get(url).json()
    total, items = body["total"], list(body["items"])
    while body["next_url"] is not None:
        response = client.get(body["next_url"])
        assert response.status_code == 200
        previous, body = body, response.json()
        assert parse_qs(urlparse(previous["next_url"]).query)["cursor"] == [previous["next_cursor"]]
        items += body["items"]
    return items, total


@pytest.mark.parametrize("path", LISTS)
def test_every_list_pages_to_its_end_by_next_url(client: TestClient, path: str) -> None:
    first = client.get(path, params={"limit": 7})
    body = first.json()
    assert body["limit"] == 7 and len(body["items"]) == 7
    assert first.headers["link"] == f'<{body["next_url"]}>; rel="next"'
    items, total = follow(client, f"{path}?limit=7")
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)) == total > 7
    # The last page says so: no next_url and no Link header.
    last = client.get(path, params={"limit": total})
    assert last.json()["next_url"] is None and "link" not in last.headers


@pytest.mark.parametrize("path", LISTS)
def test_bad_cursor_is_a_400_json_error(client: TestClient, path: str) -> None:
    for cursor in ("not-a-cursor", "eyJvIjogLTF9", "e30"):  # garbage, {"o": -1}, {}
        r = client.get(path, params={"cursor": cursor})
        assert r.status_code == 400 and "cursor" in r.json()["error"]["message"]


@pytest.mark.parametrize("path", ("/api/claims", "/api/articles", "/api/disputes", "/api/actors"))
def test_bad_date_is_a_400_json_error(client: TestClient, path: str) -> None:
    r = client.get(path, params={"since": "last tuesday"})
    assert r.status_code == 400 and "ISO date" in r.json()["error"]["message"]


@pytest.mark.parametrize("page", ("/claims", "/articles", "/disputes", "/actors"))
def test_bad_date_on_a_page_is_a_friendly_page(client: TestClient, page: str) -> None:
    r = client.get(page, params={"until": "2026-13-45"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "ISO date" in r.text and "Traceback" not in r.text


def test_old_paging_parameters_still_work(client: TestClient) -> None:
    by_page = client.get("/api/claims", params={"per_page": 5, "page": 2}).json()
    by_cursor = client.get(client.get("/api/claims", params={"limit": 5}).json()["next_url"]).json()
    assert [c["id"] for c in by_page["items"]] == [c["id"] for c in by_cursor["items"]]
    offset = client.get("/api/disputes", params={"limit": 5, "offset": 5}).json()
    second = client.get(client.get("/api/disputes", params={"limit": 5}).json()["next_url"]).json()
    assert [d["id"] for d in offset["items"]] == [d["id"] for d in second["items"]]


def test_outlet_filter_matches_the_normalised_outlet(client: TestClient) -> None:
    stored = {a.outlet for a, _ in list_articles()}
    for spelling in ("BBC", "bbc news", "BBC News", " B.B.C. "[1:-1].replace(".", "") or "BBC"):
        want = sum(len(r.claims) for a, r in list_articles() if outlet_key(a.outlet) == outlet_key(spelling))
        got = client.get("/api/claims", params={"outlet": spelling, "limit": 1}).json()["total"]
        assert got == want > 0
    assert outlet_key("The Guardian") == outlet_key("guardian") != outlet_key("BBC News")
    assert {"BBC News", "bbc"} <= stored  # both spellings are stored, and one filter finds both
    articles = client.get("/api/articles", params={"outlet": "the guardian"}).json()
    assert {a["outlet"] for a in articles["items"]} == {"The Guardian", "Guardian"}


def test_speaker_spellings_find_the_same_person() -> None:
    assert set(name_variants("Zelenskiy")) >= {"zelensky", "zelenskyy", "zelenskiy", "zelenskyi"}
    assert name_variants("Peskov") == ["peskov"]
    assert name_variants("  ") == []


def test_speaker_filter_spellings_give_the_same_claims(client: TestClient) -> None:
    written = {s for s, _ in ZELENSKY_SPELLINGS}
    want = sum(1 for _, r in list_articles() for c in r.claims if c.speaker and c.speaker.text in written)
    found = {}
    for spelling in ("Zelensky", "Zelenskiy", "Zelenskyy", "zelenskyi", "ZELENSKY"):
        items, total = follow(client, f"/api/claims?speaker={spelling}&limit=50")
        found[spelling] = sorted(c["id"] for c in items)
        assert total == len(items) == want
    assert len({tuple(v) for v in found.values()}) == 1
    # The resolved person counts too: his actor's name finds the claims where he is written "President Zelenskiy".
    by_name = client.get("/api/claims", params={"speaker": "Volodymyr Zelenskyy", "limit": 200}).json()
    assert "President Zelenskiy" in {c["speaker"]["text"] for c in by_name["items"]}


@pytest.mark.parametrize("path", ("/api/claims/facets", "/api/disputes/facets"))
@pytest.mark.parametrize("params", ({}, {"outlet": "bbc"}, {"since": "2026-02-01"}))
def test_facets_sum_to_the_total(client: TestClient, path: str, params: dict) -> None:
    body = client.get(path, params=params).json()
    listed = client.get(path.rsplit("/", 1)[0], params={**params, "limit": 1}).json()["total"]
    assert body["total"] == listed > 0
    assert set(body["facets"]) == {"outlet", "speaker", "event", "polarity"}
    for name, values in body["facets"].items():
        assert sum(v["count"] for v in values) == listed, name


def test_a_facet_value_filters_to_its_count(client: TestClient) -> None:
    facets = client.get("/api/claims/facets").json()["facets"]
    for name in ("outlet", "speaker", "event", "polarity"):
        for v in facets[name]:
            if v["filter"] is None:
                continue
            total = client.get("/api/claims", params={v["filter"]: v["value"], "limit": 1}).json()["total"]
            if v["filter"] == "speaker":
                # An unresolved name: the speaker filter also finds its spelling variants and the person's actor.
                assert total >= v["count"], (name, v)
            else:
                assert total == v["count"], (name, v)
    outlets = {v["label"]: v["count"] for v in facets["outlet"]}
    assert "bbc" not in outlets and outlets["BBC News"] > 0  # two spellings, one outlet


@pytest.mark.parametrize("path,params", [
    ("/api/claims", {"outlet": "guardian", "since": "2026-02-01"}),
    ("/api/claims", {"speaker": "zelensky"}),
    ("/api/articles", {"outlet": "BBC"}),
    ("/api/actors", {"name": "official"}),
    ("/api/disputes", {"min_score": "0.6"}),
])
def test_downloads_hold_the_filtered_list(client: TestClient, path: str, params: dict) -> None:
    items, total = follow(client, f"{path}?{'&'.join(f'{k}={v}' for k, v in params.items())}&limit=10")
    as_csv = client.get(f"{path}/export", params={**params, "format": "csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["id"] for r in rows] == [i["id"] for i in items] and len(rows) == total > 0
    as_json = client.get(f"{path}/export", params={**params, "format": "json"}).json()
    assert [r["id"] for r in as_json["items"]] == [i["id"] for i in items]


def test_csv_cells_cannot_start_a_formula() -> None:
    from fastapi import FastAPI

    from claimwatch.web.listing import download

    app = FastAPI()
    app.get("/x")(lambda: download([{"id": "=HYPERLINK(1)", "n": "-2"}], ["id", "n"], "csv", "x"))
    text = TestClient(app).get("/x").text
    assert text.splitlines()[1] == "'=HYPERLINK(1),'-2"


def test_disputes_filter_by_event_and_score(client: TestClient) -> None:
    every, total = follow(client, "/api/disputes?limit=50")
    strong = client.get("/api/disputes", params={"min_score": 0.7, "limit": 200}).json()
    assert strong["total"] == sum(d["score"] >= 0.7 for d in every) and 0 < strong["total"] < total
    mobilize = client.get("/api/disputes", params={"event": "mobilize", "limit": 200}).json()
    want = [d["id"] for d in every
            if "MOBILIZE" in {(s["event"] or {}).get("category") for s in (d["left"], d["right"])}]
    assert [d["id"] for d in mobilize["items"]] == want and 0 < len(want) < total


@pytest.mark.parametrize("page,per_page", [("/claims", 25), ("/articles", 25), ("/disputes", 25), ("/actors", 50)])
def test_pages_are_paged_to_the_end(client: TestClient, page: str, per_page: int) -> None:
    api = {"/claims": "/api/claims", "/articles": "/api/articles", "/disputes": "/api/disputes",
           "/actors": "/api/actors"}[page]
    total = client.get(api, params={"limit": 1}).json()["total"]
    pages = -(-total // per_page)
    assert pages > 1
    last = client.get(page, params={"page": pages}).text
    assert f"page {pages} of {pages}" in last and 'rel="next"' not in last
    assert 'rel="next"' in client.get(page, params={"page": pages - 1}).text


def test_docs_page_uses_no_external_assets(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200 and "content-security-policy" in r.headers
    assert "/api/claims/export" in r.text and "next_url" in r.text
    assert "cdn" not in r.text.lower() and 'src="http' not in r.text and 'href="http' not in r.text
    assert client.get("/favicon.ico").status_code == 200


def test_empty_store_pages_name_the_command_that_fills_them(tmp_path) -> None:
    from claimwatch.store.sqlite import SqliteStore

    db = tmp_path / "empty.db"
    SqliteStore(db).close()
    empty = make_client(db)
    for page, command in (("/claims", "claimwatch ingest"), ("/articles", "claimwatch ingest"),
                          ("/actors", "claimwatch ingest"), ("/disputes", "claimwatch disputes --db")):
        assert command in empty.get(page).text, page


def test_legend_merges_one_person_written_three_ways() -> None:
    text = ("Von der Leyen said that A holds. von der Leyen said that B holds. "
            "Ursula von der Leyen, the president of the commission, said that C holds. Mr Smith said that D holds.")
    claims = [make_claim(text, "Von der Leyen", "said", "A holds"),
              make_claim(text, "von der Leyen", "said", "B holds"),
              make_claim(text, "Ursula von der Leyen, the president of the commission,", "said", "C holds"),
              make_claim(text, "Mr Smith", "said", "D holds")]
    groups, labels = speaker_groups(claims)
    assert groups[0] == groups[1] == groups[2] != groups[3]
    assert labels[groups[0]] in ("Ursula von der Leyen", "Von der Leyen") and labels[groups[3]] == "Mr Smith"


def test_actor_pages_follow_the_store_ranking(tmp_path) -> None:
    from claimwatch.schema import Article, ArticleOut
    from claimwatch.store.sqlite import SqliteStore
    from web_fixtures import LIND

    db = build_list_store(tmp_path / "ranking.db")
    fresh = make_client(db)
    with SqliteStore(db) as store:
        for name in (None, "official", "ZELEN"):
            items, total = follow(fresh, "/api/actors?limit=9" + (f"&name={name}" if name else ""))
            assert [a["id"] for a in items] == [a.id for a in store.top_actors(None, name=name)]
            assert total == store.count_actors(name=name)
    # The ranking is kept between requests, and computed again once the store gains claims.
    before = fresh.get("/api/actors", params={"name": "lind"}).json()["items"]
    text = "Mayor Bo Lind said that the ferry runs again.\n"
    claim = make_claim(text, "Mayor Bo Lind", "said", "the ferry runs again", actor=LIND)
    with SqliteStore(db) as store:
        assert store.add_article(Article(id="ferry", text=text, date="2026-03-09"),
                                 ArticleOut(id="ferry", date="2026-03-09", claims=[claim]))
    after = fresh.get("/api/actors", params={"name": "lind"}).json()["items"]
    assert after[0]["claims"] == before[0]["claims"] + 1


@pytest.mark.parametrize("params", ({"outlet": "bbc"}, {"since": "2026-02-01", "until": "2026-02-28"},
                                    {"event": "consult"}, {"outlet": "guardian", "event": "mobilize"}))
def test_actors_count_only_the_filtered_claims(client: TestClient, params: dict) -> None:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    items, total = follow(client, f"/api/actors?{query}&limit=7")
    everyone = client.get("/api/actors", params={"limit": 1}).json()["total"]
    assert 0 < total == len(items) < everyone
    assert [a["claims"] for a in items] == sorted((a["claims"] for a in items), reverse=True)
    for actor in items:
        spoken = client.get("/api/claims", params={**params, "actor": actor["id"], "limit": 1}).json()["total"]
        assert actor["claims"] == spoken, actor["id"]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/actors/export", params={**params, "format": "csv"}).text)))
    assert [r["id"] for r in rows] == [a["id"] for a in items]
