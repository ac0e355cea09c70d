"""Store access for disputes (detected by `claimwatch disputes`, docs/DISPUTES.md).

The pages and API read disputes through one store method, ``query_disputes(DisputeQuery) -> list[StoredDispute]``.
A store without it (or before detection has run) gives empty lists and the pages say "no disputes detected yet";
nothing here makes any up.
"""
from __future__ import annotations

from typing import Any, Optional

from ..store import DisputeQuery, StoredDispute

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
