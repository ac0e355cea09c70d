"""A local news site for ``claimwatch watch``'s tests and benchmark: an RSS feed, a sitemap and article pages.

``FeedSite`` serves, on 127.0.0.1 and a free port:

* ``/feed.xml``: RSS 2.0 of the newest ``feed_size`` articles, with an ETag and Last-Modified, answering 304 to a
  conditional GET while nothing changed;
* ``/sitemap.xml``: the same articles as a sitemap;
* ``/articles/N.html``: article N's page (a headline and paragraphs with attributed statements);
* ``/broken.xml`` (HTTP 500), ``/garbage.xml`` (not XML), ``/loop`` (a redirect loop) for the error paths.

``publish()`` adds an article; ``requests`` counts what was asked (path -> count) and ``conditional_hits`` the
304s sent. Nothing leaves the machine.
"""
from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

SPEAKERS = [("Dmitry Peskov", "Kremlin spokesman"), ("Antony Blinken", "US Secretary of State"),
            ("Olaf Scholz", "German Chancellor"), ("Jens Stoltenberg", "NATO Secretary General"),
            ("Emmanuel Macron", "French President"), ("Volodymyr Zelensky", "Ukrainian President")]
TOPICS = ["the troops had withdrawn from the border", "the talks in Geneva would resume next week",
          "the sanctions had failed to change the policy", "the grain corridor would stay open",
          "the ceasefire was holding in the east", "the pipeline would be closed for repairs",
          "the army had captured the town of Bakhmut", "the embassy would reopen in the spring"]
NEGATED = ["the troops had not withdrawn from the border", "the talks in Geneva would not resume",
           "the sanctions had worked", "the grain corridor would be closed",
           "the ceasefire was not holding in the east", "the pipeline would stay open",
           "the army had not captured the town of Bakhmut", "the embassy would stay closed"]


@dataclass(frozen=True)
class SiteArticle:
    n: int
    title: str
    paragraphs: tuple[str, ...]
    published: datetime


PLACES = ["Geneva", "Vienna", "Warsaw", "Ankara", "Riga", "Tallinn", "Vilnius", "Kyiv", "Odesa", "Kharkiv", "Dnipro",
          "Lviv", "Brussels", "Berlin", "Paris", "Rome", "Madrid", "Oslo", "Helsinki", "Prague", "Sofia", "Bucharest"]
WORDS = ("convoy harbour ministry parliament budget railway bridge election drone grain tanker refinery border "
         "checkpoint summit envoy treaty reactor airport corridor garrison militia council tribunal delegation "
         "shipment depot satellite frigate pipeline tariff loan reserve quota pension strike protest curfew "
         "evacuation shelter hospital school district province coast valley river plant mine factory port").split()


def make_article(n: int, published: datetime, marker: str = "") -> SiteArticle:
    """Article ``n``: three attributed statements, the second contradicting an earlier article's first, and a
    paragraph of its own (seeded by ``n``) so no two articles are near-duplicates of each other."""
    import random

    rng = random.Random(n)
    a, b = SPEAKERS[n % len(SPEAKERS)], SPEAKERS[(n + 3) % len(SPEAKERS)]
    topic, other = TOPICS[n % len(TOPICS)], NEGATED[(n + 1) % len(NEGATED)]
    tag = f" ({marker})" if marker else ""
    place = rng.choice(PLACES)
    local = " ".join(f"the {rng.choice(WORDS)} near {rng.choice(PLACES)} had {rng.randint(2, 900)} {rng.choice(WORDS)}s,"
                     for _ in range(8))
    paragraphs = (
        f"{a[0]}, the {a[1]}, said on Tuesday that {topic}, in remarks reported by the agency in story {n}{tag}.",
        f"\u201cWe have seen no evidence of that,\u201d {b[0]} told reporters, adding that {other}.",
        f"Local officials in {place} reported that {local} and that more figures would follow on Friday.",
    )
    return SiteArticle(n, f"Story {n}: {a[0]} on {topic.split(' ')[1]}", paragraphs, published)


class FeedSite:
    """The site; use as a context manager (starts and stops its server thread)."""

    def __init__(self, initial: int = 0, feed_size: int = 50, marker: str = "") -> None:
        self.feed_size = feed_size
        self.marker = marker
        self.articles: list[SiteArticle] = []
        self.requests: dict[str, int] = {}
        self.conditional_hits = 0
        self._lock = threading.Lock()
        self._start = datetime(2026, 1, 1, tzinfo=timezone.utc)
        for _ in range(initial):
            self.publish()
        self._server: Optional[ThreadingHTTPServer] = None

    # -- content -----------------------------------------------------------------------------------------------

    def publish(self) -> SiteArticle:
        with self._lock:
            n = len(self.articles) + 1
            art = make_article(n, self._start + timedelta(minutes=n), self.marker)
            self.articles.append(art)
            return art

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def article_url(self, n: int) -> str:
        return f"{self.url}/articles/{n}.html"

    def _version(self) -> tuple[str, str]:
        with self._lock:
            count = len(self.articles)
            last = self.articles[-1].published if self.articles else self._start
        return f'"v{count}"', format_datetime(last, usegmt=True)

    def feed_xml(self) -> bytes:
        with self._lock:
            newest = list(reversed(self.articles[-self.feed_size:]))
        items = "".join(
            f"<item><title>{html.escape(a.title)}</title><link>{self.article_url(a.n)}</link>"
            f"<guid isPermaLink=\"true\">{self.article_url(a.n)}</guid>"
            f"<pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>"
            f"<description>{html.escape(a.paragraphs[0])}</description></item>" for a in newest)
        return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Local Wire</title>"
                f"<link>{self.url}/</link><description>test feed</description>{items}</channel></rss>").encode()

    def sitemap_xml(self) -> bytes:
        with self._lock:
            newest = list(reversed(self.articles[-self.feed_size:]))
        urls = "".join(f"<url><loc>{self.article_url(a.n)}</loc><lastmod>{a.published.date().isoformat()}</lastmod>"
                       f"</url>" for a in newest)
        return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/"
                f"sitemap/0.9\">{urls}</urlset>").encode()

    def page_html(self, n: int) -> Optional[bytes]:
        with self._lock:
            if not 1 <= n <= len(self.articles):
                return None
            a = self.articles[n - 1]
        body = "".join(f"<p>{html.escape(p)}</p>" for p in a.paragraphs)
        return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{html.escape(a.title)}</title>"
                f"<meta property=\"article:published_time\" content=\"{a.published.isoformat()}\"></head><body>"
                f"<nav><a href=\"/\">Home</a></nav><article><h1>{html.escape(a.title)}</h1>{body}</article>"
                f"<footer>Local Wire</footer></body></html>").encode()

    # -- serving -----------------------------------------------------------------------------------------------

    def __enter__(self) -> "FeedSite":
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
                      headers: Optional[dict[str, str]] = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = self.path.split("?", 1)[0]
                with site._lock:
                    site.requests[path] = site.requests.get(path, 0) + 1
                if path in ("/feed.xml", "/sitemap.xml"):
                    etag, modified = site._version()
                    if self.headers.get("If-None-Match") == etag:
                        with site._lock:
                            site.conditional_hits += 1
                        self._send(304, headers={"ETag": etag, "Last-Modified": modified})
                        return
                    body = site.feed_xml() if path == "/feed.xml" else site.sitemap_xml()
                    self._send(200, body, "application/xml; charset=utf-8", {"ETag": etag, "Last-Modified": modified})
                elif path.startswith("/articles/") and path.endswith(".html"):
                    num = path[len("/articles/"):-len(".html")]
                    page = site.page_html(int(num)) if num.isdigit() else None
                    self._send(200, page) if page else self._send(404, b"not found")
                elif path == "/broken.xml":
                    self._send(500, b"server error")
                elif path == "/garbage.xml":
                    self._send(200, b"<rss><channel><item><title>unclosed", "application/xml")
                elif path == "/loop":
                    self._send(302, headers={"Location": "/loop"})
                else:
                    self._send(404, b"not found")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
