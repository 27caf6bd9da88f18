"""Slack payloads in the shapes Slack sends (as bolt-python's and python-slack-sdk's own
tests use them): message subtypes, attachments, App Home and modal interactions.

Written for Briefbot's tests; ``signing`` signs and sends them.
"""

from __future__ import annotations

import time
from typing import Any

from tests.slack.signing import TEAM_DOMAIN, TEAM_ID

PERMALINK = f"https://{TEAM_DOMAIN}.slack.com/archives/C0NEWS/p1700000100000200"


def ts_now() -> str:
    return f"{time.time():.6f}"


def rich_text(*parts: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "type": "rich_text",
            "block_id": "Xq3",
            "elements": [{"type": "rich_text_section", "elements": list(parts)}],
        }
    ]


def words(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def user_message(text: str, ts: str, **fields: Any) -> dict[str, Any]:
    """A person's message in #general, as message.channels delivers it."""
    return {
        "client_msg_id": f"5b8e{ts.replace('.', '')[-8:]}-2c1f-4d3e-9a7b-0c1d2e3f4a5b",
        "type": "message",
        "text": text,
        "user": "U0ALICE",
        "ts": ts,
        "blocks": rich_text(words(text)) if text else [],
        "team": TEAM_ID,
        "channel": "C0GENERAL",
        "event_ts": ts,
        "channel_type": "channel",
        **fields,
    }


def unfurl(url: str) -> dict[str, Any]:
    """The attachment Slack adds when it unfurls a news link."""
    return {
        "id": 1,
        "service_name": "Harbour Times",
        "title": "Strikes cut power in Kyiv as winter deepens",
        "title_link": url,
        "text": "Russian drones struck power stations around Kyiv overnight...",
        "fallback": "Harbour Times: Strikes cut power in Kyiv as winter deepens",
        "from_url": url,
        "original_url": url,
        "service_icon": "https://news.example/favicon.ico",
    }


def forwarded(url: str, original_ts: str = "1700000100.000200") -> dict[str, Any]:
    """The attachment of a forwarded (shared) message: its from_url is a Slack permalink."""
    inner = rich_text(words("Kyiv tonight: "), {"type": "link", "url": url})
    return {
        "ts": original_ts,
        "channel_id": "C0NEWS",
        "channel_team": TEAM_ID,
        "is_msg_unfurl": True,
        "is_share": True,
        "message_blocks": [
            {"team": TEAM_ID, "channel": "C0NEWS", "ts": original_ts, "message": {"blocks": inner}}
        ],
        "id": 1,
        "original_url": PERMALINK,
        "fallback": f"[November 14th, 2023 10:15 PM] bob: Kyiv tonight: {url}",
        "text": f"Kyiv tonight: <{url}>",
        "author_id": "U0BOB",
        "author_subname": "bob",
        "mrkdwn_in": ["text"],
        "from_url": PERMALINK,
    }


def _as_nested(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k not in ("channel", "event_ts", "channel_type")}


def message_changed(
    message: dict[str, Any], previous: dict[str, Any] | None, *, with_ts: bool = True
) -> dict[str, Any]:
    """An edit; bolt-python's own message_changed payload carries no message.ts."""
    changed = _as_nested(message)
    changed["edited"] = {"user": message.get("user"), "ts": ts_now()}
    if not with_ts:
        changed.pop("ts")
    ts = ts_now()
    event: dict[str, Any] = {
        "type": "message",
        "subtype": "message_changed",
        "message": changed,
        "channel": "C0GENERAL",
        "hidden": True,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
    }
    if previous is not None:
        event["previous_message"] = _as_nested(previous)
    return event


def message_deleted(previous: dict[str, Any]) -> dict[str, Any]:
    ts = ts_now()
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "deleted_ts": previous["ts"],
        "channel": "C0GENERAL",
        "previous_message": _as_nested(previous),
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
    }


def thread_broadcast(text: str, root_ts: str) -> dict[str, Any]:
    """A thread reply also sent to the channel, with the root Slack attaches."""
    event = user_message(text, ts_now(), subtype="thread_broadcast", thread_ts=root_ts)
    event["root"] = {
        "client_msg_id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "type": "message",
        "text": "Write in the thread",
        "user": "U0BOB",
        "ts": root_ts,
        "team": TEAM_ID,
        "thread_ts": root_ts,
        "reply_count": 3,
        "reply_users_count": 2,
        "latest_reply": event["ts"],
        "reply_users": ["U0BOB", "U0ALICE"],
        "is_locked": False,
    }
    return event


def file_share(text: str) -> dict[str, Any]:
    """A message with an uploaded image: the file's own URLs are Slack's, not articles."""
    event = user_message(text, ts_now(), subtype="file_share", upload=False)
    files = f"https://files.slack.com/files-pri/{TEAM_ID}-F0SLIDES"
    event["files"] = [
        {
            "id": "F0SLIDES",
            "created": 1700000300,
            "timestamp": 1700000300,
            "name": "slides.png",
            "title": "slides.png",
            "mimetype": "image/png",
            "filetype": "png",
            "user": "U0ALICE",
            "size": 92582,
            "mode": "hosted",
            "is_external": False,
            "is_public": True,
            "url_private": f"{files}/slides.png",
            "url_private_download": f"{files}/download/slides.png",
            "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/U0ALICE/F0SLIDES/slides.png",
            "permalink_public": f"https://slack-files.com/{TEAM_ID}-F0SLIDES-0a1b2c3d4e",
        }
    ]
    return event


def bot_message(url: str) -> dict[str, Any]:
    """An integration's post (an RSS feed), with the unfurl of its link."""
    ts = ts_now()
    return {
        "type": "message",
        "subtype": "bot_message",
        "text": f"New story: <{url}>",
        "ts": ts,
        "username": "RSS",
        "bot_id": "B0RSS",
        "attachments": [unfurl(url)],
        "channel": "C0GENERAL",
        "event_ts": ts,
        "channel_type": "channel",
    }


def channel_join(user: str, inviter: str = "U0ALICE") -> dict[str, Any]:
    ts = ts_now()
    return {
        "type": "message",
        "subtype": "channel_join",
        "ts": ts,
        "user": user,
        "text": f"<@{user}> has joined the channel",
        "inviter": inviter,
        "channel": "C0GENERAL",
        "event_ts": ts,
        "channel_type": "channel",
    }


def app_home_opened(user: str) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME",
        "tab": "home",
        "view": {
            "id": "V0HOME",
            "team_id": TEAM_ID,
            "type": "home",
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "hash": "1700000400.abcdef",
            "app_id": "A0TEST",
            "bot_id": "B0BOT",
        },
        "event_ts": ts_now(),
    }


def _interacting(user: str) -> dict[str, Any]:
    return {
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "A0TEST",
        "token": "verification-token",
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
    }


def home_click(action_id: str, user: str, trigger_id: str) -> dict[str, Any]:
    """block_actions: a button pressed in the App Home tab."""
    action = {
        "action_id": action_id,
        "block_id": "fTopics",
        "text": {"type": "plain_text", "text": "Add a topic", "emoji": True},
        "type": "button",
        "action_ts": ts_now(),
    }
    return {
        "type": "block_actions",
        **_interacting(user),
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": trigger_id,
        "view": {"id": "V0HOME", "team_id": TEAM_ID, "type": "home", "blocks": []},
        "actions": [action],
    }


def view_submission(view: dict[str, Any], values: dict[str, Any], user: str) -> dict[str, Any]:
    """The modal ``view`` (as it was opened) submitted with ``values`` in its state."""
    return {
        "type": "view_submission",
        **_interacting(user),
        "trigger_id": "1700000600.1.9f8e7d6c5b4a",
        "view": {
            **view,
            "id": "V0MODAL",
            "team_id": TEAM_ID,
            "state": {"values": values},
            "hash": "1700000600.fedcba",
            "previous_view_id": None,
            "root_view_id": "V0MODAL",
            "app_id": "A0TEST",
            "bot_id": "B0BOT",
        },
        "response_urls": [],
    }
