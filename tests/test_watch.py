"""`claimwatch watch`: sources, polite fetching, cycles that resume, alerts and their deliveries (local servers only)."""
from __future__ import annotations

import io
import json
import threading
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from claimwatch.alerts.atom import render_atom
from claimwatch.alerts.delivery import SmtpSettings, deliver
from claimwatch.alerts.matching import new_alerts
from claimwatch.bench.feed_server import FeedSite
from claimwatch.cli import main
from claimwatch.errors import ClaimwatchError
from claimwatch.ingest_flow import SpacyPipeline
from claimwatch.progress import ProgressLine, StageProgress, progress_text
from claimwatch.store import Watchlist, open_store
from claimwatch.watch.cycle import Watcher, WatchSettings
from claimwatch.watch.fetch import Fetcher, backoff_seconds
from claimwatch.watch.sources import Source, parse_sources
from watch_fixtures import FakeSmtp, WebhookReceiver

PAST = "2000-01-01T00:00:00+00:00"
FAST = WatchSettings(interval=0.1, host_delay=0.0, backoff_base=30, embedder=None)


@pytest.fixture
def site():
    with FeedSite(initial=3) as s:
        yield s


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "watch.db")
    yield s
    s.close()


def watcher(store, sources, nlp, settings=FAST, **kw):
    problems: list[str] = []
    w = Watcher(store, sources, SpacyPipeline(nlp=nlp), settings, on_problem=problems.append, **kw)
    w.problems = problems  # type: ignore[attr-defined]
    return w


def article_urls(store) -> list[str]:
    return sorted(a.url for a in store.list_articles(limit=None))


# -- sources file ---------------------------------------------------------------------------------------------------


def test_sources_file_lines(tmp_path: Path) -> None:
    text = "# my sources\n\nhttps://a.example/rss.xml  Example Times\nhttps://b.example/sitemap.xml\nwire\tWire desk\n"
    found = parse_sources(text, base=tmp_path)
    assert found[0] == Source("https://a.example/rss.xml", "Example Times")
    assert found[1] == Source("https://b.example/sitemap.xml", None)
    assert found[2] == Source(str((tmp_path / "wire").resolve()), "Wire desk") and not found[2].is_url
    assert found[2].key.startswith("dir:")


@pytest.mark.parametrize("text, message", [
    ("", "no sources"),
    ("ftp://x.example/feed\n", r"sources:1: only http\(s\) URLs"),
    ("https://a.example/f\nhttps://a.example/f  Again\n", "listed twice"),
])
def test_bad_sources_files_say_which_line(text: str, message: str) -> None:
    with pytest.raises(ClaimwatchError, match=message):
        parse_sources(text)


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [backoff_seconds(n, 10, 60) for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]


# -- cycles -----------------------------------------------------------------------------------------------------------


def test_a_cycle_ingests_new_items_once_and_a_restart_resumes(site, store, nlp) -> None:
    w = watcher(store, [Source(site.url + "/feed.xml", "Local Wire")], nlp)
    first = w.cycle()
    assert (first.new_items, first.stored, first.errors) == (3, 3, 0) and first.claims > 0
    assert article_urls(store) == sorted(site.article_url(n) for n in (1, 2, 3))
    assert {a.outlet for a in store.list_articles(limit=None)} == {"Local Wire"}
    # Nothing new: the feed answers 304 to the conditional GET.
    second = w.cycle()
    assert (second.not_modified, second.new_items, second.stored) == (1, 0, 0) and site.conditional_hits == 1
    site.publish()
    site.publish()
    # A new process on the same store (a restart) sees only the two new articles.
    w2 = watcher(store, [Source(site.url + "/feed.xml", "Local Wire")], nlp)
    third = w2.cycle()
    assert (third.new_items, third.stored, third.duplicates) == (2, 2, 0)
    assert len(article_urls(store)) == 5
    assert all(site.requests[f"/articles/{n}.html"] == 1 for n in range(1, 6))  # each page fetched once


def test_a_crash_before_items_are_recorded_stores_nothing_twice(site, store, nlp) -> None:
    w = watcher(store, [Source(site.url + "/feed.xml")], nlp)
    w.cycle()
    # What a kill -9 between storing the articles and recording them leaves: stored articles, no handled items,
    # no validators. The next run reads everything again and the ingest flow finds the copies.
    import sqlalchemy as sa

    from claimwatch.store import tables as T

    with store.transaction():
        store.connection.execute(sa.delete(T.watch_items))
        store.connection.execute(sa.update(T.watch_sources).values(etag=None, last_modified=None))
    again = watcher(store, [Source(site.url + "/feed.xml")], nlp).cycle()
    assert (again.new_items, again.stored, again.duplicates) == (3, 0, 3)
    assert store.counts()["articles"] == 3


def test_bad_sources_give_one_problem_line_and_back_off(site, store, nlp) -> None:
    bad = [site.url + "/broken.xml", site.url + "/garbage.xml", site.url + "/loop", "http://127.0.0.1:9/feed.xml"]
    w = watcher(store, [Source(u) for u in bad] + [Source(site.url + "/feed.xml")], nlp)
    stats = w.cycle()
    assert stats.errors == 4 and stats.stored == 3  # the good source is read all the same
    assert len(w.problems) == 4 and all("\n" not in p for p in w.problems)
    assert any("HTTP 500" in p for p in w.problems) and any("redirect" in p for p in w.problems)
    assert any("not a feed or sitemap" in p for p in w.problems)
    state = store.source_state(site.url + "/broken.xml")
    assert state.failures == 1 and state.next_try is not None and "HTTP 500" in state.last_error
    requests_before = site.requests["/broken.xml"]
    again = w.cycle()
    assert again.backing_off == 4 and again.errors == 0 and site.requests["/broken.xml"] == requests_before


def test_a_failing_source_is_tried_again_once_its_wait_is_over(site, store, nlp) -> None:
    import time

    w = watcher(store, [Source(site.url + "/broken.xml")], nlp, WatchSettings(host_delay=0, backoff_base=0.01,
                                                                              backoff_cap=100, embedder=None))
    for _ in range(3):
        time.sleep(1.05)  # next_try is kept to the second
        assert w.cycle().errors == 1
    state = store.source_state(site.url + "/broken.xml")
    assert state.failures == 3 and site.requests["/broken.xml"] == 3
    assert "failure 3 in a row" in w.problems[-1]


def test_sitemap_and_directory_sources(site, store, nlp, tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "one.txt").write_text("The minister said on Monday that the bridge would reopen in May.\n")
    w = watcher(store, [Source(site.url + "/sitemap.xml", "Sitemap Wire"), Source(str(folder), "Desk")], nlp)
    stats = w.cycle()
    assert stats.stored == 4 and stats.errors == 0
    assert {a.outlet for a in store.list_articles(limit=None)} == {"Sitemap Wire", "Desk"}
    (folder / "two.txt").write_text("The mayor said the new tram line would open next year.\n")
    assert w.cycle().stored == 1  # only the new file


def test_host_delay_spaces_requests_to_one_host(site) -> None:
    import time

    fetcher = Fetcher(host_delay=0.3)
    try:
        t0 = time.monotonic()
        for _ in range(3):
            assert fetcher.get(site.url + "/feed.xml").status == 200
        assert time.monotonic() - t0 >= 0.6
    finally:
        fetcher.close()


def test_stop_ends_the_loop_after_the_current_item(site, store, nlp) -> None:
    stop = threading.Event()
    seen = []

    def on_cycle(stats):
        seen.append(stats)
        stop.set()

    w = watcher(store, [Source(site.url + "/feed.xml")], nlp, stop=stop, on_cycle=on_cycle)
    w.run()  # returns once stop is set, instead of cycling for ever
    assert len(seen) == 1


# -- alerts -----------------------------------------------------------------------------------------------------------


def test_watchlist_alerts_reach_the_webhook_and_the_mail_once(site, store, nlp) -> None:
    hook, smtp = WebhookReceiver(), FakeSmtp()
    try:
        store.save_watchlist(Watchlist(id="wp", name="Peskov", actor="Peskov", webhook=hook.url,
                                       email="desk@example.org", created_at=PAST, checked_at=PAST))
        store.save_watchlist(Watchlist(id="wx", name="Nobody", actor="Nobody Atall", created_at=PAST, checked_at=PAST))
        w = watcher(store, [Source(site.url + "/feed.xml")], nlp,
                    WatchSettings(host_delay=0, embedder=None, base_url="http://claims.example"),
                    smtp=SmtpSettings(host="127.0.0.1", port=smtp.port, sender="cw@example.org"))
        stats = w.cycle()
        alerts = store.alerts("wp")
        peskov = [c for c in store.query_claims(Watchlist(id="q", name="q", actor="Peskov").claim_query())]
        assert stats.alerts == len(alerts) == len(peskov) > 0 and store.alerts("wx") == []
        assert {b["claim"]["id"] for b in hook.bodies} == {c.id for c in peskov}
        body = hook.bodies[0]
        assert body["watchlist"]["id"] == "wp" and body["kind"] == "claim"
        assert body["link"] == f"http://claims.example/articles/{body['claim']['article']['id']}#claim-{body['claim']['id']}"
        assert body["claim"]["article"]["url"].startswith(site.url + "/articles/")
        assert len(smtp.messages) == len(alerts) and smtp.messages[0][1] == ["desk@example.org"]
        assert "#claim-" in smtp.messages[0][2]
        assert all(a.webhook_status == "200" and a.mail_status == "sent" for a in store.alerts("wp"))
        # Later cycles raise nothing again for the same claims.
        assert w.cycle().alerts == 0 and len(hook.bodies) == len(alerts)
    finally:
        hook.close()
        smtp.close()


def test_a_new_watchlist_alerts_on_claims_stored_after_it_only(site, store, nlp) -> None:
    w = watcher(store, [Source(site.url + "/feed.xml")], nlp)
    w.cycle()
    import time

    time.sleep(1.1)  # times are kept to the second: the watchlist is created a second after those articles
    store.save_watchlist(Watchlist(id="new", name="any claim"))
    w.cycle()
    assert store.alerts("new") == []
    site.publish()
    w.cycle()
    found = store.alerts("new")
    assert found and {a.payload["claim"]["article"]["url"] for a in found} == {site.article_url(4)}


def test_dispute_watchlists_alert_when_a_claim_enters_a_dispute(site, store, nlp) -> None:
    watcher(store, [Source(site.url + "/feed.xml")], nlp).cycle()
    store.save_watchlist(Watchlist(id="d", name="disputed", disputes=True, created_at=PAST, checked_at=PAST))
    assert new_alerts(store, "http://x") == []  # claims alone do not alert a dispute watchlist
    claims = store.query_claims(Watchlist(id="q", name="q").claim_query())
    left, right = claims[0], claims[-1]
    store.save_detection([], [{"id": "p1", "group_id": "g1", "left_claim_id": left.id, "right_claim_id": right.id,
                               "reason": "denial", "reasons": ["denial"], "score": 0.9}])
    raised = new_alerts(store, "http://x")
    assert {(a.kind, a.claim_id, a.dispute_id) for a in raised} == {("dispute", left.id, "p1"),
                                                                   ("dispute", right.id, "p1")}
    assert raised[0].payload["dispute"]["other"]["id"] in (left.id, right.id)
    assert new_alerts(store, "http://x") == []


def test_failed_deliveries_are_recorded_not_raised(store) -> None:
    hook = WebhookReceiver(status=500)
    try:
        store.add_article(*_one_article())
        store.save_watchlist(Watchlist(id="w", name="all", webhook=hook.url, email="a@b.example",
                                       created_at=PAST, checked_at=PAST))
        raised = new_alerts(store, "http://x")
        assert deliver(store, raised, SmtpSettings(host="127.0.0.1", port=9)) == (0, 2 * len(raised))
        alert = store.alerts("w")[0]
        assert alert.webhook_status == "error: HTTP 500" and alert.mail_status.startswith("error:")
    finally:
        hook.close()


def _one_article():
    from store_fixtures import T1, article, claim

    # A claim a list shows (speaker and cue): alerts follow what lists show.
    return article("a1", T1, [claim(T1, "the economy is strong", speaker="Biden", resolved="Joe Biden", cue="said")])


def test_atom_feed_parses_and_links_to_the_claim(store) -> None:
    store.add_article(*_one_article())
    wl = store.save_watchlist(Watchlist(id="w", name="all", created_at=PAST, checked_at=PAST))
    new_alerts(store, "http://x")
    xml = render_atom(wl, store.alerts("w"), feed_url="http://site/watchlists/w/feed.atom",
                      page_url="http://site/watchlists/w", site_url="http://site")
    parsed = feedparser.parse(xml)
    assert not parsed.bozo and parsed.feed.title == "claimwatch: all"
    entry = parsed.entries[0]
    claim_id = store.alerts("w")[0].claim_id
    assert entry.link == f"http://site/articles/a1#claim-{claim_id}" and "economy" in entry.title


# -- progress lines ---------------------------------------------------------------------------------------------------


def test_progress_line_reports_done_total_rate_and_eta() -> None:
    assert progress_text("ingest", 50, 200, 10.0) == "ingest: 50/200 (25%), 5.0/s, ETA 30s"
    assert progress_text("watch", 7, None, 2.0, "items") == "watch: 7 items, 3.5/s"
    now = [0.0]
    out = io.StringIO()
    line = ProgressLine("ingest", 100, every=5, stream=out, clock=lambda: now[0])
    for t, done in ((1, 10), (4, 40), (6, 60), (8, 80), (12, 100)):
        now[0] = t
        line.update(done)
    assert out.getvalue().splitlines() == ["ingest: 60/100 (60%), 10.0/s, ETA 4s",
                                           "ingest: 100/100 (100%), 8.3/s, ETA 0s"]
    stages = StageProgress("disputes", stream=out, every=0)
    stages("compare", 5, 10)
    assert out.getvalue().splitlines()[-1].startswith("disputes compare: 5/10 (50%)")


def test_ingest_writes_progress_lines_when_stderr_is_not_a_terminal(tmp_path: Path, monkeypatch) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"a{n}", "text": f"The mayor said on day {n} that the tram line {n} "
                                       f"would open next year."}) + "\n" for n in range(3)))
    monkeypatch.setenv("CLAIMWATCH_PROGRESS_S", "0")
    result = CliRunner().invoke(main, ["ingest", str(src), "--db", str(tmp_path / "p.db")])
    assert result.exit_code == 0, result.output
    lines = [x for x in result.stderr.splitlines() if x.startswith("ingest: ")]
    assert lines[-1].startswith("ingest: 3/3 (100%)") and "/s, ETA" in lines[-1]


# -- command line -----------------------------------------------------------------------------------------------------


def test_watchlist_commands_and_one_watch_cycle(site, tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    added = runner.invoke(main, ["watchlist", "add", "Peskov", "--actor", "Peskov", "--db", db, "-f", "json"])
    assert added.exit_code == 0, added.output
    wid = json.loads(added.stdout)["id"]
    bad = runner.invoke(main, ["watchlist", "add", "x", "--webhook", "ftp://no", "--db", db])
    assert bad.exit_code == 1 and "http(s) URL" in bad.output and "Traceback" not in bad.output
    edited = runner.invoke(main, ["watchlist", "edit", wid, "--outlet", "Local Wire", "--db", db, "-f", "json"])
    assert json.loads(edited.stdout)["outlet"] == "Local Wire"
    listed = runner.invoke(main, ["watchlist", "list", "--db", db])
    assert wid in listed.stdout and "actor 'Peskov' and outlet 'Local Wire'" in listed.stdout
    sources = tmp_path / "sources.txt"
    sources.write_text(f"{site.url}/feed.xml  Local Wire\n{site.url}/broken.xml\n")
    # The watchlist was created before the articles arrive: they alert.
    ran = runner.invoke(main, ["watch", str(sources), "--db", db, "--cycles", "1", "--host-delay", "0",
                               "--embedder", "none"])
    assert ran.exit_code == 0, ran.output
    assert "watch cycle 1: 2 sources" in ran.stderr and "3 stored" in ran.stderr and "1 errors" in ran.stderr
    assert "broken.xml: HTTP 500" in ran.stderr and "Traceback" not in ran.output
    alerts = runner.invoke(main, ["watchlist", "alerts", wid, "--db", db])
    assert alerts.exit_code == 0 and alerts.stdout.strip()
    assert all("#claim-" in json.loads(x)["link"] for x in alerts.stdout.splitlines())
    removed = runner.invoke(main, ["watchlist", "rm", wid, "--db", db])
    assert removed.exit_code == 0
    assert runner.invoke(main, ["watchlist", "rm", wid, "--db", db]).exit_code == 1


def test_watch_refuses_a_missing_sources_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["watch", str(tmp_path / "none.txt"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and "cannot read the sources file" in result.output


def test_sigterm_stops_a_running_watch_cleanly(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    with FeedSite(initial=0) as empty:
        sources = tmp_path / "sources.txt"
        sources.write_text(f"{empty.url}/feed.xml\n")
        proc = subprocess.Popen([sys.executable, "-m", "claimwatch.cli", "watch", str(sources), "--db",
                                 str(tmp_path / "t.db"), "--interval", "3600", "--embedder", "none"],
                                stderr=subprocess.PIPE, text=True, env=os.environ.copy())
        try:
            lines = []
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                line = proc.stderr.readline()
                lines.append(line)
                if line.startswith("watch cycle 1:"):
                    break
            assert lines[-1].startswith("watch cycle 1: 1 sources (1 fetched"), lines
            proc.send_signal(signal.SIGTERM)  # during the hour-long wait for the next cycle
            rest = proc.communicate(timeout=30)[1]
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 0 and "SIGTERM: stopping" in rest and "Traceback" not in rest


def test_disputes_write_progress_lines_when_stderr_is_not_a_terminal(tmp_path: Path, monkeypatch) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"a{n}", "text": t}) + "\n" for n, t in enumerate([
        "The ministry said on Monday that the troops had withdrawn from the border.",
        "The governor said on Tuesday that the troops had not withdrawn from the border.",
    ])))
    db = str(tmp_path / "d.db")
    monkeypatch.setenv("CLAIMWATCH_PROGRESS_S", "0")
    assert CliRunner().invoke(main, ["ingest", str(src), "--db", db]).exit_code == 0
    result = CliRunner().invoke(main, ["disputes", "--db", db, "--embedder", "lexical"])
    assert result.exit_code == 0, result.output
    lines = [x for x in result.stderr.splitlines() if x.startswith("disputes ")]
    assert any(x.startswith("disputes embed: 2/2 (100%)") for x in lines), result.stderr
    assert any(x.startswith("disputes compare: ") and "/s, ETA" in x for x in lines), result.stderr


def test_alerts_follow_what_lists_show(store) -> None:
    from store_fixtures import T1, article, claim

    shown = claim(T1, "the economy is strong", speaker="Biden", resolved="Joe Biden", cue="said", cid="shown")
    caption = claim(T1, "the report", cid="caption")  # neither cue nor speaker: reports no statement
    store.add_article(*article("a1", T1, [shown, caption]))
    store.save_watchlist(Watchlist(id="w", name="all", created_at=PAST, checked_at=PAST))
    raised = new_alerts(store, "http://x")
    assert [a.claim_id for a in raised] == ["shown"]
