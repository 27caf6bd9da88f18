"""Payloads shaped as Slack sends them (tests/slack/payloads.py), each signed and sent
through the real HTTP app, each judged by what a user would notice: a share stored or
not, a link in a briefing or not, the reply."""

from __future__ import annotations

import json
import time

import pytest

from tests.integration.test_ingest import KYIV_PAGE, RATES_PAGE
from tests.slack import payloads as slack
from tests.slack.signing import signed_interaction, signed_slash_command
from tests.slack.test_bot_http import SECRET, Bot, bot, now_ts  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


def briefing(b: Bot, topic: str, channel: str = "C0GENERAL") -> str:
    before = len(b.emulator.calls_to("response_url"))
    status, _, _ = b.command(topic, channel_id=channel)
    assert status == 200
    replies = b.emulator.wait_for("response_url", count=before + 1, timeout=10)
    return json.dumps(replies[before].params)


def shares(b: Bot) -> int:
    return int(b.container.store.counts()["shares"])


# --- links in attachments -----------------------------------------------------------------


def test_a_link_only_in_an_unfurl_attachment_is_captured_and_briefed(bot: Bot):  # noqa: F811
    url = bot.pages.add("/world/kyiv", KYIV_PAGE)
    event = slack.user_message("", now_ts(), attachments=[slack.unfurl(url)])
    assert bot.event(event)[0] == 200
    assert shares(bot) == 1
    bot.idle()
    assert url in briefing(bot, "kyiv")


def test_a_forwarded_message_brings_its_link_not_its_permalink(bot: Bot):  # noqa: F811
    url = bot.pages.add("/world/kyiv", KYIV_PAGE)
    event = slack.user_message("look at this", now_ts(), attachments=[slack.forwarded(url)])
    assert bot.event(event)[0] == 200
    bot.idle()
    assert shares(bot) == 1, "the article, and not the Slack permalink, is captured"
    assert bot.container.store.counts()["done"] == 1
    assert url in briefing(bot, "kyiv")


# --- edits: message_changed with and without message.ts ------------------------------------


@pytest.mark.parametrize("with_ts", [True, False], ids=["with message.ts", "without message.ts"])
def test_an_edit_adds_links_edited_in_and_drops_links_edited_out(bot: Bot, with_ts: bool):  # noqa: F811
    kyiv = bot.pages.add("/kyiv", KYIV_PAGE)
    rates = bot.pages.add("/rates", RATES_PAGE)
    first = slack.user_message(f"<{kyiv}>", now_ts())
    bot.event(first)
    bot.idle()
    assert kyiv in briefing(bot, "kyiv")

    second = slack.user_message(f"sorry, wrong link: <{rates}>", first["ts"])
    assert bot.event(slack.message_changed(second, first, with_ts=with_ts))[0] == 200
    bot.idle()
    assert shares(bot) == 1
    assert kyiv not in briefing(bot, "kyiv"), "the link edited out left the briefings"
    assert rates in briefing(bot, "interest rates"), "the link edited in is briefed"

    bot.event(slack.message_deleted(second))
    assert shares(bot) == 0, "the edit's share was stored under the message's own ts"


def test_an_edit_naming_no_message_at_all_stores_nothing(bot: Bot):  # noqa: F811
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    message = slack.user_message(f"<{url}>", now_ts())
    assert bot.event(slack.message_changed(message, None, with_ts=False))[0] == 200
    assert shares(bot) == 0 and bot.pages.hits["/kyiv"] == 0


def test_slack_adding_an_unfurl_to_a_message_changes_nothing(bot: Bot):  # noqa: F811
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    first = slack.user_message(f"<{url}>", now_ts())
    bot.event(first)
    bot.idle()
    unfurled = dict(first, attachments=[slack.unfurl(url)])
    bot.event(slack.message_changed(unfurled, first))
    bot.idle()
    assert shares(bot) == 1 and bot.pages.hits["/kyiv"] == 1
    assert url in briefing(bot, "kyiv")


# --- other subtypes -----------------------------------------------------------------------


def test_a_thread_broadcast_is_captured_in_its_thread(bot: Bot):  # noqa: F811
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    root_ts = "1700000200.000100"
    assert bot.event(slack.thread_broadcast(f"also in the channel: <{url}>", root_ts))[0] == 200
    bot.idle()
    assert shares(bot) == 1
    [share] = bot.container.store.article_shares(1)
    assert share.thread_ts == root_ts
    assert url in briefing(bot, "kyiv")


def test_a_file_share_captures_the_link_in_its_text_not_the_file(bot: Bot):  # noqa: F811
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    assert bot.event(slack.file_share(f"slides for <{url}>"))[0] == 200
    bot.idle()
    assert shares(bot) == 1 and bot.container.store.counts()["done"] == 1
    assert url in briefing(bot, "kyiv")


@pytest.mark.parametrize("kind", ["bot_message", "an app posting as a user", "Briefbot itself"])
def test_bot_messages_are_not_captured(bot: Bot, kind: str):  # noqa: F811
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    if kind == "bot_message":
        event = slack.bot_message(url)
    elif kind == "an app posting as a user":
        event = slack.user_message(f"<{url}>", now_ts(), bot_id="B0APP", app_id="A0APP")
        event["bot_profile"] = {"id": "B0APP", "app_id": "A0APP", "name": "poster"}
    else:
        event = slack.user_message(f"<{url}>", now_ts(), user="U0BOT", bot_id="B0BOT")
    assert bot.event(event)[0] == 200
    time.sleep(0.2)
    assert shares(bot) == 0 and bot.pages.hits["/kyiv"] == 0
    assert not bot.emulator.calls_to("reactions.add")


def test_a_channel_join_is_answered_and_changes_nothing(bot: Bot):  # noqa: F811
    assert bot.event(slack.channel_join("U0BOB"))[0] == 200
    time.sleep(0.2)
    assert shares(bot) == 0
    assert not [c for c in bot.emulator.calls if c.method != "auth.test"], "nothing said"


# --- App Home, its buttons and its modal ------------------------------------------------------


def test_app_home_opened_publishes_the_home_tab(bot: Bot):  # noqa: F811
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    bot.event(slack.user_message(f"<{url}>", now_ts()))
    bot.idle()
    assert bot.event(slack.app_home_opened("U0ALICE"))[0] == 200
    [call] = bot.emulator.wait_for("views.publish", timeout=10)
    assert call.params["user_id"] == "U0ALICE"
    assert "Strikes cut power in Kyiv" in json.dumps(call.params["view"])


def test_the_topic_editor_button_and_modal_save_a_topic(bot: Bot):  # noqa: F811
    bot.emulator.add_user("U0ADMIN", is_admin=True, tz="America/New_York")
    click = slack.home_click("topic_add", "U0ADMIN", trigger_id="1700000500.1.0a1b2c3d4e5f")
    assert bot.send(*signed_interaction(SECRET, click))[0] == 200
    [opened] = bot.emulator.wait_for("views.open", timeout=10)
    assert opened.params["trigger_id"] == click["trigger_id"]
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
    submit = slack.view_submission(opened.params["view"], values, "U0ADMIN")
    status, _, body = bot.send(*signed_interaction(SECRET, submit))
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
    bot.event(slack.user_message(f"<{url}>", now_ts()))
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
