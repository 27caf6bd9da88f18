"""App Home buttons and the topic modal: admins add and edit followed topics there."""

from __future__ import annotations

from typing import Any

from bot.errors import BriefbotError
from handlers.context import Deps
from handlers.followed_commands import SlackAdmins
from handlers.home import publish_home


def register(app: Any, deps: Deps) -> None:
    @app.action("topic_add")
    @app.action("topic_edit")
    def open_editor(ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any) -> None:
        ack()
        if deps.topics is None:
            return
        user = str((body.get("user") or {}).get("id") or "")
        team = str((body.get("team") or {}).get("id") or body.get("team_id") or "")
        view = deps.topics.modal(
            team_id=team,
            name=action.get("value"),
            default_channel=None,
            timezone=SlackAdmins(client).timezone(user),
        )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view("topic_save")
    def save_topic(ack: Any, body: dict[str, Any], view: dict[str, Any], client: Any) -> None:
        user = str((body.get("user") or {}).get("id") or "")
        team = str((body.get("team") or {}).get("id") or "")
        values = (view.get("state") or {}).get("values") or {}
        try:
            deps.topics.save_from_modal(team_id=team, user_id=user, values=values, client=client)
        except BriefbotError as exc:  # NotAllowed and UsageError: shown under the topic field
            ack(response_action="errors", errors={"topic": str(exc)[:150]})
            return
        ack()
        deps.later(publish_home, deps, team, user, client)
