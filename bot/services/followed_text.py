"""What `/brief follow`, `/brief topics` and `/brief digest` answer, as Slack mrkdwn (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.briefing.followed import TopicConfig
from bot.briefing.schedule import describe_moment, describe_schedule, next_slots
from bot.briefing.status import TopicAction, TopicKind


def next_run(topic: TopicConfig, now: datetime) -> datetime:
    return next_slots(topic.schedule, now)[0]


def label(topic: TopicConfig) -> str:
    """``*energy prices*`` or ``the digest of <#C123>``."""
    return (
        f"the digest of <#{topic.channel_id}>"
        if topic.kind == TopicKind.DIGEST
        else f"*{topic.name}*"
    )


def when(topic: TopicConfig, now: datetime) -> str:
    """``07:30 Mon–Fri (Europe/London), next Tue 07:30``."""
    upcoming = describe_moment(next_run(topic, now), topic.schedule.zone, now=now)
    return f"{describe_schedule(topic.schedule)}, next {upcoming}"


@dataclass(frozen=True, slots=True)
class TopicListing:
    topic: TopicConfig
    schedule: str  # "07:30 Mon–Fri (Europe/London)"
    next_run: datetime

    @property
    def text(self) -> str:
        t = self.topic
        terms = f" (matching {', '.join(t.terms)})" if t.terms else ""
        quiet = (
            ", silent when there is nothing new"
            if t.silent_when_empty and t.kind != TopicKind.DIGEST
            else ""
        )
        what = (
            f"{label(t)}{terms} in <#{t.channel_id}>"
            if t.kind != TopicKind.DIGEST
            else _cap(label(t))
        )
        return f"{what}: {self.schedule}{quiet}"


def listing(topic: TopicConfig, now: datetime) -> TopicListing:
    return TopicListing(topic, when(topic, now), next_run(topic, now))


def topics_text(listings: list[TopicListing]) -> str:
    """The answer to `/brief topics`."""
    if not listings:
        return (
            "I follow no topics yet. An admin can start with "
            "`/brief follow ukraine at 08:00 on mon-fri in #news`."
        )
    return "\n".join(["Topics I follow:", *(f"• {item.text}" for item in listings)])


@dataclass(frozen=True, slots=True)
class TopicChange:
    action: TopicAction
    topic: TopicConfig | None  # as it is now (None once removed)
    before: TopicConfig | None
    now: datetime

    @property
    def message(self) -> str:
        if self.action == TopicAction.UNFOLLOW and self.before is not None:
            return f"I no longer follow {label(self.before)} in <#{self.before.channel_id}>."
        if self.action == TopicAction.DIGEST_OFF and self.before is not None:
            return f"{_cap(label(self.before))} is off."
        if self.topic is None:
            return "There is no digest in this channel to turn off."
        text = listing(self.topic, self.now).text
        if self.action == TopicAction.UNCHANGED:
            return f"Nothing to change: {text}."
        verb = {
            TopicAction.FOLLOW: "Now following",
            TopicAction.UPDATE: "Changed",
            TopicAction.DIGEST: "Scheduled",
        }[self.action]
        return f"{verb} {text[:1].lower() + text[1:] if text.startswith('The') else text}."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
