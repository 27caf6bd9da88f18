"""App Home buttons and the topic modal: admins add and edit followed topics there."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.errors import BriefbotError
from handlers.context import Deps, just_ack
from handlers.errors import reported
from handlers.followed_commands import SlackAdmins, topic_id_of
from handlers.home import publish_home

SAVED = "topic_saved"  # set in the ack; Bolt copies the context to the lazy run


def register(app: App, deps: Deps) -> None:
    @reported
    def open_editor(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        # After the ack (with process_before_response Slack hears it only when the ack
        # function returns), and quick: the trigger_id expires 3 s after the click.
        user = str((body.get("user") or {}).get("id") or "")
        team = str((body.get("team") or {}).get("id") or body.get("team_id") or "")
        view = deps.topics.modal(
            team_id=team,
            topic_id=topic_id_of(action.get("value")),
            default_channel=None,
            timezone=SlackAdmins(client).timezone(user),
        )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    for action_id in ("topic_add", "topic_edit"):
        app.action(action_id)(ack=just_ack, lazy=[open_editor])

    def save_topic(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        user = str((body.get("user") or {}).get("id") or "")
        team = str((body.get("team") or {}).get("id") or "")
        values = (view.get("state") or {}).get("values") or {}
        try:
            deps.topics.save_from_modal(
                team_id=team,
                user_id=user,
                values=values,
                client=client,
                editing=topic_id_of(view.get("private_metadata")),
            )
        except BriefbotError as exc:  # NotAllowed and UsageError: shown under the topic field
            ack(response_action="errors", errors={"topic": str(exc)[:150]})
            return
        ack()
        context[SAVED] = (team, user)

    @reported
    def refresh_home(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if saved := context.get(SAVED):
            team, user = saved
            publish_home(deps, team, user, client)

    app.view("topic_save")(ack=save_topic, lazy=[refresh_home])
