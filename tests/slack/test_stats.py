"""`/brief stats` through signed requests and the Slack emulator: an admin gets the
workspace's links, why some failed, its topics and their last and next briefings; anyone
else is told whom it is for."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.briefing.followed import BriefingRecord
from bot.briefing.status import RunStatus
from storage.followed_topics import SqlTopicStore
from tests.integration.test_ingest import KYIV_PAGE
from tests.slack.signing import message_event
from tests.slack.test_bot_http import Bot, bot  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


def answer(b: Bot, text: str, user: str) -> dict[str, object]:
    b.emulator.reset()
    status, _, _ = b.command(text, user_id=user, channel_id="C0GENERAL")
    assert status == 200
    [reply] = b.emulator.wait_for("response_url", timeout=15)
    return reply.params


def test_an_admin_sees_the_workspaces_links_failures_topics_and_briefings(bot: Bot):  # noqa: F811
    bot.emulator.add_user("U0ADMIN", is_admin=True, tz="UTC")
    bot.emulator.add_user("U0MEMBER", is_admin=False, is_owner=False, tz="UTC")
    good = bot.pages.add("/kyiv", KYIV_PAGE)
    gone = bot.pages.url("/gone")  # answers 404
    for text in (f"<{good}> and <{gone}>", f"again <{good}>"):
        event = message_event(text, channel="C0GENERAL", ts=f"{time.time():.6f}")
        assert bot.event(event)[0] == 200
    bot.idle(timeout=60)
    for follow in ("follow kyiv at 07:30 daily tz UTC", "follow grid at 09:00 daily tz UTC"):
        assert "Now following" in str(answer(bot, follow, "U0ADMIN")["text"])
    topics = SqlTopicStore(bot.container.db)
    kyiv = topics.get_topic(team_id="T0TEST", name="kyiv", channel_id="C0GENERAL")
    assert kyiv is not None
    slot = (datetime.now(UTC) - timedelta(days=1)).replace(
        hour=7, minute=30, second=0, microsecond=0
    )
    assert topics.claim_briefing_slot(topic=kyiv, slot=slot, claimed_by="test", now=slot)
    topics.record_posted(
        BriefingRecord(kyiv.id or 0, "C0GENERAL", slot, RunStatus.POSTED, message_ts="1.2"),
        now=slot,
    )

    reply = answer(bot, "stats", "U0ADMIN")
    text = str(reply["text"])
    assert (
        "*Links:* 3 shared (3 in the last 7 days), 2 articles: 1 read, 0 waiting, 1 could not be read"
        in text
    )
    assert "*Why links could not be read* (articles):" in text and "404" in text
    assert "*Topics:* 2 followed, 0 digests" in text
    assert f"• *kyiv* in <#C0GENERAL>: last posted {slot:%a} 07:30; next " in text
    assert "• *grid* in <#C0GENERAL>: nothing posted yet; next " in text
    assert reply["response_type"] == "ephemeral"
    assert "Briefbot in this workspace" in json.dumps(reply["blocks"])

    refused = answer(bot, "stats", "U0MEMBER")
    assert "`/brief stats` is for workspace admins and owners" in str(refused["text"])
    assert "Links" not in str(refused["text"])


def test_stats_of_an_empty_workspace_and_the_admins_setting(bot: Bot):  # noqa: F811
    bot.emulator.add_user("U0LEAD", is_admin=False, is_owner=False, tz="UTC")
    refused = answer(bot, "stats", "U0LEAD")
    assert "is for workspace admins" in str(refused["text"])
    bot.deps.settings = bot.deps.settings.model_copy(update={"admins": ("U0LEAD",)})
    text = str(answer(bot, "stats", "U0LEAD")["text"])
    assert "*Links:* none shared yet" in text and "*Topics:* none followed yet" in text


def test_stats_is_in_the_help(bot: Bot):  # noqa: F811
    status, body, _ = bot.command("help")
    assert status == 200 and "`/brief stats`" in json.loads(body)["text"]
