"""failed links are tried again when shared again; one failure note per message

A failed article's ``next_attempt_at`` now says when a new share of it may try it once more
(NULL: never, the link was refused). Links that failed before this revision may be tried at
their next share. ``shares.notified`` now records that the sharer was told the link failed:
what was shared before this revision counts as told, unless its article is still pending.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-09
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE articles SET next_attempt_at = COALESCE(fetched_at, created_at) "
        "WHERE status = 'failed' AND next_attempt_at IS NULL"
    )
    op.execute(
        "UPDATE shares SET notified = true WHERE article_id IN "
        "(SELECT id FROM articles WHERE status <> 'pending')"
    )


def downgrade() -> None:
    op.execute("UPDATE articles SET next_attempt_at = NULL WHERE status = 'failed'")
    op.execute("UPDATE shares SET notified = false")
