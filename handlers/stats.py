"""`/brief stats`, for admins: the workspace's links, why some failed, its topics and their
briefings. It asks Slack whether the asker is an admin, so it answers after the ack."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.briefing.activity import LinkCounts, TopicBriefings, WorkspaceStats
from bot.briefing.mrkdwn import channel, clip, cut, escape
from bot.briefing.schedule import describe_moment
from handlers.blocks import FALLBACK_LIMIT, Block, Reply, context, header, section
from handlers.commands import BriefCall
from handlers.context import Deps
from handlers.followed_commands import AdminUnconfirmed, SlackAdmins

MAX_TOPICS = 40  # one line each, in sections of ten: well within Slack's 50 blocks
FOR_ADMINS = (
    "`/brief stats` is for workspace admins and owners (and the people in BRIEFBOT_ADMINS). "
    "`/brief status` shows the links captured in this channel."
)


def stats_later(deps: Deps, call: BriefCall, respond: Respond, client: WebClient) -> None:
    """After the ack: the numbers for an admin; anyone else hears whom it is for."""
    if deps.stats is None:
        respond(text="`/brief stats` is not available here.", response_type="ephemeral")
        return
    try:
        admin = call.user_id in deps.settings.admins or SlackAdmins(client)(
            call.team_id, call.user_id
        )
    except AdminUnconfirmed:
        respond(
            text=":warning: Slack couldn't confirm just now that you're a workspace admin. "
            "Please try again in a few seconds.",
            response_type="ephemeral",
        )
        return
    if not admin:
        respond(text=FOR_ADMINS, response_type="ephemeral")
        return
    now = deps.now()
    blocks, fallback = stats_blocks(deps.stats(team_id=call.team_id, now=now), now=now)
    respond(blocks=blocks, text=fallback, response_type="ephemeral")


def links_text(links: LinkCounts, recent_days: int) -> str:
    if not links.shares:
        return "*Links:* none shared yet. Invite me to a channel and share an article link there."
    return (
        f"*Links:* {links.shares} shared ({links.recent_shares} in the last {recent_days} days), "
        f"{links.articles} articles: {links.read} read, {links.pending} waiting, "
        f"{links.failed} could not be read"
    )


def failures_text(links: LinkCounts) -> str:
    if not links.failures:
        return ""
    lines = [f"• {escape(clip(reason, 200))}: {n}" for reason, n in links.failures]
    return "\n".join(["*Why links could not be read* (articles):", *lines])


def topic_line(topic: TopicBriefings, now: datetime) -> str:
    zone = ZoneInfo(topic.timezone)
    what = topic.label if topic.is_digest else f"{topic.label} in {channel(topic.channel_id)}"
    last = (
        f"last posted {describe_moment(topic.last_posted, zone, now=now)}"
        if topic.last_posted is not None
        else "nothing posted yet"
    )
    trouble = ""
    if topic.last_status in ("failed", "undeliverable"):
        trouble = f", latest {topic.last_status}: {escape(clip(topic.last_error or '?', 150))}"
    return f"• {what}: {last}{trouble}; next {describe_moment(topic.next_due, zone, now=now)}"


def stats_blocks(stats: WorkspaceStats, *, now: datetime) -> Reply:
    topics = stats.topics[:MAX_TOPICS]
    digests = sum(t.is_digest for t in stats.topics)
    summary = (
        f"*Topics:* {len(stats.topics) - digests} followed, {digests} digests"
        if stats.topics
        else "*Topics:* none followed yet (`/brief follow ...`)."
    )
    blocks: list[Block] = [header("Briefbot in this workspace")]
    blocks.append(section(links_text(stats.links, stats.recent_days)))
    if failures := failures_text(stats.links):
        blocks.append(section(failures))
    blocks.append(section(summary))
    lines = [topic_line(t, now) for t in topics]
    for start in range(0, len(lines), 10):
        blocks.append(section("\n".join(lines[start : start + 10])))
    if len(stats.topics) > len(topics):
        blocks.append(context(f"…and {len(stats.topics) - len(topics)} more topics."))
    parts = [links_text(stats.links, stats.recent_days), failures_text(stats.links), summary]
    return blocks, cut("\n".join(filter(None, [*parts, *lines])), FALLBACK_LIMIT)
