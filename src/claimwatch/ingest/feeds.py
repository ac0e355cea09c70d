"""RSS/Atom feeds -> Articles (feedparser), from a file or, when the network allows, a URL.

Each entry becomes one article: its full content when the feed carries it (``content:encoded``, Atom
``content``), else its summary; HTML in either is reduced to text. With ``fetch_links`` (``ingest --fetch-links``)
the page an entry links to is fetched and its main text (trafilatura, as for HTML files) replaces the feed's; when a
page cannot be fetched the entry keeps the feed's text and one problem line says why, and after a failure that
means no network (DNS, refused, timeout) the remaining entries are not tried.
"""
from __future__ import annotations

import calendar
import logging
import urllib.request
from datetime import datetime, timezone
from typing import Iterator, Optional

from ..schema import Article
from .hashing import normalised_text_hash

log = logging.getLogger("claimwatch")

FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
URL_PREFIXES = ("http://", "https://")
FETCH_TIMEOUT_S = 20


class FeedError(ValueError):
    """The feed could not be fetched or parsed at all."""


def fetch_url(url: str) -> bytes:
    """GET ``url``; FeedError with one line when the network is unreachable."""
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as response:  # noqa: S310 (user-given URL)
            return response.read()
    except OSError as exc:  # URLError, timeouts and refused connections are all OSErrors
        reason = getattr(exc, "reason", None) or exc
        raise FeedError(f"cannot fetch the feed (no network access?): {reason}") from None


LINK_TIMEOUT_S = 10
MAX_PAGE_BYTES = 10_000_000  # a linked "page" that is a video or a dump is cut here, not read into memory whole


class LinkFetcher:
    """Fetches the pages feed entries link to, giving up on the network after its first failure."""

    def __init__(self, timeout: float = LINK_TIMEOUT_S) -> None:
        self.timeout = timeout
        self.offline: Optional[str] = None  # why the network was given up on

    def page_text(self, url: str) -> tuple[Optional[str], Optional[str]]:
        """(main text of the page, None), or (None, why not)."""
        from .html import HtmlExtractionError, html_to_article

        if self.offline is not None:
            return None, f"linked page not fetched: {self.offline}; the feed's own text is used"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 (the feed's link)
                raw = response.read(MAX_PAGE_BYTES)
                charset = response.headers.get_content_charset() or "utf-8"
        except OSError as exc:  # URLError, HTTPError, timeouts, refused connections
            reason = getattr(exc, "reason", None) or exc
            if not getattr(exc, "code", None):  # not an HTTP status: the network itself failed
                self.offline = f"no network access ({reason})"
            return None, f"cannot fetch the linked page {url}: {reason}; the feed's own text is used"
        try:
            return html_to_article(raw.decode(charset, errors="replace"), origin=url, url=url).text, None
        except (HtmlExtractionError, LookupError) as exc:
            return None, f"linked page {url} has no main text ({exc}); the feed's own text is used"


def feed_articles(data: bytes, origin: str, fetcher: Optional[LinkFetcher] = None
                  ) -> Iterator[tuple[str, Optional[Article], Optional[str]]]:
    """Parse a feed; yield ``(entry origin, article or None, problem or None)`` per entry.

    With ``fetcher``, an entry with an http(s) link gets its linked page's main text; a fetch problem is yielded
    as ``(entry origin, None, problem)`` before the entry's own article, so nothing is lost.

    Raises:
        FeedError: the document is not a feed (no entries and a parse error).
    """
    import feedparser  # imported late: only feed inputs pay for it

    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            raise FeedError(f"malformed feed: {parsed.get('bozo_exception')}")
        raise FeedError("feed has no entries")
    if parsed.get("bozo"):
        log.warning("%s: feed is not well-formed (%s); entries read anyway", origin, parsed.get("bozo_exception"))
    outlet = (parsed.get("feed") or {}).get("title") or None
    for n, entry in enumerate(entries, 1):
        where = f"{origin}#{n}"
        text = _entry_text(entry)
        link = entry.get("link") or None
        if fetcher is not None and link and link.startswith(URL_PREFIXES):
            page, problem = fetcher.page_text(link)
            if problem is not None:
                yield where, None, problem
            elif page and page.strip():
                text = page
        if not text.strip():
            yield where, None, "feed entry has no text (no content or summary)"
            continue
        article_id = entry.get("id") or link or normalised_text_hash(text)
        yield where, Article(
            id=str(article_id),
            text=text,
            title=entry.get("title") or None,
            date=_entry_date(entry),
            outlet=outlet,
            url=link,
            origin=where,
        ), None


def _entry_text(entry) -> str:
    contents = entry.get("content") or []
    raw = max((c.get("value") or "" for c in contents), key=len, default="") or entry.get("summary") or ""
    if "<" not in raw:
        return raw.strip()
    return _html_text(raw)


def _html_text(fragment: str) -> str:
    """Text of an HTML fragment, one line per block element (so boilerplate lines stay whole lines)."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on odd fragments; fall back to the raw string
        return fragment.strip()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "blockquote"):
        block.tail = "\n" + (block.tail or "")
    lines = [" ".join(line.split()) for line in root.text_content().splitlines()]
    return "\n".join(line for line in lines if line)


def _entry_date(entry) -> Optional[str]:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc).isoformat()


# What ``claimwatch watch`` reads of an entry it fetches itself (watch/cycle.py): the same text and date as here.
entry_text = _entry_text
entry_date = _entry_date
