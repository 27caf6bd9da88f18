"""articles record whether their text was analysed

An article in a language without a spaCy pipeline is kept with its title and link, and no
key points or actors ("not analysed: language de"); ``analysis`` says so. Articles read
before this revision were all analysed: their NULL reads as ``analysed``, so no row is
rewritten.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("analysis", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("analysis")
