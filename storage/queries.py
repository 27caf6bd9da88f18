"""Reading articles for briefings: full-text search and the ArticleView values it yields.

Search filters, then ranks: the workspace, the channels the request may see and the window
are conditions of the search query itself (``rowid IN`` the window's shares), so ranking only
ever orders articles the briefing may cite. SQLite ranks with FTS5's bm25, PostgreSQL with
``ts_rank`` on the stored, GIN-indexed ``search_vector`` (migration 0004), each only over
the matches shared here in the window. The views are then read as plain rows: the articles,
their key points and their actors in one query each.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Collection, Sequence
from datetime import datetime
from functools import reduce
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Text,
    cast,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session

from bot.briefing.model import Actor, ActorType, ArticleView, KeyPoint, ShareInfo
from bot.briefing.status import AnalysisStatus, ArticleStatus, TextQuality
from storage.models import ActorRow, Article, ArticleActor, KeyPointRow, Share

# The most matches one search hands to the composer. A safety limit only: a 7-day window of
# one workspace held 372 matches of a common topic at 100k articles and 3,414 at 1M
# (benchmarks/RESULTS.md), all considered; this bounds the memory a ten-year window over a
# huge store could take.
SEARCH_SAFETY_CAP = 5000
# SQLite binds at most 32766 parameters a statement; ids are read in slices well below it.
ID_SLICE = 5000


def window(*, since: datetime, team_id: str | None, channel_id: str | None) -> list[Any]:
    """The conditions on ``shares`` a briefing may cite: visible here, in the window."""
    return [Share.shared_at >= since, *visible(team_id, channel_id)]


# article_search is created by the migrations (an FTS5 table on SQLite, a table with a
# generated tsvector on PostgreSQL); the ORM does not map it.
SEARCH = table("article_search", column("rowid", Integer), column("search_vector"))
ENGLISH: ColumnElement[str] = literal_column("'english'")


def search_ids(
    s: Session,
    dialect: str,
    phrases: Sequence[str],
    *,
    since: datetime,
    team_id: str | None,
    channel_id: str | None,
    limit: int = SEARCH_SAFETY_CAP,
    exclude: Collection[int] = (),
) -> list[int]:
    """Ids of articles shared here in the window whose title, text or actors contain any
    of the phrases, best first: only those rows are ranked."""
    phrases = [p for p in map(searchable, phrases) if p]
    if not phrases:
        return []
    shared_here = select(Share.article_id).where(
        *window(since=since, team_id=team_id, channel_id=channel_id)
    )
    if dialect == "sqlite":
        # "+rowid" is an expression, not the column: FTS5 then scans its matches once and
        # tests each against the window's ids (read once from ix_share_window), instead of
        # running the full-text query again for every id in the window.
        shared = literal_column("+article_search.rowid").in_(shared_here)
        match = " OR ".join('"' + p.replace('"', '""') + '"' for p in phrases)
        found = literal_column("article_search").op("MATCH")(match)
        rank: ColumnElement[Any] = func.bm25(literal_column("article_search"), 4.0, 1.0, 2.0)
    else:
        shared = SEARCH.c.rowid.in_(shared_here)
        each: list[ColumnElement[Any]] = [func.phraseto_tsquery(ENGLISH, p) for p in phrases]
        tsq = reduce(lambda a, b: a.op("||")(b), each)
        found = SEARCH.c.search_vector.op("@@")(tsq)
        rank = func.ts_rank(SEARCH.c.search_vector, tsq).desc()
    query = select(SEARCH.c.rowid).where(found, shared).order_by(rank).limit(limit)
    if exclude:
        query = query.where(SEARCH.c.rowid.not_in(list(exclude)))
    return list(s.scalars(query))


def searchable(phrase: str) -> str:
    """The phrase with control characters and unpaired surrogates as spaces: a NUL ends an
    FTS5 query early ("unterminated string") and PostgreSQL refuses one outright, and a
    surrogate cannot be encoded at all, whatever text reaches the search."""
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Cs") else c for c in phrase)
    return " ".join(kept.split())


def recent_ids(
    s: Session, *, since: datetime, team_id: str | None, channel_id: str | None, limit: int
) -> list[int]:
    """Articles shared here in the window, the most recently shared first."""
    query: Select[Any] = (
        select(Share.article_id)
        .where(*window(since=since, team_id=team_id, channel_id=channel_id))
        .group_by(Share.article_id)
        .order_by(func.max(Share.shared_at).desc())
        .limit(limit)
    )
    return list(s.scalars(query))


def article_views(
    s: Session, ids: Sequence[int], *, since: datetime, team_id: str | None, channel_id: str | None
) -> list[ArticleView]:
    """The views of ``ids`` in that order, with the shares this request may see: plain rows,
    one query per table for all of them."""
    views: list[ArticleView] = []
    for lo in range(0, len(ids), ID_SLICE):
        views += _views(s, ids[lo : lo + ID_SLICE], since, team_id, channel_id)
    return views


def _views(
    s: Session, ids: Sequence[int], since: datetime, team_id: str | None, channel_id: str | None
) -> list[ArticleView]:
    if not ids:
        return []
    shares: dict[int, list[ShareInfo]] = {}
    for aid, user, channel, at in s.execute(
        select(Share.article_id, Share.user_id, Share.channel_id, Share.shared_at)
        .where(
            Share.article_id.in_(ids), *window(since=since, team_id=team_id, channel_id=channel_id)
        )
        .order_by(Share.shared_at, Share.id)
    ):
        shares.setdefault(aid, []).append(ShareInfo(user, channel, at))
    wanted = [i for i in ids if i in shares]
    if not wanted:
        return []
    points = _key_points(s, wanted)
    actors = _actors(s, wanted)
    rows = s.execute(
        select(
            Article.id,
            Article.url,
            Article.title,
            Article.outlet,
            Article.published_at,
            Article.text,
            Article.extraction,
            Article.page_url,
            Article.language,
            Article.analysis,
        ).where(Article.id.in_(wanted), Article.status == ArticleStatus.DONE)
    )
    by_id = {
        r.id: ArticleView(
            id=r.id,
            url=r.url,
            title=r.title,
            outlet=r.outlet,
            published_at=r.published_at,
            first_shared_at=shares[r.id][0].shared_at,
            key_points=tuple(points.get(r.id, ())),
            actors=tuple(actors.get(r.id, ())),
            shares=tuple(shares[r.id]),
            text=r.text,
            extraction=TextQuality(r.extraction) if r.extraction else TextQuality.FULL,
            same_as=r.page_url or "",
            language=r.language,
            analysis=AnalysisStatus(r.analysis) if r.analysis else AnalysisStatus.ANALYSED,
        )
        for r in rows
    }
    return [by_id[i] for i in wanted if i in by_id]


def _key_points(s: Session, ids: Sequence[int]) -> dict[int, list[KeyPoint]]:
    out: dict[int, list[KeyPoint]] = {}
    k = KeyPointRow
    for aid, body, start, end, score, rank in s.execute(
        select(k.article_id, k.text, k.start, k.end, k.score, k.rank)
        .where(k.article_id.in_(ids))
        .order_by(k.article_id, k.rank)
    ):
        out.setdefault(aid, []).append(KeyPoint(body, start, end, score, rank))
    return out


def _actors(s: Session, ids: Sequence[int]) -> dict[int, list[Actor]]:
    """Each article's actors, most salient first. Aliases come as JSON text and are decoded
    once per distinct value (an actor named in many articles is decoded once)."""
    out: dict[int, list[Actor]] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    link, a = ArticleActor, ActorRow
    for row in s.execute(
        select(
            link.article_id,
            link.mentions,
            link.salience,
            link.role,
            a.name,
            a.type,
            cast(a.aliases, Text).label("aliases"),
            a.role.label("actor_role"),
            a.country,
        )
        .join(a, a.id == link.actor_id)
        .where(link.article_id.in_(ids))
        .order_by(link.article_id, link.salience.desc(), link.actor_id)
    ):
        raw = row.aliases or "[]"
        if raw not in aliases:
            aliases[raw] = tuple(json.loads(raw))
        out.setdefault(row.article_id, []).append(
            Actor(
                name=row.name,
                type=ActorType(row.type),
                aliases=aliases[raw],
                mentions=row.mentions,
                salience=row.salience,
                role=row.role or row.actor_role,
                country=row.country,
            )
        )
    return out


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
