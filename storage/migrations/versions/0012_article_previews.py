"""articles keep what Slack's unfurl of their link showed (its title and summary)

A page that shows nothing to read without JavaScript is stored from this preview, with the
quality ``metadata``, so the briefing still shows its headline.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("preview_title", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("preview_text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("preview_text")
        batch_op.drop_column("preview_title")
