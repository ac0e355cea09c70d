"""The claim store's schema in SQLAlchemy Core: one definition of every table, column and index.

Both engines are created from it (``store/versioning.py``) and queried through it (``store/sqlstore.py``).
PostgreSQL types: JSONB for nested parts, BYTEA for vectors, ``COLLATE "C"`` text so ids and ISO dates compare and
sort byte-wise, as in SQLite. SQLite types: JSON text, BLOB, and ``WITHOUT ROWID`` for the tables looked up by
their primary key. Only PostgreSQL has ``claims.content_tsv`` and its GIN index; only SQLite has the FTS5 table
``claims_fts`` (created beside these tables by the SQLite store) and, in files written before Alembic, the
``migrations`` table. Changing a table here needs an Alembic revision (docs/STORE.md, "Migrations").
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateColumn

# The text search configuration of claims.content_tsv: the 'simple' parser and dictionary (no stemming, no stop
# words: what SQLite's unicode61 tokenizer does) plus unaccent, so "verite" finds "vérité" on both engines.
TS_CONFIG = "claimwatch_fts"

metadata = sa.MetaData()


def _text() -> sa.types.TypeEngine:
    return sa.Text().with_variant(pg.TEXT(collation="C"), "postgresql")


def _json() -> sa.types.TypeEngine:
    # none_as_null: Python None is SQL NULL, not the JSON value null (SQLite stores NULL there too).
    return sa.Text().with_variant(pg.JSONB(none_as_null=True), "postgresql")


def _offset() -> sa.types.TypeEngine:
    return sa.BigInteger()  # SQLite INTEGER is 64-bit; PostgreSQL integer is 32


class folded(sa.sql.functions.GenericFunction):
    """A text column compared case-insensitively: ``lower(x)``, or ``x COLLATE NOCASE`` in SQLite (the form the
    outlet filters use, so their index serves them)."""

    name = "lower"
    inherit_cache = True


@compiles(folded, "sqlite")
def _nocase(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.clauses, **kw)} COLLATE NOCASE"


@compiles(CreateColumn, "sqlite")
def _skip_tsvector(element: CreateColumn, compiler: Any, **kw: Any) -> Any:
    # content_tsv is PostgreSQL's search column; SQLite searches the claims_fts table instead.
    if isinstance(element.element.type, pg.TSVECTOR):
        return None
    return compiler.visit_create_column(element, **kw)



articles = sa.Table(
    "articles", metadata,
    sa.Column("id", _text(), primary_key=True),
    sa.Column("text_hash", _text(), nullable=False),
    sa.Column("title", _text()),
    sa.Column("date", _text()),
    sa.Column("outlet", _text()),
    sa.Column("url", _text()),
    sa.Column("text", _text(), nullable=False),
    sa.Column("ingested_at", _text(), nullable=False),
    sa.Column("pipeline_version", _text(), nullable=False),
    sa.Index("idx_articles_text_hash", "text_hash", unique=True),
    sa.Index("idx_articles_date", "date"),
    # Case-insensitive outlet filter (SQLite: outlet COLLATE NOCASE).
    sa.Index("idx_articles_outlet", folded(sa.column("outlet"))),
    # The claim listing's order: newest first, undated last, then id.
    sa.Index("idx_articles_order", sa.text("(date IS NULL)"), sa.text("date DESC"), "id"),
)

claims = sa.Table(
    "claims", metadata,
    sa.Column("id", _text(), primary_key=True),
    sa.Column("article_id", _text(), sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("speaker_text", _text()),
    sa.Column("speaker_start", _offset()),
    sa.Column("speaker_end", _offset()),
    sa.Column("resolved_speaker", _text()),
    sa.Column("speaker_role", _text()),
    sa.Column("cue_text", _text()),
    sa.Column("cue_start", _offset()),
    sa.Column("cue_end", _offset()),
    sa.Column("cue_class", _text()),
    sa.Column("content_text", _text(), nullable=False),
    sa.Column("content_start", _offset(), nullable=False),
    sa.Column("content_end", _offset(), nullable=False),
    sa.Column("content_spans", _json()),
    sa.Column("kind", _text(), nullable=False),
    sa.Column("polarity", _text(), nullable=False),
    sa.Column("hedged", sa.Integer(), nullable=False),
    sa.Column("hedges", _json(), nullable=False),
    sa.Column("addressee", _json()),
    sa.Column("relay", _json(), nullable=False),
    sa.Column("speaker_actor_id", _text()),
    sa.Column("speaker_actor", _json()),
    sa.Column("actors", _json()),
    sa.Column("places", _json()),
    sa.Column("event_category", _text()),
    sa.Column("event", _json()),
    sa.Column("dates", _json()),
    sa.Column("quantities", _json()),
    sa.Column("frame", _json()),
    # PostgreSQL only: the full-text index of the content, computed by the server (SQLite: claims_fts).
    sa.Column("content_tsv", pg.TSVECTOR(),
              sa.Computed(f"to_tsvector('{TS_CONFIG}'::regconfig, content_text)", persisted=True)),
    sa.Index("idx_claims_article_id", "article_id", "seq"),
    sa.Index("idx_claims_resolved_speaker", "resolved_speaker"),
    sa.Index("idx_claims_speaker_actor_id", "speaker_actor_id"),
    sa.Index("idx_claims_event_category", "event_category"),
    sa.Index("idx_claims_content_tsv", "content_tsv", postgresql_using="gin").ddl_if(dialect="postgresql"),
)

actors = sa.Table(
    "actors", metadata,
    sa.Column("id", _text(), primary_key=True),
    sa.Column("name", _text(), nullable=False),
    sa.Column("type", _text(), nullable=False),
    sa.Column("country", _text()),
    sa.Column("sector", _text()),
    sa.Index("idx_actors_country", "country"),
)

claim_keys = sa.Table(
    "claim_keys", metadata,
    sa.Column("claim_id", _text(), sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("speaker_key", _text()),
    sa.Column("resolved_key", _text()),
    sa.Column("actor_key", _text()),
    sa.Column("actor_country", _text()),
    sa.Column("actor_name_key", _text()),
    *(sa.Index(f"idx_claim_keys_{c}", c) for c in ("speaker_key", "resolved_key", "actor_key", "actor_country",
                                                    "actor_name_key")),
    sqlite_with_rowid=False,
)

speaker_names = sa.Table(
    "speaker_names", metadata,
    sa.Column("name", _text(), primary_key=True),
    sqlite_with_rowid=False,
)

claim_embeddings = sa.Table(
    "claim_embeddings", metadata,
    sa.Column("claim_id", _text(), sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("model", _text(), primary_key=True),
    sa.Column("dim", sa.Integer(), nullable=False),
    sa.Column("vector", sa.LargeBinary(), nullable=False),
    sqlite_with_rowid=False,
)

claim_propositions = sa.Table(
    "claim_propositions", metadata,
    sa.Column("claim_id", _text(), sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("proposition_id", _text(), nullable=False),
    sa.Column("stance", _text(), nullable=False),
    sa.Column("relatedness", sa.Float()),
    sa.Column("is_anchor", sa.Integer(), nullable=False, server_default="0"),
    sa.Index("idx_claim_propositions_prop", "proposition_id"),
    sqlite_with_rowid=False,
)

disputes = sa.Table(
    "disputes", metadata,
    sa.Column("id", _text(), primary_key=True),
    sa.Column("group_id", _text(), nullable=False),
    sa.Column("left_claim_id", _text(), sa.ForeignKey("claims.id", ondelete="CASCADE"), nullable=False),
    sa.Column("right_claim_id", _text(), sa.ForeignKey("claims.id", ondelete="CASCADE"), nullable=False),
    sa.Column("reason", _text(), nullable=False),
    sa.Column("reasons", _json(), nullable=False),
    sa.Column("explanation", _text()),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("relatedness", sa.Float()),
    sa.Column("first_seen", _text()),
    sa.Column("last_seen", _text()),
    sa.Column("details", _json()),
    sa.Column("detected_at", _text(), nullable=False),
    sa.Index("idx_disputes_left", "left_claim_id"),
    sa.Index("idx_disputes_right", "right_claim_id"),
    sa.Index("idx_disputes_group", "group_id", "score"),
    sa.Index("idx_disputes_score", "score"),
    sa.Index("idx_disputes_first_seen", "first_seen"),
)

sightings = sa.Table(
    "sightings", metadata,
    sa.Column("article_id", _text(), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("source_key", _text(), primary_key=True),
    sa.Column("source_id", _text()),
    sa.Column("outlet", _text()),
    sa.Column("url", _text()),
    sa.Column("date", _text()),
    sa.Column("kind", _text(), nullable=False),
    sa.Column("similarity", sa.Float()),
    sa.Column("seen_at", _text(), nullable=False),
    sa.Index("idx_sightings_outlet", "outlet"),
    sqlite_with_rowid=False,
)

article_minhash = sa.Table(
    "article_minhash", metadata,
    sa.Column("article_id", _text(), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("num_perm", sa.Integer(), nullable=False),
    sa.Column("signature", sa.LargeBinary(), nullable=False),
    sqlite_with_rowid=False,
)

# -- continuous collection and alerts (``claimwatch watch``, docs/WATCH.md) -----------------------------------------

# One row per source of the sources file: what the last fetch learnt, so a restarted watch resumes where it was.
watch_sources = sa.Table(
    "watch_sources", metadata,
    sa.Column("url", _text(), primary_key=True),
    sa.Column("etag", _text()),
    sa.Column("last_modified", _text()),
    sa.Column("last_checked", _text()),
    sa.Column("last_ok", _text()),
    sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("next_try", _text()),  # ISO time before which the source is not fetched again (back-off)
    sa.Column("last_error", _text()),
    sqlite_with_rowid=False,
)

# Feed entries and sitemap URLs already handled, per source: an item is fetched and ingested once.
watch_items = sa.Table(
    "watch_items", metadata,
    sa.Column("source_url", _text(), primary_key=True),
    sa.Column("item_key", _text(), primary_key=True),
    sa.Column("article_id", _text()),
    sa.Column("seen_at", _text(), nullable=False),
    sqlite_with_rowid=False,
)

# Saved searches: every filter given must match; ``disputes`` = alert when a matching claim enters a dispute.
watchlists = sa.Table(
    "watchlists", metadata,
    sa.Column("id", _text(), primary_key=True),
    sa.Column("name", _text(), nullable=False),
    sa.Column("actor", _text()),
    sa.Column("text", _text()),
    sa.Column("event", _text()),
    sa.Column("outlet", _text()),
    sa.Column("disputes", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("webhook", _text()),
    sa.Column("email", _text()),
    sa.Column("created_at", _text(), nullable=False),
    sa.Column("checked_at", _text(), nullable=False),  # claims ingested (disputes detected) after it are new
)

# Alerts raised: one per watchlist and claim (or dispute), whatever the number of cycles that see it.
alerts = sa.Table(
    "alerts", metadata,
    sa.Column("id", _text(), primary_key=True),
    sa.Column("watchlist_id", _text(), sa.ForeignKey("watchlists.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", _text(), nullable=False),  # "claim" or "dispute"
    sa.Column("claim_id", _text(), nullable=False),
    sa.Column("article_id", _text(), nullable=False),
    sa.Column("dispute_id", _text()),
    sa.Column("payload", _json(), nullable=False),
    sa.Column("created_at", _text(), nullable=False),
    sa.Column("webhook_status", _text()),
    sa.Column("mail_status", _text()),
    sa.Index("idx_alerts_watchlist", "watchlist_id", "created_at"),
)

SIGHTING_COLUMNS = tuple(c.name for c in sightings.columns)
DISPUTE_COLUMNS = tuple(c.name for c in disputes.columns)
