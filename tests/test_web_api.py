"""The REST API and pages through FastAPI's TestClient, on a temporary store of self-written articles."""
from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install 'claimwatch[web]')")

from fastapi.testclient import TestClient  # noqa: E402

from claimwatch.store import DisputeQuery, StoredDispute  # noqa: E402
from claimwatch.store.sqlite import SqliteStore  # noqa: E402
from claimwatch.web import WebSettings  # noqa: E402
from claimwatch.web.dependencies import get_nlp, get_store  # noqa: E402
from web_fixtures import XSS_TEXT, build_example_store, build_store, make_claim, make_client  # noqa: E402

TOKEN = "test-token-0123456789abcdef"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("web") / "web.db")


@pytest.fixture(scope="module")
def client(db: Path, nlp) -> TestClient:
    return make_client(db, nlp=nlp)


def assert_error(response, status: int, contains: str = "") -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert contains.lower() in body["error"]["message"].lower()
    assert "Traceback" not in response.text
    return body


# -- articles ------------------------------------------------------------------------------------------------------


def test_list_articles_newest_first(client: TestClient) -> None:
    body = client.get("/api/articles").json()
    assert body["total"] == 4
    assert [a["id"] for a in body["items"]] == ["xss", "denial", "reopen", "berths"]
    assert body["items"][2]["claims"] == 2
    page2 = client.get("/api/articles", params={"per_page": 3, "page": 2}).json()
    assert [a["id"] for a in page2["items"]] == ["berths"]


def test_get_article_has_text_claims_and_boilerplate(client: TestClient) -> None:
    body = client.get("/api/articles/reopen").json()
    text = body["text"]
    assert len(body["claims"]) == 2
    for claim in body["claims"]:
        c = claim["content"]
        assert text[c["start"]:c["end"]] == c["text"]
    (bp,) = body["boilerplate"]
    assert text[bp["start"]:bp["end"]].startswith("Also read |")


def test_unknown_article_is_404_json(client: TestClient) -> None:
    assert_error(client.get("/api/articles/nope"), 404, "nope")


# -- claims: filters and pagination ----------------------------------------------------------------------------


@pytest.mark.parametrize("params, expected", [
    ({"speaker": "reyes"}, {"reopen"}),
    ({"actor": "person:ana-reyes"}, {"reopen"}),
    ({"actor": "OST"}, {"denial"}),
    ({"event": "reject"}, {"denial"}),
    ({"outlet": "coast daily"}, {"denial"}),
    ({"since": "2026-03-03", "until": "2026-03-04"}, {"denial"}),
    ({"until": "2026-02-28"}, {"berths"}),
    ({"q": "reopen"}, {"reopen", "denial"}),
    ({"q": "reopen", "outlet": "Harbour Post"}, {"reopen"}),
    ({"q": "nothingmatchesthis"}, set()),
])
def test_claim_filters(client: TestClient, params: dict, expected: set) -> None:
    body = client.get("/api/claims", params=params).json()
    assert {c["article_id"] for c in body["items"]} == expected
    assert body["total"] == len(body["items"])


def test_claim_denial_fields(client: TestClient) -> None:
    (claim,) = client.get("/api/claims", params={"event": "REJECT"}).json()["items"]
    assert claim["polarity"] == "denies" and claim["speaker_actor"]["id"] == "OST-MIL"
    assert claim["outlet"] == "Coast Daily" and claim["date"] == "2026-03-04"


def test_cursor_pagination_walks_every_claim_once(client: TestClient) -> None:
    seen: list[str] = []
    params = {"per_page": 5, "outlet": "Harbour Post"}
    body = client.get("/api/claims", params=params).json()
    total = body["total"]
    assert total == 14
    while True:
        seen += [c["id"] for c in body["items"]]
        if body["next_cursor"] is None:
            break
        body = client.get("/api/claims", params={**params, "cursor": body["next_cursor"]}).json()
    assert len(seen) == len(set(seen)) == total


def test_page_pagination_matches_cursor(client: TestClient) -> None:
    first = client.get("/api/claims", params={"per_page": 5}).json()
    by_page = client.get("/api/claims", params={"per_page": 5, "page": 2}).json()
    by_cursor = client.get("/api/claims", params={"per_page": 5, "cursor": first["next_cursor"]}).json()
    assert [c["id"] for c in by_page["items"]] == [c["id"] for c in by_cursor["items"]]
    assert by_page["page"] == 2 and first["next_page"] == 2
    last = client.get("/api/claims", params={"per_page": 5, "page": 4}).json()
    assert last["next_page"] is None and last["next_cursor"] is None and len(last["items"]) == 17 - 15


@pytest.mark.parametrize("params, contains", [
    ({"cursor": "not-a-cursor"}, "cursor"),
    ({"since": "last week"}, "iso date"),
    ({"per_page": 0}, "per_page"),
    ({"per_page": 10_000}, "per_page"),
    ({"page": "two"}, "page"),
])
def test_claim_query_errors_are_json(client: TestClient, params: dict, contains: str) -> None:
    status = 422 if "page" in contains else 400
    body = assert_error(client.get("/api/claims", params=params), status, contains)
    if status == 422:
        assert body["error"]["details"] and "input" not in body["error"]["details"][0]


def test_fts_syntax_in_query_does_not_fail(client: TestClient) -> None:
    r = client.get("/api/claims", params={"q": 'Kessen\'s "port'})
    assert r.status_code == 200


# -- disputes, actors, timeline ----------------------------------------------------------------------------------


def test_disputes_empty_until_detection_runs(client: TestClient) -> None:
    # The store answers query_disputes; nothing is detected until `claimwatch disputes` runs.
    body = client.get("/api/disputes").json()
    assert body["items"] == [] and body["note"] is None
    assert_error(client.get("/api/disputes/abc"), 404)


class DisputingStore(SqliteStore):
    """A store whose query_disputes pairs the stored reopen/denial claims, for this test only."""

    def query_disputes(self, query: DisputeQuery) -> list[StoredDispute]:
        from claimwatch.store import ClaimQuery

        left = self.query_claims(ClaimQuery(article_id="reopen"))[0]
        right = self.query_claims(ClaimQuery(article_id="denial"))[0]
        d = StoredDispute(id="d1", left=left, right=right, reason="explicit denial", first_seen=left.date,
                          last_seen=right.date, group_id="g1")
        return [d] if query.dispute_id in (None, "d1") and query.group_id in (None, "g1") else []


def test_disputes_wire_up_with_one_store_method(db: Path) -> None:
    client = make_client(db, store_cls=DisputingStore)
    body = client.get("/api/disputes").json()
    assert [d["id"] for d in body["items"]] == ["d1"] and body["note"] is None
    assert client.get("/api/disputes/d1").json()["right"]["polarity"] == "denies"
    page = client.get("/disputes/d1").text
    assert "Ana Reyes" in page and "Ostmark coast guard" in page and "explicit denial" in page
    assert 'href="/disputes?group=g1"' in page  # every pair of its group
    assert [d["id"] for d in client.get("/api/disputes", params={"group": "g1"}).json()["items"]] == ["d1"]
    assert client.get("/api/disputes", params={"group": "g2"}).json()["items"] == []
    assert 'href="/disputes/d1"' in client.get("/").text
    timeline = client.get("/api/timeline", params={"actor": "VLD"}).json()
    assert {d["day"]: d["disputes"] for d in timeline["days"]}["2026-03-04"] == 1


def test_actors(client: TestClient) -> None:
    items = client.get("/api/actors").json()["items"]
    assert items[0]["id"] == "person:ana-reyes" and items[0]["claims"] == 2
    assert client.get("/api/actors/OST-MIL").json()["name"] == "Ostmark coast guard"
    assert_error(client.get("/api/actors/nobody"), 404)


def test_timeline(client: TestClient) -> None:
    body = client.get("/api/timeline", params={"actor": "person:ana-reyes"}).json()
    assert body["days"] == [{"day": "2026-03-02", "claims": 2, "disputes": 0}]
    body = client.get("/api/timeline", params={"q": "reopen"}).json()
    assert [(d["day"], d["claims"]) for d in body["days"]] == [("2026-03-02", 1), ("2026-03-04", 1)]
    assert_error(client.get("/api/timeline"), 400, "actor")


# -- check and extract ---------------------------------------------------------------------------------------------


def test_check_validation(client: TestClient) -> None:
    assert_error(client.post("/api/check", json={}), 422, "text")
    assert_error(client.post("/api/check", content=b"{not json", headers={"content-type": "application/json"}), 422)
    assert_error(client.post("/api/check", json={"text": "The port will reopen.", "date": "next week"}), 422, "date")
    assert_error(client.post("/api/check", json={"text": "The port will reopen.", "limit": 0}), 422, "limit")
    assert_error(client.post("/api/check", json={"text": "   "}), 400, "empty")
    # Too long for one claim, though well under the body limit.
    assert_error(client.post("/api/check", json={"text": "The port will reopen. " * 300}), 413, "5000")
    assert client.get("/check", params={"text": "x" * 5001}).status_code == 422


# The real checker (claimwatch.disputes.check.Checker) over the built-in example, port-blockade.txt: Ostmark says
# Valdorian warships still patrol the harbour, its foreign ministry that Valdoria reinforces its naval presence.


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory, nlp) -> TestClient:
    return make_client(build_example_store(tmp_path_factory.mktemp("check") / "example.db", nlp), nlp=nlp)


def check(client: TestClient, text: str, **extra) -> dict:
    r = client.post("/api/check", json={"text": text, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def test_check_finds_the_supporting_claim(example: TestClient) -> None:
    body = check(example, "Valdorian warships are still patrolling the harbour")
    top = body["supports"][0]
    assert top["speaker"] == "Ostmark" and "still patrolling the harbour entrance" in top["claim"]
    assert top["stance"] == "supports" and 0 < top["score"] <= 1 and top["reason"]
    assert (top["article_id"], top["date"], top["outlet"]) == ("port-blockade", "2026-03-02", "claimwatch example")
    assert top["link"] == f"/articles/port-blockade#claim-{top['claim_id']}"
    assert top["actor"]["id"] and top["cue"] == "claims"
    assert not any("patrolling" in m["claim"] for m in body["contradicts"])
    # The pasted text, parsed as one claim nobody in particular makes.
    assert body["claim"]["content"]["text"] == "Valdorian warships are still patrolling the harbour"
    assert body["claim"]["speaker"] is None
    assert body["claims_searched"] == example.get("/api/claims", params={"all": "1"}).json()["total"]
    assert body["embedder"] and body["method"] == "embeddings+frames" and body["addressed"] is True
    # The link leads to the claim's card on the article page.
    assert f'id="claim-{top["claim_id"]}"' in example.get(top["link"].split("#")[0]).text


def test_check_finds_the_contradicting_claim(example: TestClient) -> None:
    body = check(example, "It is false that Valdoria is reinforcing its naval presence off the coast")
    [denied] = [m for m in body["contradicts"] if m["speaker"] == "Ostmark's foreign ministry"]
    assert denied["claim"].startswith("that Valdoria is reinforcing its naval presence off the coast")
    assert denied["stance"] == "contradicts" and "denies" in denied["reason"]
    assert not any("reinforcing" in m["claim"] for m in body["supports"])


def test_check_says_when_nothing_stored_addresses_the_text(example: TestClient) -> None:
    body = check(example, "A new lighthouse keeper was appointed in a distant fishing town")
    assert body["addressed"] is False and body["message"] == "No stored claim addresses this"
    assert body["supports"] == [] and body["contradicts"] == []
    page = example.get("/check", params={"text": "A new lighthouse keeper was appointed in a distant fishing town"})
    assert page.status_code == 200 and "No stored claim addresses this" in page.text
    assert 'id="check-supports"' not in page.text


def test_check_page_shows_both_columns(example: TestClient) -> None:
    r = example.get("/check", params={"text": "Valdorian warships are still patrolling the harbour"})
    assert r.status_code == 200
    page = assert_inert(r.text)
    ids = {a.get("id") for _, a in page.tags}
    assert {"check-results", "check-supports", "check-contradicts"} <= ids
    shown = " ".join(" ".join(page.text).split())
    assert "Supports" in shown and "Contradicts" in shown
    assert "Ostmark" in shown and "still patrolling the harbour entrance" in shown
    assert "claimwatch example" in shown and "2026-03-02" in shown
    links = [a["href"] for t, a in page.tags if t == "a" and a.get("href", "").startswith("/articles/port-blockade#")]
    assert len(links) >= 1
    # Without text: the form only.
    assert "check-results" not in example.get("/check").text

def test_check_page_escapes_stored_claims(client: TestClient) -> None:
    """The XSS article's claims come back as matches: speaker, quote and outlet print as text."""
    r = client.get("/check", params={"text": '<img src=x onerror="window.__xss_img=1"> never loads'})
    page = assert_inert(r.text)
    shown = "".join(page.text)
    assert '<img src=x onerror="window.__xss_img=1"> never loads' in shown
    assert '<b>Evil</b> "Outlet"' in shown and '" onmouseover="window.__xss_attr=1"' in shown


def test_a_repeated_check_reuses_the_candidates_read_before(tmp_path: Path, nlp, monkeypatch) -> None:
    """Candidates read and profiled for one check are kept for the next: same answer, no store read for them."""
    from claimwatch.store.sqlstore import SqlStore

    db = build_store(tmp_path / "cache.db")
    client = make_client(db, nlp=nlp)
    reads: list[int] = []
    real = SqlStore.claims_by_id

    def counting(self, ids):
        reads.append(len(ids))
        return real(self, ids)

    monkeypatch.setattr(SqlStore, "claims_by_id", counting)
    text = "The port of Kessen will reopen on Friday"
    first = check(client, text)
    assert reads and reads[0] > 0
    second = check(client, text)
    assert len(reads) == 1  # every candidate came from the cache
    for out in (first, second):
        out.pop("seconds")
    assert second == first


def test_check_threads_run_at_lower_priority(db: Path) -> None:
    """Checks compute on threads of lower CPU priority (Linux), so searches get a core first under load."""
    import os
    import sys
    import threading

    from claimwatch.web.checker import CHECK_NICENESS, CheckService

    if not sys.platform.startswith("linux"):
        pytest.skip("per-thread priority is Linux's")
    service = CheckService(WebSettings(db=db), nlp=lambda: None)
    service._check = lambda store, text, **_: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    base = os.getpriority(os.PRIO_PROCESS, 0)
    assert service.check(None, "anything") == min(19, base + CHECK_NICENESS)
    assert os.getpriority(os.PRIO_PROCESS, 0) == base  # the calling thread keeps its own
    service.close()


def test_check_sees_a_new_ingest_and_writes_nothing(tmp_path: Path, nlp) -> None:
    from claimwatch.disputes.embeddings import LEXICAL, MINILM
    from claimwatch.schema import Article, ArticleOut

    db = build_store(tmp_path / "grow.db")
    client = make_client(db, nlp=nlp)
    service = client.app.state.checker
    text = "The port of Kessen will reopen on Friday"
    first = check(client, text)
    assert "Ana Reyes" in {m["speaker"] for m in first["supports"]}
    assert "The coast guard" in {m["speaker"] for m in first["contradicts"]}
    check(client, text)
    assert service.matrix_builds == 1  # the claim matrix is reused while the store does not change

    t = "Harbour master Jo Park said that the port of Kessen will reopen on Friday.\n"
    claim = make_claim(t, "Harbour master Jo Park", "said", "the port of Kessen will reopen on Friday",
                       resolved="Jo Park", event="RETREAT")
    with SqliteStore(db) as store:
        assert store.add_article(Article(id="park", text=t, date="2026-03-03"),
                                 ArticleOut(id="park", date="2026-03-03", claims=[claim]))
    again = check(client, text)
    assert "Jo Park" in {m["speaker"] for m in again["supports"]}
    assert again["claims_searched"] == first["claims_searched"] + 1 and service.matrix_builds == 2
    # Read-only: no vector was saved (the server embeds in memory; `claimwatch disputes` saves them).
    with SqliteStore(db, create=False) as store:
        assert all(store.embedding_matrix(name)[0] == [] for name in (MINILM, LEXICAL))


def test_check_models_load_once_per_process(db: Path, nlp) -> None:
    from claimwatch.disputes.embeddings import MiniLMEmbedder

    a, b = make_client(db, nlp=nlp), make_client(db, nlp=nlp)
    check(a, "The harbour fees will fall")
    check(b, "The harbour fees will fall")
    ma, mb = a.app.state.checker.models(), b.app.state.checker.models()
    assert ma.nlp is nlp and mb.nlp is nlp  # the pipeline handed to the app, shared with extraction
    assert ma.embedder is mb.embedder
    if MiniLMEmbedder.available():  # the disputes extra (CI installs it): nothing is missing
        assert ma.note is None


def test_check_without_a_model_is_a_json_503(db: Path) -> None:
    from claimwatch.errors import ModelNotFoundError

    client = make_client(db)

    def missing():
        raise ModelNotFoundError("spaCy pipeline 'xx_nothing' is not installed: pip install xx_nothing")

    client.app.state.nlp.get = missing
    body = assert_error(client.post("/api/check", json={"text": "The harbour fees will fall"}), 503, "xx_nothing")
    assert "not available" in body["error"]["message"]
    page = client.get("/check", params={"text": "The harbour fees will fall"})
    assert page.status_code == 503 and "Traceback" not in page.text


def test_check_falls_back_without_sentence_embeddings(db: Path, nlp, monkeypatch: pytest.MonkeyPatch) -> None:
    from claimwatch.disputes.embeddings import LEXICAL, MiniLMEmbedder
    from claimwatch.web.checker import load_embedder

    monkeypatch.setattr(MiniLMEmbedder, "available", staticmethod(lambda: False))
    emb, note = load_embedder.__wrapped__("auto")  # uncached: as on a machine without torch
    assert emb.name == LEXICAL
    assert "not installed" in note and "pip install" in note

    lexical = make_client(db, nlp=nlp, embedder="lexical")
    body = check(lexical, "The port of Kessen will reopen on Friday")
    assert body["embedder"] == LEXICAL and body["method"] == "embeddings+frames" and "lexical" in body["note"]
    assert "Ana Reyes" in {m["speaker"] for m in body["supports"]}


FOUNDING = Path(os.environ.get("CLAIMWATCH_FOUNDING_EXAMPLE")
                or Path(__file__).resolve().parents[2] / "shared" / "examples" / "crimea-withdrawal.txt")


def test_founding_example_through_the_api(tmp_path: Path, nlp) -> None:
    """The founding example ingested by `claimwatch ingest`, checked over HTTP: Moscow's side supports a withdrawal,
    the West's allegation contradicts it."""
    if not FOUNDING.is_file():
        pytest.skip(f"founding example not found at {FOUNDING}")
    from click.testing import CliRunner

    from claimwatch.cli import main

    db = tmp_path / "crimea.db"
    run = CliRunner().invoke(main, ["ingest", str(FOUNDING), "--date", "2022-02-17", "--db", str(db)])
    assert run.exit_code == 0, run.output
    body = check(make_client(db, nlp=nlp), "Russia is pulling its troops back from Crimea")
    supports = {m["speaker"] for m in body["supports"]}
    assert {"the Ministry of Defence", "Dmitry Peskov"} <= supports
    west = [m for m in body["contradicts"] if m["speaker"] == "the West"]
    assert any("increasing its military presence" in m["claim"] for m in west)
    assert not any(m["speaker"] == "the West" for m in body["supports"])


def test_extract_does_not_store(db: Path, nlp) -> None:
    client = make_client(db)
    client.app.dependency_overrides[get_nlp] = lambda: nlp
    before = client.get("/api/articles").json()["total"]
    r = client.post("/api/extract", json={"text": "The mayor said that the bridge will close on Monday.",
                                          "date": "2026-03-04"})
    assert r.status_code == 200, r.text
    (claim,) = r.json()["claims"]
    assert claim["cue"]["text"] == "said" and "bridge" in claim["content"]["text"]
    assert client.get("/api/articles").json()["total"] == before


# -- write protection ------------------------------------------------------------------------------------------


def _no_nlp():
    raise AssertionError("the model must not load for a refused request")


def test_read_only_by_default(db: Path) -> None:
    client = make_client(db)
    client.app.dependency_overrides[get_nlp] = _no_nlp
    assert_error(client.post("/api/articles", json={"text": "x said y."}, headers={"X-Claimwatch-Token": TOKEN}),
                 403, "read-only")


def test_write_needs_the_token(tmp_path: Path, nlp) -> None:
    db = build_store(tmp_path / "rw.db")
    client = make_client(db, allow_write=True, write_token=TOKEN)
    client.app.dependency_overrides[get_nlp] = _no_nlp
    body = {"id": "new", "text": "The mayor said that the bridge will close on Monday.", "outlet": "Bridge News"}
    assert_error(client.post("/api/articles", json=body), 401, "token")
    assert_error(client.post("/api/articles", json=body, headers={"X-Claimwatch-Token": "wrong"}), 401)
    client.app.dependency_overrides[get_nlp] = lambda: nlp
    r = client.post("/api/articles", json=body, headers={"X-Claimwatch-Token": TOKEN})
    assert r.status_code == 201, r.text
    assert r.json()["stored"] is True and r.json()["article"]["claims"] == 1
    assert client.get("/api/claims", params={"outlet": "Bridge News"}).json()["total"] == 1
    assert_error(client.post("/api/articles", json=body, headers={"X-Claimwatch-Token": TOKEN}), 409)


def test_write_without_token_is_refused_at_startup(db: Path) -> None:
    from claimwatch.errors import ClaimwatchError

    with pytest.raises(ClaimwatchError, match="token"):
        WebSettings(db=db, allow_write=True, write_token=None)


# -- limits, errors, headers ---------------------------------------------------------------------------------------


def test_body_size_limit(db: Path, nlp) -> None:
    client = make_client(db, max_body_bytes=2000, nlp=nlp)
    big = json.dumps({"text": "word " * 1000}).encode()
    assert_error(client.post("/api/check", content=big, headers={"content-type": "application/json"}), 413, "larger")

    def chunks():  # no Content-Length: the limit holds for streamed bodies too
        for _ in range(10):
            yield b" " * 500

    assert_error(client.post("/api/check", content=chunks(), headers={"content-type": "application/json"}), 413)
    assert client.post("/api/check", json={"text": "port reopen"}).status_code == 200


def test_unexpected_errors_are_json_without_traceback(db: Path) -> None:
    client = make_client(db)

    def broken():
        raise RuntimeError("secret internals /etc/passwd")

    client.app.dependency_overrides[get_store] = broken
    body = assert_error(client.get("/api/claims"), 500)
    assert "secret" not in body["error"]["message"]
    page = client.get("/claims")
    assert page.status_code == 500 and "secret" not in page.text and "Traceback" not in page.text


def test_unknown_route_is_json(client: TestClient) -> None:
    assert_error(client.get("/api/nothing-here"), 404)
    assert_error(client.delete("/api/articles/reopen"), 405)


def test_cors_off_by_default_and_on_when_configured(db: Path) -> None:
    origin = {"Origin": "https://newsroom.example"}
    assert "access-control-allow-origin" not in make_client(db).get("/api/articles", headers=origin).headers
    on = make_client(db, cors_origins=("https://newsroom.example",))
    assert on.get("/api/articles", headers=origin).headers["access-control-allow-origin"] == "https://newsroom.example"


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/claims", "/api/disputes", "/api/actors",
                 "/api/timeline", "/api/check", "/api/extract"):
        assert path in spec["paths"], path
    assert "ClaimPage" in spec["components"]["schemas"]
    assert client.get("/docs").status_code == 200


def test_security_headers_on_pages(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


# -- pages and escaping ----------------------------------------------------------------------------------------------


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


def assert_inert(html: str) -> Tags:
    """No injected element or attribute: the only script is ours, no event handler attributes, no <img>/<b>."""
    page = parse(html)
    scripts = [a for t, a in page.tags if t == "script"]
    assert scripts == [{"src": "/static/claimwatch.js", "defer": None}]
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    assert not any(t in ("img", "b") for t, _ in page.tags)
    return page


def test_pages_render(client: TestClient) -> None:
    for path in ("/", "/articles", "/articles/reopen", "/claims", "/claims?q=reopen&outlet=Harbour+Post",
                 "/disputes", "/actors", "/actors/person:ana-reyes", "/check", "/check?text=port+reopen"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert_inert(r.text)


def test_home_shows_empty_disputes(client: TestClient) -> None:
    html = client.get("/").text
    assert "No disputes detected yet." in html and "Kessen port to reopen" in html


def test_dispute_page_404_for_unknown_id(client: TestClient) -> None:
    r = client.get("/disputes/nope")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html") and "Not found" in r.text
    assert client.get("/actors/nobody").status_code == 404


def test_article_page_highlights_each_claim(client: TestClient) -> None:
    page = parse(client.get("/articles/reopen").text)
    marks = [a for t, a in page.tags if t == "a" and "hl" in a.get("class", "").split()]
    roles = {c for a in marks for c in a["class"].split() if c.startswith("role-")}
    assert roles == {"role-speaker", "role-cue", "role-content"}
    assert {a["data-claim"] for a in marks} == {"0", "1"}
    # Same resolved speaker (Ana Reyes), same colour.
    assert len({c for a in marks for c in a["class"].split() if c.startswith("spk-")}) == 1
    assert any("boilerplate" in a.get("class", "") for t, a in page.tags if t == "span")
    # The page shows the whole text, unchanged (each line once).
    shown = "".join(page.text)
    for line in client.get("/api/articles/reopen").json()["text"].splitlines():
        assert line in shown


def test_xss_article_renders_as_text(client: TestClient) -> None:
    html = client.get("/articles/xss").text
    page = assert_inert(html)
    shown = "".join(page.text)
    # Every payload shows up as text, character for character.
    assert "<script>window.__xss_script=1;alert(1)</script>" in shown
    assert '" onmouseover="window.__xss_attr=1"' in shown
    assert '<img src=x onerror="window.__xss_img=1">' in shown and '<b>Evil</b> "Outlet"' in shown
    assert "<script>window" not in html and 'onmouseover="window' not in html
    assert "&lt;script&gt;" in html
    for path in ("/claims?q=script", "/actors/person:bo-lind", "/check?text=<script>alert(1)</script>",
                 '/claims?speaker="><script>alert(1)</script>', "/"):
        assert_inert(client.get(path).text)
    assert XSS_TEXT  # the fixture text was stored as is
    assert client.get("/api/articles/xss").json()["text"] == XSS_TEXT


def test_templates_autoescape(client: TestClient) -> None:
    assert client.app.state.templates.env.autoescape is True


def test_claims_report_statements_unless_all(tmp_path: Path) -> None:
    """The API and the search page list only claims that report a statement unless `all=1` is asked for."""
    from claimwatch.schema import Article, ArticleOut

    text = "The harbour master said the quay was safe. The engineers ran models of the tide."
    claims = [make_claim(text, "The harbour master", "said", "the quay was safe"),
              make_claim(text, "The engineers", "ran models", "of the tide", cue_class=None)]
    db = tmp_path / "noise.db"
    with SqliteStore(db) as s:
        s.add_article(Article(id="q", text=text, date="2031-04-01", outlet="Gazette"),
                      ArticleOut(id="q", date="2031-04-01", outlet="Gazette", claims=claims))
    client = make_client(db)
    default = client.get("/api/claims").json()
    everything = client.get("/api/claims", params={"all": "1"}).json()
    assert [c["content"]["text"] for c in default["items"]] == ["the quay was safe"]
    assert default["total"] == 1 and everything["total"] == 2
    page = client.get("/claims", params={"all": "1"})
    assert page.status_code == 200 and "of the tide" in page.text and 'name="all" value="1" checked' in page.text
    assert "of the tide" not in client.get("/claims").text
