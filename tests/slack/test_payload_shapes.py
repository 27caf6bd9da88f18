"""Payloads shaped as Slack sends them (the shapes bolt-python's and python-slack-sdk's own
tests use), each signed and sent through the real HTTP app, each judged by what a user
would notice: a share stored or not, a link in a briefing or not, the reply."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.integration.test_ingest import KYIV_PAGE, RATES_PAGE
from tests.slack.signing import signed_interaction, signed_slash_command
from tests.slack.test_bot_http import SECRET, Bot, bot, now_ts  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


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
        "team": "T0TEST",
        "channel": "C0GENERAL",
        "event_ts": ts,
        "channel_type": "channel",
        **fields,
    }


def briefing(b: Bot, topic: str, channel: str = "C0GENERAL") -> str:
    before = len(b.emulator.calls_to("response_url"))
    status, _, _ = b.command(topic, channel_id=channel)
    assert status == 200
    return json.dumps(
        b.emulator.wait_for("response_url", count=before + 1, timeout=10)[before].params
    )


def shares(b: Bot) -> int:
    return int(b.container.store.counts()["shares"])


# --- links in attachments -----------------------------------------------------------------


def test_a_link_only_in_an_unfurl_attachment_is_captured_and_briefed(bot: Bot):  # noqa: F811
    url = bot.pages.add("/world/kyiv", KYIV_PAGE)
    event = user_message("", now_ts())
    event["attachments"] = [
        {
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
    ]
    assert bot.event(event)[0] == 200
    assert shares(bot) == 1
    bot.idle()
    assert url in briefing(bot, "kyiv")


def test_a_forwarded_message_brings_its_link_not_its_permalink(bot: Bot):  # noqa: F811
    url = bot.pages.add("/world/kyiv", KYIV_PAGE)
    original_ts = "1700000100.000200"
    event = user_message("look at this", now_ts())
    event["attachments"] = [
        {
            "ts": original_ts,
            "channel_id": "C0NEWS",
            "channel_team": "T0TEST",
            "is_msg_unfurl": True,
            "is_share": True,
            "message_blocks": [
                {
                    "team": "T0TEST",
                    "channel": "C0NEWS",
                    "ts": original_ts,
                    "message": {
                        "blocks": rich_text(words("Kyiv tonight: "), {"type": "link", "url": url})
                    },
                }
            ],
            "id": 1,
            "original_url": "https://briefbot-test.slack.com/archives/C0NEWS/p1700000100000200",
            "fallback": f"[November 14th, 2023 10:15 PM] bob: Kyiv tonight: {url}",
            "text": f"Kyiv tonight: <{url}>",
            "author_id": "U0BOB",
            "author_subname": "bob",
            "mrkdwn_in": ["text"],
            "from_url": "https://briefbot-test.slack.com/archives/C0NEWS/p1700000100000200",
        }
    ]
    assert bot.event(event)[0] == 200
    bot.idle()
    assert shares(bot) == 1, "the article, and not the Slack permalink, is captured"
    assert bot.container.store.counts()["done"] == 1
    assert url in briefing(bot, "kyiv")


# --- edits: message_changed with and without message.ts ------------------------------------


def edit(
    message: dict[str, Any], previous: dict[str, Any], *, with_ts: bool = True
) -> dict[str, Any]:
    """message_changed as Slack sends it; bolt-python's own test payload has no message.ts."""
    changed = {k: v for k, v in message.items() if k not in ("channel", "event_ts")}
    changed["edited"] = {"user": "U0ALICE", "ts": now_ts()}
    if not with_ts:
        changed.pop("ts")
    ts = now_ts()
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": changed,
        "previous_message": {k: v for k, v in previous.items() if k not in ("channel", "event_ts")},
        "channel": "C0GENERAL",
        "hidden": True,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
    }


@pytest.mark.parametrize("with_ts", [True, False], ids=["with message.ts", "without message.ts"])
def test_an_edit_adds_links_edited_in_and_drops_links_edited_out(bot: Bot, with_ts: bool):  # noqa: F811
    kyiv = bot.pages.add("/kyiv", KYIV_PAGE)
    rates = bot.pages.add("/rates", RATES_PAGE)
    first = user_message(f"<{kyiv}>", now_ts())
    bot.event(first)
    bot.idle()
    assert kyiv in briefing(bot, "kyiv")

    second = user_message(f"sorry, wrong link: <{rates}>", first["ts"])
    assert bot.event(edit(second, first, with_ts=with_ts))[0] == 200
    bot.idle()
    assert shares(bot) == 1
    assert kyiv not in briefing(bot, "kyiv"), "the link edited out left the briefings"
    assert rates in briefing(bot, "interest rates"), "the link edited in is briefed"

    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "deleted_ts": first["ts"],
        "channel": "C0GENERAL",
        "previous_message": second,
        "ts": now_ts(),
        "event_ts": now_ts(),
        "channel_type": "channel",
    }
    bot.event(deleted)
    assert shares(bot) == 0, "the edit's share was stored under the message's own ts"


def test_an_edit_naming_no_message_at_all_stores_nothing(bot: Bot):  # noqa: F811
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    message = user_message(f"<{url}>", now_ts())
    changed = edit(message, {}, with_ts=False)
    changed.pop("previous_message")
    assert bot.event(changed)[0] == 200
    assert shares(bot) == 0 and bot.pages.hits["/kyiv"] == 0


def test_slack_adding_an_unfurl_to_a_message_changes_nothing(bot: Bot):  # noqa: F811
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    first = user_message(f"<{url}>", now_ts())
    bot.event(first)
    bot.idle()
    unfurled = dict(first, attachments=[{"from_url": url, "original_url": url, "title": "K"}])
    bot.event(edit(unfurled, first))
    bot.idle()
    assert shares(bot) == 1 and bot.pages.hits["/kyiv"] == 1
    assert url in briefing(bot, "kyiv")


# --- other subtypes -----------------------------------------------------------------------


def test_a_thread_broadcast_is_captured_in_its_thread(bot: Bot):  # noqa: F811
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    root_ts = "1700000200.000100"
    event = user_message(f"also sent to the channel: <{url}>", now_ts())
    event.update(
        subtype="thread_broadcast",
        thread_ts=root_ts,
        root={
            "client_msg_id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "type": "message",
            "text": "Write in the thread",
            "user": "U0BOB",
            "ts": root_ts,
            "team": "T0TEST",
            "thread_ts": root_ts,
            "reply_count": 3,
            "reply_users_count": 2,
            "latest_reply": event["ts"],
            "reply_users": ["U0BOB", "U0ALICE"],
            "is_locked": False,
        },
    )
    assert bot.event(event)[0] == 200
    bot.idle()
    assert shares(bot) == 1
    [share] = bot.container.store.article_shares(1)
    assert share.thread_ts == root_ts
    assert url in briefing(bot, "kyiv")


def test_a_file_share_captures_the_link_in_its_text_not_the_file(bot: Bot):  # noqa: F811
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    event = user_message(f"slides for <{url}>", now_ts(), subtype="file_share", upload=False)
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
            "url_private": "https://files.slack.com/files-pri/T0TEST-F0SLIDES/slides.png",
            "url_private_download": "https://files.slack.com/files-pri/T0TEST-F0SLIDES/download/slides.png",
            "permalink": "https://briefbot-test.slack.com/files/U0ALICE/F0SLIDES/slides.png",
            "permalink_public": "https://slack-files.com/T0TEST-F0SLIDES-0a1b2c3d4e",
        }
    ]
    assert bot.event(event)[0] == 200
    bot.idle()
    assert shares(bot) == 1 and bot.container.store.counts()["done"] == 1
    assert url in briefing(bot, "kyiv")


@pytest.mark.parametrize("kind", ["bot_message", "an app posting as a user", "Briefbot itself"])
def test_bot_messages_are_not_captured(bot: Bot, kind: str):  # noqa: F811
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    unfurl = [{"from_url": url, "original_url": url, "title": "Kyiv"}]
    if kind == "bot_message":
        event = {
            "type": "message",
            "subtype": "bot_message",
            "text": f"New story: <{url}>",
            "ts": now_ts(),
            "username": "RSS",
            "bot_id": "B0RSS",
            "attachments": unfurl,
            "channel": "C0GENERAL",
            "event_ts": now_ts(),
            "channel_type": "channel",
        }
    elif kind == "an app posting as a user":
        event = user_message(f"<{url}>", now_ts(), bot_id="B0APP", app_id="A0APP")
        event["bot_profile"] = {"id": "B0APP", "app_id": "A0APP", "name": "poster"}
    else:
        event = user_message(f"<{url}>", now_ts(), user="U0BOT", bot_id="B0BOT")
    assert bot.event(event)[0] == 200
    time.sleep(0.2)
    assert shares(bot) == 0 and bot.pages.hits["/kyiv"] == 0
    assert not bot.emulator.calls_to("reactions.add")


def test_a_channel_join_is_answered_and_changes_nothing(bot: Bot):  # noqa: F811
    ts = now_ts()
    event = {
        "type": "message",
        "subtype": "channel_join",
        "ts": ts,
        "user": "U0BOB",
        "text": "<@U0BOB> has joined the channel",
        "inviter": "U0ALICE",
        "channel": "C0GENERAL",
        "event_ts": ts,
        "channel_type": "channel",
    }
    assert bot.event(event)[0] == 200
    time.sleep(0.2)
    assert shares(bot) == 0
    assert not [c for c in bot.emulator.calls if c.method != "auth.test"], "nothing said"


# --- App Home, its buttons and its modal ------------------------------------------------------


def test_app_home_opened_publishes_the_home_tab(bot: Bot):  # noqa: F811
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    bot.event(user_message(f"<{url}>", now_ts()))
    bot.idle()
    event = {
        "type": "app_home_opened",
        "user": "U0ALICE",
        "channel": "D0HOME",
        "tab": "home",
        "view": {
            "id": "V0HOME",
            "team_id": "T0TEST",
            "type": "home",
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "hash": "1700000400.abcdef",
            "app_id": "A0TEST",
            "bot_id": "B0BOT",
        },
        "event_ts": now_ts(),
    }
    assert bot.event(event)[0] == 200
    [call] = bot.emulator.wait_for("views.publish", timeout=10)
    assert call.params["user_id"] == "U0ALICE"
    assert "Strikes cut power in Kyiv" in json.dumps(call.params["view"])


def home_click(action_id: str, value: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": "fTopics",
        "text": {"type": "plain_text", "text": "Add a topic", "emoji": True},
        "type": "button",
        "action_ts": f"{time.time():.6f}",
    }
    if value is not None:
        action["value"] = value
    return {
        "type": "block_actions",
        "user": {"id": "U0ADMIN", "username": "admin", "name": "admin", "team_id": "T0TEST"},
        "api_app_id": "A0TEST",
        "token": "verification-token",
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": "1700000500.1.0a1b2c3d4e5f",
        "team": {"id": "T0TEST", "domain": "briefbot-test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "view": {"id": "V0HOME", "team_id": "T0TEST", "type": "home", "blocks": []},
        "actions": [action],
    }


def modal_submission(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": "T0TEST", "domain": "briefbot-test"},
        "user": {"id": "U0ADMIN", "username": "admin", "name": "admin", "team_id": "T0TEST"},
        "api_app_id": "A0TEST",
        "token": "verification-token",
        "trigger_id": "1700000600.1.9f8e7d6c5b4a",
        "view": {
            **view,
            "id": "V0MODAL",
            "team_id": "T0TEST",
            "state": {"values": values},
            "hash": "1700000600.fedcba",
            "previous_view_id": None,
            "root_view_id": "V0MODAL",
            "app_id": "A0TEST",
            "bot_id": "B0BOT",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def test_the_topic_editor_button_and_modal_save_a_topic(bot: Bot):  # noqa: F811
    bot.emulator.add_user("U0ADMIN", is_admin=True, tz="America/New_York")
    assert bot.send(*signed_interaction(SECRET, home_click("topic_add")))[0] == 200
    [opened] = bot.emulator.wait_for("views.open", timeout=10)
    view = opened.params["view"]
    assert opened.params["trigger_id"] == "1700000500.1.0a1b2c3d4e5f"
    values = {
        "topic": {"value": {"type": "plain_text_input", "value": "R&D spending"}},
        "terms": {"value": {"type": "plain_text_input", "value": None}},
        "channel": {
            "value": {"type": "conversations_select", "selected_conversation": "C0MARKETS"}
        },
        "time": {"value": {"type": "timepicker", "selected_time": "07:45"}},
        "days": {
            "value": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "Weekdays", "emoji": True},
                    "value": "mon-fri",
                },
            }
        },
        "tz": {"value": {"type": "plain_text_input", "value": "America/New_York"}},
    }
    status, _, body = bot.send(*signed_interaction(SECRET, modal_submission(view, values)))
    assert status == 200 and b"errors" not in body, body
    before = len(bot.emulator.calls_to("response_url"))
    bot.command("topics", user_id="U0ADMIN")
    [reply] = bot.emulator.wait_for("response_url", count=before + 1, timeout=10)[before:]
    # Escaped once for Slack, which shows "r&d spending" (topic names are kept lower-case).
    assert "*r&amp;d spending* in <#C0MARKETS>" in reply.params["text"]
    assert "07:45 Mon–Fri (America/New_York)" in reply.params["text"]


# --- slash commands: the text as Slack escapes it ---------------------------------------------


def test_brief_r_and_d_finds_what_mentions_r_and_d(bot: Bot):  # noqa: F811
    page = RATES_PAGE.replace("Six members", "Spending on R&amp;D was flat. Six members")
    url = bot.pages.add("/rates", page)
    bot.event(user_message(f"<{url}>", now_ts()))
    bot.idle()
    # What Slack posts when someone types `/brief R&D`: the text HTML-escaped, form-encoded.
    body, headers = signed_slash_command(
        SECRET, "/brief", "R&amp;D", response_url=bot.emulator.response_url("rd")
    )
    assert b"text=R%26amp%3BD" in body
    status, _, _ = bot.send(body, headers)
    assert status == 200
    [reply] = bot.emulator.wait_for("response_url", timeout=10)
    text = json.dumps(reply.params)
    assert url in text and "Nothing on" not in text
