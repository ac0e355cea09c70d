"""The PostgreSQL store's dispute tables: claim embeddings, propositions and disputes.

The same methods as ``store/disputes.py`` (SQLite) with PostgreSQL SQL; row handling is shared with it.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Iterable, Optional, Sequence

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ..errors import StoreError
from . import tables as T
from .base import ClaimQuery, DisputeQuery, StoredClaim, StoredDispute
from .disputes import DisputeStoreMixin
from .rows import CLAIM_COLUMNS, row_to_stored

_CLAIM_SELECT = ("SELECT " + ", ".join(f"c.{n}" for n in CLAIM_COLUMNS)
                 + ", a.title AS a_title, a.date AS a_date, a.outlet AS a_outlet, a.url AS a_url "
                 "FROM claims c JOIN articles a ON a.id = c.article_id")


def _json_value(value: Any) -> Any:
    """A JSONB column's value from what the detector passes (JSON text, as SQLite stores it, or objects)."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value


class PostgresDisputeMixin(DisputeStoreMixin):
    """Dispute-related reads and writes (needs ``_c``, ``_rows``, ``transaction``, ``_claim_filter``)."""

    # -- embeddings ----------------------------------------------------------------------------------------

    def claims_without_embedding(self, model: str) -> list[tuple[str, str]]:
        rows = self._rows(sa.text(  # type: ignore[attr-defined]
            "SELECT c.id, c.content_text FROM claims c WHERE NOT EXISTS "
            "(SELECT 1 FROM claim_embeddings e WHERE e.claim_id = c.id AND e.model = :m) ORDER BY c.article_id, c.seq"),
            {"m": model})
        return [(r["id"], r["content_text"]) for r in rows]

    def put_embeddings(self, model: str, ids: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype="<f4")
        rows = [{"claim_id": cid, "model": model, "dim": int(vectors.shape[1]), "vector": vectors[k].tobytes()}
                for k, cid in enumerate(ids)]
        if not rows:
            return
        stmt = pg_insert(T.claim_embeddings)
        stmt = stmt.on_conflict_do_update(index_elements=["claim_id", "model"],
                                          set_={"dim": stmt.excluded.dim, "vector": stmt.excluded.vector})
        self._write_many(stmt, rows, "cannot store embeddings")

    def embedding_matrix(self, model: str, ids: Optional[Sequence[str]] = None) -> tuple[list[str], np.ndarray]:
        if ids is None:
            rows = self._rows(sa.text(  # type: ignore[attr-defined]
                "SELECT claim_id, dim, vector FROM claim_embeddings WHERE model = :m ORDER BY claim_id"), {"m": model})
        else:
            rows = self._rows(sa.text(  # type: ignore[attr-defined]
                "SELECT claim_id, dim, vector FROM claim_embeddings WHERE model = :m AND claim_id = ANY(:ids) "
                "ORDER BY claim_id"), {"m": model, "ids": list(ids)})
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        dim = int(rows[0]["dim"])
        matrix = np.frombuffer(b"".join(bytes(r["vector"]) for r in rows), dtype="<f4").reshape(len(rows), dim)
        return [r["claim_id"] for r in rows], matrix

    # -- propositions --------------------------------------------------------------------------------------

    def unscanned_claim_ids(self) -> list[str]:
        rows = self._rows(sa.text(  # type: ignore[attr-defined]
            "SELECT c.id FROM claims c WHERE NOT EXISTS (SELECT 1 FROM claim_propositions p WHERE p.claim_id = c.id) "
            "ORDER BY c.article_id, c.seq"))
        return [r["id"] for r in rows]

    def propositions(self) -> list[tuple[str, str, str, float, int]]:
        rows = self._rows(sa.text(  # type: ignore[attr-defined]
            "SELECT claim_id, proposition_id, stance, relatedness, is_anchor FROM claim_propositions ORDER BY claim_id"))
        return [(r["claim_id"], r["proposition_id"], r["stance"], r["relatedness"], r["is_anchor"]) for r in rows]

    def save_detection(self, propositions: Iterable[tuple[str, str, str, float, int]],
                       disputes: Iterable[dict[str, Any]], *, replace_all: bool = False) -> None:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        prop_rows = [dict(zip(("claim_id", "proposition_id", "stance", "relatedness", "is_anchor"), p))
                     for p in propositions]
        dispute_rows = []
        for d in disputes:
            row = {c: d.get(c) for c in T.DISPUTE_COLUMNS}
            row["detected_at"] = now
            row["reasons"] = _json_value(row["reasons"])
            row["details"] = _json_value(row["details"])
            dispute_rows.append(row)
        conn = self._c  # type: ignore[attr-defined]
        try:
            with self.transaction():  # type: ignore[attr-defined]
                if replace_all:
                    conn.execute(sa.text("DELETE FROM disputes"))
                    conn.execute(sa.text("DELETE FROM claim_propositions"))
                if prop_rows:
                    stmt = pg_insert(T.claim_propositions)
                    conn.execute(stmt.on_conflict_do_update(
                        index_elements=["claim_id"],
                        set_={c: stmt.excluded[c] for c in ("proposition_id", "stance", "relatedness", "is_anchor")}),
                        prop_rows)
                if dispute_rows:
                    stmt = pg_insert(T.disputes)
                    conn.execute(stmt.on_conflict_do_update(
                        index_elements=["id"], set_={c: stmt.excluded[c] for c in T.DISPUTE_COLUMNS if c != "id"}),
                        dispute_rows)
        except sa.exc.DBAPIError as exc:
            raise self._error("cannot store disputes", exc) from None

    def _write_many(self, stmt: Any, rows: list[dict[str, Any]], what: str) -> None:
        try:
            with self.transaction():  # type: ignore[attr-defined]
                self._c.execute(stmt, rows)  # type: ignore[attr-defined]
        except sa.exc.DBAPIError as exc:
            raise self._error(what, exc) from None

    def _error(self, what: str, exc: BaseException) -> StoreError:
        from .postgres import _one_line

        return StoreError(f"{self.label}: {what}: {_one_line(exc, self.url)}")  # type: ignore[attr-defined]

    def dispute_counts(self) -> dict[str, int]:
        row = self._rows(sa.text(  # type: ignore[attr-defined]
            "SELECT (SELECT count(*) FROM disputes) AS disputes, (SELECT count(DISTINCT group_id) FROM disputes) AS groups,"
            " (SELECT count(DISTINCT proposition_id) FROM claim_propositions) AS propositions,"
            " (SELECT count(*) FROM claim_propositions) AS scanned"))[0]
        return {k: int(v) for k, v in row.items()}

    def claims_by_id(self, ids: Sequence[str]) -> dict[str, StoredClaim]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        rows = self._rows(sa.text(_CLAIM_SELECT + " WHERE c.id = ANY(:ids)"), {"ids": wanted})  # type: ignore[attr-defined]
        return {r["id"]: row_to_stored(r) for r in rows}

    # -- disputes ------------------------------------------------------------------------------------------

    def query_disputes(self, query: DisputeQuery) -> list[StoredDispute]:
        """Disputes matching ``query``, best score first; one per group unless ``all_pairs``."""
        d = T.disputes.alias("d")
        where: list[Any] = []
        if query.dispute_id is not None:
            where.append(d.c.id == query.dispute_id)
        if query.min_score is not None:
            where.append(d.c.score >= float(query.min_score))
        if query.since is not None:
            where.append(sa.func.coalesce(d.c.last_seen, d.c.first_seen) >= query.since[:10])
        if query.until is not None:
            where.append(d.c.first_seen <= query.until[:10])
        if query.actor is not None and query.actor.strip():
            cond, _ = self._claim_filter(ClaimQuery(actor=query.actor))  # type: ignore[attr-defined]
            from .postgres import _c

            sub = sa.select(_c.c.id).where(*cond)
            where.append(sa.or_(d.c.left_claim_id.in_(sub), d.c.right_claim_id.in_(sub)))
        if query.outlet is not None and query.outlet.strip():
            c, a = T.claims.alias("oc"), T.articles.alias("oa")
            sub = (sa.select(c.c.id).select_from(c.join(a, a.c.id == c.c.article_id))
                   .where(sa.func.lower(a.c.outlet) == sa.func.lower(query.outlet.strip())))
            where.append(sa.or_(d.c.left_claim_id.in_(sub), d.c.right_claim_id.in_(sub)))
        cols = [d.c[n] for n in T.DISPUTE_COLUMNS]
        if query.all_pairs or query.dispute_id is not None:
            stmt = (sa.select(*cols, sa.literal(1).label("n_pairs"), d.c.first_seen.label("g_first"),
                              d.c.last_seen.label("g_last"))
                    .where(*where).order_by(d.c.score.desc(), d.c.id))
        else:
            # The best pair of each group, with the group's size and its first and last days.
            group = {"partition_by": d.c.group_id}
            m = sa.select(
                *cols,
                sa.func.row_number().over(order_by=(d.c.score.desc(), d.c.id), **group).label("rk"),
                sa.func.count().over(**group).label("n_pairs"),
                sa.func.min(d.c.first_seen).over(**group).label("g_first"),
                sa.func.max(d.c.last_seen).over(**group).label("g_last"),
            ).where(*where).subquery("m")
            stmt = (sa.select(m).where(m.c.rk == 1)
                    .order_by(m.c.score.desc(), m.c.n_pairs.desc(), m.c.id))
        stmt = stmt.offset(query.offset)
        if query.limit is not None:
            stmt = stmt.limit(query.limit)
        return self._disputes_from_rows(self._rows(stmt))  # type: ignore[attr-defined]

    def _stances(self, ids: Sequence[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        rows = self._rows(sa.text(  # type: ignore[attr-defined]
            "SELECT claim_id, stance FROM claim_propositions WHERE claim_id = ANY(:ids)"), {"ids": wanted})
        return {r["claim_id"]: r["stance"] for r in rows}

    # -- check ---------------------------------------------------------------------------------------------

    def claim_event_families(self, ids: Sequence[str], lex: Any) -> np.ndarray:
        names = {n: k + 1 for k, n in enumerate(self.family_names(lex))}
        known: dict[str, int] = {}
        for r in self._rows(sa.text(  # type: ignore[attr-defined]
                "SELECT id, event_category, event->>'mode' AS mode FROM claims WHERE event_category IS NOT NULL")):
            fam = lex.family(r["event_category"], r["mode"])
            if fam is not None:
                known[r["id"]] = names[fam]
        return np.fromiter((known.get(cid, 0) for cid in ids), dtype=np.int64, count=len(ids))
