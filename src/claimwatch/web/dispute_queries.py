"""Store access for disputes (detected by `claimwatch disputes`, docs/DISPUTES.md).

The pages and API read disputes through one store method, ``query_disputes(DisputeQuery) -> list[StoredDispute]``.
A store without it (or before detection has run) gives empty lists and the pages say "no disputes detected yet";
nothing here makes any up.
"""
from __future__ import annotations

from typing import Any, Optional

from ..store import DisputeQuery, FacetCount, StoredClaim, StoredDispute, outlet_key

NO_DISPUTES_NOTE = "no disputes detected yet: this store cannot hold disputes"
# What the pages say under their "No disputes detected yet." heading. Detection runs from the command line
# (`claimwatch disputes --db FILE` scans newly ingested claims); the server only reads what it saved.
NO_DISPUTES_DETAIL = "Run claimwatch disputes --db FILE to detect disputes among the stored claims"


def disputes_available(store: Any) -> bool:
    """Whether the store can hold disputes at all (it has ``query_disputes``)."""
    return callable(getattr(store, "query_disputes", None))


def query_disputes(store: Any, query: DisputeQuery) -> list[StoredDispute]:
    """Disputes matching ``query``; [] for a store without dispute support."""
    if not disputes_available(store):
        return []
    return list(store.query_disputes(query))


def get_dispute(store: Any, dispute_id: str) -> Optional[StoredDispute]:
    found = query_disputes(store, DisputeQuery(dispute_id=dispute_id, limit=1))
    return found[0] if found else None


# -- the dispute list: filters, pages, facets ------------------------------------------------------------------

# Disputes are listed from every matching group at once (groups number in the hundreds or thousands, not the
# claims' hundred thousands), so the event filter and the facets see exactly the list that is paged.
DISPUTE_FACETS = ("outlet", "speaker", "event", "polarity")


def _side_value(claim: StoredClaim, facet: str) -> Optional[str]:
    if facet == "outlet":
        return claim.outlet
    if facet == "speaker":
        return claim.speaker_actor.name if claim.speaker_actor else claim.resolved_speaker or (
            claim.speaker.text if claim.speaker else None)
    if facet == "event":
        return claim.event.category if claim.event else None
    return claim.polarity


def pair_value(d: StoredDispute, facet: str) -> Optional[str]:
    """One value per dispute for ``facet``: the sides' values, sorted and joined by " vs ", or one value when both
    sides share it (outlets compared by outlet key), so a facet's counts sum to the number of disputes."""
    values = [_side_value(d.left, facet), _side_value(d.right, facet)]
    if facet == "outlet":
        keyed: dict[Optional[str], str] = {}
        for v in values:
            if v:
                name = " ".join(v.split())
                k = outlet_key(v)
                keyed[k] = max(keyed.get(k, name), name, key=len)  # "BBC News" rather than "bbc"
        shown = sorted(keyed.values(), key=str.casefold)
    else:
        shown = sorted({" ".join(v.split()) for v in values if v}, key=str.casefold)
    return " vs ".join(shown) if shown else None


def dispute_event_matches(d: StoredDispute, event: Optional[str]) -> bool:
    if not event:
        return True
    wanted = event.strip().upper()
    return any(side.event is not None and side.event.category.upper() == wanted for side in (d.left, d.right))


def list_disputes(store: Any, query: DisputeQuery, event: Optional[str] = None) -> list[StoredDispute]:
    """Every dispute group matching ``query`` (its limit and offset ignored) whose either side has ``event``."""
    every = query_disputes(store, DisputeQuery(**{**query.__dict__, "limit": None, "offset": 0}))
    return [d for d in every if dispute_event_matches(d, event)]


def dispute_facets(disputes: list[StoredDispute]) -> dict[str, list[FacetCount]]:
    out: dict[str, list[FacetCount]] = {}
    for facet in DISPUTE_FACETS:
        counts: dict[Optional[str], int] = {}
        for d in disputes:
            v = pair_value(d, facet)
            counts[v] = counts.get(v, 0) + 1
        # No filter link: a dispute filter matches either side, a facet value describes both.
        out[facet] = sorted((FacetCount(value=v, label=v or "(none)", count=n, filter=None)
                             for v, n in counts.items()),
                            key=lambda f: (-f.count, f.value is None, f.label.casefold()))
    return out


def dispute_rows(disputes: list[StoredDispute]) -> list[dict[str, Any]]:
    """Disputes flattened for a download (``DISPUTE_COLUMNS``)."""
    rows = []
    for d in disputes:
        row: dict[str, Any] = {"id": d.id, "score": d.score, "reason": d.reason, "explanation": d.explanation,
                               "pairs": d.pairs, "first_seen": d.first_seen, "last_seen": d.last_seen}
        for name, side in (("left", d.left), ("right", d.right)):
            row.update({f"{name}_claim_id": side.id, f"{name}_speaker": _side_value(side, "speaker"),
                        f"{name}_outlet": side.outlet, f"{name}_date": side.date,
                        f"{name}_polarity": side.polarity, f"{name}_event": _side_value(side, "event"),
                        f"{name}_content": side.content.text, f"{name}_article_id": side.article_id})
        rows.append(row)
    return rows


DISPUTE_COLUMNS = ("id", "score", "reason", "explanation", "pairs", "first_seen", "last_seen") + tuple(
    f"{side}_{c}" for side in ("left", "right")
    for c in ("claim_id", "speaker", "outlet", "date", "polarity", "event", "content", "article_id"))
