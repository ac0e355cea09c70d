"""The SQLite store's dispute tables: claim embeddings, propositions and disputes (migrations 0007, 0008).

``DisputeStoreMixin`` is mixed into ``SqliteStore``; it holds every SQL statement dispute detection, ``check``
and the web layer need, so no other module writes SQL for them. Tables: docs/STORE.md.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from typing import Any, Iterable, Optional, Sequence

import numpy as np

from ..errors import StoreError
from .base import ClaimQuery, DisputeQuery, StoredClaim, StoredDispute
from .migrations import immediate_transaction
from .rows import _loads

DISPUTE_COLUMNS = ("id", "group_id", "left_claim_id", "right_claim_id", "reason", "reasons", "explanation", "score",
                   "relatedness", "first_seen", "last_seen", "details", "detected_at")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class DisputeStoreMixin:
    """Dispute-related reads and writes (needs ``_db``, ``_run``, ``_claim_filter``, ``query_claims``)."""

    # -- embeddings ----------------------------------------------------------------------------------------

    def claims_without_embedding(self, model: str) -> list[tuple[str, str]]:
        """``(claim id, content text)`` of every claim with no vector from ``model`` yet."""
        rows = self._db.execute(  # type: ignore[attr-defined]
            "SELECT c.id, c.content_text FROM claims c WHERE NOT EXISTS "
            "(SELECT 1 FROM claim_embeddings e WHERE e.claim_id = c.id AND e.model = ?) ORDER BY c.rowid",
            [model],
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def put_embeddings(self, model: str, ids: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype="<f4")
        rows = [(cid, model, int(vectors.shape[1]), vectors[k].tobytes()) for k, cid in enumerate(ids)]
        try:
            with immediate_transaction(self._db):  # type: ignore[attr-defined]
                self._db.conn.executemany(  # type: ignore[attr-defined]
                    "INSERT OR REPLACE INTO claim_embeddings (claim_id, model, dim, vector) VALUES (?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.label}: cannot store embeddings: {exc}") from None  # type: ignore[attr-defined]

    def embedding_matrix(self, model: str, ids: Optional[Sequence[str]] = None) -> tuple[list[str], np.ndarray]:
        """Claim ids and their vectors (one row each, float32) from ``model``: all, or those of ``ids``."""
        db = self._db  # type: ignore[attr-defined]
        if ids is None:
            cur = db.execute("SELECT claim_id, dim, vector FROM claim_embeddings WHERE model = ?", [model])
            rows = cur.fetchall()
        else:
            rows = []
            wanted = list(ids)
            for k in range(0, len(wanted), 900):
                part = wanted[k : k + 900]
                rows += db.execute(
                    f"SELECT claim_id, dim, vector FROM claim_embeddings WHERE model = ? AND claim_id IN "
                    f"({','.join('?' * len(part))})", [model, *part]).fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        dim = int(rows[0][1])
        matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype="<f4").reshape(len(rows), dim)
        return [r[0] for r in rows], matrix

    # -- propositions --------------------------------------------------------------------------------------

    def unscanned_claim_ids(self) -> list[str]:
        """Claims not yet through dispute detection (no ``claim_propositions`` row)."""
        rows = self._db.execute(  # type: ignore[attr-defined]
            "SELECT c.id FROM claims c WHERE NOT EXISTS (SELECT 1 FROM claim_propositions p WHERE p.claim_id = c.id)"
        ).fetchall()
        return [r[0] for r in rows]

    def propositions(self) -> list[tuple[str, str, str, float, int]]:
        """Every ``(claim id, proposition id, stance, relatedness, is_anchor)`` row."""
        return [tuple(r) for r in self._db.execute(  # type: ignore[attr-defined]
            "SELECT claim_id, proposition_id, stance, relatedness, is_anchor FROM claim_propositions").fetchall()]

    def save_detection(self, propositions: Iterable[tuple[str, str, str, float, int]],
                       disputes: Iterable[dict[str, Any]], *, replace_all: bool = False) -> None:
        """Write proposition rows and dispute rows in one transaction (``replace_all``: clear both tables first)."""
        db = self._db  # type: ignore[attr-defined]
        cols = ", ".join(DISPUTE_COLUMNS)
        now = _now()
        try:
            with immediate_transaction(db):
                if replace_all:
                    db.execute("DELETE FROM disputes")
                    db.execute("DELETE FROM claim_propositions")
                db.conn.executemany(
                    "INSERT OR REPLACE INTO claim_propositions (claim_id, proposition_id, stance, relatedness, is_anchor)"
                    " VALUES (?, ?, ?, ?, ?)", list(propositions))
                db.conn.executemany(
                    f"INSERT OR REPLACE INTO disputes ({cols}) VALUES ({', '.join('?' * len(DISPUTE_COLUMNS))})",
                    [tuple(d.get(c) if c != "detected_at" else now for c in DISPUTE_COLUMNS) for d in disputes])
        except sqlite3.Error as exc:
            raise StoreError(f"{self.label}: cannot store disputes: {exc}") from None  # type: ignore[attr-defined]

    def dispute_counts(self) -> dict[str, int]:
        db = self._db  # type: ignore[attr-defined]
        return {
            "disputes": db.execute("SELECT count(*) FROM disputes").fetchone()[0],
            "groups": db.execute("SELECT count(DISTINCT group_id) FROM disputes").fetchone()[0],
            "propositions": db.execute("SELECT count(DISTINCT proposition_id) FROM claim_propositions").fetchone()[0],
            "scanned": db.execute("SELECT count(*) FROM claim_propositions").fetchone()[0],
        }

    def claims_by_id(self, ids: Sequence[str]) -> dict[str, StoredClaim]:
        """Stored claims (with their article fields) by id."""
        from .rows import row_to_stored

        out: dict[str, StoredClaim] = {}
        wanted = list(dict.fromkeys(ids))
        for k in range(0, len(wanted), 900):
            part = wanted[k : k + 900]
            rows = self._run(  # type: ignore[attr-defined]
                "SELECT c.*, a.title AS a_title, a.date AS a_date, a.outlet AS a_outlet, a.url AS a_url "
                f"FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id IN ({','.join('?' * len(part))})",
                part)
            for r in rows:
                out[r["id"]] = row_to_stored(r)
        return out

    # -- disputes ------------------------------------------------------------------------------------------

    def query_disputes(self, query: DisputeQuery) -> list[StoredDispute]:
        """Disputes matching ``query``, best score first; one per group unless ``all_pairs``."""
        where: list[str] = []
        params: list[Any] = []
        if query.dispute_id is not None:
            where.append("d.id = ?")
            params.append(query.dispute_id)
        if query.min_score is not None:
            where.append("d.score >= ?")
            params.append(float(query.min_score))
        if query.since is not None:
            where.append("coalesce(d.last_seen, d.first_seen) >= ?")
            params.append(query.since[:10])
        if query.until is not None:
            where.append("d.first_seen <= ?")
            params.append(query.until[:10])
        if query.actor is not None and query.actor.strip():
            _, cond, values = self._claim_filter(ClaimQuery(actor=query.actor))  # type: ignore[attr-defined]
            sub = f"(SELECT c.id FROM claims c WHERE {' AND '.join(cond)})"
            where.append(f"(d.left_claim_id IN {sub} OR d.right_claim_id IN {sub})")
            params += values + values
        if query.outlet is not None and query.outlet.strip():
            sub = ("(SELECT c.id FROM claims c JOIN articles a ON a.id = c.article_id "
                   "WHERE a.outlet = ? COLLATE NOCASE)")
            where.append(f"(d.left_claim_id IN {sub} OR d.right_claim_id IN {sub})")
            params += [query.outlet.strip()] * 2
        cond = (" WHERE " + " AND ".join(where)) if where else ""
        limit = [query.limit if query.limit is not None else -1, query.offset]
        if query.all_pairs or query.dispute_id is not None:
            sql = (f"SELECT d.*, 1 AS n_pairs, d.first_seen AS g_first, d.last_seen AS g_last FROM disputes d{cond} "
                   "ORDER BY d.score DESC, d.id LIMIT ? OFFSET ?")
        else:
            # The best pair of each group, with the group's size and its first and last days.
            sql = (
                f"WITH m AS (SELECT d.*, row_number() OVER (PARTITION BY d.group_id ORDER BY d.score DESC, d.id) AS rk,"
                "  count(*) OVER (PARTITION BY d.group_id) AS n_pairs,"
                "  min(d.first_seen) OVER (PARTITION BY d.group_id) AS g_first,"
                f"  max(d.last_seen) OVER (PARTITION BY d.group_id) AS g_last FROM disputes d{cond}) "
                "SELECT * FROM m WHERE rk = 1 ORDER BY score DESC, n_pairs DESC, id LIMIT ? OFFSET ?"
            )
        return self._disputes_from_rows(self._run(sql, params + limit))  # type: ignore[attr-defined]

    def _disputes_from_rows(self, rows: list[dict[str, Any]]) -> list[StoredDispute]:
        """StoredDisputes from ``disputes`` rows with their group's ``n_pairs``, ``g_first`` and ``g_last``."""
        if not rows:
            return []
        claims = self.claims_by_id([r["left_claim_id"] for r in rows] + [r["right_claim_id"] for r in rows])
        stances = self._stances([r["left_claim_id"] for r in rows] + [r["right_claim_id"] for r in rows])
        out = []
        for r in rows:
            left, right = claims.get(r["left_claim_id"]), claims.get(r["right_claim_id"])
            if left is None or right is None:
                continue
            out.append(StoredDispute(
                id=r["id"], left=left, right=right, reason=r["reason"], score=r["score"],
                first_seen=r["g_first"], last_seen=r["g_last"], reasons=_loads(r["reasons"], []),
                explanation=r["explanation"], group_id=r["group_id"], pairs=int(r["n_pairs"]),
                left_stance=stances.get(r["left_claim_id"]), right_stance=stances.get(r["right_claim_id"]),
            ))
        return out

    def _stances(self, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        wanted = list(dict.fromkeys(ids))
        for k in range(0, len(wanted), 900):
            part = wanted[k : k + 900]
            for cid, stance in self._db.execute(  # type: ignore[attr-defined]
                    f"SELECT claim_id, stance FROM claim_propositions WHERE claim_id IN ({','.join('?' * len(part))})",
                    part).fetchall():
                out[cid] = stance
        return out

    def dispute_timeline(self, actor: Optional[str] = None) -> dict[str, int]:
        """Dispute groups per first day seen (optionally those where either side's speaker is ``actor``)."""
        found = self.query_disputes(DisputeQuery(actor=actor, limit=None))
        days: dict[str, int] = {}
        for d in found:
            if d.first_seen:
                days[d.first_seen] = days.get(d.first_seen, 0) + 1
        return days

    # -- check ---------------------------------------------------------------------------------------------

    @staticmethod
    def family_names(lex: Any) -> list[str]:
        """Event family names in a fixed order (index k+1 in ``claim_event_families``; 0 = none)."""
        return sorted(lex.families)

    def claim_event_families(self, ids: Sequence[str], lex: Any) -> np.ndarray:
        """Each claim's event family index (see ``family_names``), aligned with ``ids``; read with one scan."""
        names = {n: k + 1 for k, n in enumerate(self.family_names(lex))}
        known: dict[str, int] = {}
        for cid, category, mode in self._db.execute(  # type: ignore[attr-defined]
                "SELECT id, event_category, json_extract(event, '$.mode') FROM claims WHERE event_category IS NOT NULL"):
            fam = lex.family(category, mode)
            if fam is not None:
                known[cid] = names[fam]
        return np.fromiter((known.get(cid, 0) for cid in ids), dtype=np.int64, count=len(ids))
