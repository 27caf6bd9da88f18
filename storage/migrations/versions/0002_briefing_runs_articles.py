"""briefing runs remember briefed articles and failures; audit log index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("briefing_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("article_ids", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=True))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_team_at", ["team_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_team_at")
    with op.batch_alter_table("briefing_runs", schema=None) as batch_op:
        batch_op.drop_column("error")
        batch_op.drop_column("article_ids")
