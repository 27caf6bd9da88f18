"""``/brief who NAME``: an actor's timeline in Block Kit, and the buttons that choose among
candidates (each runs the lookup again for the actor it names, as the clicker may see it)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.briefing.mrkdwn import clip, cut, date, escape, link
from bot.briefing.timeline import Timeline, TimelineStory, WhoAnswer
from bot.briefing.who_render import (
    candidate_label,
    day,
    describe,
    earlier,
    not_found,
    plural,
    render_who_text,
    seen_with_label,
    summary,
)
from bot.errors import BriefbotError
from bot.services.who import WHO_EXAMPLE, validate_name, who
from handlers.blocks import FALLBACK_LIMIT, Block, Reply, context, error_blocks, header, section
from handlers.commands import BriefCall
from handlers.context import Deps, just_ack
from handlers.errors import reported

PICK = "who_pick_"  # a candidate button's action_id: PICK and its place (unique in its block)
_PICKED = re.compile(rf"^{PICK}\d+$")
BUTTON_TEXT = 75  # Slack's limit for a button's text


def check_who(deps: Deps, call: BriefCall) -> None:
    """In the ack: a missing or unreadable name raises UsageError (the help) at once."""
    validate_name(call.rest)


def deliver_who(deps: Deps, call: BriefCall, respond: Respond, client: WebClient) -> None:
    """After the ack: the timeline or the candidates, just for the asker."""
    try:
        answer = who(
            store=deps.store, name=call.rest, team_id=call.team_id, channel_id=call.channel_id
        )
        blocks, fallback = who_blocks(answer)
    except BriefbotError as exc:
        blocks, fallback = error_blocks(str(exc))
    respond(blocks=blocks, text=fallback, response_type="ephemeral")


def register(app: App, deps: Deps) -> None:
    @reported
    def picked(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        team = str((body.get("team") or {}).get("id") or body.get("team_id") or "")
        channel = str(
            (body.get("channel") or {}).get("id")
            or (body.get("container") or {}).get("channel_id")
            or ""
        )
        value = str(action.get("value") or "")
        answer = who(
            store=deps.store,
            actor_id=int(value) if value.isdigit() else -1,
            team_id=team,
            channel_id=channel or None,
        )
        blocks, fallback = who_blocks(answer)
        respond(blocks=blocks, text=fallback, response_type="ephemeral", replace_original=True)

    app.action(_PICKED)(ack=just_ack, lazy=[picked])


def who_blocks(answer: WhoAnswer) -> Reply:
    """(blocks, fallback) for a timeline, or for the candidates as buttons."""
    fallback = cut(escape(render_who_text(answer)), FALLBACK_LIMIT)
    if answer.timeline is None:
        return candidate_blocks(answer), fallback
    return timeline_blocks(answer.timeline), fallback


def timeline_blocks(t: Timeline) -> list[Block]:
    a = t.actor
    kind = describe(a)
    about = [kind[:1].upper() + kind[1:]]
    if a.aliases:
        about.append("also " + ", ".join(a.aliases))
    blocks: list[Block] = [header(a.name), context(escape(" · ".join(about)))]
    blocks.append(context(escape(summary(t))))
    blocks += [section(story_line(s)) for s in t.stories]
    if t.omitted_stories:
        blocks.append(context(escape(earlier(t.omitted_stories))))
    if t.seen_with:
        blocks += [
            {"type": "divider"},
            context("*Seen most often with:* " + escape(seen_with_label(t))),
        ]
    return blocks


def story_line(s: TimelineStory) -> str:
    """ "*Mon 24 Feb* · *<url|Headline>* _2 sources_" and its point naming the actor."""
    when = date(int(s.date.timestamp()), "{date_short_pretty}", day(s.date))
    sources = f"  _{plural(s.sources, 'source')}_" if s.sources > 1 else ""
    line = f"*{when}* · *{link(s.url, clip(s.headline, 300))}*{sources}"
    if s.point is not None:
        p = s.point
        line += f"\n• {escape(clip(p.text, 2000))} ({link(p.link, p.outlet or 'source')})"
    return line


def candidate_blocks(answer: WhoAnswer) -> list[Block]:
    blocks: list[Block] = [section(escape(not_found(answer)))]
    if answer.candidates:
        buttons = [
            {
                "type": "button",
                "action_id": f"{PICK}{i}",
                "text": {
                    "type": "plain_text",
                    "text": cut(escape(candidate_label(c)), BUTTON_TEXT),
                },
                "value": str(c.id),
            }
            for i, c in enumerate(answer.candidates)
        ]
        blocks.append({"type": "actions", "block_id": "who_candidates", "elements": buttons})
    else:
        blocks.append(context("Try the name as the articles write it, e.g. " + WHO_EXAMPLE))
    return blocks
