"""The web UI in a real browser: Playwright driving Debian's chromium against a live uvicorn server.

Needs `apt-get install chromium` and `pip install playwright` (scripts/setup.sh does both where it can); never
`playwright install`. Screenshots go to test-artifacts/web/ (gitignored).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install 'claimwatch[web]')")
pytest.importorskip("uvicorn", reason="uvicorn is not installed (pip install 'claimwatch[web]')")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

from claimwatch.web.live import chromium, chromium_path, serving  # noqa: E402

from web_fixtures import build_example_store  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "web"

if chromium_path() is None:
    pytest.skip("chromium not found at /usr/bin/chromium (apt-get install -y chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, nlp) -> Iterator[str]:
    from claimwatch.web import WebSettings, create_app

    db = build_example_store(tmp_path_factory.mktemp("browser") / "web.db", nlp)
    app = create_app(WebSettings(db=db))
    app.state.nlp.use(nlp)  # extraction and check share the session's pipeline: no second model load
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    pg.js_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert errors == [], f"JavaScript errors: {errors}"


def shot(pg, name: str) -> None:
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_home_search_and_example_article(server: str, page) -> None:
    page.goto(server + "/")
    assert page.locator("h1").inner_text().startswith("Who claimed what")
    assert "No disputes detected yet" in page.locator("#latest-disputes").inner_text()
    shot(page, "home")

    page.fill("#home-q", "withdrawal")
    page.press("#home-q", "Enter")
    page.wait_for_url("**/claims?q=withdrawal*")
    assert "claims match" in page.locator("#results-count").inner_text()
    assert page.locator(".claim-row").count() >= 1
    shot(page, "search")

    page.goto(server + "/articles")
    page.click("text=Valdoria lifts Kessen blockade")
    page.wait_for_url("**/articles/port-blockade")
    marks = page.locator("#article-text .hl")
    assert marks.count() >= 20
    assert page.locator("#article-text .hl.role-cue").count() >= 8
    assert page.locator("#article-text .boilerplate").count() == 2
    # Clicking a highlight shows the claim's details.
    page.locator('#article-text .hl.role-content', has_text="The withdrawal will take").first.click()
    pop = page.locator("#claim-popover")
    pop.wait_for(state="visible")
    details = pop.inner_text()
    assert "Andrei Kalnin" in details and "said" in details and "Kind" in details
    shot(page, "article")
    page.keyboard.press("Escape")
    assert pop.is_hidden()


def test_dispute_routes_empty_state(server: str, page) -> None:
    page.goto(server + "/disputes")
    assert "No disputes detected yet" in page.inner_text("main")
    response = page.goto(server + "/disputes/unknown-id")
    assert response is not None and response.status == 404
    assert "Not found" in page.inner_text("h1")
    shot(page, "dispute-404")


def test_check_form(server: str, page) -> None:
    page.goto(server + "/check")
    page.fill("#check-text", "Valdorian warships are still patrolling the harbour")
    page.click("form.check-form button[type=submit]")
    page.wait_for_url("**/check?text=*")
    page.locator("#check-results").wait_for()
    supports, contradicts = page.locator("#check-supports"), page.locator("#check-contradicts")
    assert supports.locator("h2").inner_text().startswith("Supports")
    assert contradicts.locator("h2").inner_text().startswith("Contradicts")
    # Side by side at desktop width.
    assert supports.bounding_box()["y"] == contradicts.bounding_box()["y"]
    assert "Ostmark" in supports.inner_text() and "patrolling" in supports.inner_text()
    shot(page, "check")
    # Each match links to its claim, highlighted on the article page.
    supports.locator(".claim-source a").first.click()
    page.wait_for_url("**/articles/port-blockade#claim-*")
    target = page.locator(".claim-card:target")
    assert target.count() == 1 and "patrolling" in target.inner_text()


def test_check_phone_width(server: str, browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.goto(server + "/check?text=Valdorian+warships+are+still+patrolling+the+harbour")
    supports, contradicts = pg.locator("#check-supports"), pg.locator("#check-contradicts")
    # One column: Contradicts below Supports, and nothing wider than the screen.
    assert contradicts.bounding_box()["y"] > supports.bounding_box()["y"]
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= 390
    pg.screenshot(path=str(ARTIFACTS / "check-phone.png"), full_page=True)
    context.close()


def test_actor_timeline(server: str, page) -> None:
    page.goto(server + "/actors/person:andrei-kalnin")
    assert page.locator("svg.timeline-svg rect.bar-claims").count() >= 1
    shot(page, "actor")


def test_xss_article_executes_nothing(server: str, page) -> None:
    page.goto(server + "/articles/xss")
    for i in range(page.locator("#article-text .hl").count()):
        mark = page.locator("#article-text .hl").nth(i)
        mark.hover()
        mark.click()
        page.keyboard.press("Escape")  # the popover would cover the next highlight
    page.mouse.move(5, 5)
    flags = page.evaluate("() => [window.__xss_script, window.__xss_attr, window.__xss_img, window.__xss_title]")
    assert flags == [None, None, None, None]
    assert page.evaluate("() => document.querySelectorAll('script').length") == 1
    assert page.evaluate("() => document.querySelectorAll('img, b, [onmouseover], [onerror]').length") == 0
    body = page.inner_text("#article-text")
    assert "<script>window.__xss_script=1;alert(1)</script>" in body
    assert '" onmouseover="window.__xss_attr=1"' in body
    assert page.title().startswith('<img src=x onerror="window.__xss_title=1">Payload')
    shot(page, "xss")


def test_phone_width(server: str, browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.goto(server + "/articles/port-blockade")
    # No horizontal scrolling at phone width.
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= 390
    pg.screenshot(path=str(ARTIFACTS / "article-phone.png"), full_page=False)
    context.close()
