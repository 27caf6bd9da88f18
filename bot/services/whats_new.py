"""What a scheduled briefing or digest says: what was shared since the previous one.

A topic's briefing covers the articles shared after the previous briefing's ``covered_until``
(the first one: since the schedule's previous slot). A story is an *update* when it is the
same event as articles already briefed (grouped with them over a wider window, since the
new window alone holds only the new articles); an actor is *new to the topic* when no
earlier briefing showed it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypeVar

from bot.briefing.compose import compose_briefing
from bot.briefing.followed import BriefingRecord, TopicConfig
from bot.briefing.model import ArticleView, Briefing, BriefingAsk, Story
from bot.briefing.render import title_case
from bot.briefing.schedule import day_set, describe_moment, previous_slot
from bot.briefing.status import RunStatus, StoryStatus, TopicKind
from bot.briefing.stories import STORY_WINDOW, story_key
from bot.briefing.trend import build_trend, sparkline, week_starts
from bot.ports import Store
from bot.services.briefing import brief

T = TypeVar("T")
MAX_REMEMBERED = 2000  # story keys, article ids and actor names kept per topic and channel
CONTEXT_STORIES = 1000


def window_start(topic: TopicConfig, slot: datetime, previous: BriefingRecord | None) -> datetime:
    """Where this briefing's window starts: the end of the previous one, or the previous slot."""
    if previous is not None and previous.covered_until is not None:
        return previous.covered_until
    return previous_slot(topic.schedule, slot - timedelta(seconds=1))


def since_label(
    topic: TopicConfig, slot: datetime, previous: BriefingRecord | None, now: datetime
) -> str:
    """``Monday 08:00``: the previous briefing's slot (or the schedule's), in the topic's zone."""
    since = (
        previous.slot
        if previous is not None
        else previous_slot(topic.schedule, slot - timedelta(seconds=1))
    )
    return describe_moment(since, topic.schedule.zone, now=now, long=True)


def digest_title(topic: TopicConfig) -> str:
    return "Weekly digest" if len(day_set(topic.days)) == 1 else "Daily digest"


def compose_due(
    *,
    store: Store,
    topic: TopicConfig,
    slot: datetime,
    previous: BriefingRecord | None,
    now: datetime,
) -> tuple[Briefing, str]:
    """The briefing for this slot and its title (for the Slack header and notification)."""
    label = since_label(topic, slot, previous, now)
    if topic.kind == TopicKind.DIGEST:
        briefing = compose_digest(
            store=store, topic=topic, after=window_start(topic, slot, previous), now=now
        )
        empty = f"Nothing was shared in <#{topic.channel_id}> since {label}."
        title = f"{digest_title(topic)}: what was shared here since {label}"
        if len(day_set(topic.days)) == 1 and not briefing.is_empty:
            title += " · " + digest_trend(store=store, topic=topic, now=now)
    else:
        briefing = compose_topic(
            store=store,
            topic=topic,
            after=window_start(topic, slot, previous),
            previous=previous,
            now=now,
        )
        empty = f"Nothing new on {title_case(topic.name)} since {label}."
        title = f"{title_case(topic.name)}: what is new since {label}"
    if briefing.is_empty:
        briefing = replace(briefing, empty_message=empty)
    return briefing, title


def compose_topic(
    *,
    store: Store,
    topic: TopicConfig,
    after: datetime,
    previous: BriefingRecord | None,
    now: datetime,
) -> Briefing:
    def brief_after(
        start: datetime, *, known_actors: set[str] | None = None, max_stories: int = 5
    ) -> Briefing:
        return brief(
            store=store,
            topic=topic.name,
            now=now,
            since=timedelta(0),
            after=start,
            team_id=topic.team_id,
            channel_id=topic.channel_id,
            terms=topic.terms,
            known_actors=known_actors,
            max_stories=max_stories,
        )

    known = set(previous.actor_names) if previous is not None else None
    briefing = brief_after(after, known_actors=known)
    if previous is None or briefing.is_empty:
        return briefing
    context = brief_after(after - STORY_WINDOW, max_stories=CONTEXT_STORIES)
    groups = {a.id: {b.id for b in s.articles} for s in context.stories for a in s.articles}
    briefed_ids, briefed_keys = set(previous.article_ids), set(previous.story_keys)

    def status(story: Story) -> StoryStatus:
        related = set().union(*(groups.get(a.id, {a.id}) for a in story.articles))
        return (
            StoryStatus.UPDATE
            if related & briefed_ids or story_key(story.articles) in briefed_keys
            else StoryStatus.NEW
        )

    return replace(briefing, stories=tuple(replace(s, status=status(s)) for s in briefing.stories))


def compose_digest(*, store: Store, topic: TopicConfig, after: datetime, now: datetime) -> Briefing:
    """Everything shared in the digest's own channel in the window, who shared it included."""
    articles = digest_articles(
        store=store, team_id=topic.team_id, channel_id=topic.channel_id, after=after
    )
    title = digest_title(topic)
    briefing = compose_briefing(title, articles, now=now, since=after)
    return replace(briefing, asked=BriefingAsk(title, after, now, digest=True))


def digest_articles(
    *, store: Store, team_id: str, channel_id: str, after: datetime
) -> list[ArticleView]:
    """The articles shared in the channel since ``after``, each with its shares there."""
    views = store.recent_articles(team_id=team_id, channel_id=channel_id, since=after)
    here = [_shared_here(v, channel_id) for v in views]
    return [v for v in here if v is not None]


DIGEST_TREND_WEEKS = 8


def digest_trend(*, store: Store, topic: TopicConfig, now: datetime) -> str:
    """A weekly digest carries the channel's trend: ``8 weeks here ▁▂▁▃▅▂▄█``, one bar for
    the articles first shared in its channel each week, the current week last."""
    start = week_starts(now, DIGEST_TREND_WEEKS)[0]
    views = store.recent_articles(
        team_id=topic.team_id, channel_id=topic.channel_id, since=start, limit=5000
    )
    here = [a for a in (_shared_here(v, topic.channel_id) for v in views) if a is not None]
    weekly = build_trend(topic.name, here, now=now, weeks=DIGEST_TREND_WEEKS)
    return f"{DIGEST_TREND_WEEKS} weeks here {sparkline(weekly.counts)}"


def _shared_here(view: ArticleView, channel_id: str) -> ArticleView | None:
    shares = tuple(s for s in view.shares if s.channel_id == channel_id)
    if not shares:
        return None
    first = min(s.shared_at for s in shares)
    return replace(view, shares=shares, first_shared_at=first, relevance=1.0)


def record_for(
    briefing: Briefing,
    *,
    topic: TopicConfig,
    slot: datetime,
    previous: BriefingRecord | None,
    now: datetime,
) -> BriefingRecord:
    """What this briefing covered, added to what earlier ones covered."""
    before = previous or BriefingRecord(
        topic_id=topic.id or 0, channel_id=topic.channel_id, slot=slot, status=""
    )
    keys = [story_key(s.articles) for s in briefing.stories]
    ids = [a.id for s in briefing.stories for a in s.articles]
    names = [a.name for a in briefing.leading_actors] + [
        a.name for s in briefing.stories for a in s.actors
    ]
    return BriefingRecord(
        topic_id=topic.id or 0,
        channel_id=topic.channel_id,
        slot=slot,
        status=RunStatus.POSTED,
        covered_until=now,
        story_keys=_remember(before.story_keys, keys),
        article_ids=_remember(before.article_ids, ids),
        actor_names=_remember(before.actor_names, names),
    )


def _remember(old: tuple[T, ...], new: list[T]) -> tuple[T, ...]:
    merged = list(dict.fromkeys([*old, *new]))
    return tuple(merged[-MAX_REMEMBERED:])
