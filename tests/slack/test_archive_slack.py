"""/brief search and /brief trend in HTTP mode: signed requests over real HTTP, a real SQLite
file, and the Slack Web API emulator taking the answers, the page buttons and the chart's
upload (files.getUploadURLExternal, the bytes, files.completeUploadExternal)."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import Container, build
from bot.briefing.model import Actor, ActorType, Analysis, KeyPoint
from bot.briefing.trend import trend_line
from bot.clock import utcnow
from bot.config import Settings
from bot.entrypoints.http_server import wsgi_app
from bot.entrypoints.slack_app import build_slack
from bot.ports import NewShare, PageContent
from bot.services.archive import topic_trend
from tests.slack.emulator import TEAM_ID, UPLOAD_METHOD, SlackEmulator
from tests.slack.signing import post, signed_interaction, signed_slash_command
from tests.waitress_thread import running

SECRET = "test-signing-secret"
STARMER = Actor("Keir Starmer", ActorType.PERSON, ("Starmer",), 2, 0.6, "UK Prime Minister")


@dataclass
class Bot:
    url: str
    container: Container
    emulator: SlackEmulator

    def send(self, body: bytes, headers: dict[str, str]) -> int:
        status, _, _ = post(self.url + "/slack/events", body, headers)
        return status

    def command(
        self, text: str, channel: str = "C0NEWS", hook: str = "cmd", wait: bool = True
    ) -> list[Any]:
        """Send `/brief TEXT` from ``channel``; the posts to its response_url so far."""
        url = self.emulator.response_url(hook)
        body, headers = signed_slash_command(
            SECRET, "/brief", text, channel_id=channel, response_url=url
        )
        assert self.send(body, headers) == 200
        if not wait:
            return []
        return self.emulator.wait_for("response_url", predicate=lambda c: c.path.endswith(hook))

    def click(self, button: dict[str, Any], channel: str, hook: str) -> None:
        payload = ephemeral_click(button, channel, self.emulator.response_url(hook))
        assert self.send(*signed_interaction(SECRET, payload)) == 200


def ephemeral_click(button: dict[str, Any], channel: str, response_url: str) -> dict[str, Any]:
    """block_actions as Slack sends them for a button in a message only the clicker sees."""
    return {
        "type": "block_actions",
        "user": {"id": "U0ALICE", "username": "alice", "name": "alice", "team_id": TEAM_ID},
        "api_app_id": "A0TEST",
        "token": "verification-token",
        "team": {"id": TEAM_ID, "domain": "briefbot-test"},
        "container": {
            "type": "message",
            "message_ts": "1700000000.000100",
            "channel_id": channel,
            "is_ephemeral": True,
        },
        "channel": {"id": channel, "name": channel.lower()},
        "trigger_id": "1.2.trigger",
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "pages",
                "value": button["value"],
                "text": button["text"],
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


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
    )
    container = build(settings)
    app, _ = build_slack(container, http=True, ingest_here=False)
    server = create_server(
        wsgi_app(app, container.db, signing_secret=SECRET), host="127.0.0.1", port=0, threads=4
    )
    with running(server):
        yield Bot(f"http://127.0.0.1:{server.effective_port}", container, slack_emulator)
    container.close()


def add(
    bot: Bot,
    n: int,
    title: str,
    text: str,
    *,
    channel: str = "C0NEWS",
    private: bool = False,
    days_ago: float = 1,
    actors: tuple[Actor, ...] = (),
) -> None:
    at = utcnow() - timedelta(days=days_ago)
    url = f"https://www.capitalandgrid.example/{n}"
    share = NewShare(TEAM_ID, channel, "U0BEN", f"{at.timestamp():.6f}", at, private)
    record = bot.container.store.record_share(canonical_url=url, url=url, share=share)
    first = text.split(". ")[0] + "."
    bot.container.store.save_analysis(
        record.article_id,
        page=PageContent(title, text, "Capital & Grid", None, None, "en"),
        analysis=Analysis((KeyPoint(first, 0, len(first), 1.0, 0),), actors),
        now=at,
    )


def blocks_text(reply: Any) -> str:
    return json.dumps(reply.params.get("blocks"), ensure_ascii=False)


def buttons(reply: Any) -> dict[str, dict[str, Any]]:
    found = [b for b in reply.params.get("blocks") or [] if b["type"] == "actions"]
    return {e["text"]["text"]: e for block in found for e in block["elements"]}


def test_search_answers_the_asker_a_page_at_a_time_with_buttons(bot):
    for n in range(7):
        add(
            bot,
            n,
            f"Price cap story {n}",
            f"Ofgem moved the price cap {n}. More to come.",
            days_ago=n + 1,
        )
    add(bot, 50, "Cap on prices", "A cap on the price of bread. Nothing else.")
    add(
        bot, 51, "Private cap", "The price cap, in private. Hush.", channel="G0SECRET", private=True
    )
    [first] = bot.command("search “price cap”")
    assert first.params["response_type"] == "ephemeral"
    shown = blocks_text(first)
    assert '*7 articles* match `\\"price cap\\"`' in shown and "page 1 of 2" in shown
    on_first = set(re.findall(r"Price cap story \d", shown))
    assert len(on_first) == 5
    assert "Cap on prices" not in shown and "Private cap" not in shown
    assert re.search(r"\\n> Ofgem moved the price cap \d\.", shown), "each with where it matched"
    assert list(buttons(first)) == ["Next ›"]

    bot.click(buttons(first)["Next ›"], "C0NEWS", "page2")
    [second] = bot.emulator.wait_for("response_url", predicate=lambda c: c.path.endswith("page2"))
    assert second.params["replace_original"] is True
    assert second.params["response_type"] == "ephemeral"
    page2 = blocks_text(second)
    assert "6–7, page 2 of 2" in page2 and list(buttons(second)) == ["‹ Previous"]
    on_second = set(re.findall(r"Price cap story \d", page2))
    assert len(on_second) == 2 and not on_first & on_second


def test_a_page_button_searches_as_seen_from_where_it_is_clicked(bot):
    add(bot, 1, "Public cap", "The price cap rose. Bills too.")
    add(bot, 2, "Private cap", "The price cap, in private. Hush.", channel="G0SECRET", private=True)
    [there] = bot.command('search "price cap"', channel="G0SECRET", hook="secret")
    assert "Private cap" in blocks_text(there) and "*2 articles*" in blocks_text(there)
    forged = {
        "action_id": "archive_page_next",
        "value": json.dumps({"q": '"price cap"', "p": 1}),
        "text": {"type": "plain_text", "text": "Next ›"},
    }
    bot.click(forged, "C0NEWS", "elsewhere")
    [here] = bot.emulator.wait_for("response_url", predicate=lambda c: c.path.endswith("elsewhere"))
    assert "Private cap" not in blocks_text(here) and "*1 article*" in blocks_text(here)


def test_filters_reach_slack_and_a_bad_search_gets_the_usage_at_once(bot):
    add(
        bot,
        1,
        "Starmer and the cap",
        "Keir Starmer spoke on the price cap. Later more.",
        actors=(STARMER,),
    )
    add(bot, 2, "Cap without him", "The price cap again. Nothing more.")
    [reply] = bot.command('search actor:"Keir Starmer" from:capitalandgrid.example <#C0NEWS|news>')
    shown = blocks_text(reply)
    assert "Starmer and the cap" in shown and "Cap without him" not in shown
    body, headers = signed_slash_command(SECRET, "/brief", "search after:someday")
    status, _, answer = post(bot.url + "/slack/events", body, headers)
    assert status == 200 and "takes a day as 2025-02-24" in answer.decode("utf-8")


def weekly(bot: Bot) -> None:
    for n, days in enumerate((1, 2, 3, 9, 10, 30)):
        add(
            bot,
            n,
            f"Ukraine {n}",
            f"Talks on Ukraine {n}. Keir Starmer spoke.",
            days_ago=days,
            actors=(STARMER,),
        )


def test_trend_uploads_a_png_chart_to_the_channel(bot):
    weekly(bot)
    bot.command("trend ukraine 12w", wait=False)
    [url_call] = bot.emulator.wait_for("files.getUploadURLExternal", timeout=20)
    [upload] = bot.emulator.wait_for(UPLOAD_METHOD)
    [done] = bot.emulator.wait_for("files.completeUploadExternal")
    assert url_call.params["filename"] == "trend-ukraine-12w.png"
    assert int(url_call.params["length"]) == upload.params["length"] and upload.ok
    assert done.params["channel_id"] == "C0NEWS"
    assert done.params["files"][0]["id"] == url_call.response["file_id"]
    comment = done.params["initial_comment"]
    assert comment.startswith("Ukraine, 12 weeks to ") and "6 articles" in comment
    [message] = bot.emulator.posted_messages("C0NEWS")
    assert message["files"][0]["mimetype"] == "image/png"
    assert not bot.emulator.calls_to("response_url"), "the chart is the answer"
    behind = topic_trend(
        store=bot.container.store,
        topic="ukraine",
        weeks=12,
        now=utcnow(),
        team_id=TEAM_ID,
        channel_id="C0NEWS",
    )
    assert behind.total == 6 and comment == trend_line(behind), "the numbers behind the chart"
    assert [a.name for a in behind.rising] == ["Keir Starmer"]

    png = bot.emulator.uploads[url_call.response["file_id"]]
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (320, 640)
    assert pixels[..., :3].std() > 0.05, "the chart is not blank"


@pytest.mark.parametrize("refusal", ["missing_scope", "not_allowed_token_type"])
def test_where_uploads_are_refused_the_channel_gets_the_sparkline(bot, refusal):
    weekly(bot)
    if refusal == "missing_scope":
        bot.emulator.bot_scopes = bot.emulator.bot_scopes.replace(",files:write", "")
    else:
        bot.emulator.fail_next("files.getUploadURLExternal", status=200, error=refusal)
    bot.command("trend ukraine 6w", wait=False)
    replies = bot.emulator.wait_for("response_url", count=2, timeout=20)
    public, note = replies[0].params, replies[1].params
    assert public["response_type"] == "in_channel"
    assert public["text"].startswith("Ukraine, 6 weeks to ") and "▁" in public["text"]
    assert "Keir Starmer" in public["text"]
    assert note["response_type"] == "ephemeral" and "couldn't upload the chart" in note["text"]
    assert not bot.emulator.calls_to("files.completeUploadExternal")


def test_a_trend_with_nothing_to_chart_says_so_to_the_asker(bot):
    [reply] = bot.command("trend volcanoes 4w")
    assert reply.params["text"] == "Nothing on volcanoes was shared in the last 4 weeks."
    assert not bot.emulator.calls_to("files.getUploadURLExternal")
