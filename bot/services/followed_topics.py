"""Use cases for followed topics and channel digests: configure them, and post them on time.

Keyword-only functions with their collaborators as arguments. Who may change topics is
decided by ``is_admin`` (the Slack edge asks users.info for admins and owners) and the
``admins`` list (BRIEFBOT_ADMINS). A topic may be followed in several channels, each with
its own schedule; a follow changes the topic in one channel, and of a topic already
followed there only what the command says (the rest stays as it was).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.briefing.commands import (
    FOLLOW_EXAMPLE,
    UNFOLLOW_EXAMPLE,
    FollowRequest,
    UnfollowRequest,
    parse_digest,
    parse_follow,
    parse_unfollow,
)
from bot.briefing.followed import BriefingRecord, TopicConfig
from bot.briefing.schedule import (
    EVERY_DAY,
    WEEKDAYS,
    parse_channel,
    parse_days,
    parse_times,
    validate_timezone,
)
from bot.briefing.status import RunStatus, SlotOutcome, TopicAction, TopicKind
from bot.errors import NotAllowed, PostFailed, UsageError
from bot.ports import Poster, Store, TopicStore
from bot.services.briefing import validate_topic
from bot.services.followed_text import TopicChange, TopicListing, listing
from bot.services.whats_new import compose_due, record_for

log = logging.getLogger(__name__)

AdminCheck = Callable[[str, str], bool]  # (team_id, user_id) -> is a workspace admin or owner
ChannelResolver = Callable[[str], str | None]  # channel name -> channel id
DIGEST_PREFIX = "digest:"


def ensure_admin(
    *, team_id: str, user_id: str, is_admin: AdminCheck, admins: Collection[str]
) -> None:
    if user_id in admins or is_admin(team_id, user_id):
        return
    raise NotAllowed(
        "Sorry, only workspace admins and owners (and the people in BRIEFBOT_ADMINS) can change "
        "which topics I follow. `/brief topics` shows what I follow; ask an admin for a change."
    )


# --- configuring -------------------------------------------------------------------------


def follow_topic(
    *,
    topics: TopicStore,
    is_admin: AdminCheck,
    admins: Collection[str] = (),
    team_id: str,
    user_id: str,
    channel_id: str,
    text: str,
    default_timezone: str,
    now: datetime,
    resolve_channel: ChannelResolver | None = None,
    editing: int | None = None,
) -> TopicChange:
    """`/brief follow <topic> [terms ...] [at HH:MM[,HH:MM]] [on days|daily] [tz Zone]
    [in #channel] [silent]`: the topic in that channel (by default the one asked from),
    beside any other channel that follows it. ``editing``, the id of a stored topic (App
    Home's editor), changes that one, its name and channel included."""
    ensure_admin(team_id=team_id, user_id=user_id, is_admin=is_admin, admins=admins)
    request = parse_follow(text)
    name = topic_name(request.topic)
    wanted_channel = _requested_channel(request.channel_id, request.channel_name, resolve_channel)
    existing: TopicConfig | None
    if editing is not None:
        existing = _editable(topics, team_id, editing)
        channel = wanted_channel or existing.channel_id
    else:
        channel = wanted_channel or channel_id
        existing = topics.get_topic(team_id=team_id, name=name, channel_id=channel)
    follows = topics.topic_follows(team_id=team_id, name=name)
    others = [t for t in follows if existing is None or t.id != existing.id]
    if any(t.channel_id == channel for t in others):
        raise UsageError(
            f"that channel already follows {name!r}: change it there (its own Edit button "
            "or `/brief follow` in that channel)"
        )
    base = existing or TopicConfig(
        team_id=team_id,
        name=name,
        channel_id=channel,
        timezone=_zone_or_utc(default_timezone),
        terms=others[0].terms if others else (),  # what the topic matches, as elsewhere
    )
    wanted = _apply_request(replace(base, name=name, channel_id=channel), request)
    elsewhere = tuple(t.channel_id for t in others)
    if wanted == existing:
        return TopicChange(TopicAction.UNCHANGED, existing, existing, now, elsewhere)
    action = TopicAction.UPDATE if existing else TopicAction.FOLLOW
    saved = topics.save_topic(wanted, user_id=user_id, action=action, now=now)
    return TopicChange(action, saved, existing, now, elsewhere)


def _editable(topics: TopicStore, team_id: str, topic_id: int) -> TopicConfig:
    topic = topics.topic_by_id(topic_id)
    if topic is None or topic.team_id != team_id or topic.kind != TopicKind.TOPIC:
        raise UsageError("that topic is no longer followed: close this form and add it again")
    return topic


def unfollow_topic(
    *,
    topics: TopicStore,
    is_admin: AdminCheck,
    admins: Collection[str] = (),
    team_id: str,
    user_id: str,
    channel_id: str = "",
    text: str,
    now: datetime,
    resolve_channel: ChannelResolver | None = None,
) -> TopicChange:
    """`/brief unfollow <topic> [in #channel | everywhere]`: without a channel, the topic of
    the channel asked from, or the only channel that follows it. Other channels keep theirs."""
    ensure_admin(team_id=team_id, user_id=user_id, is_admin=is_admin, admins=admins)
    request = parse_unfollow(text)
    name = topic_name(request.topic)
    follows = topics.topic_follows(team_id=team_id, name=name)
    if not follows:
        raise UsageError(
            f"I do not follow {name!r}. `/brief topics` lists what I follow, "
            "e.g. `/brief unfollow ukraine`."
        )
    chosen = _channels_to_leave(name, follows, request, channel_id, resolve_channel)
    for topic in chosen:
        topics.delete_topic(
            team_id=team_id, name=name, channel_id=topic.channel_id, user_id=user_id, now=now
        )
    left = tuple(t.channel_id for t in follows if t not in chosen)
    gone = tuple(t.channel_id for t in chosen)
    return TopicChange(TopicAction.UNFOLLOW, None, chosen[0], now, left, gone)


def _channels_to_leave(
    name: str,
    follows: list[TopicConfig],
    request: UnfollowRequest,
    asked_in: str,
    resolve: ChannelResolver | None,
) -> list[TopicConfig]:
    if request.everywhere:
        return follows
    channel = _requested_channel(
        request.channel_id, request.channel_name, resolve, UNFOLLOW_EXAMPLE
    )
    if channel is not None:
        chosen = [t for t in follows if t.channel_id == channel]
        if not chosen:
            raise UsageError(
                f"that channel does not follow {name!r}: `/brief topics` shows the channels that do"
            )
        return chosen
    here = [t for t in follows if t.channel_id == asked_in]
    if here or len(follows) == 1:
        return here or follows
    raise UsageError(
        f"I follow {name!r} in {len(follows)} channels (`/brief topics` lists them): say which, "
        f"e.g. `/brief unfollow {name} in #news`, or `/brief unfollow {name} everywhere`"
    )


def list_topics(*, topics: TopicStore, team_id: str, now: datetime) -> list[TopicListing]:
    """Each topic and digest of the workspace with its terms, channel, schedule and next run,
    and why its latest briefing was not posted, when it was not."""
    runs = topics.latest_runs(team_id=team_id)
    return [
        listing(t, now, runs.get(t.id) if t.id is not None else None)
        for t in topics.list_topics(team_id=team_id)
    ]


def set_digest(
    *,
    topics: TopicStore,
    is_admin: AdminCheck,
    admins: Collection[str] = (),
    team_id: str,
    user_id: str,
    channel_id: str,
    text: str,
    default_timezone: str,
    now: datetime,
) -> TopicChange:
    """`/brief digest daily|weekly|off [at HH:MM] [on days] [tz Zone]` in the channel to digest."""
    ensure_admin(team_id=team_id, user_id=user_id, is_admin=is_admin, admins=admins)
    request = parse_digest(text)
    name = DIGEST_PREFIX + channel_id
    existing = topics.get_topic(team_id=team_id, name=name, channel_id=channel_id)
    if request.period == "off":
        if existing is None:
            return TopicChange(TopicAction.UNCHANGED, None, None, now)
        topics.delete_topic(
            team_id=team_id, name=name, channel_id=channel_id, user_id=user_id, now=now
        )
        return TopicChange(TopicAction.DIGEST_OFF, None, existing, now)
    wanted = TopicConfig(
        team_id=team_id,
        name=name,
        channel_id=channel_id,
        kind=TopicKind.DIGEST,
        silent_when_empty=True,
        time_of_day=request.time_of_day or (existing.time_of_day if existing else "08:00"),
        days=request.days or (EVERY_DAY if request.period == "daily" else "mon"),
        timezone=request.timezone
        or (existing.timezone if existing else _zone_or_utc(default_timezone)),
        id=existing.id if existing else None,
        created_by=existing.created_by if existing else None,
        updated_at=existing.updated_at if existing else None,
    )
    if wanted == existing:
        return TopicChange(TopicAction.UNCHANGED, existing, existing, now)
    saved = topics.save_topic(wanted, user_id=user_id, action=TopicAction.DIGEST, now=now)
    return TopicChange(TopicAction.DIGEST, saved, existing, now)


def topic_name(text: str) -> str:
    name = validate_topic(text).lower()
    if name.startswith(DIGEST_PREFIX):
        raise UsageError(
            f"a topic may not start with {DIGEST_PREFIX!r}. For example: {FOLLOW_EXAMPLE}"
        )
    return name


def _zone_or_utc(name: str) -> str:
    try:
        return validate_timezone(name) if name else "UTC"
    except UsageError:
        return "UTC"


def _requested_channel(
    channel_id: str | None,
    channel_name: str | None,
    resolve: ChannelResolver | None,
    example: str = FOLLOW_EXAMPLE,
) -> str | None:
    """The channel a command names (None: it names none); a bare #name is looked up."""
    if channel_id is not None or channel_name is None:
        return channel_id
    found = resolve(channel_name) if resolve is not None else None
    if found is None:
        raise UsageError(
            f"I cannot find #{channel_name}: pick the channel from the list "
            f"Slack offers as you type #. For example: {example}"
        )
    return found


def _apply_request(base: TopicConfig, request: FollowRequest) -> TopicConfig:
    return replace(
        base,
        terms=base.terms if request.terms is None else request.terms,
        time_of_day=request.time_of_day or base.time_of_day,
        days=request.days or base.days,
        timezone=request.timezone or base.timezone,
        silent_when_empty=base.silent_when_empty
        if request.silent_when_empty is None
        else request.silent_when_empty,
    )


def import_topics(
    *,
    topics: TopicStore,
    team_id: str,
    entries: Sequence[Mapping[str, Any]],
    user_id: str,
    now: datetime,
) -> dict[str, list[str]]:
    """Create or change topics from ``seeds/topics.yaml``-style entries; all are checked first."""
    wanted = [_entry_topic(team_id, i, entry) for i, entry in enumerate(entries, 1)]
    names = Counter(t.name for t in wanted)
    out: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    for topic in wanted:
        existing = topics.get_topic(team_id=team_id, name=topic.name, channel_id=topic.channel_id)
        shown = topic.name if names[topic.name] == 1 else f"{topic.name} in {topic.channel_id}"
        if existing is not None and existing.settings() == topic.settings():
            out["unchanged"].append(shown)
            continue
        topics.save_topic(topic, user_id=user_id, action=TopicAction.IMPORT, now=now)
        out["updated" if existing else "created"].append(shown)
    return out


def _times(at: object) -> str:
    """A YAML ``at:``: "08:00", "08:00,13:00" or a list of times."""
    return ",".join(str(t) for t in at) if isinstance(at, list) else str(at)


def _entry_topic(team_id: str, index: int, entry: Mapping[str, Any]) -> TopicConfig:
    try:
        name = topic_name(str(entry["name"]))
        channel = str(entry["channel"])
        channel_id = (
            channel if channel[:1] in "CG" and channel.isalnum() else parse_channel(channel)[0]
        )
        if not channel_id:
            raise UsageError(f"give the channel's id (C0123ABC), not {channel!r}")
        terms = entry.get("terms") or ()
        return TopicConfig(
            team_id=team_id,
            name=name,
            channel_id=channel_id,
            terms=tuple(
                str(t).strip().lower() for t in ([terms] if isinstance(terms, str) else terms)
            ),
            time_of_day=parse_times(_times(entry.get("at", "08:00"))),
            days=parse_days(str(entry.get("days", WEEKDAYS))),
            timezone=validate_timezone(str(entry.get("tz", "UTC"))),
            silent_when_empty=bool(entry.get("silent", False)),
        )
    except KeyError as exc:
        raise UsageError(f"topic {index} has no {exc.args[0]!r}") from None
    except UsageError as exc:
        raise UsageError(f"topic {index} ({entry.get('name', '?')}): {exc}") from None


# --- posting -----------------------------------------------------------------------------


MAX_SLOT_ATTEMPTS = 3  # a slot is tried at most this often (first run and retries)
ABANDONED_AFTER = timedelta(minutes=5)  # a claim this old without an outcome: its process died
# A takeover looks for the slot's post from this long before the slot (clocks differ a little).
SLOT_POST_EARLY = timedelta(minutes=5)
RETRY_BACKOFF = timedelta(minutes=2)  # a failed run waits this long times its attempts


def handle_due_slot(
    *,
    topics: TopicStore,
    store: Store,
    poster: Poster,
    topic: TopicConfig,
    slot: datetime,
    now: Callable[[], datetime],
    grace_seconds: float,
    claimed_by: str,
) -> str:
    """Post the slot's briefing, or skip it (once, logged) when it is past the grace period."""
    late = (now() - slot).total_seconds()
    if late > grace_seconds:
        if topics.claim_briefing_slot(
            topic=topic, slot=slot, claimed_by=claimed_by, now=now(), status=RunStatus.SKIPPED
        ):
            log.warning(
                "skipped the %s briefing of %r in %s due at %s: %.0f min late, grace is %.0f min",
                topic.kind,
                topic.name,
                topic.channel_id,
                slot.isoformat(),
                late / 60,
                grace_seconds / 60,
            )
            return SlotOutcome.SKIPPED
        return SlotOutcome.TAKEN
    return post_due_briefing(
        topics=topics,
        store=store,
        poster=poster,
        topic=topic,
        slot=slot,
        now=now,
        claimed_by=claimed_by,
    )


def post_due_briefing(
    *,
    topics: TopicStore,
    store: Store,
    poster: Poster,
    topic: TopicConfig,
    slot: datetime,
    now: Callable[[], datetime],
    claimed_by: str,
) -> str:
    """Claim the slot, compose what is new, post it, record its ts. Returns what happened:
    ``taken`` (another process has the slot), ``posted``, ``silent``, ``failed`` (retried
    within the grace) or ``undeliverable`` (Slack refused for good: archived, revoked)."""
    if topic.id is None:
        raise ValueError("only a stored topic has slots")
    if not topics.claim_briefing_slot(topic=topic, slot=slot, claimed_by=claimed_by, now=now()):
        return SlotOutcome.TAKEN
    return post_claimed_briefing(
        topics=topics, store=store, poster=poster, topic=topic, slot=slot, now=now
    )


def retry_briefing(
    *,
    topics: TopicStore,
    store: Store,
    poster: Poster,
    topic: TopicConfig,
    slot: datetime,
    now: Callable[[], datetime],
    claimed_by: str,
    max_attempts: int = MAX_SLOT_ATTEMPTS,
) -> str:
    """Post a slot whose run failed (Slack was down) or was abandoned (its process died)."""
    if not topics.reclaim_briefing_slot(
        topic=topic,
        slot=slot,
        claimed_by=claimed_by,
        now=now(),
        max_attempts=max_attempts,
        abandoned_after=ABANDONED_AFTER,
    ):
        return SlotOutcome.TAKEN
    log.info(
        "retrying the %s briefing of %r in %s due at %s",
        topic.kind,
        topic.name,
        topic.channel_id,
        slot.isoformat(),
    )
    return post_claimed_briefing(
        topics=topics, store=store, poster=poster, topic=topic, slot=slot, now=now, retried=True
    )


def slot_key(topic: TopicConfig, slot: datetime) -> str:
    """What marks a slot's post in Slack: the topic's id (one per channel) and the slot."""
    return f"{topic.id}@{slot.isoformat()}"


def post_claimed_briefing(
    *,
    topics: TopicStore,
    store: Store,
    poster: Poster,
    topic: TopicConfig,
    slot: datetime,
    now: Callable[[], datetime],
    retried: bool = False,
) -> str:
    """Compose what is new for a slot this process holds, post it and record its ts.

    ``retried``: the slot was claimed before, by a process that may have died after Slack
    took its post and before recording it; a post marked with the slot found in the channel
    is recorded instead of posting the briefing again."""
    assert topic.id is not None
    previous = topics.last_briefing(topic.id, topic.channel_id)
    at = now()
    key = slot_key(topic, slot)
    try:
        briefing, title = compose_due(
            store=store, topic=topic, slot=slot, previous=previous, now=at
        )
        record = record_for(briefing, topic=topic, slot=slot, previous=previous, now=at)
        if briefing.is_empty and topic.silent_when_empty:
            topics.record_posted(replace(record, status=RunStatus.SILENT), now=now())
            return SlotOutcome.SILENT
        found = None
        if retried:
            found = poster.find_slot_post(
                team_id=topic.team_id,
                channel_id=topic.channel_id,
                slot_key=key,
                since=slot - SLOT_POST_EARLY,
            )
        if found:
            log.warning(
                "the %s briefing of %r in %s (slot %s) was posted before its process stopped: "
                "recorded, not posted again",
                topic.kind,
                topic.name,
                topic.channel_id,
                slot.isoformat(),
            )
            ts = found
        elif briefing.is_empty:
            ts = poster.post_text(
                team_id=topic.team_id,
                channel_id=topic.channel_id,
                text=briefing.empty_message,
                slot_key=key,
            )
        else:
            ts = poster.post_briefing(
                team_id=topic.team_id,
                channel_id=topic.channel_id,
                briefing=briefing,
                title=title,
                slot_key=key,
            )
    except PostFailed as exc:  # Slack said no: its reason is kept for `/brief topics`
        return _record_failure(topics, topic, slot, exc, now=now())
    except Exception as exc:  # one failed briefing must not stop the scheduler; the run keeps why
        log.exception(
            "the %s briefing of %r in %s failed", topic.kind, topic.name, topic.channel_id
        )
        return _record_failure(topics, topic, slot, exc, now=now())
    topics.record_posted(replace(record, message_ts=ts), now=now())
    log.info(
        "posted the %s briefing of %r in %s (slot %s, ts %s)",
        topic.kind,
        topic.name,
        topic.channel_id,
        slot.isoformat(),
        ts,
    )
    return SlotOutcome.POSTED


def _record_failure(
    topics: TopicStore, topic: TopicConfig, slot: datetime, exc: Exception, *, now: datetime
) -> str:
    """Keep why a slot was not posted; a refusal that retrying cannot fix is not retried."""
    assert topic.id is not None
    if isinstance(exc, PostFailed):
        status = RunStatus.UNDELIVERABLE if exc.permanent else RunStatus.FAILED
        error = f"{exc} (Slack: {exc.code})"
        log.warning(
            "Slack refused the %s briefing of %r in %s (slot %s): %s%s",
            topic.kind,
            topic.name,
            topic.channel_id,
            slot.isoformat(),
            exc.code,
            ", not retried" if exc.permanent else "",
        )
    else:
        status, error = RunStatus.FAILED, f"{exc.__class__.__name__}: {exc}"
    topics.record_posted(
        BriefingRecord(topic.id, topic.channel_id, slot, status, error=error[:1000]), now=now
    )
    return SlotOutcome.UNDELIVERABLE if status == RunStatus.UNDELIVERABLE else SlotOutcome.FAILED
