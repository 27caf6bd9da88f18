"""Briefbot in HTTP mode, end to end: signed requests over real HTTP, a real SQLite file,
article pages on a local web server, and the Slack Web API emulator."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import Container, build
from bot.config import Settings
from bot.entrypoints.http_server import wsgi_app
from bot.entrypoints.slack_app import build_slack
from handlers.context import Deps
from tests.integration.test_ingest import KYIV_PAGE, RATES_PAGE
from tests.pages import PageServer
from tests.slack.emulator import SlackEmulator
from tests.slack.signing import (
    app_mention_event,
    message_event,
    post,
    signed_event,
    signed_slash_command,
    signed_url_verification,
)
from tests.waitress_thread import running

pytestmark = pytest.mark.slow
SECRET = "test-signing-secret"
GRID_PAGE = KYIV_PAGE.replace(
    "Strikes cut power in Kyiv", "Ukraine's grid operator warns of long repairs"
)


@dataclass
class Bot:
    url: str
    deps: Deps
    container: Container
    emulator: SlackEmulator
    pages: PageServer

    def send(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        return post(self.url + "/slack/events", body, headers)

    def event(self, event: dict[str, Any], **kw: Any) -> tuple[int, dict[str, str], bytes]:
        return self.send(*signed_event(SECRET, event, **kw))

    def command(self, text: str, **fields: Any) -> tuple[int, bytes, float]:
        fields.setdefault("response_url", self.emulator.response_url("cmd"))
        body, headers = signed_slash_command(SECRET, "/brief", text, **fields)
        started = time.monotonic()
        status, _, answer = self.send(body, headers)
        return status, answer, time.monotonic() - started

    def idle(self, timeout: float = 20.0) -> None:
        """Wait until the ingestion pool has nothing queued or running."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (
                self.deps.pool.executor._work_queue.empty()
                and not self.container.store.counts().get("pending")
            ):
                return
            time.sleep(0.05)
        raise AssertionError("articles still pending")


@pytest.fixture
def bot(slack_emulator: SlackEmulator, tmp_path: Path) -> Iterator[Bot]:
    from waitress.server import create_server

    settings = Settings.from_env(
        {},
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=slack_emulator.api_url,
        fetch_allowlist=("127.0.0.1",),
    )
    container = build(settings)
    app, deps = build_slack(container, http=True)
    server = create_server(
        wsgi_app(app, container.db, signing_secret=SECRET), host="127.0.0.1", port=0, threads=4
    )
    with running(server), PageServer() as pages:
        yield Bot(
            f"http://127.0.0.1:{server.effective_port}", deps, container, slack_emulator, pages
        )
    container.close()


def now_ts() -> str:
    return f"{time.time():.6f}"


def test_url_verification_echoes_the_challenge(bot):
    status, _, body = bot.send(*signed_url_verification(SECRET, "xyz-123"))
    assert status == 200 and json.loads(body)["challenge"] == "xyz-123"


@pytest.mark.parametrize("kind", ["bad signature", "stale timestamp", "no signature"])
def test_unsigned_or_stale_requests_get_401_and_change_nothing(bot, kind):
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    body, headers = signed_event(
        SECRET,
        message_event(f"<{url}>", ts=now_ts()),
        timestamp=int(time.time()) - 600 if kind == "stale timestamp" else None,
    )
    if kind == "bad signature":
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    if kind == "no signature":
        headers.pop("X-Slack-Signature")
    status, _, _ = bot.send(body, headers)
    assert status == 401
    assert bot.container.store.counts()["shares"] == 0 and bot.pages.hits["/kyiv"] == 0


def test_two_links_in_a_message_are_captured_and_briefed_with_their_sources(bot):
    kyiv = bot.pages.add("/world/kyiv", KYIV_PAGE)
    grid = bot.pages.add("/energy/grid", GRID_PAGE.replace("Olena Hart", "Marta Ivanova"))
    text = f"Two reads: <{kyiv}|Harbour Times> and <{grid}?utm_source=share&amp;x=1>"
    status, _, _ = bot.event(message_event(text, ts=now_ts()))
    assert status == 200
    # The shares are stored before Slack hears the ack.
    assert bot.container.store.counts()["shares"] == 2
    bot.idle()
    assert bot.container.store.counts()["done"] == 2
    bot.emulator.wait_for("reactions.add")

    status, _, _ = bot.command("ukraine")
    assert status == 200
    [reply] = bot.emulator.wait_for("response_url", timeout=10)
    cited = json.dumps(reply.params)
    assert kyiv in cited and grid + "?utm_source=share&x=1" in cited
    assert reply.params.get("response_type") == "ephemeral"


def test_a_retried_event_changes_nothing(bot):
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    event = message_event(f"<{url}>", ts=now_ts())
    body, headers = signed_event(SECRET, event, event_id="Ev0RETRY01")
    assert bot.send(body, headers)[0] == 200
    bot.idle()
    again, headers = signed_event(SECRET, event, event_id="Ev0RETRY01", retry_num=1)
    assert bot.send(again, headers)[0] == 200
    bot.idle()
    time.sleep(0.3)
    counts = bot.container.store.counts()
    assert counts["shares"] == 1 and counts["articles"] == 1
    assert bot.pages.hits["/kyiv"] == 1
    assert len(bot.emulator.calls_to("reactions.add")) == 1


def test_edits_add_only_new_links_and_deletes_remove_shares(bot):
    first = bot.pages.add("/a", KYIV_PAGE)
    second = bot.pages.add("/b", RATES_PAGE)
    ts = now_ts()
    bot.event(message_event(f"<{first}>", ts=ts))
    changed = {
        "type": "message",
        "subtype": "message_changed",
        "channel": "C0GENERAL",
        "ts": now_ts(),
        "message": {
            "type": "message",
            "user": "U0ALICE",
            "text": f"<{first}> and <{second}>",
            "ts": ts,
        },
        "previous_message": {"type": "message", "user": "U0ALICE", "text": f"<{first}>", "ts": ts},
    }
    bot.event(changed)
    bot.idle()
    assert bot.container.store.counts()["shares"] == 2
    assert bot.pages.hits["/a"] == 1 and bot.pages.hits["/b"] == 1
    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": "C0GENERAL",
        "deleted_ts": ts,
        "ts": now_ts(),
    }
    bot.event(deleted)
    assert bot.container.store.counts()["shares"] == 0


def test_bot_messages_are_ignored(bot):
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    bot.event(message_event(f"<{url}>", ts=now_ts(), bot_id="B0OTHER", subtype="bot_message"))
    bot.event(message_event(f"<{url}>", ts=now_ts(), user="U0BOT"))
    assert bot.container.store.counts()["shares"] == 0


def test_an_unreadable_link_is_explained_to_the_person_who_shared_it(bot):
    bot.pages.add("/photo.png", b"\x89PNG\r\n", content_type="image/png")
    bot.event(message_event(f"<{bot.pages.url('/photo.png')}>", ts=now_ts(), user="U0BOB"))
    bot.idle()
    [note] = bot.emulator.wait_for("chat.postEphemeral")
    assert note.params["user"] == "U0BOB" and "not a web page" in note.params["text"]


@pytest.mark.parametrize("text", ["", "help", "   ", "!!!", "x" * 300])
def test_help_and_weird_commands_answer_usage_at_once(bot, text):
    status, answer, _ = bot.command(text)
    assert status == 200
    reply = json.loads(answer)
    assert reply["response_type"] == "ephemeral"
    assert "/brief ukraine" in reply["text"]


def test_brief_is_acknowledged_first_and_delivered_after(bot):
    # Ack latency itself is measured in benchmarks/ack_latency.py, not asserted here.
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    bot.event(message_event(f"<{url}>", ts=now_ts()))
    bot.idle()
    status, answer, _ = bot.command("ukraine")
    assert status == 200 and url.encode() not in answer, "the ack carries no briefing"
    [reply] = bot.emulator.wait_for("response_url", timeout=10)
    assert url in json.dumps(reply.params)


def test_public_briefing_is_posted_in_the_channel_after_a_429(bot):
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    bot.event(message_event(f"<{url}>", ts=now_ts(), channel="C0NEWS"))
    bot.idle()
    bot.emulator.fail_next("chat.postMessage", status=429, retry_after=1)
    bot.command("kyiv public", channel_id="C0NEWS")
    calls = bot.emulator.wait_for("chat.postMessage", count=2, timeout=10)
    assert calls[0].status == 429 and calls[1].ok
    assert calls[1].params["channel"] == "C0NEWS" and url in json.dumps(calls[1].params["blocks"])


@pytest.mark.parametrize(
    ("text", "failing"),
    [("status", "channel_captures"), ("ukraine", "search_articles")],
    ids=["in the ack", "after the ack"],
)
def test_a_failure_is_logged_in_detail_and_the_user_is_told_politely(bot, caplog, text, failing):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database is on fire")

    setattr(bot.container.store, failing, broken)
    with caplog.at_level(logging.ERROR, logger="handlers"):
        bot.command(text, user_id="U0DANA")
        [reply] = bot.emulator.wait_for("response_url", timeout=10)
    assert reply.params["response_type"] == "ephemeral" and "Sorry" in reply.params["text"]
    assert "the database is on fire" not in reply.params["text"], "the detail stays in the log"
    [record] = [r for r in caplog.records if r.exc_info]
    assert "/brief" in record.getMessage() and "user=U0DANA" in record.getMessage()
    assert "the database is on fire" in caplog.text


def test_the_spacy_pipeline_is_loaded_at_start_not_at_the_first_link(bot):
    deadline = time.monotonic() + 60
    while not bot.container.analyzer.is_loaded() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert bot.container.analyzer.is_loaded(), "no link was shared, yet the model is ready"


def test_status_lists_captures_and_failures(bot):
    good = bot.pages.add("/kyiv", KYIV_PAGE)
    bot.event(message_event(f"<{good}> <{bot.pages.url('/gone')}>", ts=now_ts()))
    bot.idle()
    _, answer, _ = bot.command("status")
    text = json.loads(answer)["text"]
    assert "Strikes cut power" in text and "404" in text and "1 failed" in text


def test_a_mention_answers_in_its_thread(bot):
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    bot.event(message_event(f"<{url}>", ts=now_ts()))
    bot.idle()
    mention_ts = now_ts()
    bot.event(app_mention_event("<@U0BOT> kyiv", ts=mention_ts))
    [answer] = bot.emulator.wait_for("chat.postMessage", timeout=10)
    assert answer.params["thread_ts"] == mention_ts and url in json.dumps(answer.params["blocks"])


def test_private_channel_links_stay_out_of_other_channels(bot):
    bot.emulator.add_channel("G0SECRET", is_private=True)
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    bot.event(message_event(f"<{url}>", ts=now_ts(), channel="G0SECRET", channel_type="group"))
    bot.idle()
    bot.command("kyiv", channel_id="C0GENERAL")
    [reply] = bot.emulator.wait_for("response_url", timeout=10)
    assert url not in json.dumps(reply.params) and "Nothing on kyiv" in reply.params["text"]


def test_app_home_shows_recent_stories(bot):
    url = bot.pages.add("/kyiv", KYIV_PAGE)
    bot.event(message_event(f"<{url}>", ts=now_ts()))
    bot.idle()
    bot.event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home", "channel": "D0HOME"})
    [call] = bot.emulator.wait_for("views.publish", timeout=10)
    view = json.dumps(call.params["view"])
    assert "Strikes cut power in Kyiv" in view and "/brief ukraine" in view


def test_a_page_failing_for_a_passing_reason_is_retried_then_explained(bot):
    from datetime import UTC, datetime, timedelta

    bot.pages.add("/flaky", "<html><body>busy</body></html>", status=503)
    bot.event(message_event(f"<{bot.pages.url('/flaky')}>", ts=now_ts(), user="U0CARL"))
    deadline = time.monotonic() + 10
    while bot.pages.hits["/flaky"] < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert not bot.emulator.calls_to("chat.postEphemeral"), "no note while a retry is due"
    clock = [datetime.now(UTC)]
    bot.deps.pool.now = lambda: clock[0]
    for _ in range(3):
        clock[0] += timedelta(hours=1)
        bot.deps.pool.sweep_once()
    assert bot.pages.hits["/flaky"] == 3, "three attempts in all (BRIEFBOT_MAX_ATTEMPTS)"
    [note] = bot.emulator.wait_for("chat.postEphemeral")
    assert note.params["user"] == "U0CARL" and "503" in note.params["text"]


def test_health_readiness_and_metrics(bot):
    import urllib.request

    url = bot.pages.add("/kyiv", KYIV_PAGE)
    bot.event(message_event(f"<{url}>", ts=now_ts()), event_id="Ev0METRIC1")
    bot.event(message_event(f"<{url}>", ts=now_ts()), event_id="Ev0METRIC1", retry_num=1)
    bot.idle()
    for path in ("/healthz", "/readyz"):
        with urllib.request.urlopen(bot.url + path, timeout=5) as answer:
            assert answer.status == 200 and json.loads(answer.read())["ok"] is True
    with urllib.request.urlopen(bot.url + "/metrics", timeout=5) as answer:
        text = answer.read().decode()
    assert 'briefbot_slack_requests_total{kind="message"}' in text
    assert 'briefbot_articles{status="done"} 1.0' in text
    assert "briefbot_fetch_seconds_count" in text


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        json.dumps({"type": "event_callback", "event_id": "Ev0BAD1", "team_id": "T0TEST"}).encode(),
        json.dumps(
            {
                "type": "event_callback",
                "event_id": "Ev0BAD2",
                "team_id": "T0TEST",
                "event": {"type": "message", "text": 123, "blocks": "x", "channel": None},
            }
        ).encode(),
        json.dumps(
            {
                "type": "event_callback",
                "event_id": "Ev0BAD3",
                "team_id": "T0TEST",
                "event": {
                    "type": "message",
                    "user": "U1",
                    "channel": "C1",
                    "ts": "nan",
                    "text": "<https://[::1>|x> <javascript:alert(1)> <http://%zz/>",
                },
            }
        ).encode(),
    ],
)
def test_malformed_payloads_are_answered_and_change_nothing(bot, payload):
    from tests.slack.signing import sign

    status, _, _ = bot.send(payload, {"Content-Type": "application/json", **sign(SECRET, payload)})
    assert status < 500
    assert bot.container.store.counts()["shares"] == 0
    # The bot still works afterwards.
    _, answer, _ = bot.command("help")
    assert "/brief ukraine" in json.loads(answer)["text"]


def test_a_slash_command_without_a_channel_gets_a_clear_answer(bot):
    status, answer, _ = bot.command("status", channel_id="")
    assert status == 200 and json.loads(answer)["response_type"] == "ephemeral"


def test_unsigned_garbage_gets_401_not_400(bot):
    status, _, _ = bot.send(
        b"{not json",
        {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": "v0=" + "1" * 64,
        },
    )
    assert status == 401
