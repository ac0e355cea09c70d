"""The lists in a real browser (Playwright driving Debian's chromium; never `playwright install`): every list paged
to its end, a download equal to the filtered view, facets summing to the total, no horizontal scroll at 390 px,
and /docs with every non-local request blocked. Screenshots go to test-artifacts/web/.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install 'claimwatch[web]')")
pytest.importorskip("uvicorn", reason="uvicorn is not installed (pip install 'claimwatch[web]')")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

from claimwatch.web.live import chromium, chromium_path, serving  # noqa: E402

from web_fixtures import build_list_store  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "web"

if chromium_path() is None:
    pytest.skip("chromium not found at /usr/bin/chromium (apt-get install -y chromium)", allow_module_level=True)

# (page, API list, selector of one listed item)
LISTS = [("/claims", "/api/claims", ".claim-results .claim-row"),
         ("/articles", "/api/articles", ".article-list li"),
         ("/disputes", "/api/disputes", ".dispute-row"),
         ("/actors", "/api/actors", "tr.actor-row")]
PHONE_PAGES = ["/", "/claims", "/claims?q=convoy&outlet=bbc", "/articles", "/articles/convoy-01", "/disputes",
               "/disputes/dispute-00", "/actors", "/actors/person:volodymyr-zelenskyy", "/check", "/docs", "/watchlists",
               "/watchlists/convoys"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from claimwatch.web import WebSettings, create_app

    db = build_list_store(tmp_path_factory.mktemp("lists-browser") / "lists.db")
    app = create_app(WebSettings(db=db, warm_check=False))
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _context(browser, width: int = 1280, **kw):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return browser.new_context(viewport={"width": width, "height": 900 if width > 500 else 844}, **kw)


def _api_total(page, url: str) -> int:
    return page.request.get(url).json()["total"]


@pytest.mark.parametrize("path,api,item", LISTS)
def test_every_list_is_paged_to_its_end(browser, server: str, path: str, api: str, item: str) -> None:
    context = _context(browser)
    page = context.new_page()
    page.goto(server + path)
    total = _api_total(page, f"{server}{api}?limit=1")
    assert int(page.locator("#results-count").get_attribute("data-total")) == total
    seen, pages = 0, 1
    while True:
        seen += page.locator(item).count()
        nxt = page.locator('nav.pager a[rel="next"]')
        if nxt.count() == 0:
            break
        nxt.click()
        page.wait_for_load_state()
        pages += 1
    assert pages > 1 and seen == total
    assert f"page {pages} of {pages}" in page.locator("nav.pager").inner_text()
    context.close()


def test_download_matches_the_filtered_view(browser, server: str) -> None:
    context = _context(browser, accept_downloads=True)
    page = context.new_page()
    page.goto(server + "/claims")
    page.locator(".filters summary").click()
    page.fill("input[name=outlet]", "guardian")
    page.fill("input[name=since]", "2026-02-01")
    page.locator(".filter-main button").click()
    page.wait_for_load_state()
    shown = int(page.locator("#results-count").get_attribute("data-total"))
    assert 0 < shown < _api_total(page, f"{server}/api/claims?limit=1")
    page.screenshot(path=str(ARTIFACTS / "claims-filtered.png"), full_page=True)
    with page.expect_download() as info:
        page.locator("a.dl-csv").click()
    download = info.value
    assert download.suggested_filename == "claims.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    listed, url = [], f"{server}/api/claims?outlet=guardian&since=2026-02-01&limit=50"
    while url:
        body = page.request.get(url).json()
        listed += [c["id"] for c in body["items"]]
        url = server + body["next_url"] if body["next_url"] else None
    assert [r["id"] for r in rows] == listed and len(rows) == shown
    assert {r["outlet"] for r in rows} == {"The Guardian", "Guardian"}
    assert min(r["date"] for r in rows) >= "2026-02-01"
    with page.expect_download() as info:
        page.locator("a.dl-json").click()
    import json

    as_json = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert [c["id"] for c in as_json["items"]] == listed
    context.close()


@pytest.mark.parametrize("path", ["/claims", "/claims?outlet=bbc", "/claims?q=convoy&event=ASSAULT", "/disputes",
                                  "/disputes?min_score=0.6"])
def test_facets_sum_to_the_total(browser, server: str, path: str) -> None:
    context = _context(browser)
    page = context.new_page()
    page.goto(server + path)
    total = int(page.locator("#results-count").get_attribute("data-total"))
    api = "/api/disputes" if path.startswith("/disputes") else "/api/claims"
    query = urlparse(path).query
    assert total == _api_total(page, f"{server}{api}?{query}&limit=1") > 0
    facets = page.locator(".facet")
    assert sorted(facets.nth(i).get_attribute("data-facet") for i in range(facets.count())) == [
        "event", "outlet", "polarity", "speaker"]
    for i in range(facets.count()):
        counts = facets.nth(i).locator(".facet-count")
        assert sum(int(counts.nth(k).get_attribute("data-count")) for k in range(counts.count())) == total
    context.close()


def test_a_facet_link_filters_the_list(browser, server: str) -> None:
    context = _context(browser)
    page = context.new_page()
    page.goto(server + "/claims")
    first = page.locator('.facet[data-facet="outlet"] li').first
    count = int(first.locator(".facet-count").get_attribute("data-count"))
    first.locator("a").click()
    page.wait_for_load_state()
    assert int(page.locator("#results-count").get_attribute("data-total")) == count
    assert page.locator('.facet[data-facet="outlet"] li.active').count() == 1
    context.close()


def test_no_horizontal_scroll_at_390_px(browser, server: str) -> None:
    context = _context(browser, width=390)
    page = context.new_page()
    for path in PHONE_PAGES:
        response = page.goto(server + path)
        assert response is not None and response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    page.goto(server + "/claims")
    page.screenshot(path=str(ARTIFACTS / "claims-phone.png"), full_page=True)
    # The phone chart is the narrow drawing, its axis text readable (at least 9 px on screen).
    chart = page.locator("#query-timeline svg.chart-narrow")
    assert chart.is_visible() and not page.locator("#query-timeline svg.chart-wide").is_visible()
    size = page.evaluate("""() => { const t = document.querySelector('#query-timeline svg.chart-narrow text.axis');
        return t.getBoundingClientRect().height; }""")
    assert size >= 9, size
    context.close()


def test_docs_render_with_the_network_blocked(browser, server: str) -> None:
    context = _context(browser)
    blocked: list[str] = []

    def only_local(route) -> None:
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.goto(server + "/")
    page.locator("footer a", has_text="API").first.click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/docs"
    assert page.locator("h1").inner_text() == "REST API"
    ops = page.locator(".api-op")
    assert ops.count() >= 10 and ops.filter(has_text="/api/claims/export").count() == 1
    assert page.locator("#schema-ClaimPage").is_visible()
    # Our stylesheet applied (a styled panel, not a bare page), and nothing was fetched from elsewhere.
    assert page.evaluate("getComputedStyle(document.querySelector('.api-op')).borderRadius") == "8px"
    assert blocked == []
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
    context.close()
