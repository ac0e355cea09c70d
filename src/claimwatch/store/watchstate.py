"""The store's part for continuous collection and alerts (``WatchStore``): source state, handled items,
watchlists and alerts. Mixed into ``SqlStore``; plain SQLAlchemy Core over ``tables``, the same on both engines."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional, Sequence

import sqlalchemy as sa

from . import tables as T
from .base import Alert, SourceState, Watchlist
from .rows import loads_json

WATCHLIST_COLUMNS = tuple(c.name for c in T.watchlists.columns)
ALERT_COLUMNS = tuple(c.name for c in T.alerts.columns)
SOURCE_COLUMNS = tuple(c.name for c in T.watch_sources.columns)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class WatchStateMixin:
    """``WatchStore`` on ``SqlStore``'s helpers (``rows``, ``_write``, ``_insert``, ``_json_value``)."""

    rows: Any
    connection: Any
    transaction: Any
    _error: Any
    _write: Any
    _insert: Any
    _json_value: Any

    # -- sources -----------------------------------------------------------------------------------------------

    def source_state(self, url: str) -> Optional[SourceState]:
        s = T.watch_sources
        found = self.rows(sa.select(s).where(s.c.url == url))
        return SourceState(**found[0]) if found else None

    def save_source_state(self, state: SourceState) -> None:
        stmt = self._insert(T.watch_sources).values(**state.model_dump())
        self._write("cannot store a source's state", stmt.on_conflict_do_update(
            index_elements=["url"], set_={c: stmt.excluded[c] for c in SOURCE_COLUMNS if c != "url"}))

    def seen_items(self, source_url: str, keys: Sequence[str]) -> set[str]:
        i = T.watch_items
        seen: set[str] = set()
        keys = list(dict.fromkeys(keys))
        for k in range(0, len(keys), 500):  # bounded IN lists
            part = keys[k : k + 500]
            seen.update(r["item_key"] for r in self.rows(
                sa.select(i.c.item_key).where(i.c.source_url == source_url, i.c.item_key.in_(part))))
        return seen

    def mark_item(self, source_url: str, key: str, article_id: Optional[str]) -> None:
        stmt = self._insert(T.watch_items).values(source_url=source_url, item_key=key, article_id=article_id,
                                                  seen_at=_now())
        self._write("cannot record a handled item", stmt.on_conflict_do_nothing())

    # -- watchlists --------------------------------------------------------------------------------------------

    def save_watchlist(self, watchlist: Watchlist) -> Watchlist:
        now = _now()
        saved = watchlist.model_copy(update={"created_at": watchlist.created_at or now,
                                             "checked_at": watchlist.checked_at or now})
        row = saved.model_dump()
        row["disputes"] = int(row["disputes"])
        stmt = self._insert(T.watchlists).values(**row)
        self._write("cannot store a watchlist", stmt.on_conflict_do_update(
            index_elements=["id"], set_={c: stmt.excluded[c] for c in WATCHLIST_COLUMNS
                                         if c not in ("id", "created_at", "checked_at")}))
        return self.get_watchlist(saved.id) or saved

    def _watchlist(self, row: dict[str, Any]) -> Watchlist:
        return Watchlist(**{**row, "disputes": bool(row["disputes"])})

    def watchlists(self) -> list[Watchlist]:
        w = T.watchlists
        return [self._watchlist(r) for r in self.rows(sa.select(w).order_by(w.c.created_at, w.c.id))]

    def get_watchlist(self, watchlist_id: str) -> Optional[Watchlist]:
        w = T.watchlists
        found = self.rows(sa.select(w).where(w.c.id == watchlist_id))
        return self._watchlist(found[0]) if found else None

    def delete_watchlist(self, watchlist_id: str) -> bool:
        # Alerts first: a SQLite file opened without foreign keys on would otherwise keep them.
        self._write("cannot delete alerts", sa.delete(T.alerts).where(T.alerts.c.watchlist_id == watchlist_id))
        done = self._write("cannot delete a watchlist",
                           sa.delete(T.watchlists).where(T.watchlists.c.id == watchlist_id))
        return bool(done.rowcount)

    def set_checked(self, watchlist_id: str, checked_at: str) -> None:
        w = T.watchlists
        self._write("cannot update a watchlist",
                    sa.update(w).where(w.c.id == watchlist_id).values(checked_at=checked_at))

    # -- what is new -------------------------------------------------------------------------------------------

    def articles_since(self, since: str) -> list[str]:
        a = T.articles
        return [r["id"] for r in self.rows(
            sa.select(a.c.id).where(a.c.ingested_at >= since).order_by(a.c.ingested_at, a.c.id))]

    def disputes_since(self, since: str) -> list[tuple[str, str, str]]:
        d = T.disputes
        return [(r["id"], r["left_claim_id"], r["right_claim_id"]) for r in self.rows(
            sa.select(d.c.id, d.c.left_claim_id, d.c.right_claim_id).where(d.c.detected_at >= since)
            .order_by(d.c.detected_at, d.c.id))]

    # -- alerts ------------------------------------------------------------------------------------------------

    def add_alert(self, alert: Alert) -> bool:
        row = alert.model_dump()
        row["payload"] = self._json_value(row["payload"])
        stmt = self._insert(T.alerts).values(**row).on_conflict_do_nothing().returning(T.alerts.c.id)
        try:
            with self.transaction():  # RETURNING read inside it: SQLite cannot commit with rows pending
                return bool(self.connection.execute(stmt).all())
        except sa.exc.DBAPIError as exc:
            raise self._error("cannot store an alert", exc) from None

    def update_alert(self, alert_id: str, *, webhook_status: Optional[str] = None,
                     mail_status: Optional[str] = None) -> None:
        values = {k: v for k, v in (("webhook_status", webhook_status), ("mail_status", mail_status)) if v}
        if values:
            self._write("cannot update an alert", sa.update(T.alerts).where(T.alerts.c.id == alert_id).values(**values))

    def alerts(self, watchlist_id: str, limit: Optional[int] = 50) -> list[Alert]:
        a = T.alerts
        stmt = sa.select(a).where(a.c.watchlist_id == watchlist_id).order_by(a.c.created_at.desc(), a.c.id.desc())
        if limit is not None:
            stmt = stmt.limit(limit)
        return [Alert(**{**r, "payload": loads_json(r["payload"], {})}) for r in self.rows(stmt)]
