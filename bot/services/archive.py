"""The archive and trends: search what the team shared, export it, chart a topic by week."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from bot.briefing.archive import PAGE_SIZE, ArchivePage, parse_archive_query
from bot.briefing.matching import score_article, topic_query
from bot.briefing.model import ArticleView
from bot.briefing.trend import MAX_WEEKS, Trend, build_trend, week_starts
from bot.errors import UsageError
from bot.ports import Store
from bot.services.briefing import validate_topic

MAX_PAGE = 1000


def search_archive(
    *,
    store: Store,
    text: str,
    now: datetime,
    team_id: str | None,
    channel_id: str | None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> ArchivePage:
    """One page of the articles that match ``text`` (words, "phrases" and filters) and that
    this asker may see: shared in this workspace, in public channels or this one."""
    query = parse_archive_query(text, now=now)
    if not 1 <= page <= MAX_PAGE:
        raise UsageError(f"pages run from 1 to {MAX_PAGE}")
    articles, total = store.search_archive(
        query,
        team_id=team_id,
        channel_id=channel_id,
        offset=(page - 1) * page_size,
        limit=page_size,
    )
    return ArchivePage(query, tuple(articles), total, page, page_size)


def export_articles(
    *,
    store: Store,
    since: timedelta,
    now: datetime,
    team_id: str | None = None,
    channel_id: str | None = None,
) -> Iterator[ArticleView]:
    """Every analysed article shared in the window, in the order of its first share."""
    return store.export_articles(since=now - since, team_id=team_id, channel_id=channel_id)


def topic_trend(
    *,
    store: Store,
    topic: str,
    weeks: int,
    now: datetime,
    team_id: str | None = None,
    channel_id: str | None = None,
) -> Trend:
    """Articles on ``topic`` shared each week of the last ``weeks`` (the current one last),
    found by the topic's words as a briefing finds them, and the actors that rose."""
    topic = validate_topic(topic)
    if not 1 <= weeks <= MAX_WEEKS:
        raise UsageError(f"a trend covers 1 to {MAX_WEEKS} weeks")
    start = week_starts(now, weeks)[0]
    query = topic_query(topic, ())
    found = store.search_articles(query, since=start, team_id=team_id, channel_id=channel_id)
    matching = [a for a in found if score_article(query, a)[0] > 0]
    return build_trend(topic, matching, now=now, weeks=weeks)
