"""A watchlist's alerts as an Atom 1.0 feed (RFC 4287), for any feed reader."""
from __future__ import annotations

from typing import Sequence
from xml.etree import ElementTree as ET

from ..store import Alert, Watchlist
from .matching import claim_path

ATOM_NS = "http://www.w3.org/2005/Atom"


def alert_title(alert: Alert) -> str:
    claim = alert.payload.get("claim", {})
    speaker = claim.get("speaker") or "unattributed"
    content = claim.get("content") or ""
    short = content if len(content) <= 120 else content[:117].rstrip() + "…"
    prefix = "Disputed: " if alert.kind == "dispute" else ""
    return f"{prefix}{speaker}: {short}"


def alert_summary(alert: Alert) -> str:
    claim = alert.payload.get("claim", {})
    article = claim.get("article", {})
    lines = [f"{claim.get('speaker') or 'Unattributed'} {claim.get('cue') or 'said'}: “{claim.get('content', '')}”",
             " · ".join(x for x in (article.get("title"), article.get("outlet"), article.get("date")) if x)]
    dispute = alert.payload.get("dispute")
    if dispute:
        other = dispute.get("other", {})
        lines.append(f"Disputed by {other.get('speaker') or 'an unattributed claim'}: “{other.get('content', '')}”")
    return "\n".join(x for x in lines if x)


def render_atom(watchlist: Watchlist, alerts: Sequence[Alert], *, feed_url: str, page_url: str,
                site_url: str) -> bytes:
    """The feed document: newest alert first; each entry links to the claim highlighted in its article on
    ``site_url`` (the server answering the feed)."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", f"{feed_url}")
    sub(feed, "title", f"claimwatch: {watchlist.name}")
    sub(feed, "subtitle", watchlist.describe())
    sub(feed, "updated", alerts[0].created_at if alerts else (watchlist.created_at or "1970-01-01T00:00:00+00:00"))
    sub(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=page_url, type="text/html")
    author = sub(feed, "author")
    sub(author, "name", "claimwatch")
    sub(feed, "generator", "claimwatch")
    for alert in alerts:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:claimwatch:alert:{alert.id}")
        sub(entry, "title", alert_title(alert))
        sub(entry, "updated", alert.created_at)
        sub(entry, "published", alert.created_at)
        sub(entry, "link", rel="alternate", href=site_url.rstrip("/") + claim_path(alert.article_id, alert.claim_id), type="text/html")
        sub(entry, "category", term=alert.kind)
        sub(entry, "summary", alert_summary(alert), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
