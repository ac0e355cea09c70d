"""Baseline: the schema of ``store/tables.py`` when the store came under Alembic.

Nothing runs here. A new database is created from ``tables.metadata`` and stamped at the head revision
(``store/versioning.py``); SQLite files written before Alembic, built by the home-made migrations
0001_articles_claims … 0010_sightings (``store/migrations.py``), hold exactly this schema and are stamped with it.
Later changes go in new revisions, which run on every database created before them.

Revision ID: 0001_baseline
Revises:
"""
from __future__ import annotations

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
