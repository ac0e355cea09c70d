"""Watchlists end to end in Chromium: a watchlist created in the page (with the write token), a local feed read by
`claimwatch watch`'s cycle, then the alert in the watchlist's page, in its Atom feed and at a local webhook.

Needs what tests/test_web_browser.py needs (Debian's chromium, playwright; never `playwright install`).
Screenshots go to test-artifacts/web/ (gitignored); scripts/web_screenshots.py makes the ones in docs/.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install 'claimwatch[web]')")
pytest.importorskip("uvicorn", reason="uvicorn is not installed (pip install 'claimwatch[web]')")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

from claimwatch.bench.feed_server import FeedSite  # noqa: E402
from claimwatch.ingest_flow import SpacyPipeline  # noqa: E402
from claimwatch.store import open_store  # noqa: E402
from claimwatch.watch.cycle import Watcher, WatchSettings  # noqa: E402
from claimwatch.watch.sources import Source  # noqa: E402
from claimwatch.web.live import chromium, chromium_path, serving  # noqa: E402
from watch_fixtures import WebhookReceiver  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "web"
TOKEN = "browser-token-0123456789"

if chromium_path() is None:
    pytest.skip("chromium not found at /usr/bin/chromium (apt-get install -y chromium)", allow_module_level=True)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    from claimwatch.web import WebSettings, create_app

    db = tmp_path / "watch-web.db"
    open_store(db).close()
    app = create_app(WebSettings(db=db, allow_write=True, write_token=TOKEN))
    with serving(app) as url:
        yield url, db


@pytest.fixture
def page():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        pg = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        yield pg
        assert errors == [], f"JavaScript errors: {errors}"


def test_watchlist_created_in_the_page_gets_alerts_from_a_local_feed(server, page, nlp) -> None:
    url, db = server
    hook = WebhookReceiver()
    try:
        page.goto(url + "/watchlists")
        assert "No watchlists yet" in page.inner_text("#watchlist-table")
        form = page.locator("#watchlist-new")
        form.locator("input[name=name]").fill("Kremlin statements")
        form.locator("input[name=actor]").fill("Peskov")
        form.locator("input[name=webhook]").fill(hook.url)
        form.locator("input[name=token]").fill("wrong-token-000000")
        form.locator("button[type=submit]").click()
        status = form.locator(".watch-status")
        status.filter(has_text="Not saved").wait_for()
        assert "wrong X-Claimwatch-Token" in status.inner_text()
        form.locator("input[name=token]").fill(TOKEN)
        form.locator("button[type=submit]").click()
        page.wait_for_url("**/watchlists/w*")
        assert page.locator("h1").inner_text() == "Kremlin statements"
        assert page.locator("#no-alerts").is_visible()
        watchlist_path = page.url[len(url):]

        # A local news site publishes; one watch cycle reads it into the same store.
        with FeedSite(initial=4) as site, open_store(db) as store:
            stats = Watcher(store, [Source(site.url + "/feed.xml", "Local Wire")], SpacyPipeline(nlp=nlp),
                            WatchSettings(host_delay=0, embedder=None, base_url=url)).cycle()
        assert stats.stored == 4 and stats.alerts >= 1 and stats.delivered == stats.alerts

        page.reload()
        rows = page.locator(".alert-row")
        assert rows.count() == stats.alerts
        assert "Dmitry Peskov" in rows.first.inner_text() and "webhook 200" in rows.first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "watchlist.png"), full_page=True)

        # The alert's link opens the article on the claim's card.
        link = rows.first.locator("blockquote a")
        href = link.get_attribute("href")
        claim_id = href.split("#claim-", 1)[1]
        link.click()
        page.wait_for_url(f"**#claim-{claim_id}")
        card = page.locator(f"#claim-{claim_id}")
        assert card.is_visible() and card.evaluate("el => el.matches(':target')")

        # The same alerts in the Atom feed and at the webhook.
        feed = page.request.get(url + watchlist_path + "/feed.atom")
        assert feed.ok and feed.headers["content-type"].startswith("application/atom+xml")
        assert f"#claim-{claim_id}" in feed.text() and feed.text().count("<entry>") == stats.alerts
        assert len(hook.bodies) == stats.alerts
        assert claim_id in {b["claim"]["id"] for b in hook.bodies}
        assert all(b["link"].startswith(url + "/articles/") for b in hook.bodies)

        page.goto(url + "/watchlists")
        assert "Kremlin statements" in page.inner_text("#watchlist-table")
        page.screenshot(path=str(ARTIFACTS / "watchlists.png"), full_page=True)

        # Editing from the page: the token typed once is remembered for the tab.
        page.goto(url + watchlist_path)
        page.click(".watch-edit summary")
        edit = page.locator("#watchlist-edit")
        assert edit.locator("input[name=token]").input_value() == TOKEN
        edit.locator("input[name=name]").fill("Kremlin disputes")
        edit.locator("input[name=disputes]").check()
        page.screenshot(path=str(ARTIFACTS / "watchlist-edit.png"), full_page=True)
        edit.locator("button[type=submit]").click()
        page.locator("h1", has_text="Kremlin disputes").wait_for()
        assert "entering a dispute" in page.inner_text(".watch-summary")
    finally:
        hook.close()
