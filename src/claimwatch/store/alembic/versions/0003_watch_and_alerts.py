"""Continuous collection and alerts: watch_sources, watch_items, watchlists, alerts (docs/WATCH.md).

Four new tables, nothing changed in the existing ones: ``claimwatch watch`` keeps each source's conditional-GET
state and back-off there (so a restart resumes) and the items it has handled; watchlists and the alerts they raised
are read by the web pages and Atom feeds.

Revision ID: 0003_watch_and_alerts
Revises: 0002_claim_frames
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0003_watch_and_alerts"
down_revision = "0002_claim_frames"
branch_labels = None
depends_on = None


def _text() -> sa.types.TypeEngine:
    return sa.Text().with_variant(pg.TEXT(collation="C"), "postgresql")


def _json() -> sa.types.TypeEngine:
    return sa.Text().with_variant(pg.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "watch_sources",
        sa.Column("url", _text(), primary_key=True),
        sa.Column("etag", _text()),
        sa.Column("last_modified", _text()),
        sa.Column("last_checked", _text()),
        sa.Column("last_ok", _text()),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_try", _text()),
        sa.Column("last_error", _text()),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "watch_items",
        sa.Column("source_url", _text(), primary_key=True),
        sa.Column("item_key", _text(), primary_key=True),
        sa.Column("article_id", _text()),
        sa.Column("seen_at", _text(), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "watchlists",
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
        sa.Column("checked_at", _text(), nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("id", _text(), primary_key=True),
        sa.Column("watchlist_id", _text(), sa.ForeignKey("watchlists.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", _text(), nullable=False),
        sa.Column("claim_id", _text(), nullable=False),
        sa.Column("article_id", _text(), nullable=False),
        sa.Column("dispute_id", _text()),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("created_at", _text(), nullable=False),
        sa.Column("webhook_status", _text()),
        sa.Column("mail_status", _text()),
    )
    op.create_index("idx_alerts_watchlist", "alerts", ["watchlist_id", "created_at"])


def downgrade() -> None:
    op.drop_index("idx_alerts_watchlist", table_name="alerts")
    for table in ("alerts", "watchlists", "watch_items", "watch_sources"):
        op.drop_table(table)
