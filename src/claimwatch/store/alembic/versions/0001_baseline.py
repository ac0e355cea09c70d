"""Baseline: the schema of the home-made SQLite migrations 0001_articles_claims … 0010_sightings.

SQLite reaches this state through those ten migrations (``claimwatch.store.migrations``), which the SQLite store
applies before Alembic runs; here it is only recorded (stamped). PostgreSQL gets the same tables in one go, plus
what only it has: the ``claimwatch_fts`` text search configuration (unaccent when the server has it) and the
generated ``claims.content_tsv`` column with its GIN index. Frozen: later changes go in new revisions.

Revision ID: 0001_baseline
Revises:
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

log = logging.getLogger("claimwatch")

TS_CONFIG = "claimwatch_fts"


def _text() -> pg.TEXT:
    return pg.TEXT(collation="C")


def _json() -> pg.JSONB:
    return pg.JSONB(none_as_null=True)


def _cols(*names: str, nullable: bool = True) -> list[sa.Column]:
    return [sa.Column(n, _text(), nullable=nullable) for n in names]


def _text_search_config() -> None:
    bind = op.get_bind()
    exists = bind.execute(sa.text("SELECT 1 FROM pg_ts_config WHERE cfgname = :n"), {"n": TS_CONFIG}).first()
    if exists:
        return
    # unaccent ships with PostgreSQL (contrib) and is a trusted extension: a database owner may create it.
    unaccent = False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
        unaccent = True
    except sa.exc.DBAPIError as exc:
        log.warning("PostgreSQL extension unaccent unavailable (%s); full-text search will not fold accents",
                    str(exc).splitlines()[0])
    bind.execute(sa.text(f"CREATE TEXT SEARCH CONFIGURATION {TS_CONFIG} (COPY = pg_catalog.simple)"))
    if unaccent:
        bind.execute(sa.text(f"ALTER TEXT SEARCH CONFIGURATION {TS_CONFIG} "
                             "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: created by the home-made migrations 0001-0010 (see the docstring)
    _text_search_config()

    op.create_table(
        "articles",
        sa.Column("id", _text(), primary_key=True),
        sa.Column("text_hash", _text(), nullable=False),
        *_cols("title", "date", "outlet", "url"),
        *_cols("text", "ingested_at", "pipeline_version", nullable=False),
    )
    op.create_index("idx_articles_text_hash", "articles", ["text_hash"], unique=True)
    op.create_index("idx_articles_date", "articles", ["date"])
    op.create_index("idx_articles_outlet", "articles", [sa.literal_column("lower(outlet)")])
    op.create_index("idx_articles_order", "articles",
                    [sa.literal_column("(date IS NULL)"), sa.literal_column("date DESC"), sa.literal_column("id")])

    def span(prefix: str) -> list[sa.Column]:
        return [sa.Column(f"{prefix}_text", _text()), sa.Column(f"{prefix}_start", sa.BigInteger()),
                sa.Column(f"{prefix}_end", sa.BigInteger())]

    op.create_table(
        "claims",
        sa.Column("id", _text(), primary_key=True),
        sa.Column("article_id", _text(), sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        *span("speaker"),
        *_cols("resolved_speaker", "speaker_role"),
        *span("cue"),
        sa.Column("cue_class", _text()),
        sa.Column("content_text", _text(), nullable=False),
        sa.Column("content_start", sa.BigInteger(), nullable=False),
        sa.Column("content_end", sa.BigInteger(), nullable=False),
        sa.Column("content_spans", _json()),
        *_cols("kind", "polarity", nullable=False),
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
        sa.Column("content_tsv", pg.TSVECTOR(),
                  sa.Computed(f"to_tsvector('{TS_CONFIG}'::regconfig, content_text)", persisted=True)),
    )
    op.create_index("idx_claims_article_id", "claims", ["article_id", "seq"])
    op.create_index("idx_claims_resolved_speaker", "claims", ["resolved_speaker"])
    op.create_index("idx_claims_speaker_actor_id", "claims", ["speaker_actor_id"])
    op.create_index("idx_claims_event_category", "claims", ["event_category"])
    op.create_index("idx_claims_content_tsv", "claims", ["content_tsv"], postgresql_using="gin")

    op.create_table(
        "actors",
        sa.Column("id", _text(), primary_key=True),
        *_cols("name", "type", nullable=False),
        *_cols("country", "sector"),
    )
    op.create_index("idx_actors_country", "actors", ["country"])

    def claim_fk(name: str = "claim_id", **kw) -> sa.Column:
        return sa.Column(name, _text(), sa.ForeignKey("claims.id", ondelete="CASCADE"), **kw)

    keys = ("speaker_key", "resolved_key", "actor_key", "actor_country", "actor_name_key")
    op.create_table("claim_keys", claim_fk(primary_key=True), *_cols(*keys))
    for column in keys:
        op.create_index(f"idx_claim_keys_{column}", "claim_keys", [column])
    op.create_table("speaker_names", sa.Column("name", _text(), primary_key=True))

    op.create_table(
        "claim_embeddings",
        claim_fk(primary_key=True),
        sa.Column("model", _text(), primary_key=True),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "claim_propositions",
        claim_fk(primary_key=True),
        *_cols("proposition_id", "stance", nullable=False),
        sa.Column("relatedness", sa.Float()),
        sa.Column("is_anchor", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("idx_claim_propositions_prop", "claim_propositions", ["proposition_id"])
    op.create_table(
        "disputes",
        sa.Column("id", _text(), primary_key=True),
        sa.Column("group_id", _text(), nullable=False),
        claim_fk("left_claim_id", nullable=False),
        claim_fk("right_claim_id", nullable=False),
        sa.Column("reason", _text(), nullable=False),
        sa.Column("reasons", _json(), nullable=False),
        sa.Column("explanation", _text()),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("relatedness", sa.Float()),
        *_cols("first_seen", "last_seen"),
        sa.Column("details", _json()),
        sa.Column("detected_at", _text(), nullable=False),
    )
    op.create_index("idx_disputes_left", "disputes", ["left_claim_id"])
    op.create_index("idx_disputes_right", "disputes", ["right_claim_id"])
    op.create_index("idx_disputes_group", "disputes", ["group_id", "score"])
    op.create_index("idx_disputes_score", "disputes", ["score"])
    op.create_index("idx_disputes_first_seen", "disputes", ["first_seen"])

    def article_fk(**kw) -> sa.Column:
        return sa.Column("article_id", _text(), sa.ForeignKey("articles.id", ondelete="CASCADE"), **kw)

    op.create_table(
        "sightings",
        article_fk(primary_key=True),
        sa.Column("source_key", _text(), primary_key=True),
        *_cols("source_id", "outlet", "url", "date"),
        sa.Column("kind", _text(), nullable=False),
        sa.Column("similarity", sa.Float()),
        sa.Column("seen_at", _text(), nullable=False),
    )
    op.create_index("idx_sightings_outlet", "sightings", ["outlet"])
    op.create_table(
        "article_minhash",
        article_fk(primary_key=True),
        sa.Column("num_perm", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in ("article_minhash", "sightings", "disputes", "claim_propositions", "claim_embeddings",
                  "speaker_names", "claim_keys", "actors", "claims", "articles"):
        op.drop_table(table)
    op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {TS_CONFIG}")
