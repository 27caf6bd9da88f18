"""Compose a Briefing from the articles that match a topic (pure)."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from datetime import datetime

from bot.briefing.duplicates import one_per_article
from bot.briefing.model import ArticleView, Briefing, Story
from bot.briefing.status import StoryStatus
from bot.briefing.stories import Corpus, best_points, group_stories, story_key
from bot.briefing.who import rank_actors

MAX_STORIES = 5
POINTS_PER_STORY = 3
# A story's "Who" names at most six people and organisations, the briefing's "Who is
# involved" at most eight (bot.briefing.who ranks them); places and groups never.
STORY_WHO = 6
LEADING_WHO = 8
MIN_RELEVANCE = 0.1  # below this an article only mentions the topic in passing
RECENCY_HALF_LIFE_HOURS = 48.0
# A story's rank: how well it matches the topic weighs most, then how many outlets report
# it, then how often the team shared it (both on a log scale: the tenth share adds little),
# plus a recency term that halves every RECENCY_HALF_LIFE_HOURS. Set by hand on the seed
# articles and the first milestone's unit cases, not fitted.
W_RELEVANCE = 3.0
W_SHARES = 0.6
W_OUTLETS = 0.8


def story_score(articles: Sequence[ArticleView], now: datetime) -> float:
    """Shares by the team, outlets reporting it, topic match, recency: more is higher."""
    shares = sum(max(1, len(a.shares)) for a in articles)
    outlets = len({a.outlet or a.url for a in articles})
    relevance = max(a.relevance for a in articles)
    latest = max(a.first_shared_at for a in articles)
    age_hours = max(0.0, (now - latest).total_seconds() / 3600)
    recency: float = 0.5 ** (age_hours / RECENCY_HALF_LIFE_HOURS)
    return (
        W_RELEVANCE * relevance
        + W_SHARES * math.log1p(shares)
        + W_OUTLETS * math.log1p(outlets - 1)
        + recency
    )


def compose_briefing(
    topic: str,
    articles: Sequence[ArticleView],
    *,
    now: datetime,
    since: datetime,
    max_stories: int = MAX_STORIES,
    briefed_stories: Collection[str] | None = None,
    known_actors: Collection[str] | None = None,
    corpus: Corpus | None = None,
) -> Briefing:
    """Group matching articles into stories, rank them and pick their points and actors.

    ``briefed_stories`` (story keys of an earlier briefing) marks stories as updates rather
    than new; ``known_actors`` (names an earlier briefing already showed) lets the briefing
    point out actors new to the topic. Without them nothing is marked. ``corpus`` (the
    archive's feature counts) weighs what identifies a story; without it, the matches do.
    """
    articles = one_per_article([a for a in articles if a.relevance >= MIN_RELEVANCE])
    ordered = sorted(articles, key=lambda a: (-a.relevance, -a.first_shared_at.timestamp(), a.id))
    stories = []
    for group in group_stories(ordered, corpus):
        group = sorted(group, key=lambda a: (-a.relevance, -len(a.shares), a.first_shared_at))
        lead = group[0]
        status = StoryStatus.UNKNOWN
        if briefed_stories is not None:
            status = StoryStatus.UPDATE if story_key(group) in briefed_stories else StoryStatus.NEW
        stories.append(
            Story(
                headline=lead.title or lead.url,
                url=lead.url,
                articles=tuple(group),
                points=tuple(best_points(group, POINTS_PER_STORY, headline=lead.title)),
                actors=rank_actors(group, STORY_WHO),
                score=story_score(group, now),
                status=status,
                shared_by=tuple(dict.fromkeys(s.user_id for a in group for s in a.shares)),
            )
        )
    stories.sort(key=lambda s: -s.score)
    leaders = rank_actors(articles, LEADING_WHO)
    new_actors: tuple[str, ...] = ()
    if known_actors is not None:
        new_actors = tuple(a.name for a in leaders if a.name not in known_actors)
    matched = tuple(dict.fromkeys(m for a in ordered for m in a.matched))
    return Briefing(
        topic=topic,
        since=since,
        until=now,
        stories=tuple(stories[:max_stories]),
        leading_actors=leaders,
        matched=matched[:8],
        new_actors=new_actors,
        article_count=len(articles),
        omitted_stories=max(0, len(stories) - max_stories),
        empty_message="" if stories else empty_message(topic, since, now),
    )


def empty_message(topic: str, since: datetime, now: datetime) -> str:
    days = round((now - since).total_seconds() / 86400)
    if days >= 1 and abs((now - since).total_seconds() - days * 86400) < 3600:
        window = "in the last day" if days == 1 else f"in the last {days} days"
    else:
        window = f"since {since:%a %d %b %H:%M} UTC"
    return f"Nothing on {topic} was shared {window}."
