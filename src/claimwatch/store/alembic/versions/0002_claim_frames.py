"""claims.frame: each claim's proposition frame (agent, target, predicate, place, time, polarity, modality) as JSON.

Claims stored before this revision have no frame (NULL); dispute detection computes the frames it needs for them
(docs/DISPUTES.md, "Frames").

Revision ID: 0002_claim_frames
Revises: 0001_baseline
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0002_claim_frames"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    kind = sa.Text().with_variant(pg.JSONB(none_as_null=True), "postgresql")
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("frame", kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("frame")
