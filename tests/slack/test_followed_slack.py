"""Followed topics from Slack: /brief follow|unfollow|topics|digest and the App Home editor."""

from __future__ import annotations

import json
import time

import pytest

from tests.slack.signing import signed_interaction
from tests.slack.test_bot_http import SECRET, Bot, bot  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


def reply_to(b: Bot, text: str, user: str = "U0ADMIN", channel: str = "C0GENERAL") -> str:
    b.emulator.reset()
    status, _, _ = b.command(text, user_id=user, channel_id=channel)
    assert status == 200
    [reply] = b.emulator.wait_for("response_url", timeout=10)
    return str(reply.params["text"])


@pytest.fixture
def admin_bot(bot: Bot) -> Bot:  # noqa: F811
    bot.emulator.add_user("U0ADMIN", is_admin=True, tz="Europe/London")
    bot.emulator.add_user("U0MEMBER", is_admin=False, is_owner=False, tz="America/New_York")
    return bot


def test_an_admin_follows_a_topic_and_sees_it_listed(admin_bot: Bot):
    text = reply_to(
        admin_bot, "follow energy prices at 07:30 on mon-fri tz Europe/London in <#C0NEWS|news>"
    )
    assert (
        "Now following *energy prices*" in text
        and "<#C0NEWS>" in text
        and "07:30 Mon–Fri (Europe/London)" in text
    )
    listing = reply_to(admin_bot, "topics", user="U0MEMBER")
    assert "*energy prices*" in listing and "next " in listing


def test_a_member_is_refused_politely_and_nothing_changes(admin_bot: Bot):
    text = reply_to(admin_bot, "follow ukraine daily", user="U0MEMBER")
    assert "only workspace admins and owners" in text
    assert "I follow no topics yet" in reply_to(admin_bot, "topics")


def test_brief_admins_from_settings_may_follow_too(admin_bot: Bot):
    admin_bot.deps.topics.settings = admin_bot.deps.settings.__class__(
        **{**admin_bot.deps.settings.__dict__, "admins": ("U0MEMBER",)}
    )
    assert "Now following *ukraine*" in reply_to(admin_bot, "follow ukraine daily", user="U0MEMBER")


@pytest.mark.parametrize(
    "text", ["follow", "follow ukraine at 25:00", "follow ukraine tz Mars/Base"]
)
def test_a_malformed_follow_gets_an_example(admin_bot: Bot, text: str):
    answer = reply_to(admin_bot, text)
    assert "/brief follow" in answer and "at 07:30" in answer


def test_unfollow_and_digest(admin_bot: Bot):
    reply_to(admin_bot, "follow ukraine")
    assert "no longer follow *ukraine*" in reply_to(admin_bot, "unfollow ukraine")
    digest = reply_to(admin_bot, "digest weekly", channel="C0NEWS")
    assert "Scheduled the digest of <#C0NEWS>" in digest
    assert "off" in reply_to(admin_bot, "digest off", channel="C0NEWS")


def test_the_app_home_editor_saves_a_topic(admin_bot: Bot):
    b = admin_bot
    b.event({"type": "app_home_opened", "user": "U0ADMIN", "tab": "home", "channel": "D0HOME"})
    [home] = b.emulator.wait_for("views.publish", timeout=10)
    assert '"topic_add"' in json.dumps(home.params["view"])

    click = {
        "type": "block_actions",
        "user": {"id": "U0ADMIN"},
        "team": {"id": "T0TEST"},
        "trigger_id": "1.2.trigger",
        "api_app_id": "A0TEST",
        "container": {"type": "view"},
        "actions": [
            {"type": "button", "action_id": "topic_add", "block_id": "b", "action_ts": "1"}
        ],
    }
    assert b.send(*signed_interaction(SECRET, click))[0] == 200
    [opened] = b.emulator.wait_for("views.open", timeout=10)
    assert opened.params["view"]["callback_id"] == "topic_save"

    values = {
        "topic": {"value": {"type": "plain_text_input", "value": "central banks"}},
        "terms": {"value": {"type": "plain_text_input", "value": "inflation, interest rates"}},
        "channel": {
            "value": {"type": "conversations_select", "selected_conversation": "C0MARKETS"}
        },
        "time": {"value": {"type": "timepicker", "selected_time": "08:30"}},
        "days": {"value": {"type": "static_select", "selected_option": {"value": "mon-fri"}}},
        "tz": {"value": {"type": "plain_text_input", "value": "America/New_York"}},
    }
    submit = {
        "type": "view_submission",
        "user": {"id": "U0ADMIN"},
        "team": {"id": "T0TEST"},
        "api_app_id": "A0TEST",
        "trigger_id": "1.3.trigger",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "topic_save",
            "state": {"values": values},
        },
    }
    status, _, body = b.send(*signed_interaction(SECRET, submit))
    assert status == 200 and b"errors" not in body
    listing = reply_to(b, "topics")
    assert "*central banks* (matching inflation, interest rates) in <#C0MARKETS>" in listing
    assert "08:30 Mon–Fri (America/New_York)" in listing


def test_a_members_modal_submission_is_refused_in_the_modal(admin_bot: Bot):
    values = {
        "topic": {"value": {"type": "plain_text_input", "value": "ukraine"}},
        "tz": {"value": {"type": "plain_text_input", "value": "UTC"}},
    }
    submit = {
        "type": "view_submission",
        "user": {"id": "U0MEMBER"},
        "team": {"id": "T0TEST"},
        "api_app_id": "A0TEST",
        "trigger_id": "1.4.trigger",
        "view": {
            "id": "V2",
            "type": "modal",
            "callback_id": "topic_save",
            "state": {"values": values},
        },
    }
    status, _, body = admin_bot.send(*signed_interaction(SECRET, submit))
    answer = json.loads(body)
    assert (
        status == 200
        and answer["response_action"] == "errors"
        and "admins" in answer["errors"]["topic"]
    )
    time.sleep(0.2)
    assert "I follow no topics yet" in reply_to(admin_bot, "topics")


def test_a_topic_named_at_here_pings_nobody_anywhere(admin_bot: Bot):
    """`/brief follow @here R&D` (Slack sends ``<!here> R&amp;D``): the name is shown, escaped,
    in the reply, `/brief topics`, App Home and the scheduled "Nothing new" post."""
    from datetime import UTC, datetime, timedelta

    from bot.services.followed_topics import post_due_briefing
    from storage.followed_topics import SqlTopicStore

    b = admin_bot
    followed = reply_to(b, "follow <!here> R&amp;D daily")
    listing = reply_to(b, "topics")
    b.event({"type": "app_home_opened", "user": "U0ADMIN", "tab": "home", "channel": "D0HOME"})
    [home] = b.emulator.wait_for("views.publish", timeout=10)
    topics = SqlTopicStore(b.container.db)
    [topic] = topics.list_topics(team_id="T0TEST")
    slot = datetime.now(UTC).replace(second=0, microsecond=0)
    b.emulator.reset()
    outcome = post_due_briefing(
        topics=topics,
        store=b.container.store,
        poster=b.deps.poster,
        topic=topic,
        slot=slot,
        now=lambda: slot + timedelta(seconds=5),
        claimed_by="test",
    )
    [post] = b.emulator.wait_for("chat.postMessage", timeout=10)
    assert outcome == "posted" and post.params["text"].startswith("Nothing new on &lt;!here&gt;")
    home_texts = json.dumps(texts_in(home.params["view"]))  # a button's value is not shown
    for sent in (followed, listing, home_texts, json.dumps(post.params)):
        assert "&lt;!here&gt;" in sent and "<!here>" not in sent
        assert "R&D" not in sent.upper(), "an ampersand reaches Slack only as &amp;"


def texts_in(value: object) -> list[str]:
    """Every ``text`` string of a view or blocks, however deep."""
    if isinstance(value, dict):
        own = [value["text"]] if isinstance(value.get("text"), str) else []
        return own + [t for v in value.values() for t in texts_in(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts_in(v)]
    return []


def test_a_topic_followed_in_two_channels_is_listed_and_unfollowed_per_channel(admin_bot: Bot):
    reply_to(admin_bot, "follow ukraine at 08:00", channel="C0GENERAL")
    second = reply_to(admin_bot, "follow ukraine at 13:00", channel="C0NEWS")
    assert "Now following *ukraine* in <#C0NEWS>: 13:00" in second
    assert "Also followed in <#C0GENERAL>" in second
    listing = reply_to(admin_bot, "topics", user="U0MEMBER")
    assert "*ukraine* in <#C0GENERAL>: 08:00" in listing
    assert "*ukraine* in <#C0NEWS>: 13:00" in listing

    gone = reply_to(admin_bot, "unfollow ukraine", channel="C0NEWS")
    assert (
        gone == "I no longer follow *ukraine* in <#C0NEWS>. It is still followed in <#C0GENERAL>."
    )
    listing = reply_to(admin_bot, "topics")
    assert "<#C0GENERAL>" in listing and "<#C0NEWS>" not in listing


def edit_buttons(b: Bot) -> list[dict[str, object]]:
    b.emulator.reset()
    b.event({"type": "app_home_opened", "user": "U0ADMIN", "tab": "home", "channel": "D0HOME"})
    [home] = b.emulator.wait_for("views.publish", timeout=10)
    return [
        block["accessory"]
        for block in home.params["view"]["blocks"]
        if block.get("accessory", {}).get("action_id") == "topic_edit"
    ]


def test_the_app_home_editor_changes_one_channels_follow_only(admin_bot: Bot):
    b = admin_bot
    reply_to(b, "follow ukraine at 08:00", channel="C0GENERAL")
    reply_to(b, "follow ukraine at 13:00", channel="C0NEWS")
    buttons = edit_buttons(b)
    assert len(buttons) == 2
    click = {
        "type": "block_actions",
        "user": {"id": "U0ADMIN"},
        "team": {"id": "T0TEST"},
        "trigger_id": "1.5.trigger",
        "api_app_id": "A0TEST",
        "container": {"type": "view"},
        "actions": [{**buttons[1], "type": "button", "block_id": "b", "action_ts": "1"}],
    }
    b.emulator.reset()
    assert b.send(*signed_interaction(SECRET, click))[0] == 200
    [opened] = b.emulator.wait_for("views.open", timeout=10)
    view = opened.params["view"]
    [channel] = [block for block in view["blocks"] if block["block_id"] == "channel"]
    assert channel["element"]["initial_conversation"] == "C0NEWS", "the form of that row"

    values = {
        "topic": {"value": {"type": "plain_text_input", "value": "ukraine"}},
        "channel": {
            "value": {"type": "conversations_select", "selected_conversation": "C0MARKETS"}
        },
        "time": {"value": {"type": "timepicker", "selected_time": "09:15"}},
        "days": {"value": {"type": "static_select", "selected_option": {"value": "mon-fri"}}},
        "tz": {"value": {"type": "plain_text_input", "value": "UTC"}},
    }
    submit = {
        "type": "view_submission",
        "user": {"id": "U0ADMIN"},
        "team": {"id": "T0TEST"},
        "api_app_id": "A0TEST",
        "trigger_id": "1.6.trigger",
        "view": {
            "id": "V3",
            "type": "modal",
            "callback_id": "topic_save",
            "private_metadata": view["private_metadata"],
            "state": {"values": values},
        },
    }
    status, _, body = b.send(*signed_interaction(SECRET, submit))
    assert status == 200 and b"errors" not in body
    listing = reply_to(b, "topics")
    assert "*ukraine* in <#C0GENERAL>: 08:00" in listing, "the other channel's row is untouched"
    assert "*ukraine* in <#C0MARKETS>: 09:15 Mon–Fri (UTC)" in listing
    assert "<#C0NEWS>" not in listing, "the edited row moved"

    values["channel"]["value"]["selected_conversation"] = "C0GENERAL"
    status, _, body = b.send(*signed_interaction(SECRET, submit))
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert "already follows 'ukraine'" in answer["errors"]["topic"]


def test_several_times_a_day_from_the_command_and_the_editor(admin_bot: Bot):
    b = admin_bot
    made = reply_to(b, "follow ukraine at 08:00,13:00 daily tz UTC")
    assert "*ukraine* in <#C0GENERAL>: 08:00 and 13:00 every day (UTC)" in made
    [button] = edit_buttons(b)
    click = {
        "type": "block_actions",
        "user": {"id": "U0ADMIN"},
        "team": {"id": "T0TEST"},
        "trigger_id": "1.7.trigger",
        "api_app_id": "A0TEST",
        "container": {"type": "view"},
        "actions": [{**button, "type": "button", "block_id": "b", "action_ts": "1"}],
    }
    b.emulator.reset()
    assert b.send(*signed_interaction(SECRET, click))[0] == 200
    [opened] = b.emulator.wait_for("views.open", timeout=10)
    view = opened.params["view"]
    blocks = {block["block_id"]: block for block in view["blocks"]}
    assert blocks["time"]["element"]["initial_time"] == "08:00"
    assert blocks["times"]["element"]["initial_value"] == "13:00", "the other times, to edit"

    values = {
        "topic": {"value": {"type": "plain_text_input", "value": "ukraine"}},
        "channel": {
            "value": {"type": "conversations_select", "selected_conversation": "C0GENERAL"}
        },
        "time": {"value": {"type": "timepicker", "selected_time": "07:45"}},
        "times": {"value": {"type": "plain_text_input", "value": "12:30, 18:00"}},
        "days": {"value": {"type": "static_select", "selected_option": {"value": "mon-fri"}}},
        "tz": {"value": {"type": "plain_text_input", "value": "UTC"}},
    }
    submit = {
        "type": "view_submission",
        "user": {"id": "U0ADMIN"},
        "team": {"id": "T0TEST"},
        "api_app_id": "A0TEST",
        "trigger_id": "1.8.trigger",
        "view": {
            "id": "V4",
            "type": "modal",
            "callback_id": "topic_save",
            "private_metadata": view["private_metadata"],
            "state": {"values": values},
        },
    }
    status, _, body = b.send(*signed_interaction(SECRET, submit))
    assert status == 200 and b"errors" not in body
    assert "*ukraine* in <#C0GENERAL>: 07:45, 12:30 and 18:00 Mon–Fri (UTC)" in reply_to(
        b, "topics"
    )
