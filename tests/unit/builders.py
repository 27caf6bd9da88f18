"""Concise builders of the pure core's values for unit tests.

``article(...)`` gives an ArticleView whose key points and actors are written as plain
strings and tuples; everything a test does not care about gets a harmless default.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from bot.briefing.model import (
    Actor,
    ActorCount,
    ActorType,
    ArticleView,
    Briefing,
    CitedPoint,
    KeyPoint,
    ShareInfo,
    Story,
)

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)

PERSON, ORG, PLACE, GROUP = (
    ActorType.PERSON,
    ActorType.ORGANIZATION,
    ActorType.PLACE,
    ActorType.GROUP,
)

_ids = iter(range(1, 1_000_000))


def points(*texts: str) -> tuple[KeyPoint, ...]:
    """Key points in rank order (best first)."""
    out, offset = [], 0
    for rank, text in enumerate(texts):
        out.append(KeyPoint(text, offset, offset + len(text), 1.0 - rank / 10, rank))
        offset += len(text) + 1
    return tuple(out)


def actor(
    name: str,
    kind: ActorType = PERSON,
    *,
    aliases: Sequence[str] = (),
    salience: float = 0.5,
    mentions: int = 1,
    role: str | None = None,
    country: str | None = None,
) -> Actor:
    return Actor(name, kind, tuple(aliases), mentions, salience, role, country)


def shares(*users: str, at: datetime = NOW, channel: str = "C1") -> tuple[ShareInfo, ...]:
    return tuple(ShareInfo(u, channel, at) for u in users)


def article(
    title: str,
    key_points: Iterable[str] = (),
    *,
    id: int | None = None,
    url: str | None = None,
    outlet: str = "Outlet A",
    shared: datetime | None = None,
    hours_ago: float = 1.0,
    actors: Iterable[Actor] = (),
    shared_by: Sequence[str] = ("U1",),
    text: str = "",
    relevance: float = 0.5,
    matched: Sequence[str] = (),
) -> ArticleView:
    ident = next(_ids) if id is None else id
    when = shared if shared is not None else NOW - timedelta(hours=hours_ago)
    return ArticleView(
        id=ident,
        url=url or f"https://{outlet.lower().replace(' ', '')}.example/news/{ident}",
        title=title,
        outlet=outlet,
        published_at=when,
        first_shared_at=when,
        key_points=points(*key_points),
        actors=tuple(actors),
        shares=shares(*shared_by, at=when),
        text=text,
        relevance=relevance,
        matched=tuple(matched),
    )


def story(
    headline: str = "A headline",
    key_points: Sequence[str] = ("A key point from the article.",),
    *,
    url: str = "https://outlet.example/news/1",
    outlet: str = "Outlet A",
    status: str = "",
    actors: Sequence[ActorCount] = (),
    shared_by: Sequence[str] = ("U1",),
) -> Story:
    view = article(headline, key_points, url=url, outlet=outlet)
    return Story(
        headline=headline,
        url=url,
        articles=(view,),
        points=tuple(CitedPoint(t, url, outlet) for t in key_points),
        actors=tuple(actors),
        score=1.0,
        status=status,
        shared_by=tuple(shared_by),
    )


def briefing(
    stories: Sequence[Story],
    *,
    topic: str = "ukraine",
    days: int = 7,
    omitted: int = 0,
    leading: Sequence[ActorCount] = (),
    new_actors: Sequence[str] = (),
    matched: Sequence[str] = (),
    empty_message: str = "",
) -> Briefing:
    return Briefing(
        topic=topic,
        since=NOW - timedelta(days=days),
        until=NOW,
        stories=tuple(stories),
        leading_actors=tuple(leading),
        matched=tuple(matched),
        new_actors=tuple(new_actors),
        article_count=sum(len(s.articles) for s in stories),
        omitted_stories=omitted,
        empty_message=empty_message,
    )
