"""actor_names: the normalised names stored actors are found by (no scan of actors)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _key(name: str) -> str:
    # bot.briefing.names.name_key as of this revision: a migration must not change later.
    return " ".join(name.casefold().replace("’", "'").split())[:300]


def _keys(name: str, aliases: list[str]) -> set[tuple[str, str]]:
    keys = {("name", k) for k in map(_key, [name, *aliases]) if k}
    words = _key(name).split()
    if len(words) > 1:
        keys.add(("surname", words[-1]))
    return keys


def upgrade() -> None:
    names = op.create_table(
        "actor_names",
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["actors.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("actor_id", "kind", "key"),
    )
    op.create_index("ix_actor_names_lookup", "actor_names", ["type", "kind", "key", "actor_id"])
    conn = op.get_bind()
    actors = sa.table(
        "actors", sa.column("id"), sa.column("name"), sa.column("type"), sa.column("aliases")
    )
    rows: list[dict[str, object]] = []
    result = conn.execute(sa.select(actors.c.id, actors.c.name, actors.c.type, actors.c.aliases))
    for actor_id, name, actor_type, aliases in result:
        if isinstance(aliases, str):  # SQLite hands JSON back as text here
            aliases = json.loads(aliases)
        for kind, key in sorted(_keys(name, list(aliases or []))):
            rows.append({"actor_id": actor_id, "kind": kind, "key": key, "type": actor_type})
    for start in range(0, len(rows), 5000):
        op.bulk_insert(names, rows[start : start + 5000])


def downgrade() -> None:
    op.drop_index("ix_actor_names_lookup", table_name="actor_names")
    op.drop_table("actor_names")
