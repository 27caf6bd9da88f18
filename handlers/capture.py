"""Link capture: message events in channels and threads become shares and pending articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.briefing.links import canonical_url, link_previews, links_in_message
from bot.briefing.status import ArticleStatus
from bot.ports import ArticleTask, FailedLink, NewShare, ShareRecord, Store
from bot.services.ingest import LinkCapture, record_links
from handlers.blocks import failure_notice
from handlers.context import Deps, log
from handlers.errors import reported
from handlers.ports import Notifier

# Subtypes that are someone's message; everything else (joins, topic changes...) is skipped.
USER_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}
NOTICES = "capture_notices"  # set before the ack; Bolt copies the context to the lazy run


@dataclass(frozen=True, slots=True)
class Notices:
    """What the sharer hears after the ack: a reaction, and (in one note) why links could
    not be read. While some of the message's links are being read, the note waits for them:
    whoever reads them (this process, or a ``briefbot worker``) sends it."""

    share: NewShare
    react: bool
    articles: tuple[int, ...]  # the message's recorded links
    unrecorded: tuple[FailedLink, ...]  # links that are no address at all
    reading: str  # "": none of its links is being read; "here", or "elsewhere" (a worker)


def register(app: App, deps: Deps) -> None:
    def record(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        notices = capture_message(deps, body, event, client)
        if notices is not None:
            context[NOTICES] = notices

    @reported
    def tell_sharer(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        notices = context.get(NOTICES)
        if isinstance(notices, Notices):
            send_notices(deps, client, notices)

    app.event("message")(ack=record, lazy=[tell_sharer])


def capture_message(
    deps: Deps, body: dict[str, Any], event: dict[str, Any], client: WebClient
) -> Notices | None:
    """Before the ack: the shares are stored and new articles queued; None: nothing to tell."""
    team = str(body.get("team_id") or event.get("team") or "")
    channel = str(event.get("channel") or "")
    found = _message_links(deps, team, channel, event)
    if found is None:
        return None
    message, urls = found
    previews = link_previews(message)  # an edit may only add Slack's unfurl of a known link
    ts = message.get("ts")
    if not (urls or previews) or _from_a_bot(deps, message) or not channel:
        return None
    if not isinstance(ts, str) or not ts:
        return None
    share = NewShare(
        team_id=team,
        channel_id=channel,
        user_id=str(message.get("user") or ""),
        message_ts=ts,
        shared_at=_ts_time(ts, deps),
        channel_private=_stays_in_channel(deps, client, body, event, team, channel),
        thread_ts=message.get("thread_ts"),
    )
    captures = record_links(  # before the ack
        store=deps.store, urls=urls, share=share, now=deps.now(), previews=previews
    )
    event_id = body.get("event_id")
    if isinstance(event_id, str) and not deps.store.first_delivery(
        event_id, team_id=team, now=deps.now()
    ):
        return None  # a retried delivery: the shares are there, the side effects happened
    return _queue_and_notices(deps, client, share, captures)


def _stays_in_channel(
    deps: Deps,
    client: WebClient,
    body: dict[str, Any],
    event: dict[str, Any],
    team: str,
    channel: str,
) -> bool:
    """Private, a DM or shared with another organisation: what the event says needs no call."""
    if event.get("channel_type") in ("im", "mpim", "group") or body.get("is_ext_shared_channel"):
        return True
    # Asked before the ack, so it must not wait on Slack: ChannelPrivacy answers "private"
    # at once when Slack is slow or rate-limits conversations.info.
    return deps.channel_privacy(client, team, channel)


def _message_links(
    deps: Deps, team: str, channel: str, event: dict[str, Any]
) -> tuple[dict[str, Any], list[str]] | None:
    """The message someone wrote and its links not yet recorded; None: not such a message."""
    subtype = event.get("subtype")
    if subtype == "message_deleted":
        removed = deps.store.remove_message_shares(
            team_id=team, channel_id=channel, message_ts=str(event.get("deleted_ts") or "")
        )
        log.info("message deleted in %s: %d shares removed", channel, removed)
        return None
    if subtype == "message_changed":
        return _edited_links(deps, team, channel, event)
    if subtype in USER_SUBTYPES:
        return event, links_in_message(event)
    return None


def _edited_links(
    deps: Deps, team: str, channel: str, event: dict[str, Any]
) -> tuple[dict[str, Any], list[str]] | None:
    """An edit: links edited out leave the briefings, links edited in are new shares."""
    message, previous = _mapping(event.get("message")), _mapping(event.get("previous_message"))
    # Slack leaves out the edited message's ts at times; the message is still the one
    # previous_message names, and a share must never be stored under "None".
    ts = message.get("ts") or previous.get("ts")
    if not isinstance(ts, str) or not ts:
        return None
    for key in ("user", "thread_ts"):  # who wrote it and where, never what it says
        if not message.get(key) and previous.get(key):
            message[key] = previous[key]
    message["ts"] = ts
    urls = links_in_message(message)
    now_linked = {_canonical(u) for u in urls}
    known = deps.store.message_urls(team_id=team, channel_id=channel, message_ts=ts)
    gone = known - now_linked
    if gone and _carries_content(event.get("message")):
        removed = deps.store.remove_message_urls(
            team_id=team, channel_id=channel, message_ts=ts, canonical_urls=gone
        )
        log.info("message edited in %s: %d shares of links edited out removed", channel, removed)
    known |= {_canonical(u) for u in links_in_message(previous)}
    return message, [u for u in urls if _canonical(u) not in known]


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _carries_content(message: Any) -> bool:
    """Whether an edit says what the message holds now (not only, say, its reply count)."""
    return isinstance(message, dict) and any(
        k in message for k in ("text", "blocks", "attachments")
    )


def _queue_and_notices(
    deps: Deps, client: WebClient, share: NewShare, captures: list[LinkCapture]
) -> Notices:
    recorded = tuple(c.record.article_id for c in captures if c.record)
    pending = [
        c.record.article_id
        for c in captures
        if c.record and c.record.status == ArticleStatus.PENDING
    ]
    unrecorded = tuple(
        FailedLink(c.url, c.error or "it could not be read") for c in captures if c.record is None
    )
    failed = [c for c in captures if c.record is None or c.record.status == ArticleStatus.FAILED]
    reading = ""
    if pending:

        def tell(outcomes: list[tuple[ArticleTask, ShareRecord]]) -> None:
            _tell_message(deps, client, share, recorded, unrecorded)

        reading = "here" if deps.pool.submit(pending, notify=tell) is not None else "elsewhere"
    return Notices(
        share,
        react=bool(captures) and len(failed) < len(captures),
        articles=recorded,
        unrecorded=unrecorded,
        reading=reading,
    )


def send_notices(deps: Deps, client: WebClient, notices: Notices) -> None:
    if notices.react and deps.settings.capture_reaction:
        deps.poster.react(client=client, share=notices.share, name=deps.settings.capture_reaction)
    if not notices.reading:  # links that failed before and are not tried again yet
        _tell_message(deps, client, notices.share, notices.articles, notices.unrecorded)
    elif notices.reading == "elsewhere" and notices.unrecorded:
        # The worker reading the rest tells of them and of any that failed before, in one
        # note; links that are no address at all it cannot know of.
        deps.poster.note(
            client=client, share=notices.share, text=failure_notice(notices.unrecorded)
        )


def _tell_message(
    deps: Deps,
    client: WebClient | None,
    share: NewShare,
    article_ids: tuple[int, ...],
    unrecorded: tuple[FailedLink, ...] = (),
) -> None:
    """One note per message about its links that failed and that were not told yet."""
    notices = deps.store.take_failure_notices(article_ids) if article_ids else []
    mine = [n for n in notices if _same_message(n.share, share)]
    links = (*(link for n in mine for link in n.links), *unrecorded)
    if links:
        deps.poster.note(client=client, share=share, text=failure_notice(links))
    for other in notices:  # others who shared one of these links, in other messages
        if not _same_message(other.share, share):
            deps.poster.note(client=client, share=other.share, text=failure_notice(other.links))


def _same_message(a: NewShare, b: NewShare) -> bool:
    return (a.team_id, a.channel_id, a.message_ts, a.user_id) == (
        b.team_id,
        b.channel_id,
        b.message_ts,
        b.user_id,
    )


def _from_a_bot(deps: Deps, message: dict[str, Any]) -> bool:
    return bool(
        message.get("bot_id")
        or message.get("subtype") == "bot_message"
        or (deps.bot_user_id and message.get("user") == deps.bot_user_id)
        or not message.get("user")
    )


def _canonical(url: str) -> str:
    try:
        return canonical_url(url)
    except ValueError:
        return url


def _ts_time(ts: Any, deps: Deps) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (TypeError, ValueError, OverflowError):
        return deps.now()


def tell_sharers_of_failure(
    store: Store, poster: Notifier, outcomes: list[tuple[ArticleTask, ShareRecord]]
) -> None:
    """After a worker's sweep: each message that shared one of its articles hears, in one
    note, of its links that failed and that nobody told its sharer of yet."""
    read = [task.article_id for task, _ in outcomes if not task.url.startswith("file://")]
    for notice in store.take_failure_notices(read):
        poster.note(client=None, share=notice.share, text=failure_notice(notice.links))
