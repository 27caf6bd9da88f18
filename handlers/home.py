"""The App Home tab: recent stories, followed topics and how to use Briefbot."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.briefing.compose import compose_briefing
from bot.briefing.model import Story
from bot.briefing.mrkdwn import clip, escape, link
from bot.briefing.render import reading_note
from handlers.blocks import Block, context, header, section
from handlers.context import Deps, just_ack
from handlers.errors import reported
from handlers.verbs import usage

HOME_STORIES = 10


def register(app: App, deps: Deps) -> None:
    @reported
    def on_home(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            publish_home(deps, str(body.get("team_id") or ""), str(event.get("user")), client)

    app.event("app_home_opened")(ack=just_ack, lazy=[on_home])


def home_view(deps: Deps, team_id: str) -> dict[str, Any]:
    now = deps.now()
    since = now - timedelta(days=deps.settings.default_since_days)
    articles = deps.store.recent_articles(team_id=team_id, channel_id=None, since=since, limit=100)
    everything = [replace(a, relevance=1.0) for a in articles]  # no topic: all are relevant
    stories = compose_briefing(
        "recent", everything, now=now, since=since, max_stories=HOME_STORIES
    ).stories
    blocks: list[Block] = [
        header("Briefbot"),
        section("Briefings from the links your team shares."),
    ]
    blocks.append(header("Recent stories"))
    if stories:
        blocks += [story_row(s) for s in stories]
    else:
        blocks.append(context("Nothing shared in public channels this week yet."))
    blocks += deps.topics.home_blocks(team_id=team_id)
    blocks.append(header("How to use"))
    blocks.append(section("\n".join(f"{line.example} — {line.summary}" for line in usage())))
    return {"type": "home", "blocks": blocks[:100]}


def story_row(story: Story) -> Block:
    """One recent story: its linked headline, its sources and who is in it."""
    sources = f"{story.sources} source{'s' if story.sources != 1 else ''}"
    who = ", ".join(a.name for a in story.actors[:4])
    line = f"*{link(story.url, clip(story.headline, 300))}* · {sources}"
    if reading_note(story):
        line += f" · _{escape(reading_note(story))}_"
    return section(line + (f"\n{escape(who)}" if who else ""))


def publish_home(deps: Deps, team_id: str, user_id: str, client: WebClient) -> None:
    client.views_publish(user_id=user_id, view=home_view(deps, team_id))
