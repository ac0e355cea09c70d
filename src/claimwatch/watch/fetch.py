"""Fetching politely: conditional GET (ETag / Last-Modified), a delay between two requests to one host, and
exponential back-off for sources that fail.

``Fetcher.get`` never raises for a network or HTTP problem: it returns a ``Fetched`` whose ``error`` is one line.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional
from urllib.parse import urlsplit

MAX_BYTES = 10_000_000  # a "page" that is a video or a dump is cut here
MAX_REDIRECTS = 5
TIMEOUT_S = 20.0


@dataclass
class Fetched:
    url: str
    status: int = 0  # 0: no HTTP answer
    body: bytes = b""
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    content_type: str = ""
    charset: Optional[str] = None
    error: Optional[str] = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def backoff_seconds(failures: int, base: float, cap: float) -> float:
    """Wait after the ``failures``-th failure in a row: base, 2·base, 4·base … up to ``cap``."""
    return min(cap, base * (2 ** max(0, failures - 1)))


def later(seconds: float, now: Optional[datetime] = None) -> str:
    now = now or datetime.now(timezone.utc)
    return (now + timedelta(seconds=seconds)).isoformat(timespec="seconds")


class Fetcher:
    """One HTTP client for a watch process; at least ``host_delay`` seconds between two requests to one host.

    ``stop``: set it and a wait for a host's turn ends at once (``get`` then returns an error, "stopped").
    """

    def __init__(self, host_delay: float = 1.0, timeout: float = TIMEOUT_S,
                 stop: Optional[threading.Event] = None, user_agent: str = "claimwatch-watch") -> None:
        try:
            import httpx
        except ImportError:
            from ..errors import ClaimwatchError

            raise ClaimwatchError("claimwatch watch needs httpx: pip install 'claimwatch[watch]'") from None

        self.host_delay = host_delay
        self.stop = stop or threading.Event()
        self._last: dict[str, float] = {}
        self._client = httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS,
                                    headers={"User-Agent": user_agent})

    def close(self) -> None:
        self._client.close()

    def _wait_turn(self, host: str) -> bool:
        last = self._last.get(host)
        if last is not None:
            wait = self.host_delay - (time.monotonic() - last)
            if wait > 0 and self.stop.wait(wait):
                return False
        self._last[host] = time.monotonic()
        return True

    def get(self, url: str, etag: Optional[str] = None, last_modified: Optional[str] = None) -> Fetched:
        import httpx

        out = Fetched(url)
        if not self._wait_turn(urlsplit(url).netloc.lower()):
            out.error = "stopped"
            return out
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                out.status = response.status_code
                out.etag = response.headers.get("etag")
                out.last_modified = response.headers.get("last-modified")
                out.content_type = response.headers.get("content-type", "")
                out.charset = response.charset_encoding
                if response.status_code == 304:
                    return out
                if response.status_code >= 400:
                    out.error = f"HTTP {response.status_code}"
                    return out
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size >= MAX_BYTES:
                        break
                out.body = b"".join(chunks)[:MAX_BYTES]
        except httpx.TooManyRedirects:
            out.error = f"more than {MAX_REDIRECTS} redirects (a redirect loop?)"
        except (httpx.HTTPError, OSError, ValueError) as exc:
            out.error = " ".join(f"{type(exc).__name__}: {exc}".split())[:300] or type(exc).__name__
        return out
