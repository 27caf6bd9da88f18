"""Briefings on demand: the articles that match a topic, grouped and ranked."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.briefing.compose import compose_briefing
from bot.briefing.matching import TopicQuery, related_actors, score_article, topic_query
from bot.briefing.model import ArticleView, Briefing, BriefingAsk
from bot.errors import UsageError
from bot.ports import Store

MAX_TOPIC_LENGTH = 200
# An article found only through actors specific to the topic (it never says the topic's
# words) keeps this share of its relevance, so it ranks below the literal matches.
ACTOR_MATCH_DISCOUNT = 0.7


def parse_since(value: str | None, *, default_days: int) -> timedelta:
    """``3d``, ``12h``, ``2w``, ``90m`` or a bare number of days; a minute to ten years."""
    if not value:
        return timedelta(days=default_days)
    raw = value.strip().lower()
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    number, unit = (raw[:-1], raw[-1]) if raw[-1:] in units else (raw, "d")
    try:
        window = timedelta(**{units[unit]: float(number)})
    except (ValueError, OverflowError):
        raise UsageError(f"cannot read the time window {value!r}: use e.g. 3d, 12h or 2w") from None
    if not timedelta(minutes=1) <= window <= timedelta(days=3650):
        raise UsageError(f"the time window {value!r} must be between a minute and ten years")
    return window


def validate_topic(topic: str) -> str:
    cleaned = " ".join(topic.split())
    if not cleaned:
        raise UsageError("say what the briefing is about, e.g. `ukraine` or `energy prices`")
    if len(cleaned) > MAX_TOPIC_LENGTH:
        raise UsageError(f"a topic is at most {MAX_TOPIC_LENGTH} characters")
    if not any(c.isalnum() for c in cleaned):
        raise UsageError(f"{cleaned!r} has no words to search for")
    return cleaned


def brief(
    *,
    store: Store,
    topic: str,
    now: datetime,
    since: timedelta,
    team_id: str | None = None,
    channel_id: str | None = None,
    terms: Sequence[str] = (),
    max_stories: int = 5,
    briefed_stories: Iterable[str] | None = None,
    known_actors: Iterable[str] | None = None,
    after: datetime | None = None,
    as_of: bool = False,
) -> Briefing:
    """The briefing on ``topic`` from articles shared in the window (``after`` overrides it).
    ``as_of``: as it was at ``now``, the shares made since left out (a briefing asked again)."""
    topic = validate_topic(topic)
    start = after if after is not None else now - since
    query = topic_query(topic, terms)
    articles = _matching(store, query, since=start, team_id=team_id, channel_id=channel_id)
    if as_of:
        articles = shared_by(articles, now)
    briefing = compose_briefing(
        topic,
        articles,
        now=now,
        since=start,
        max_stories=max_stories,
        briefed_stories=set(briefed_stories) if briefed_stories is not None else None,
        known_actors=set(known_actors) if known_actors is not None else None,
        corpus=store.story_corpus(articles),
    )
    return replace(briefing, asked=BriefingAsk(topic, start, now, tuple(terms)))


def shared_by(articles: Sequence[ArticleView], until: datetime) -> list[ArticleView]:
    """The articles as they stood at ``until``: their shares made by then, those with none out."""
    out = []
    for view in articles:
        shares = tuple(s for s in view.shares if s.shared_at <= until)
        if shares:
            first = min(s.shared_at for s in shares)
            out.append(replace(view, shares=shares, first_shared_at=first))
    return out


def _matching(
    store: Store, query: TopicQuery, *, since: datetime, team_id: str | None, channel_id: str | None
) -> list[ArticleView]:
    """Articles that say the topic's words, then those naming actors specific to it."""

    def search(q: TopicQuery, exclude: Collection[int] = ()) -> list[ArticleView]:
        return store.search_articles(
            q, since=since, team_id=team_id, channel_id=channel_id, exclude=exclude
        )

    scored: dict[int, ArticleView] = {}
    for view in search(query):
        relevance, matched = score_article(query, view)
        if relevance > 0:
            scored[view.id] = replace(view, relevance=relevance, matched=matched)
    literal = list(scored.values())
    candidates = related_actors(literal, {})
    counts = store.actor_article_counts(candidates, team_id=team_id) if candidates else {}
    specific = related_actors(literal, counts) if candidates else []
    if specific:
        widened = TopicQuery(query.topic, query.terms, tuple(specific))
        # The literal matches are scored already: the widened search does not read them again.
        for view in search(TopicQuery(query.topic, (), tuple(specific)), exclude=scored.keys()):
            if view.id not in scored:
                relevance, matched = score_article(widened, view)
                if relevance > 0:
                    # Matched through its actors only: ranked below literal matches.
                    scored[view.id] = replace(
                        view, relevance=ACTOR_MATCH_DISCOUNT * relevance, matched=matched
                    )
    return list(scored.values())
