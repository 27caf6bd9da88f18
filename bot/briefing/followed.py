"""Followed topics and channel digests as values, and the record of one posted briefing (pure)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from bot.briefing.schedule import Schedule
from bot.briefing.status import RunStatus, TopicAction, TopicKind


@dataclass(frozen=True, slots=True)
class TopicConfig:
    """A topic followed in a channel, or (``kind == "digest"``) a channel's digest."""

    team_id: str
    name: str
    channel_id: str
    time_of_day: str = "08:00"
    days: str = "mon-fri"
    timezone: str = "UTC"
    terms: tuple[str, ...] = ()
    kind: TopicKind = TopicKind.TOPIC
    silent_when_empty: bool = False
    id: int | None = None
    created_by: str | None = None
    updated_at: datetime | None = None

    @property
    def schedule(self) -> Schedule:
        return Schedule(self.time_of_day, self.days, self.timezone)

    def settings(self) -> dict[str, Any]:
        """What an admin chose: the audit log's before and after."""
        out = asdict(self)
        for key in ("id", "created_by", "updated_at", "team_id"):
            out.pop(key)
        out["terms"] = list(self.terms)
        return out


@dataclass(frozen=True, slots=True)
class BriefingRecord:
    """One scheduled briefing of a topic in a channel, as stored after it was posted.

    ``story_keys``, ``article_ids`` and ``actor_names`` accumulate over the topic's
    briefings, so that "update" and "new to this topic" compare with all of them.
    """

    topic_id: int
    channel_id: str
    slot: datetime
    status: RunStatus | str  # "" until it is stored
    message_ts: str | None = None
    covered_until: datetime | None = None
    story_keys: tuple[str, ...] = ()
    article_ids: tuple[int, ...] = ()
    actor_names: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    team_id: str
    user_id: str
    action: TopicAction
    subject: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime
