"""story_terms: how many stored articles have each story feature

Stories are told apart by TF-IDF over their articles' features (headline and key-point
words, named actors, numbers: ``bot.briefing.stories.feature_bag``). A briefing's own
matches are too few and too alike to say which words are rare, so the weights come from the
whole archive: one row per feature with the number of articles that have it, and the row
``#`` with the number of articles counted. Articles read before this revision are counted
here, from their stored headlines, key points and actors.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    op.create_table(
        "story_terms",
        sa.Column("term", sa.String(length=200), primary_key=True),
        sa.Column("articles", sa.Integer(), nullable=False),
    )
    _count_stored_articles()


def downgrade() -> None:
    op.drop_table("story_terms")


def _count_stored_articles() -> None:
    # The feature function is the product's own, so the counts mean what briefings read.
    from bot.briefing.model import Actor, ActorType, KeyPoint
    from bot.briefing.stories import CORPUS_SIZE_TERM, feature_bag

    conn = op.get_bind()
    counts: Counter[str] = Counter()
    last = 0
    while True:
        rows = conn.execute(
            sa.text(
                "SELECT id, title FROM articles WHERE status = 'done' AND id > :last "
                "ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            break
        ids = [r.id for r in rows]
        last = ids[-1]
        points: dict[int, list[KeyPoint]] = {i: [] for i in ids}
        for r in conn.execute(
            sa.text(
                "SELECT article_id, text FROM key_points WHERE article_id IN :ids ORDER BY article_id, rank"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": ids},
        ):
            points[r.article_id].append(KeyPoint(r.text, 0, 0, 0.0))
        actors: dict[int, list[Actor]] = {i: [] for i in ids}
        for r in conn.execute(
            sa.text(
                "SELECT l.article_id, a.name, a.type, l.salience FROM article_actors l "
                "JOIN actors a ON a.id = l.actor_id WHERE l.article_id IN :ids"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": ids},
        ):
            try:
                kind = ActorType(r.type)
            except ValueError:
                continue
            actors[r.article_id].append(Actor(r.name, kind, salience=r.salience or 0.0))
        for r in rows:
            if not points[r.id] and not actors[r.id]:
                continue  # not analysed (a language without a model): ingestion counts none
            counts.update(feature_bag(r.title or "", points[r.id], actors[r.id]).keys())
            counts[CORPUS_SIZE_TERM] += 1
    table = sa.table("story_terms", sa.column("term", sa.String), sa.column("articles", sa.Integer))
    items = sorted(counts.items())
    for lo in range(0, len(items), BATCH):
        op.bulk_insert(table, [{"term": t, "articles": n} for t, n in items[lo : lo + BATCH]])
