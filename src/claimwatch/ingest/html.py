"""HTML pages -> Articles: main text and metadata via trafilatura.

trafilatura keeps in-body teasers such as "Also read | …"; those are masked downstream by
``boilerplate.mask_boilerplate`` like in any other input, so nothing here filters text itself.
"""
from __future__ import annotations

import logging
from typing import Optional

from ..schema import Article
from .hashing import normalised_text_hash
from .isodate import normalise_date

log = logging.getLogger("claimwatch")

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


class HtmlExtractionError(ValueError):
    """The page has no main text trafilatura can find."""


def html_to_article(
    html: str,
    *,
    origin: str,
    default_id: Optional[str] = None,
    url: Optional[str] = None,
    date: Optional[str] = None,
    outlet: Optional[str] = None,
) -> Article:
    """The main text of one HTML page as an Article.

    Args:
        html: the decoded page.
        origin: where it came from (for problem messages).
        default_id: the id when none is given (else the text hash).
        url, date, outlet: metadata known from outside the page (a WARC record, a feed entry); they win over
            what the page itself declares. ``date`` must already be normalised.

    Raises:
        HtmlExtractionError: no main text found.
    """
    import trafilatura  # imported late: only HTML inputs pay for it (and for lxml)

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_recall=True)
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not text.strip():
        raise HtmlExtractionError("no article text found in the HTML page")
    page_date = None
    raw_date = getattr(doc, "date", None)
    if raw_date:
        try:
            page_date = normalise_date(str(raw_date))
        except ValueError:
            log.info("%s: page date %r is not ISO; ignored", origin, raw_date)
    return Article(
        id=default_id or normalised_text_hash(text),
        text=text,
        title=getattr(doc, "title", None) or None,
        date=date or page_date,
        outlet=outlet or getattr(doc, "sitename", None) or getattr(doc, "hostname", None) or None,
        url=url or getattr(doc, "url", None) or None,
        origin=origin,
    )
