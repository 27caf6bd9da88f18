"""`/brief stats`: a workspace's links, their failures, its topics and their briefings.

The use case speaks through :class:`ActivitySource` (``storage.activity.SqlActivity``) and
the :class:`bot.ports.TopicStore`; who may ask is the Slack edge's question.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from bot.briefing.activity import LinkCounts, TopicBriefings, WorkspaceStats
from bot.briefing.status import TopicKind
from bot.ports import TopicStore
from bot.services.followed_text import label, next_run

RECENT_DAYS = 7


class ActivitySource(Protocol):
    def link_counts(self, *, team_id: str, since: datetime) -> LinkCounts: ...


def workspace_stats(
    *, activity: ActivitySource, topics: TopicStore, team_id: str, now: datetime
) -> WorkspaceStats:
    links = activity.link_counts(team_id=team_id, since=now - timedelta(days=RECENT_DAYS))
    runs = topics.latest_runs(team_id=team_id)
    rows = []
    for topic in topics.list_topics(team_id=team_id):
        latest = runs.get(topic.id) if topic.id is not None else None
        posted = topics.last_briefing(topic.id, topic.channel_id) if topic.id is not None else None
        rows.append(
            TopicBriefings(
                label=label(topic),
                channel_id=topic.channel_id,
                is_digest=topic.kind == TopicKind.DIGEST,
                timezone=topic.timezone,
                last_posted=posted.slot if posted is not None else None,
                last_status=str(latest.status) if latest is not None else None,
                last_error=latest.error if latest is not None else None,
                next_due=next_run(topic, now),
            )
        )
    return WorkspaceStats(links=links, recent_days=RECENT_DAYS, topics=tuple(rows))
