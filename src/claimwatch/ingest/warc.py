"""WARC/ARC web archives -> Articles (warcio): every HTML response record is one page.

The URL and date come from the record (``WARC-Target-URI``, ``WARC-Date``); the text from trafilatura
(``html.html_to_article``). Requests, metadata, non-HTML and non-200 responses are passed over.
"""
from __future__ import annotations

import logging
from typing import BinaryIO, Iterator, Optional

from ..schema import Article
from .html import HtmlExtractionError, html_to_article
from .isodate import normalise_date

log = logging.getLogger("claimwatch")

WARC_SUFFIXES = frozenset({".warc", ".arc"})
MAX_RECORD_BYTES = 20 * 1024 * 1024  # a page bigger than this is not an article


def warc_articles(stream: BinaryIO, origin: str) -> Iterator[tuple[str, Optional[Article], Optional[str]]]:
    """Yield ``(record origin, article or None, problem or None)`` per HTML response record.

    A truncated or corrupt archive ends with one problem naming the record where reading stopped; the
    records before it are still yielded.
    """
    from warcio.archiveiterator import ArchiveIterator

    counted = _Counting(stream)
    records = ArchiveIterator(counted, arc2warc=True)
    n = 0
    end = 0  # where the last whole record ended (compressed offsets for .warc.gz, like counted.total)
    while True:
        if n:
            # Only now: get_record_length() reads the record to its end (the content must be read first).
            end = records.get_record_offset() + max(records.get_record_length() or 0, 0)
        try:
            record = next(records)
        except StopIteration:
            # warcio ends quietly on a record cut inside its headers: bytes past the last record mean truncation.
            if counted.total > end + _TRAILER_SLACK:
                yield f"{origin}#{n + 1}", None, "truncated archive: incomplete record at the end, skipped"
            return
        except Exception as exc:  # warcio raises ArchiveLoadFailed, EOFError, zlib errors… on a damaged file
            yield f"{origin}#{n + 1}", None, f"corrupt or truncated archive, rest of file skipped: {exc}"
            return
        n += 1
        where = f"{origin}#{n}"
        try:
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode()
            ctype = (record.http_headers.get_header("Content-Type") or "").lower()
            if status != "200" or "html" not in ctype:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            body = record.content_stream().read(MAX_RECORD_BYTES + 1)
            if len(body) <= MAX_RECORD_BYTES and getattr(record.raw_stream, "limit", 0) > 0:
                yield where, None, "truncated record: its content is shorter than its Content-Length; skipped"
                continue
        except Exception as exc:
            yield where, None, f"corrupt or truncated record, rest of file skipped: {exc}"
            return
        if len(body) > MAX_RECORD_BYTES:
            yield where, None, f"HTML record over {MAX_RECORD_BYTES // (1024 * 1024)} MiB; skipped"
            continue
        where = f"{where} {url}" if url else where
        raw_date = record.rec_headers.get_header("WARC-Date")
        try:
            day = normalise_date(raw_date) if raw_date else None
        except ValueError:
            day = None
        html = _decode(body, ctype)
        try:
            yield where, html_to_article(html, origin=where, url=url, date=day), None
        except HtmlExtractionError as exc:
            yield where, None, str(exc)


_TRAILER_SLACK = 8  # the blank lines after the last record


class _Counting:
    """Counts the bytes warcio pulls from the file (to notice data it silently gave up on)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.total = 0

    def read(self, n: int = -1) -> bytes:
        data = self._stream.read(n)
        self.total += len(data)
        return data


def _decode(body: bytes, content_type: str) -> str:
    charset = "utf-8"
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
