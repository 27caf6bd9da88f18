"""``@Briefbot ukraine`` answers like ``/brief ukraine``, in the mention's thread."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.errors import BriefbotError
from bot.services.briefing import brief, parse_since
from handlers.blocks import briefing_blocks
from handlers.commands import parse_brief
from handlers.context import Deps, just_ack
from handlers.errors import reported
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
    thread = event.get("thread_ts") or event.get("ts")
    if not text or text.lower() in ("help", "?"):
        blocks, fallback = help_blocks()
        deps.poster.post(
            channel_id=channel, text=fallback, blocks=blocks, thread_ts=thread, client=client
        )
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
        )
    except BriefbotError as exc:
        blocks, fallback = help_blocks(note=f"{exc}.")
        deps.poster.post(
            channel_id=channel, text=fallback, blocks=blocks, thread_ts=thread, client=client
        )
        return
    blocks, fallback = briefing_blocks(briefing)
    deps.poster.post(
        channel_id=channel, text=fallback, blocks=blocks, thread_ts=thread, client=client
    )
