"""New claims and disputes against the watchlists: one ``Alert`` per watchlist and claim (or dispute), once.

Each watchlist remembers ``checked_at``: the articles stored and disputes detected since then are new to it. The
window reaches ``OVERLAP_S`` seconds further back (never before the watchlist was created, to the second), so an article committed by another writer while the previous
check ran is not missed; alert ids are content hashes, so what the overlap sees twice is stored once.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any, Optional
from urllib.parse import quote

from ..store import Alert, ClaimQuery, Store, StoredClaim, Watchlist

OVERLAP_S = 120


def claim_path(article_id: str, claim_id: str) -> str:
    """The article page scrolled to the claim, highlighted (the web's ``#claim-ID`` anchors)."""
    return f"/articles/{quote(article_id, safe='')}#claim-{quote(claim_id, safe='')}"


def alert_id(watchlist_id: str, kind: str, key: str) -> str:
    return hashlib.sha1(f"{watchlist_id}|{kind}|{key}".encode()).hexdigest()[:20]


def _claim_part(c: StoredClaim, base_url: str) -> dict[str, Any]:
    return {
        "id": c.id,
        "speaker": c.resolved_speaker or (c.speaker.text if c.speaker else None),
        "speaker_actor": c.speaker_actor.id if c.speaker_actor else None,
        "cue": c.cue.text if c.cue else None,
        "content": c.content.text,
        "stance": c.stance(),
        "event": c.event.category if c.event else None,
        "article": {"id": c.article_id, "title": c.title, "outlet": c.outlet, "date": c.date, "url": c.url},
        "link": base_url.rstrip("/") + claim_path(c.article_id, c.id),
    }


def payload(watchlist: Watchlist, kind: str, claim: StoredClaim, base_url: str,
            dispute: Optional[tuple[str, StoredClaim]] = None) -> dict[str, Any]:
    """The alert's JSON (the webhook body; docs/WATCH.md, "Alert payload")."""
    body: dict[str, Any] = {
        "watchlist": {"id": watchlist.id, "name": watchlist.name, "matches": watchlist.describe()},
        "kind": kind,
        "claim": _claim_part(claim, base_url),
        "link": base_url.rstrip("/") + claim_path(claim.article_id, claim.id),
    }
    if dispute is not None:
        body["dispute"] = {"id": dispute[0], "other": _claim_part(dispute[1], base_url),
                           "link": base_url.rstrip("/") + f"/disputes/{quote(dispute[0], safe='')}"}
    return body


def _earlier(iso: str, seconds: int) -> str:
    return (datetime.fromisoformat(iso) - timedelta(seconds=seconds)).isoformat(timespec="seconds")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _matching(store: Store, watchlist: Watchlist, article_ids: list[str]) -> list[StoredClaim]:
    found: list[StoredClaim] = []
    for aid in article_ids:
        found += store.query_claims(watchlist.claim_query(article_id=aid))
    return found


def new_alerts(store: Store, base_url: str, *, now: Optional[str] = None) -> list[Alert]:
    """Raise the alerts of every watchlist for what was stored since its last check; return the new ones."""
    now = now or _now()
    raised: list[Alert] = []
    for wl in store.watchlists():
        # Never before the watchlist existed (ISO times in UTC compare as text).
        since = max(_earlier(wl.checked_at or now, OVERLAP_S), wl.created_at or "")
        candidates: list[tuple[str, str, StoredClaim, Optional[tuple[str, StoredClaim]]]] = []
        if wl.disputes:
            pairs = store.disputes_since(since)
            claims = store.claims_by_id([cid for _, left, right in pairs for cid in (left, right)])
            filtered = any((wl.actor, wl.text, wl.event, wl.outlet))
            for did, left, right in pairs:
                for this, other in ((left, right), (right, left)):
                    if this not in claims or other not in claims:
                        continue
                    c = claims[this]
                    if filtered and not any(m.id == c.id for m in _matching(store, wl, [c.article_id])):
                        continue
                    candidates.append(("dispute", f"{did}|{c.id}", c, (did, claims[other])))
        else:
            for c in _matching(store, wl, store.articles_since(since)):
                candidates.append(("claim", c.id, c, None))
        for kind, key, c, dispute in candidates:
            alert = Alert(id=alert_id(wl.id, kind, key), watchlist_id=wl.id, kind=kind, claim_id=c.id,
                          article_id=c.article_id, dispute_id=dispute[0] if dispute else None,
                          payload=payload(wl, kind, c, base_url, dispute), created_at=_now())
            if store.add_alert(alert):
                raised.append(alert)
        store.set_checked(wl.id, now)
    return raised


def claim_query_of(watchlist: Watchlist) -> ClaimQuery:
    """The watchlist's filters as a claim search (the web page lists its current matches with it)."""
    return watchlist.claim_query()
