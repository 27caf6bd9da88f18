"""Reads for actor timelines (``/brief who NAME``): candidates from the actor index, never a
scan, and an actor's articles as this asker may see them.

A typed name is looked up in ``actor_names`` (storage/actor_index.py) by indexed equality
(its name key among names and aliases) and by indexed ranges: the names, aliases and
surnames that begin as the typed name or one of its words begins (its first
``PREFIX_LETTERS`` letters), which is how "Kier Starmr" still reaches Keir Starmer. Every
candidate is counted over the articles this asker may see (``queries.visible``: the
workspace, public channels and the channel asked from); one they may see none of is no
candidate, so a name read only in a private channel never shows elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Select, distinct, exists, func, select
from sqlalchemy.orm import Session

from bot.briefing.model import ActorType, ArticleView
from bot.briefing.names import name_key
from bot.briefing.status import ArticleStatus
from bot.briefing.timeline import ActorProfile
from storage.actor_index import NAME, SURNAME, ActorName
from storage.db import Database
from storage.models import ActorRow, Article, ArticleActor, Share
from storage.queries import ID_SLICE, article_views, visible

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PREFIX_LETTERS = 4  # a typed word's first letters that a candidate's words must begin with
ROWS_PER_LOOKUP = 100  # index rows one lookup reads: a common prefix could match thousands
MAX_WORDS = 4  # typed words looked up by prefix
TIMELINE_ARTICLES = 300  # the actor's most recently shared articles a timeline is built from
_TYPES = [t.value for t in ActorType]


def lookup_queries(name: str) -> list[tuple[Select[int, str], str]]:
    """The index searches a typed name makes, each with the prefix its rows must begin with
    ("" for the exact search): its name key among names and aliases, then ranges of the
    names, aliases and surnames that begin as the name or one of its words begins."""
    key = name_key(name)[:300]
    if not key:
        return []
    of_type = select(ActorName.actor_id, ActorName.key).where(ActorName.type.in_(_TYPES))
    searches = [
        (of_type.where(ActorName.kind == NAME, ActorName.key == key).limit(ROWS_PER_LOOKUP), "")
    ]
    prefixes = {key, *(w[:PREFIX_LETTERS] for w in key.split()[:MAX_WORDS] if len(w) >= 3)}
    for prefix in sorted(prefixes):
        # A range on the key (not LIKE) reads the index on every backend and collation; the
        # rows are checked again, since a collation may order a few others inside it.
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        for kind in (NAME, SURNAME):
            ranged = of_type.where(ActorName.kind == kind, ActorName.key >= prefix)
            searches.append((ranged.where(ActorName.key < upper).limit(ROWS_PER_LOOKUP), prefix))
    return searches


def candidate_ids(s: Session, name: str) -> list[int]:
    """Stored actors answering to ``name`` exactly, then those whose names begin alike."""
    found: dict[int, None] = {}
    for query, prefix in lookup_queries(name):
        found.update((r.actor_id, None) for r in s.execute(query) if r.key.startswith(prefix))
    return list(found)


def visible_article_counts(
    s: Session, actor_ids: Sequence[int], *, team_id: str | None, channel_id: str | None
) -> dict[int, int]:
    """Actor id -> how many analysed articles naming it this asker may see (none: absent)."""
    counts: dict[int, int] = {}
    link = ArticleActor
    shared_here = exists().where(Share.article_id == link.article_id, *visible(team_id, channel_id))
    for lo in range(0, len(actor_ids), ID_SLICE):
        rows = s.execute(
            select(link.actor_id, func.count(distinct(link.article_id)))
            .join(Article, Article.id == link.article_id)
            .where(link.actor_id.in_(actor_ids[lo : lo + ID_SLICE]))
            .where(Article.status == ArticleStatus.DONE, shared_here)
            .group_by(link.actor_id)
        )
        counts.update({int(actor_id): int(n) for actor_id, n in rows})
    return counts


def profiles(s: Session, counts: dict[int, int]) -> list[ActorProfile]:
    """The stored actors of ``counts``' ids, with those counts."""
    if not counts:
        return []
    rows = s.scalars(select(ActorRow).where(ActorRow.id.in_(list(counts))).order_by(ActorRow.id))
    return [
        ActorProfile(
            id=row.id,
            name=row.name,
            type=ActorType(row.type),
            aliases=tuple(a for a in (row.aliases or ()) if a != row.name),
            role=row.role,
            articles=counts[row.id],
        )
        for row in rows
    ]


def actor_article_ids(
    s: Session, actor_id: int, *, team_id: str | None, channel_id: str | None, limit: int
) -> list[int]:
    """The analysed articles naming the actor that this asker may see, the most recently
    shared first."""
    link = ArticleActor
    query = (
        select(link.article_id)
        .join(Article, Article.id == link.article_id)
        .join(Share, Share.article_id == link.article_id)
        .where(link.actor_id == actor_id, Article.status == ArticleStatus.DONE)
        .where(*visible(team_id, channel_id))
        .group_by(link.article_id)
        .order_by(func.max(Share.shared_at).desc(), link.article_id)
        .limit(limit)
    )
    return list(s.scalars(query))


class ActorReads:
    """The actor-timeline half of ``SqlStore`` (``bot.ports.Store``)."""

    db: Database

    def find_actors(
        self, name: str, *, team_id: str | None, channel_id: str | None
    ) -> list[ActorProfile]:
        """Stored actors a typed name may mean that this asker may see, each with how many of
        their articles they may see: exact answers and close ones alike (the caller decides)."""
        with self.db.session() as s:
            ids = candidate_ids(s, name)
            counts = visible_article_counts(s, ids, team_id=team_id, channel_id=channel_id)
            return profiles(s, counts)

    def actor_profile(
        self, actor_id: int, *, team_id: str | None, channel_id: str | None
    ) -> ActorProfile | None:
        """One stored actor, when this asker may see an article naming it."""
        with self.db.session() as s:
            counts = visible_article_counts(s, [actor_id], team_id=team_id, channel_id=channel_id)
            found = profiles(s, counts)
            return found[0] if found else None

    def actor_articles(
        self,
        actor_id: int,
        *,
        team_id: str | None,
        channel_id: str | None,
        limit: int = TIMELINE_ARTICLES,
    ) -> list[ArticleView]:
        """The articles naming the actor this asker may see, most recently shared first."""
        with self.db.session() as s:
            ids = actor_article_ids(
                s, actor_id, team_id=team_id, channel_id=channel_id, limit=limit
            )
            return article_views(s, ids, since=EPOCH, team_id=team_id, channel_id=channel_id)
