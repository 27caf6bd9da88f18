"""``/brief``: acknowledged at once, the briefing delivered after the ack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.errors import BriefbotError, UsageError
from bot.services.briefing import brief, parse_since, validate_topic
from handlers.blocks import briefing_blocks, error_blocks, help_blocks, status_blocks
from handlers.context import Deps, log

TOPIC_COMMANDS = ("follow", "unfollow", "topics", "digest")


@dataclass(frozen=True, slots=True)
class BriefRequest:
    topic: str
    public: bool = False
    since: str = ""


def parse_brief(text: str) -> BriefRequest:
    """``ukraine``, ``energy prices public``, ``ukraine since 3d``, ``ukraine public 12h``."""
    words = text.split()
    public, since = False, ""
    while words:
        last = words[-1].lower()
        if last in ("public", "--public"):
            public = True
            words.pop()
        elif len(words) >= 2 and words[-2].lower() in ("since", "--since", "last"):
            since = words.pop()
            words.pop()
        elif _looks_like_window(last) and len(words) > 1:
            since = words.pop()
        else:
            break
    return BriefRequest(topic=validate_topic(" ".join(words)), public=public, since=since)


def _looks_like_window(word: str) -> bool:
    return len(word) >= 2 and word[-1] in "mhdw" and word[:-1].isdigit()


def register(app: Any, deps: Deps) -> None:
    @app.command("/brief")
    def on_brief(ack: Any, command: dict[str, Any], respond: Any, client: Any) -> None:
        handle_brief(deps, ack, command, respond, client)


def handle_brief(deps: Deps, ack: Any, command: dict[str, Any], respond: Any, client: Any) -> None:
    text = " ".join(str(command.get("text") or "").split())
    first = text.split(" ", 1)[0].lower() if text else ""
    if first in ("", "help", "?", "usage"):
        blocks, fallback = help_blocks()
        return ack(blocks=blocks, text=fallback, response_type="ephemeral")
    if first == "status":
        captures = deps.store.channel_captures(
            team_id=command["team_id"], channel_id=command["channel_id"]
        )
        blocks, fallback = status_blocks(captures)
        return ack(blocks=blocks, text=fallback, response_type="ephemeral")
    if first in TOPIC_COMMANDS:
        return _topic_command(deps, ack, command, respond, client, text)
    try:
        request = parse_brief(text)
        window = parse_since(request.since, default_days=deps.settings.default_since_days)
    except UsageError as exc:
        blocks, fallback = help_blocks(note=f"{exc}.")
        return ack(blocks=blocks, text=fallback, response_type="ephemeral")
    ack()
    deps.later(deliver_briefing, deps, command, respond, client, request, window)


def deliver_briefing(
    deps: Deps,
    command: dict[str, Any],
    respond: Any,
    client: Any,
    request: BriefRequest,
    window: timedelta,
) -> None:
    channel = command["channel_id"]
    try:
        briefing = brief(
            store=deps.store,
            topic=request.topic,
            now=deps.now(),
            since=window,
            team_id=command["team_id"],
            channel_id=channel,
        )
    except BriefbotError as exc:
        blocks, fallback = error_blocks(str(exc))
        respond(blocks=blocks, text=fallback, response_type="ephemeral")
        return
    if request.public:
        try:
            deps.poster.post_briefing(
                team_id=command["team_id"], channel_id=channel, briefing=briefing
            )
            return
        except SlackApiError as exc:
            log.info("public briefing in %s failed: %s", channel, exc.response.get("error"))
            note = "I can't post in this channel; invite me with `/invite @Briefbot`. Here it is just for you:"
            respond(text=note, response_type="ephemeral")
    blocks, fallback = briefing_blocks(briefing)
    respond(blocks=blocks, text=fallback, response_type="ephemeral")


def _topic_command(
    deps: Deps, ack: Any, command: dict[str, Any], respond: Any, client: Any, text: str
) -> None:
    if deps.topics is None:
        blocks, fallback = error_blocks("Followed topics are not enabled on this Briefbot.")
        return ack(blocks=blocks, text=fallback, response_type="ephemeral")
    ack()
    deps.later(_run_topic_command, deps, command, respond, client, text)


def _run_topic_command(
    deps: Deps, command: dict[str, Any], respond: Any, client: Any, text: str
) -> None:
    try:
        reply = deps.topics.handle(command=command, text=text, client=client)
    except BriefbotError as exc:
        reply = f":warning: {exc}"
    respond(text=reply, response_type="ephemeral")
