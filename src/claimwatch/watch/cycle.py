"""One watch cycle, and the loop of cycles that ``claimwatch watch`` runs.

A cycle: (1) each source whose back-off has expired is fetched with a conditional GET; a feed's entries, a
sitemap's URLs or a directory's files not handled before are its new items; (2) each new item is fetched (a linked
page: its main text, else the feed's own text), read and ingested through the ingest flow (so duplicates and wire
copies are set aside as for ``claimwatch ingest``), then recorded as handled; (3) disputes are detected for the
claims not scanned yet (incremental); (4) the watchlists' alerts are raised and delivered; (5) one line is logged.

Restarts: a source's state (validators, failures, next try) and each handled item are in the store. An item is
recorded only once its article is committed, and a source's validators only once all its new items are handled,
so a process killed at any point re-reads, on restart, what it had not finished, and the ingest flow finds what it
had committed as a duplicate: nothing is missed or stored twice.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Optional
from xml.etree import ElementTree as ET

from ..alerts.delivery import SmtpSettings, deliver
from ..alerts.matching import new_alerts
from ..ingest_flow import Pipeline, ingest_articles
from ..progress import progress_line_for
from ..schema import Article
from ..store import SourceState, Store
from .fetch import Fetched, Fetcher, backoff_seconds, later
from .sources import Source

log = logging.getLogger("claimwatch")
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(frozen=True)
class WatchSettings:
    """interval: seconds from one cycle's start to the next; host_delay: seconds between two requests to a host;
    backoff_base/backoff_cap: a failing source waits base, 2·base, 4·base … (at most cap) before its next try;
    max_items: new items taken from one source in one cycle (the rest wait for the next); base_url: where the web
    UI is served, for the links in alerts; embedder: dispute detection's ("auto", "minilm", "lexical"), None to
    skip dispute detection."""

    interval: float = 300.0
    host_delay: float = 1.0
    backoff_base: float = 60.0
    backoff_cap: float = 3600.0
    max_items: int = 200
    base_url: str = "http://127.0.0.1:8000"
    embedder: Optional[str] = "auto"
    max_chars: int = 1_000_000


@dataclass
class CycleStats:
    cycle: int = 0
    sources: int = 0
    fetched: int = 0
    not_modified: int = 0
    backing_off: int = 0
    new_items: int = 0
    stored: int = 0
    duplicates: int = 0
    claims: int = 0
    disputes: int = 0
    alerts: int = 0
    delivered: int = 0
    delivery_failed: int = 0
    errors: int = 0
    seconds: float = 0.0
    stopped: bool = False

    def line(self) -> str:
        return (f"watch cycle {self.cycle}: {self.sources} sources ({self.fetched} fetched, {self.not_modified} "
                f"not modified, {self.backing_off} backing off), {self.new_items} new items, {self.stored} stored, "
                f"{self.duplicates} duplicates, {self.claims} claims, {self.disputes} disputes added, {self.alerts} "
                f"alerts ({self.delivered} delivered, {self.delivery_failed} failed), {self.errors} errors, "
                f"{self.seconds:.1f} s" + (" (stopped)" if self.stopped else ""))


@dataclass
class Item:
    """A new thing a source lists: a feed entry, a sitemap URL or a file."""

    source: Source
    key: str
    link: Optional[str] = None
    path: Optional[Path] = None
    article_id: Optional[str] = None
    title: Optional[str] = None
    date: Optional[str] = None
    outlet: Optional[str] = None
    text: str = ""  # the feed's own text (used when the linked page cannot be read)
    gone: bool = False  # its page answered 4xx: not tried again


@dataclass
class _Listing:
    source: Source
    state: SourceState
    fetched: Optional[Fetched]
    items: list[Item] = field(default_factory=list)
    complete: bool = True  # every new item handled: the validators may be saved


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class Watcher:
    """Runs cycles over ``sources`` into ``store``; ``stop`` (an Event) ends the loop after the current item.

    ``on_problem``: gets each problem line (a source or item that failed; never an exception);
    ``on_cycle``: gets each cycle's ``CycleStats``.
    """

    def __init__(self, store: Store, sources: list[Source], pipeline: Pipeline,
                 settings: WatchSettings = WatchSettings(), *, smtp: Optional[SmtpSettings] = None,
                 stop: Optional[threading.Event] = None, fetcher: Optional[Fetcher] = None,
                 on_problem: Optional[Callable[[str], None]] = None,
                 on_cycle: Optional[Callable[[CycleStats], None]] = None) -> None:
        self.store, self.sources, self.pipeline, self.settings = store, sources, pipeline, settings
        self.smtp = smtp
        self.stop = stop or threading.Event()
        self.fetcher = fetcher or Fetcher(settings.host_delay, stop=self.stop)
        self.on_problem = on_problem or (lambda line: log.warning("%s", line))
        self.on_cycle = on_cycle
        self.cycles = 0
        self._embedder: Any = None

    # -- the loop ------------------------------------------------------------------------------------------------

    def run(self, cycles: Optional[int] = None) -> None:
        """Cycle every ``interval`` seconds until ``stop`` is set (or ``cycles`` have run)."""
        while not self.stop.is_set():
            started = time.monotonic()
            self.cycle()
            if cycles is not None and self.cycles >= cycles:
                break
            self.stop.wait(max(0.0, self.settings.interval - (time.monotonic() - started)))

    def cycle(self) -> CycleStats:
        from ..store.dedup import Deduper

        self.cycles += 1
        stats = CycleStats(cycle=self.cycles, sources=len(self.sources))
        started = time.monotonic()
        listings = [x for x in (self._list(source, stats) for source in self.sources) if x is not None]
        total = sum(len(x.items) for x in listings)
        stats.new_items = total
        line = progress_line_for("watch", total) if total else None
        dedup = Deduper(self.store)
        done = 0
        for listing in listings:
            for item in listing.items:
                if self.stop.is_set():
                    listing.complete = False
                    break
                if not self._handle(item, dedup, stats):
                    listing.complete = False
                done += 1
                if line is not None:
                    line.update(done)
            self._save_listing(listing)
        stats.stopped = self.stop.is_set()
        if not stats.stopped:
            self._disputes(stats)
            self._alerts(stats)
        stats.seconds = time.monotonic() - started
        if self.on_cycle:
            self.on_cycle(stats)
        return stats

    def close(self) -> None:
        self.fetcher.close()

    # -- listing sources -------------------------------------------------------------------------------------------

    def _problem(self, stats: CycleStats, text: str) -> None:
        stats.errors += 1
        self.on_problem(_one_line(text))

    def _list(self, source: Source, stats: CycleStats) -> Optional[_Listing]:
        if self.stop.is_set():
            return None
        state = self.store.source_state(source.key) or SourceState(url=source.key)
        now = _now()
        if state.next_try and datetime.fromisoformat(state.next_try) > now:
            stats.backing_off += 1
            return None
        state.last_checked = now.isoformat(timespec="seconds")
        if not source.is_url:
            return self._list_directory(source, state, stats)
        got = self.fetcher.get(source.location, state.etag, state.last_modified)
        if got.error == "stopped":
            return None
        if got.error:
            self._failed(source, state, stats, got.error)
            return None
        stats.fetched += 1
        listing = _Listing(source, state, got)
        if got.not_modified:
            stats.not_modified += 1
            return listing
        try:
            items = self._parse_listing(source, got)
        except (ValueError, ET.ParseError) as exc:
            self._failed(source, state, stats, f"not a feed or sitemap ({_one_line(str(exc))[:200]})")
            return None
        seen = self.store.seen_items(source.key, [i.key for i in items])
        listing.items = [i for i in items if i.key not in seen][: self.settings.max_items]
        if len(listing.items) < len([i for i in items if i.key not in seen]):
            listing.complete = False  # the rest next cycle: the feed must be read again, not answered 304
        return listing

    def _failed(self, source: Source, state: SourceState, stats: CycleStats, why: str) -> None:
        state.failures += 1
        wait = backoff_seconds(state.failures, self.settings.backoff_base, self.settings.backoff_cap)
        state.next_try = later(wait)
        state.last_error = why[:500]
        self.store.save_source_state(state)
        self._problem(stats, f"{source.location}: {why}; failure {state.failures} in a row, next try in {wait:.0f} s")

    def _save_listing(self, listing: _Listing) -> None:
        state, got = listing.state, listing.fetched
        state.failures, state.next_try, state.last_error = 0, None, None
        state.last_ok = state.last_checked
        if got is not None and not got.not_modified:
            # Validators only when every new item was handled: otherwise a 304 next time would hide the rest.
            state.etag = got.etag if listing.complete else None
            state.last_modified = got.last_modified if listing.complete else None
        self.store.save_source_state(state)

    def _parse_listing(self, source: Source, got: Fetched) -> list[Item]:
        head = got.body[:2048].lstrip().lower()
        if b"<urlset" in head or b"<sitemapindex" in head:
            return self._sitemap_items(source, got.body)
        return _feed_items(source, got.body)

    def _sitemap_items(self, source: Source, body: bytes, depth: int = 0) -> list[Item]:
        root = ET.fromstring(body)
        items: list[Item] = []
        if root.tag == f"{SITEMAP_NS}sitemapindex" and depth == 0:
            for loc in root.iter(f"{SITEMAP_NS}loc"):
                url = (loc.text or "").strip()
                if not url.startswith(("http://", "https://")):
                    continue
                child = self.fetcher.get(url)
                if child.error:
                    raise ValueError(f"child sitemap {url}: {child.error}")
                items += self._sitemap_items(source, child.body, depth + 1)
            return items
        if root.tag != f"{SITEMAP_NS}urlset":
            raise ValueError(f"unexpected root element {root.tag}")
        for url in root.iter(f"{SITEMAP_NS}url"):
            loc = (url.findtext(f"{SITEMAP_NS}loc") or "").strip()
            if loc.startswith(("http://", "https://")):
                lastmod = (url.findtext(f"{SITEMAP_NS}lastmod") or "").strip() or None
                items.append(Item(source, key=loc, link=loc, article_id=web_article_id(loc, loc), date=lastmod,
                                  outlet=source.outlet))
        return items

    def _list_directory(self, source: Source, state: SourceState, stats: CycleStats) -> Optional[_Listing]:
        from ..ingest.readers import InputProblem, iter_input_files

        root = Path(source.location)
        if not root.is_dir():
            self._failed(source, state, stats, "not a directory (or not readable)")
            return None
        problems: list[InputProblem] = []
        items = []
        for path in iter_input_files(root, problems):
            try:
                st = path.stat()
            except OSError:
                continue
            # A file rewritten in place (new size or time) is a new item; the ingest flow skips its old articles.
            items.append(Item(source, key=f"{path.relative_to(root)}|{st.st_size}|{st.st_mtime_ns}", path=path,
                              outlet=source.outlet))
        for p in problems:
            self._problem(stats, str(p))
        stats.fetched += 1
        seen = self.store.seen_items(source.key, [i.key for i in items])
        listing = _Listing(source, state, None, [i for i in items if i.key not in seen][: self.settings.max_items])
        return listing

    # -- items -------------------------------------------------------------------------------------------------

    def _handle(self, item: Item, dedup: Any, stats: CycleStats) -> bool:
        """Read and ingest one item; True when it is done with (stored, duplicate or unreadable for good)."""
        articles = list(self._articles(item, stats))
        if not articles:
            # A file with nothing to read, or a page that is gone (4xx), is done with; a page that failed
            # otherwise (5xx, network) is tried again next cycle.
            done = item.path is not None or item.gone
            if done:
                self.store.mark_item(item.source.key, item.key, None)
            return done
        try:
            result = ingest_articles(self.store, articles, self.pipeline, dedup=dedup)
        except Exception as exc:  # a store or pipeline failure on one item must not end the watch
            self._problem(stats, f"{item.link or item.path}: not stored: {type(exc).__name__}: {exc}")
            return False
        stats.stored += result.stored
        stats.duplicates += result.duplicates
        stats.claims += result.claims
        self.store.mark_item(item.source.key, item.key, articles[0].id)
        return True

    def _articles(self, item: Item, stats: CycleStats) -> Iterator[Article]:
        if item.path is not None:
            from ..ingest.readers import read_articles

            from dataclasses import replace

            problems: list = []
            # The sources file's outlet fills in for articles that name none (records keep their own).
            for article in read_articles([str(item.path)], max_chars=self.settings.max_chars, problems=problems):
                yield replace(article, outlet=item.outlet) if item.outlet and not article.outlet else article
            for p in problems:
                self._problem(stats, str(p))
            return
        text, title, outlet = item.text, item.title, item.outlet
        if item.link:
            page = self._page(item, stats)
            if page is not None:
                text = page.text
                title = title or page.title
                outlet = outlet or page.outlet
        if not text.strip():
            if not item.link:  # nothing to read and nothing to fetch: done with, said once
                item.gone = True
                self._problem(stats, f"{item.source.location}: feed entry {item.key!r} has no text and no link")
            return
        if len(text) > self.settings.max_chars:
            self._problem(stats, f"{item.link}: longer than {self.settings.max_chars} characters; skipped")
            return
        yield Article(id=item.article_id or item.link or hashlib.sha1(text.encode()).hexdigest(), text=text,
                      title=title, date=item.date, outlet=outlet, url=item.link, origin=item.link or item.key)

    def _page(self, item: Item, stats: CycleStats) -> Optional[Article]:
        from ..ingest.html import HtmlExtractionError, html_to_article

        assert item.link is not None
        got = self.fetcher.get(item.link)
        item.gone = 400 <= got.status < 500
        if got.error:
            if got.error != "stopped":
                keep = "; the feed's own text is used" if item.text.strip() else "; tried again next cycle"
                self._problem(stats, f"{item.link}: {got.error}{keep}")
            return None
        try:
            html = got.body.decode(got.charset or "utf-8", errors="replace")
            return html_to_article(html, origin=item.link, url=item.link, outlet=item.outlet)
        except (HtmlExtractionError, LookupError) as exc:
            if not item.text.strip():
                self._problem(stats, f"{item.link}: no main text ({_one_line(str(exc))[:200]})")
            return None

    # -- after the items -------------------------------------------------------------------------------------------

    def _disputes(self, stats: CycleStats) -> None:
        if self.settings.embedder is None:
            return
        from ..disputes.detect import detect_disputes
        from ..disputes.embeddings import get_embedder

        try:
            if self._embedder is None:
                self._embedder = get_embedder(self.settings.embedder)
            stats.disputes = detect_disputes(self.store, embedder=self._embedder).disputes
        except Exception as exc:  # detection failing leaves the claims unscanned: the next cycle tries again
            self._problem(stats, f"dispute detection failed: {type(exc).__name__}: {exc}")

    def _alerts(self, stats: CycleStats) -> None:
        try:
            raised = new_alerts(self.store, self.settings.base_url)
            stats.alerts = len(raised)
            stats.delivered, stats.delivery_failed = deliver(self.store, raised, self.smtp)
        except Exception as exc:
            self._problem(stats, f"alerts failed: {type(exc).__name__}: {exc}")


def web_article_id(key: str, link: Optional[str]) -> str:
    """A stable id for the article behind a feed entry or sitemap URL: its host and a hash of the entry's id.

    Not the URL itself: ids go into page paths (``/articles/ID``), where a ``/`` would not survive.
    """
    from urllib.parse import urlsplit

    host = re.sub(r"[^A-Za-z0-9.-]+", "-", urlsplit(link).netloc) if link else ""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    return f"{host}-{digest}" if host else digest


def _feed_items(source: Source, body: bytes) -> list[Item]:
    import feedparser

    from ..ingest.feeds import entry_date, entry_text

    parsed = feedparser.parse(body)
    entries = parsed.get("entries") or []
    if parsed.get("bozo") and (not entries or not any(e.get("link") for e in entries)):
        # Broken XML: feedparser's lax parser may still find entry fragments, but none worth fetching.
        raise ValueError(f"malformed feed: {parsed.get('bozo_exception')}")
    if not entries and not parsed.get("feed"):
        raise ValueError("no feed or sitemap found")
    outlet = source.outlet or (parsed.get("feed") or {}).get("title") or None
    items = []
    for entry in entries:
        link = entry.get("link") or None
        if link and not link.startswith(("http://", "https://")):
            link = None
        text = entry_text(entry)
        key = entry.get("id") or link or hashlib.sha1(f"{entry.get('title')}|{text}".encode()).hexdigest()
        items.append(Item(source, key=str(key), link=link, article_id=web_article_id(str(key), link),
                          title=entry.get("title") or None, date=entry_date(entry), outlet=outlet, text=text))
    return items
