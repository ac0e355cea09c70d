"""One paging scheme for every list (API and pages), and downloads of any list as CSV or JSON.

API lists take ``limit`` and ``cursor`` and answer ``next_cursor`` and ``next_url`` in the body plus an HTTP
``Link: <…>; rel="next"`` header. The cursor is opaque to clients; today it encodes an offset (the listings are
ordered by rank, date or counts, which no single indexed key follows), so pages can shift if the store changes
while a client pages.
"""
from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from typing import Any, Iterable, Optional, Sequence
from urllib.parse import urlencode

from fastapi import HTTPException, Request, Response
from fastapi.responses import StreamingResponse

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000
# A download holds the whole filtered list, up to this many rows (the X-Claimwatch-Truncated header says when more
# matched).
MAX_EXPORT = 50_000
BAD_CURSOR = "invalid cursor (pass the next_cursor of a previous page unchanged)"


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def decode_cursor(cursor: Optional[str]) -> int:
    """The offset a cursor stands for (0 for none); 400 for anything not made by ``encode_cursor``."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        offset = json.loads(raw)["o"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise HTTPException(400, BAD_CURSOR) from None
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_OFFSET:
        raise HTTPException(400, BAD_CURSOR)
    return offset


def check_offset(offset: int) -> int:
    if offset > MAX_OFFSET:
        raise HTTPException(400, f"page too deep (offset over {MAX_OFFSET}); narrow the filters")
    return offset


def next_url(request: Request, cursor: Optional[str]) -> Optional[str]:
    """This request's path and query with ``cursor`` in place of any page, offset or cursor given."""
    if cursor is None:
        return None
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "page", "offset") and v != ""]
    return f"{request.url.path}?{urlencode(kept + [('cursor', cursor)])}"


def link_header(response: Response, url: Optional[str]) -> None:
    if url is not None:
        response.headers["Link"] = f'<{url}>; rel="next"'


def page_url(path: str, params: dict[str, Any], page: int) -> str:
    """A page's own link (pages number their pages; the API uses cursors)."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    if page > 1:
        kept["page"] = page
    return f"{path}?{urlencode(kept)}" if kept else path


def export_url(path: str, params: dict[str, Any], fmt: str) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    kept["format"] = fmt
    return f"{path}?{urlencode(kept)}"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    # Spreadsheet formula injection: a cell starting with = + - @ would be run by Excel or LibreOffice.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def download(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, name: str,
             truncated: bool = False) -> Response:
    """``rows`` as a CSV (``columns``, in that order) or JSON attachment named ``name``.csv/.json."""
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if truncated:
        headers["X-Claimwatch-Truncated"] = f"only the first {MAX_EXPORT} rows"
    if fmt == "json":
        body = json.dumps({"items": list(rows), "count": len(rows)}, ensure_ascii=False, default=str)
        return Response(body, media_type="application/json", headers=headers)

    def lines() -> Iterable[str]:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
            if buf.tell() > 64_000:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()

    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers=headers)
