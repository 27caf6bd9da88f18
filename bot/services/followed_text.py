"""What `/brief follow`, `/brief topics` and `/brief digest` answer, as Slack mrkdwn (pure).

Topic names and terms are whatever an admin typed (``@here R&D`` arrives as ``<!here> r&d``):
they enter the text only through ``escape``, channels only through ``channel``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.briefing.followed import BriefingRecord, TopicConfig
from bot.briefing.mrkdwn import channel, escape
from bot.briefing.schedule import describe_moment, describe_schedule, next_slots
from bot.briefing.status import RunStatus, TopicAction, TopicKind

NOT_POSTED = (RunStatus.FAILED, RunStatus.UNDELIVERABLE)  # runs whose trouble a listing shows


def next_run(topic: TopicConfig, now: datetime) -> datetime:
    return next_slots(topic.schedule, now)[0]


def label(topic: TopicConfig) -> str:
    """``*energy prices*`` or ``the digest of <#C123>``."""
    return (
        f"the digest of {channel(topic.channel_id)}"
        if topic.kind == TopicKind.DIGEST
        else f"*{escape(topic.name)}*"
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
    trouble: str = ""  # why its latest briefing was not posted, as mrkdwn ("" when it was)

    @property
    def text(self) -> str:
        t = self.topic
        terms = f" (matching {escape(', '.join(t.terms))})" if t.terms else ""
        quiet = (
            ", silent when there is nothing new"
            if t.silent_when_empty and t.kind != TopicKind.DIGEST
            else ""
        )
        what = (
            f"{label(t)}{terms} in {channel(t.channel_id)}"
            if t.kind != TopicKind.DIGEST
            else _cap(label(t))
        )
        return f"{what}: {self.schedule}{quiet}" + (f"\n   {self.trouble}" if self.trouble else "")


def listing(
    topic: TopicConfig, now: datetime, last_run: BriefingRecord | None = None
) -> TopicListing:
    """How a topic is listed; ``last_run``, its latest slot's run, shows when it failed."""
    return TopicListing(
        topic, when(topic, now), next_run(topic, now), _trouble(topic, last_run, now)
    )


def _trouble(topic: TopicConfig, run: BriefingRecord | None, now: datetime) -> str:
    if run is None or run.status not in NOT_POSTED or run.channel_id != topic.channel_id:
        return ""  # posted, or failed in a channel the topic has since left
    moment = describe_moment(run.slot, topic.schedule.zone, now=now)
    why = escape(run.error or "no reason was recorded")
    if run.status == RunStatus.UNDELIVERABLE:
        return f":warning: The {moment} briefing could not be posted, and is not retried: {why}"
    return f":warning: The {moment} briefing could not be posted (I try again a few times): {why}"


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
    elsewhere: tuple[str, ...] = ()  # the other channels that follow the topic
    removed: tuple[str, ...] = ()  # the channels an unfollow took it from

    @property
    def message(self) -> str:
        if self.action == TopicAction.UNFOLLOW and self.before is not None:
            gone = channels(self.removed or (self.before.channel_id,))
            still = (
                f" It is still followed in {channels(self.elsewhere)}." if self.elsewhere else ""
            )
            return f"I no longer follow {label(self.before)} in {gone}.{still}"
        if self.action == TopicAction.DIGEST_OFF and self.before is not None:
            return f"{_cap(label(self.before))} is off."
        if self.topic is None:
            return "There is no digest in this channel to turn off."
        text = listing(self.topic, self.now).text
        also = (
            f" Also followed in {channels(self.elsewhere)}, on its own schedule."
            if self.elsewhere
            else ""
        )
        if self.action == TopicAction.UNCHANGED:
            return f"Nothing to change: {text}.{also}"
        verb = {
            TopicAction.FOLLOW: "Now following",
            TopicAction.UPDATE: "Changed",
            TopicAction.DIGEST: "Scheduled",
        }[self.action]
        return f"{verb} {text[:1].lower() + text[1:] if text.startswith('The') else text}.{also}"


def channels(ids: tuple[str, ...]) -> str:
    """``<#C1>``, ``<#C1> and <#C2>``, ``<#C1>, <#C2> and <#C3>``."""
    named = [channel(c) for c in ids]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
