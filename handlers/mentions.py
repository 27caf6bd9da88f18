"""``@Briefbot ukraine`` answers like ``/brief ukraine``, in the mention's thread."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.briefing.mrkdwn import escape
from bot.errors import BriefbotError, PostFailed
from bot.services.briefing import brief, parse_since
from handlers.blocks import Reply, briefing_blocks
from handlers.commands import parse_brief
from handlers.context import Deps, just_ack, log
from handlers.errors import reported
from handlers.poster import tell_user
from handlers.verbs import help_blocks

_MENTION = re.compile(r"<[@!][^>]*>")


def register(app: App, deps: Deps) -> None:
    @reported
    def on_mention(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        answer_mention(deps, body, event, client)

    app.event("app_mention")(ack=just_ack, lazy=[on_mention])


def answer_mention(
    deps: Deps, body: dict[str, Any], event: dict[str, Any], client: WebClient
) -> None:
    text = " ".join(_MENTION.sub(" ", str(event.get("text") or "")).split())
    channel = str(event.get("channel") or "")
    if not text or text.lower() in ("help", "?"):
        reply(deps, event, client, help_blocks())
        return
    try:
        request = parse_brief(text)
        window = parse_since(request.since, default_days=deps.settings.default_since_days)
        briefing = brief(
            store=deps.store,
            topic=request.topic,
            now=deps.now(),
            since=window,
            team_id=str(body.get("team_id") or ""),
            channel_id=channel,
            max_stories=request.max_stories,
        )
    except BriefbotError as exc:
        reply(deps, event, client, help_blocks(note=f"{exc}."))
        return
    reply(deps, event, client, briefing_blocks(briefing))


def reply(deps: Deps, event: dict[str, Any], client: WebClient, answer: Reply) -> None:
    """The answer in the mention's thread; when Slack refuses it, the asker hears why."""
    blocks, fallback = answer
    channel, asker = str(event.get("channel") or ""), str(event.get("user") or "")
    thread = event.get("thread_ts") or event.get("ts")
    try:
        deps.poster.post(
            channel_id=channel, text=fallback, blocks=blocks, thread_ts=thread, client=client
        )
    except PostFailed as exc:  # the poster logged Slack's error
        note = f":warning: I couldn't answer in the thread: {escape(str(exc))}"
        if not tell_user(client, channel_id=channel, user_id=asker, text=note, thread_ts=thread):
            log.error("could not tell %s in %s why the mention went unanswered", asker, channel)
