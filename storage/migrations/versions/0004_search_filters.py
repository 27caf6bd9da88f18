"""search filters, then ranks: a stored tsvector (PostgreSQL) and a covering window index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

PostgreSQL: ``article_search.search_vector`` is a generated, stored tsvector (weights: title
A, actors B, body C) with its own GIN index, so a search ranks with the stored vector instead
of computing ``to_tsvector`` again for every match; the expression index it replaces goes.
SQLite keeps its FTS5 table. Both: ``ix_share_window`` covers what a briefing's window asks
of ``shares`` (workspace, time, article, channel, privacy) and ``ix_share_time`` the operator's
window over every workspace, so the window is read from the index alone.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

WINDOW_COLUMNS = ["team_id", "shared_at", "article_id", "channel_private", "channel_id"]
VECTOR = (
    "setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', actors), 'B') || "
    "setweight(to_tsvector('english', body), 'C')"
)


def upgrade() -> None:
    op.create_index("ix_share_window", "shares", WINDOW_COLUMNS)
    op.create_index("ix_share_time", "shares", ["shared_at", "article_id"])
    op.drop_index("ix_share_team_time", table_name="shares")  # a prefix of ix_share_window
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"ALTER TABLE article_search ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    op.execute("DROP INDEX IF EXISTS ix_article_search_tsv")
    op.execute("CREATE INDEX ix_article_search_vector ON article_search USING gin (search_vector)")
    op.execute("ANALYZE article_search")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_article_search_vector")
        op.execute("ALTER TABLE article_search DROP COLUMN search_vector")
        op.execute(f"CREATE INDEX ix_article_search_tsv ON article_search USING gin (({VECTOR}))")
    op.create_index("ix_share_team_time", "shares", ["team_id", "shared_at"])
    op.drop_index("ix_share_time", table_name="shares")
    op.drop_index("ix_share_window", table_name="shares")
