"""The "More stories" button under a briefing: the stories it left out, just for the clicker.

What to search comes from the button; what may be cited, from where it was clicked (its
workspace and channel), as for `/brief` asked there, so a button copied elsewhere shows
nothing it should not.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.briefing.more import read_more_value
from bot.errors import BriefbotError
from bot.services.more_stories import more_stories
from handlers.blocks import MORE_STORIES, briefing_blocks, error_blocks
from handlers.context import Deps, just_ack
from handlers.errors import reported
from handlers.poster import ReplyPath


def register(app: App, deps: Deps) -> None:
    @reported
    def show_more(
        body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        asked = read_more_value(action.get("value"))
        if asked is None:
            return  # not a button Briefbot made
        ask, shown = asked
        channel = str(
            (body.get("channel") or {}).get("id")
            or (body.get("container") or {}).get("channel_id")
            or ""
        )
        user = str((body.get("user") or {}).get("id") or "")
        team = str((body.get("team") or {}).get("id") or body.get("team_id") or "")
        path = ReplyPath(respond, client, channel_id=channel, user_id=user)
        try:
            rest = more_stories(
                store=deps.store, ask=ask, shown=shown, team_id=team, channel_id=channel
            )
            blocks, fallback = briefing_blocks(rest)
        except BriefbotError as exc:
            blocks, fallback = error_blocks(str(exc))
        path(blocks=blocks, text=fallback, response_type="ephemeral", replace_original=False)

    app.action(MORE_STORIES)(ack=just_ack, lazy=[show_more])
