"""The archive's reads: ``/brief search`` over every article a team shared, and the export.

A search's words go to the full-text index (FTS5 on SQLite, the stored ``search_vector`` on
PostgreSQL) and its filters are conditions of the same query, so only the matches this
asker may see are ranked and counted: the workspace, the channels visible from where the
question is asked (``queries.visible``), the channels and dates asked for, the outlet and
the actors. A search without words lists the filtered articles, most recently shared first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, or_, select
from sqlalchemy.orm import Session

from bot.briefing.archive import ArchiveQuery
from bot.briefing.model import ActorType, ArticleView
from bot.briefing.names import name_key
from bot.briefing.status import ArticleStatus
from storage.actor_index import NAME, ActorName
from storage.db import Database
from storage.models import Article, ArticleActor, Share
from storage.queries import ENGLISH, ID_SLICE, SEARCH, article_views, searchable, visible

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EXPORT_BATCH = 500


class ArchiveReads:
    """The archive half of ``SqlStore`` (``bot.ports.Store``)."""

    db: Database

    def search_archive(
        self,
        query: ArchiveQuery,
        *,
        team_id: str | None,
        channel_id: str | None,
        offset: int = 0,
        limit: int = 5,
    ) -> tuple[list[ArticleView], int]:
        """One page of the articles that match and that this asker may see, with how many
        match in all."""
        with self.db.session() as s:
            found = _matches(s, self.db.dialect, query, team_id, channel_id)
            if found is None:
                return [], 0
            ids_query, count_query = found
            total = int(s.scalar(count_query) or 0)
            ids = list(s.scalars(ids_query.offset(offset).limit(limit)))
            views = article_views(
                s, ids, since=query.after or EPOCH, team_id=team_id, channel_id=channel_id
            )
            return views, total

    def export_articles(
        self, *, since: datetime, team_id: str | None = None, channel_id: str | None = None
    ) -> Iterator[ArticleView]:
        """Every analysed article shared since then that the export may see, in the order
        of its first share; read a batch at a time, so a large store is never all in memory."""
        with self.db.session() as s:
            first = func.min(Share.shared_at)
            ids = list(
                s.scalars(
                    select(Share.article_id)
                    .join(Article, Article.id == Share.article_id)
                    .where(
                        Share.shared_at >= since,
                        Article.status == ArticleStatus.DONE,
                        *visible(team_id, channel_id),
                    )
                    .group_by(Share.article_id)
                    .order_by(first, Share.article_id)
                )
            )
        for lo in range(0, len(ids), EXPORT_BATCH):
            with self.db.session() as s:
                yield from article_views(
                    s,
                    ids[lo : lo + EXPORT_BATCH],
                    since=since,
                    team_id=team_id,
                    channel_id=channel_id,
                )


def _matches(
    s: Session, dialect: str, query: ArchiveQuery, team_id: str | None, channel_id: str | None
) -> tuple[Select[Any], Select[Any]] | None:
    """(ids best first, their count), or None when the query can match nothing."""
    shared_conds = _share_conditions(query, team_id, channel_id)
    article_conds = _article_conditions(s, query)
    if article_conds is None:
        return None
    terms = [t for t in map(searchable, query.terms) if t]
    if query.terms and not terms:
        return None
    if not terms:  # filters only: the most recently shared first
        ids = (
            select(Share.article_id)
            .join(Article, Article.id == Share.article_id)
            .where(*shared_conds, *article_conds)
            .group_by(Share.article_id)
        )
        count = select(func.count()).select_from(ids.subquery())
        return ids.order_by(func.max(Share.shared_at).desc(), Share.article_id.desc()), count
    shared = select(Share.article_id).where(*shared_conds)
    narrowed = select(Article.id).where(*article_conds)
    if dialect == "sqlite":
        # As in queries.search_ids: "+rowid" lets FTS5 scan its matches once and test each.
        rowid: ColumnElement[Any] = literal_column("+article_search.rowid")
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)
        found = literal_column("article_search").op("MATCH")(match)
        rank: ColumnElement[Any] = func.bm25(literal_column("article_search"), 4.0, 1.0, 2.0)
    else:
        rowid = SEARCH.c.rowid
        tsq = and_queries([func.phraseto_tsquery(ENGLISH, t) for t in terms])
        found = SEARCH.c.search_vector.op("@@")(tsq)
        rank = func.ts_rank(SEARCH.c.search_vector, tsq).desc()
    where = [found, rowid.in_(shared), rowid.in_(narrowed)]
    ids = select(SEARCH.c.rowid).where(*where)
    count = select(func.count()).select_from(SEARCH).where(*where)
    return ids.order_by(rank, SEARCH.c.rowid.desc()), count


def and_queries(parts: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
    """PostgreSQL's ``a && b && ...`` of tsqueries: every part must match."""
    out = parts[0]
    for part in parts[1:]:
        out = out.op("&&")(part)
    return out


def _share_conditions(
    query: ArchiveQuery, team_id: str | None, channel_id: str | None
) -> list[ColumnElement[bool]]:
    """The shares that count: visible from here, in the channels and days asked for."""
    conds = list(visible(team_id, channel_id))
    if query.channels:
        conds.append(Share.channel_id.in_(list(query.channels)))
    if query.after is not None:
        conds.append(Share.shared_at >= query.after)
    if query.before is not None:
        conds.append(Share.shared_at < query.before)
    return conds


def _article_conditions(s: Session, query: ArchiveQuery) -> list[ColumnElement[bool]] | None:
    """Read articles from the outlets and with the actors asked for; None when an actor
    named is not in the store at all (nothing can match)."""
    conds: list[ColumnElement[bool]] = [Article.status == ArticleStatus.DONE]
    if query.outlets:
        conds.append(or_(*(c for o in query.outlets for c in _outlet_conditions(o))))
    for name in query.actors:
        actor_ids = _actor_ids(s, name)
        if not actor_ids:
            return None
        conds.append(
            Article.id.in_(
                select(ArticleActor.article_id).where(ArticleActor.actor_id.in_(actor_ids))
            )
        )
    return conds


def _outlet_conditions(outlet: str) -> list[ColumnElement[bool]]:
    """A domain matches the host of the shared link or of the page's declared address, and
    its subdomains; anything else matches part of the outlet's name."""
    like = outlet.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if "." not in outlet:
        return [func.lower(Article.outlet).like(f"%{like}%", escape="\\")]
    hosts = [f"%://{like}/%", f"%://{like}:%", f"%.{like}/%", f"%.{like}:%"]
    hosts += [f"%://{like}", f"%.{like}"]
    return [
        func.lower(column).like(pattern, escape="\\")
        for column in (Article.url, Article.page_url)
        for pattern in hosts
    ]


def _actor_ids(s: Session, name: str) -> list[int]:
    """Stored actors called ``name`` or having it as an alias, by the indexed name keys."""
    key = name_key(name)[:300]
    found = s.scalars(
        select(ActorName.actor_id).where(
            ActorName.type.in_([str(t) for t in ActorType]),
            ActorName.kind == NAME,
            ActorName.key == key,
        )
    )
    return list(dict.fromkeys(found))[:ID_SLICE]
