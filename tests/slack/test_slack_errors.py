"""Slack's refusals, answered accurately: through the real bot over HTTP and the Slack Web API
emulator answering each error, the user hears what happened and what to do, a scheduled
briefing that can never be posted is not retried and `/brief topics` says why, and an answer
whose usual way fails (response_url, a reply in a thread) reaches the user another way."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.briefing.status import RunStatus, SlotOutcome
from bot.services.followed_topics import (
    ABANDONED_AFTER,
    MAX_SLOT_ATTEMPTS,
    RETRY_BACKOFF,
    follow_topic,
    post_due_briefing,
)
from storage.followed_topics import SqlTopicStore
from tests.slack.signing import app_mention_event
from tests.slack.test_bot_http import Bot, bot, now_ts  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


@pytest.fixture
def b(bot: Bot) -> Bot:  # noqa: F811 (the HTTP bot of test_bot_http, with the emulator)
    return bot


# Slack's answer -> words the user must see, and words that would be wrong for it.
REFUSALS = [
    ("not_in_channel", 200, "Invite me with `/invite @Briefbot`", "reinstall"),
    ("channel_not_found", 200, "cannot find that channel", "archived"),
    ("is_archived", 200, "That channel is archived", "/invite"),
    ("msg_too_long", 200, "longer than Slack accepts", "/invite"),
    ("invalid_blocks", 200, "refused the layout", "/invite"),
    ("token_revoked", 200, "reinstall Briefbot", "/invite"),
    ("account_inactive", 200, "bot user has been deactivated", "/invite"),
    ("internal_error", 500, "Slack had a problem on its side (HTTP 500)", "/invite"),
]
PERMANENT = {"not_in_channel", "channel_not_found", "is_archived", "msg_too_long"}
PERMANENT |= {"invalid_blocks", "token_revoked", "account_inactive"}


def answer_to(b: Bot, text: str, **fields: str) -> str:
    b.emulator.reset()
    status, _, _ = b.command(text, **fields)
    assert status == 200
    [reply] = b.emulator.wait_for("response_url", timeout=10)
    return str(reply.params["text"])


@pytest.mark.parametrize(
    ("error", "status", "said", "wrong"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_a_public_briefing_slack_refuses_is_explained_accurately(b, error, status, said, wrong):
    b.emulator.reset()
    b.emulator.fail_next("chat.postMessage", status=status, error=error, retry_after=None)
    status_code, _, _ = b.command("kyiv public", channel_id="C0NEWS")
    assert status_code == 200
    first, *rest = b.emulator.wait_for("response_url", count=2, timeout=10)
    assert said in first.params["text"] and wrong not in first.params["text"]
    assert "Here it is just for you" in first.params["text"]
    assert "Nothing on kyiv" in json.dumps(rest[0].params), "the briefing still reaches the user"


def test_429_after_the_retries_says_slack_is_limiting_posts(b):
    b.emulator.reset()
    b.emulator.fail_next("chat.postMessage", status=429, retry_after=0, times=4)
    b.command("kyiv public", channel_id="C0NEWS")
    first, _ = b.emulator.wait_for("response_url", count=2, timeout=15)
    assert len(b.emulator.calls_to("chat.postMessage")) == 4, "the first try and 3 retries"
    assert "limiting how fast I may post" in first.params["text"]


# --- scheduled briefings ------------------------------------------------------------------

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def run_slot(b: Bot, error: str, status: int = 200) -> tuple[SqlTopicStore, int, str]:
    topics = SqlTopicStore(b.container.db)
    topic = follow_topic(
        topics=topics,
        is_admin=lambda team, user: True,
        team_id="T0TEST",
        user_id="U0ADMIN",
        channel_id="C0NEWS",
        text="energy prices daily",
        default_timezone="UTC",
        now=MONDAY - timedelta(days=1),
    ).topic
    assert topic is not None and topic.id is not None
    b.emulator.reset()
    b.emulator.fail_next("chat.postMessage", status=status, error=error, retry_after=None)
    outcome = post_due_briefing(
        topics=topics,
        store=b.container.store,
        poster=b.deps.poster,  # the real SlackPoster, posting to the emulator
        topic=topic,
        slot=MONDAY,
        now=lambda: MONDAY,
        claimed_by="test",
    )
    return topics, topic.id, outcome


def due_retries(topics: SqlTopicStore, at: datetime) -> list[tuple[int, datetime]]:
    return topics.slots_to_retry(
        since=MONDAY - timedelta(hours=1),
        now=at,
        max_attempts=MAX_SLOT_ATTEMPTS,
        abandoned_after=ABANDONED_AFTER,
        backoff=RETRY_BACKOFF,
    )


@pytest.mark.parametrize(
    ("error", "status", "said", "wrong"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_a_scheduled_post_that_cannot_succeed_is_recorded_and_not_retried(
    b, error, status, said, wrong
):
    topics, topic_id, outcome = run_slot(b, error, status)
    [run] = topics.briefing_runs(topic_id=topic_id)
    later = MONDAY + timedelta(minutes=30)
    if error in PERMANENT:
        assert outcome == SlotOutcome.UNDELIVERABLE and run.status == RunStatus.UNDELIVERABLE
        assert due_retries(topics, later) == [], "retrying cannot help: not retried"
    else:  # Slack's own trouble passes: the slot is tried again after its backoff
        assert outcome == SlotOutcome.FAILED and run.status == RunStatus.FAILED
        assert due_retries(topics, later) == [(topic_id, MONDAY)]
    assert run.error is not None and said in run.error and f"(Slack: {error})" in run.error
    listing = answer_to(b, "topics")
    assert "*energy prices*" in listing and said in listing
    assert ("not retried" in listing) == (error in PERMANENT)


def test_a_later_slot_posts_once_the_channel_is_fixed(b):
    topics, topic_id, outcome = run_slot(b, "not_in_channel")
    assert outcome == SlotOutcome.UNDELIVERABLE
    topic = topics.topic_by_id(topic_id)
    assert topic is not None
    tuesday = MONDAY + timedelta(days=1)
    assert (
        post_due_briefing(
            topics=topics,
            store=b.container.store,
            poster=b.deps.poster,
            topic=topic,
            slot=tuesday,
            now=lambda: tuesday,
            claimed_by="test",
        )
        == SlotOutcome.POSTED
    )
    assert "not retried" not in answer_to(b, "topics"), "the listing shows the latest slot"


# --- answers whose usual way fails ----------------------------------------------------------


def test_a_failed_response_url_post_is_logged_and_the_answer_comes_as_an_ephemeral(b, caplog):
    b.emulator.reset()
    b.emulator.fail_next("response_url", status=404, error="used_url")
    with caplog.at_level(logging.WARNING, logger="handlers"):
        b.command("kyiv", channel_id="C0NEWS", user_id="U0DANA")
        [note] = b.emulator.wait_for("chat.postEphemeral", timeout=10)
    assert note.params["user"] == "U0DANA" and note.params["channel"] == "C0NEWS"
    assert "Nothing on kyiv" in json.dumps(note.params)
    assert "response_url post to U0DANA failed (HTTP 404" in caplog.text


def test_when_the_ephemeral_fails_too_the_answer_comes_as_a_direct_message(b):
    b.emulator.reset()
    b.emulator.fail_next("response_url", status=500)
    b.emulator.not_in_channel.add("C0NEWS")
    b.command("kyiv", channel_id="C0NEWS", user_id="U0DANA")
    [dm] = b.emulator.wait_for("chat.postMessage", timeout=10)
    assert dm.ok and dm.params["channel"] == "U0DANA"
    assert "Nothing on kyiv" in json.dumps(dm.params)


@pytest.mark.parametrize(
    ("error", "said"),
    [("msg_too_long", "longer than Slack accepts"), ("invalid_blocks", "refused the layout")],
)
def test_a_mention_reply_slack_refuses_is_explained_to_the_asker(b, caplog, error, said):
    b.emulator.reset()
    b.emulator.fail_next("chat.postMessage", status=200, error=error, retry_after=None)
    mention_ts = now_ts()
    with caplog.at_level(logging.WARNING, logger="handlers"):
        b.event(app_mention_event("<@U0BOT> kyiv", ts=mention_ts, user="U0ERIN"))
        [note] = b.emulator.wait_for("chat.postEphemeral", timeout=10)
    assert note.params["user"] == "U0ERIN" and note.params["thread_ts"] == mention_ts
    assert "I couldn't answer in the thread" in note.params["text"] and said in note.params["text"]
    assert f"chat.postMessage to C0GENERAL failed: {error}" in caplog.text
