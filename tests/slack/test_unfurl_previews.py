"""Slack's unfurl of a link, carried in the message's attachments (often by the edit Slack
makes a moment after the message), is kept as the article's metadata when the page shows
nothing to read: signed events through the real HTTP app, a real page server, a real store."""

from __future__ import annotations

import json

import pytest

from tests.fixture_pages import shell
from tests.slack import payloads as slack
from tests.slack.test_bot_http import Bot, bot, now_ts  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow

HEADLINE = slack.unfurl("https://x.example/")["title"]


def briefing(b: Bot, topic: str) -> str:
    before = len(b.emulator.calls_to("response_url"))
    status, _, _ = b.command(topic, channel_id="C0GENERAL")
    assert status == 200
    return json.dumps(
        b.emulator.wait_for("response_url", count=before + 1, timeout=10)[before].params
    )


def test_an_app_page_read_before_its_unfurl_arrives_is_briefed_by_the_unfurls_headline(
    bot: Bot,  # noqa: F811
):
    url = bot.pages.add("/live/kyiv", shell(title="Live"))
    first = slack.user_message(f"<{url}>", now_ts())
    bot.event(first)
    bot.idle()
    [record] = [bot.container.store.article_record(1)]
    assert record.failure_reason == "the page needs JavaScript to show its article"

    unfurled = dict(first, attachments=[slack.unfurl(url)])
    assert bot.event(slack.message_changed(unfurled, first))[0] == 200
    bot.idle()
    assert bot.container.store.counts()["shares"] == 1
    assert HEADLINE in briefing(bot, "kyiv")


def test_an_unfurl_in_the_message_itself_is_used_at_once(bot: Bot):  # noqa: F811
    url = bot.pages.add("/live/kyiv", shell(title="Live"))
    bot.event(slack.user_message(f"<{url}>", now_ts(), attachments=[slack.unfurl(url)]))
    bot.idle()
    assert bot.pages.hits["/live/kyiv"] == 1
    assert HEADLINE in briefing(bot, "kyiv")
    assert not bot.emulator.calls_to("chat.postEphemeral"), "nothing failed, nothing to tell"
