"""`/brief follow|unfollow|topics|digest` and the App Home topic editor, over bot.services.followed_topics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.briefing.followed import TopicConfig
from bot.briefing.status import TopicKind
from bot.config import Settings
from bot.errors import NotAllowed
from bot.ports import TopicStore
from bot.services.followed_text import listing, topics_text
from bot.services.followed_topics import follow_topic, list_topics, set_digest, unfollow_topic
from handlers.blocks import Block, context, header, section
from handlers.context import RETRY_SOON, log, quick, retry_after


class AdminUnconfirmed(NotAllowed):
    """Slack could not say whether someone is an admin: they are not one, for now."""


class SlackAdmins:
    """Workspace admins and owners, from users.info (asked each time: rights can change).

    One try with a short timeout (``handlers.context.quick``): the topic modal asks before
    its ack, and a listener thread must not sleep through a 429's Retry-After either. A
    user Slack cannot vouch for is no admin; they hear that nothing changed and to try
    again. One instance serves one request, so users.info is asked once per user in it.
    """

    def __init__(self, client: WebClient):
        self.client = quick(client)
        self._users: dict[str, dict[str, Any] | None] = {}
        self._wait: dict[str, float] = {}

    def __call__(self, team_id: str, user_id: str) -> bool:
        user = self._user(user_id)
        if user is None:
            wait = self._wait.get(user_id, RETRY_SOON)
            when = "in a few seconds" if wait <= 5 else f"in {wait:.0f} seconds"
            raise AdminUnconfirmed(  # at most 150 characters: the modal shows it under a field
                "Slack couldn't confirm just now that you're a workspace admin, so nothing "
                f"changed. Please try again {when}."
            )
        return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))

    def timezone(self, user_id: str) -> str:
        return str((self._user(user_id) or {}).get("tz") or "UTC")

    def _user(self, user_id: str) -> dict[str, Any] | None:
        if user_id not in self._users:
            try:
                self._users[user_id] = dict(self.client.users_info(user=user_id).get("user") or {})
            except (SlackClientError, OSError) as exc:  # OSError: timeouts, refused connections
                reason = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
                log.warning("users.info %s failed (%s): not vouched for", user_id, reason)
                self._users[user_id], self._wait[user_id] = None, retry_after(exc)
        return self._users[user_id]


class TopicCommands:
    """What `deps.topics` is (``handlers.ports.FollowedTopics``): each answer is Slack mrkdwn.

    The `/brief` verbs are dispatched by ``handlers.verbs``; ``text`` is what follows the verb.
    """

    def __init__(self, *, topics: TopicStore, settings: Settings, now: Callable[[], datetime]):
        self.store, self.settings, self.now = topics, settings, now

    def topics(
        self, *, team_id: str, user_id: str, channel_id: str, text: str, client: WebClient
    ) -> str:
        return topics_text(list_topics(topics=self.store, team_id=team_id, now=self.now()))

    def follow(
        self, *, team_id: str, user_id: str, channel_id: str, text: str, client: WebClient
    ) -> str:
        admins = SlackAdmins(client)
        return follow_topic(
            **self._common(team_id, user_id, admins),
            channel_id=channel_id,
            text=text,
            default_timezone=admins.timezone(user_id),
        ).message

    def unfollow(
        self, *, team_id: str, user_id: str, channel_id: str, text: str, client: WebClient
    ) -> str:
        return unfollow_topic(
            **self._common(team_id, user_id, SlackAdmins(client)), channel_id=channel_id, text=text
        ).message

    def digest(
        self, *, team_id: str, user_id: str, channel_id: str, text: str, client: WebClient
    ) -> str:
        admins = SlackAdmins(client)
        return set_digest(
            **self._common(team_id, user_id, admins),
            channel_id=channel_id,
            text=text,
            default_timezone=admins.timezone(user_id),
        ).message

    def _common(self, team_id: str, user_id: str, admins: SlackAdmins) -> dict[str, Any]:
        return {
            "topics": self.store,
            "is_admin": admins,
            "admins": self.settings.admins,
            "team_id": team_id,
            "user_id": user_id,
            "now": self.now(),
        }

    def home_blocks(self, *, team_id: str) -> list[Block]:
        topics = self.store.list_topics(team_id=team_id)
        blocks: list[Block] = [header("Followed topics")]
        for topic in topics[:20]:
            blocks.append(_topic_row(topic, self.now()))
        if not topics:
            blocks.append(
                context("No topics yet. Admins can add one below or with `/brief follow`.")
            )
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "topic_add",
                        "text": {"type": "plain_text", "text": "Add a topic"},
                        "style": "primary",
                    }
                ],
            }
        )
        return blocks

    def modal(
        self, *, team_id: str, topic_id: int | None, default_channel: str | None, timezone: str
    ) -> dict[str, Any]:
        topic = self.store.topic_by_id(topic_id) if topic_id is not None else None
        if topic is not None and topic.team_id != team_id:
            topic = None  # another workspace's: the form opens empty
        return topic_modal(topic, default_channel=default_channel, timezone=timezone)

    def save_from_modal(
        self,
        *,
        team_id: str,
        user_id: str,
        values: dict[str, Any],
        client: WebClient,
        editing: int | None = None,
    ) -> str:
        text = follow_text_from_modal(values)
        admins = SlackAdmins(client)
        return follow_topic(
            editing=editing,
            topics=self.store,
            is_admin=admins,
            admins=self.settings.admins,
            team_id=team_id,
            user_id=user_id,
            channel_id=_value(values, "channel") or "",
            text=text,
            default_timezone=admins.timezone(user_id),
            now=self.now(),
        ).message


def _topic_row(topic: TopicConfig, now: datetime) -> Block:
    row = section(listing(topic, now).text)  # mrkdwn with the topic's name escaped
    if topic.kind != TopicKind.DIGEST:
        row["accessory"] = {
            "type": "button",
            "action_id": "topic_edit",
            "value": str(topic.id),
            "text": {"type": "plain_text", "text": "Edit"},
        }
    return row


DAY_CHOICES = {"mon-fri": "Weekdays", "mon-sun": "Every day", "mon": "Mondays", "fri": "Fridays"}


def topic_modal(
    topic: TopicConfig | None, *, default_channel: str | None, timezone: str
) -> dict[str, Any]:
    """The add/edit modal; its inputs map one to one onto `/brief follow` parts."""
    days = topic.days if topic else "mon-fri"
    times = (topic.time_of_day if topic else "08:00").split(",")
    choices = dict(DAY_CHOICES)
    choices.setdefault(days, days)
    options = [
        {"text": {"type": "plain_text", "text": label}, "value": value}
        for value, label in choices.items()
    ]
    initial = next(o for o in options if o["value"] == days)

    def text_input(
        block_id: str, label: str, value: str, hint: str = "", optional: bool = False
    ) -> Block:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value"}
        if value:
            element["initial_value"] = value
        block: Block = {
            "type": "input",
            "block_id": block_id,
            "optional": optional,
            "element": element,
            "label": {"type": "plain_text", "text": label},
        }
        if hint:
            block["hint"] = {"type": "plain_text", "text": hint}
        return block

    channel: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": "value",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if (topic and topic.channel_id) or default_channel:
        channel["initial_conversation"] = topic.channel_id if topic else default_channel
    blocks = [
        text_input(
            "topic",
            "Topic",
            topic.name if topic else "",
            "What the briefing is about, e.g. energy prices",
        ),
        text_input(
            "terms",
            "Also match",
            ", ".join(topic.terms) if topic else "",
            "Comma-separated words, e.g. gas, electricity, ofgem",
            optional=True,
        ),
        {
            "type": "input",
            "block_id": "channel",
            "element": channel,
            "label": {"type": "plain_text", "text": "Post in"},
        },
        {
            "type": "input",
            "block_id": "time",
            "label": {"type": "plain_text", "text": "Time of day"},
            "element": {
                "type": "timepicker",
                "action_id": "value",
                "initial_time": times[0],
            },
        },
        text_input(
            "times",
            "Also at",
            ", ".join(times[1:]),
            "More times the same day, e.g. 13:00, 17:30",
            optional=True,
        ),
        {
            "type": "input",
            "block_id": "days",
            "label": {"type": "plain_text", "text": "Days"},
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": options,
                "initial_option": initial,
            },
        },
        text_input("tz", "Time zone", topic.timezone if topic else timezone, "e.g. Europe/London"),
    ]
    return {
        "type": "modal",
        "callback_id": "topic_save",
        "private_metadata": str(topic.id) if topic and topic.id is not None else "",
        "title": {"type": "plain_text", "text": "Followed topic"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def topic_id_of(value: object) -> int | None:
    """The stored topic an Edit button or a modal's private_metadata names, if any."""
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isdigit() and len(text) < 19 else None


def _value(values: dict[str, Any], block_id: str) -> str | None:
    item = (values.get(block_id) or {}).get("value") or {}
    for key in ("value", "selected_conversation", "selected_time"):
        if item.get(key):
            return str(item[key])
    option = item.get("selected_option") or {}
    return str(option["value"]) if option.get("value") else None


def follow_text_from_modal(values: dict[str, Any]) -> str:
    """The modal's answers as the `/brief follow` text they mean (one parser validates both)."""
    parts = [(_value(values, "topic") or "").strip()]
    terms = (_value(values, "terms") or "").strip()
    times = [t for t in (_value(values, "time"), _value(values, "times")) if t and t.strip()]
    if times:
        parts.append("at " + ", ".join(t.strip().strip(",") for t in times))
    for prefix, block in (("on", "days"), ("tz", "tz")):
        if value := _value(values, block):
            parts.append(f"{prefix} {value.strip()}")
    if channel := _value(values, "channel"):
        parts.append(f"in <#{channel}>")
    if terms:
        parts.append(f"terms {terms}")
    return " ".join(parts)
