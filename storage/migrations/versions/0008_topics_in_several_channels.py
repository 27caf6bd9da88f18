"""a topic may be followed in several channels, and briefed several times a day

Topic names were unique per workspace, so following a topic for a second channel moved
it there. A topic is now unique per workspace *and channel*, each channel with its own
schedule; ``time_of_day`` holds one time or several ("08:00,13:00"). Existing topics keep
their ids, so their briefing runs (what was briefed, the slot claims) stay theirs.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE topics SET channel_id = '' WHERE channel_id IS NULL")
    with _runs_kept(), op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_constraint("uq_topic_team_name", type_="unique")
        batch_op.create_unique_constraint(
            "uq_topic_team_name_channel", ["team_id", "name", "channel_id"]
        )
        batch_op.alter_column(
            "channel_id",
            existing_type=sa.String(length=32),
            nullable=False,
            server_default=None,
        )
        batch_op.alter_column(
            "time_of_day",
            existing_type=sa.String(length=5),
            type_=sa.String(length=100),
            existing_nullable=False,
        )


def downgrade() -> None:
    # Back to one channel per topic name: the newest follow of each name stays.
    op.execute(
        "DELETE FROM topics WHERE id NOT IN (SELECT MAX(id) FROM topics GROUP BY team_id, name)"
    )
    op.execute("UPDATE topics SET time_of_day = substr(time_of_day, 1, 5)")
    with _runs_kept(), op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_constraint("uq_topic_team_name_channel", type_="unique")
        batch_op.create_unique_constraint("uq_topic_team_name", ["team_id", "name"])
        batch_op.alter_column("channel_id", existing_type=sa.String(length=32), nullable=True)
        batch_op.alter_column(
            "time_of_day",
            existing_type=sa.String(length=100),
            type_=sa.String(length=5),
            existing_nullable=False,
        )


@contextmanager
def _runs_kept() -> Iterator[None]:
    """On SQLite the batch copies ``topics`` into a new table and drops the old one, and
    with foreign keys on, dropping it sets every ``briefing_runs.topic_id`` to NULL (ON
    DELETE SET NULL). The ids survive the copy, so the runs get theirs back afterwards."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(
            "CREATE TEMPORARY TABLE _briefbot_run_topics AS "
            "SELECT id, topic_id FROM briefing_runs WHERE topic_id IS NOT NULL"
        )
    yield
    if sqlite:
        op.execute(
            "UPDATE briefing_runs SET topic_id = (SELECT k.topic_id FROM _briefbot_run_topics k "
            "WHERE k.id = briefing_runs.id) WHERE id IN (SELECT k.id FROM _briefbot_run_topics k "
            "JOIN topics t ON t.id = k.topic_id)"
        )
        op.execute("DROP TABLE _briefbot_run_topics")
