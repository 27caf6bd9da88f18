"""Reading articles for briefings: full-text search and the ArticleView values it yields.

SQLite searches its FTS5 table, PostgreSQL its GIN-indexed tsvector; both then load the
matching articles with only the shares the asking channel may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, text
from sqlalchemy.orm import Session, selectinload

from bot.briefing.model import Actor, ActorType, ArticleView, KeyPoint, ShareInfo
from bot.briefing.status import ArticleStatus
from storage.models import Article, ArticleActor, Share


def search_ids(s: Session, dialect: str, phrases: Sequence[str], limit: int) -> list[int]:
    """Article ids whose title, text or actors contain any of the phrases, best first."""
    if dialect == "sqlite":
        match = " OR ".join('"' + p.replace('"', '""') + '"' for p in phrases)
        sql = text(
            "SELECT rowid FROM article_search WHERE article_search MATCH :q "
            "ORDER BY bm25(article_search, 4.0, 1.0, 2.0) LIMIT :n"
        )
        return list(s.scalars(sql, {"q": match, "n": limit}))
    params: dict[str, object] = {f"p{i}": p for i, p in enumerate(phrases)}
    tsq = " || ".join(f"phraseto_tsquery('english', :p{i})" for i in range(len(phrases)))
    doc = (
        "(setweight(to_tsvector('english', title), 'A') || "
        "setweight(to_tsvector('english', actors), 'B') || "
        "setweight(to_tsvector('english', body), 'C'))"
    )
    sql = text(
        f"SELECT rowid FROM article_search WHERE {doc} @@ ({tsq}) "
        f"ORDER BY ts_rank({doc}, ({tsq})) DESC LIMIT :n"
    )
    return list(s.scalars(sql, {**params, "n": limit}))


def article_views(
    s: Session, ids: Sequence[int], *, since: datetime, team_id: str | None, channel_id: str | None
) -> list[ArticleView]:
    if not ids:
        return []
    articles = s.scalars(
        select(Article)
        .where(Article.id.in_(ids), Article.status == ArticleStatus.DONE)
        .options(
            selectinload(Article.key_points),
            selectinload(Article.actor_links).selectinload(ArticleActor.actor),
        )
    ).all()
    shares: dict[int, list[Share]] = {}
    for share in s.scalars(
        select(Share)
        .where(Share.article_id.in_(ids), Share.shared_at >= since, *visible(team_id, channel_id))
        .order_by(Share.shared_at)
    ):
        shares.setdefault(share.article_id, []).append(share)
    order = {i: n for n, i in enumerate(ids)}
    views = [to_view(a, shares[a.id]) for a in articles if a.id in shares]
    return sorted(views, key=lambda v: order[v.id])


def visible(team_id: str | None, channel_id: str | None) -> list[ColumnElement[bool]]:
    """Shares a briefing for this team and channel may cite (none of other workspaces,
    none from private channels or DMs other than the channel itself)."""
    if team_id is None:
        return []
    conds: list[ColumnElement[bool]] = [Share.team_id == team_id]
    if channel_id is None:
        conds.append(Share.channel_private.is_(False))
    else:
        conds.append(or_(Share.channel_private.is_(False), Share.channel_id == channel_id))
    return conds


def to_view(a: Article, shares: Sequence[Share]) -> ArticleView:
    return ArticleView(
        id=a.id,
        url=a.url,
        title=a.title,
        outlet=a.outlet,
        published_at=a.published_at,
        first_shared_at=min(sh.shared_at for sh in shares),
        key_points=tuple(KeyPoint(k.text, k.start, k.end, k.score, k.rank) for k in a.key_points),
        actors=tuple(
            Actor(
                name=link.actor.name,
                type=ActorType(link.actor.type),
                aliases=tuple(link.actor.aliases or ()),
                mentions=link.mentions,
                salience=link.salience,
                role=link.role or link.actor.role,
                country=link.actor.country,
            )
            for link in sorted(a.actor_links, key=lambda link: -link.salience)
        ),
        shares=tuple(ShareInfo(sh.user_id, sh.channel_id, sh.shared_at) for sh in shares),
        text=a.text,
    )
