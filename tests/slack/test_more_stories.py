"""A briefing's "More stories" button, `/brief TOPIC all`, and a scheduled briefing's button,
in HTTP mode: signed requests, a real SQLite file, the Slack Web API emulator. What the
rest shows is decided by where the button is clicked, as for `/brief` asked there."""

from __future__ import annotations

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
from bot.clock import utcnow
from bot.config import Settings
from bot.entrypoints.http_server import wsgi_app
from bot.entrypoints.slack_app import build_slack
from bot.ports import NewShare, PageContent
from handlers.context import Deps
from tests.slack.emulator import TEAM_ID, SlackEmulator
from tests.slack.signing import post, signed_interaction, signed_slash_command
from tests.waitress_thread import running

pytestmark = pytest.mark.slow
SECRET = "test-signing-secret"
# Seven events in one harbour, each in words and people of its own: seven stories.
EVENTS = [
    ("Harbour cranes stall as dockers strike over night shifts", "Mara Quist", "dockers"),
    ("Harbour ferry fire forces evacuation of the Kestrel", "Ivo Brandt", "ferry"),
    ("Harbour wind farm cable approved by the planning board", "Lena Ostrova", "turbines"),
    ("Harbour fishing quota cut for herring and sprat", "Tomas Reyes", "herring"),
    ("Harbour naval drill closes the northern channel", "Admiral Petra Holm", "frigates"),
    ("Harbour storm surge floods the fish market", "Oskar Lind", "surge"),
    ("Harbour container rates climb after canal delays", "Yusuf Adler", "containers"),
]


@dataclass
class Bot:
    url: str
    container: Container
    deps: Deps
    emulator: SlackEmulator

    def send(self, body: bytes, headers: dict[str, str]) -> int:
        return post(self.url + "/slack/events", body, headers)[0]

    def command(self, text: str, channel: str, hook: str) -> Any:
        url = self.emulator.response_url(hook)
        body, headers = signed_slash_command(
            SECRET, "/brief", text, channel_id=channel, response_url=url
        )
        assert self.send(body, headers) == 200
        [reply] = self.emulator.wait_for(
            "response_url", predicate=lambda c: c.path.endswith(hook), timeout=10
        )
        return reply

    def click(self, button: dict[str, Any], channel: str, hook: str) -> Any:
        payload = {
            "type": "block_actions",
            "user": {"id": "U0ALICE", "team_id": TEAM_ID},
            "api_app_id": "A0TEST",
            "team": {"id": TEAM_ID, "domain": "briefbot-test"},
            "container": {"type": "message", "message_ts": "1.0", "channel_id": channel},
            "channel": {"id": channel, "name": channel.lower()},
            "trigger_id": "1.2.trigger",
            "response_url": self.emulator.response_url(hook),
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "more",
                    "value": button["value"],
                    "text": button["text"],
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        assert self.send(*signed_interaction(SECRET, payload)) == 200
        [reply] = self.emulator.wait_for(
            "response_url", predicate=lambda c: c.path.endswith(hook), timeout=10
        )
        return reply


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
    app, deps = build_slack(container, http=True, ingest_here=False)
    server = create_server(
        wsgi_app(app, container.db, signing_secret=SECRET), host="127.0.0.1", port=0, threads=4
    )
    with running(server):
        yield Bot(f"http://127.0.0.1:{server.effective_port}", container, deps, slack_emulator)
    container.close()


def add(bot: Bot, n: int, *, channel: str = "C0NEWS", private: bool = False) -> str:
    title, person, word = EVENTS[n % len(EVENTS)]
    at = utcnow() - timedelta(hours=1 + n)
    url = f"https://www.harbour-times.example/{n}"
    share = NewShare(TEAM_ID, channel, "U0BEN", f"{at.timestamp():.6f}", at, private)
    record = bot.container.store.record_share(canonical_url=url, url=url, share=share)
    point = f"{person} said the {word} in the harbour were the talk of the quay {n}."
    text = f"{point} Nothing else about the {word} was said."
    bot.container.store.save_analysis(
        record.article_id,
        page=PageContent(title, text, f"Outlet {n}", None, None, "en"),
        analysis=Analysis(
            (KeyPoint(point, 0, len(point), 1.0, 0),),
            (Actor(person, ActorType.PERSON, (), 2, 0.8),),
        ),
        now=at,
    )
    return url


def more_button(reply: Any) -> dict[str, Any] | None:
    for block in reply.params.get("blocks") or []:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["text"]["text"] == "More stories":
                return dict(element)
    return None


def numbered(reply: Any) -> list[int]:
    shown = json.dumps(reply.params.get("blocks"), ensure_ascii=False)
    return [int(n) for n in re.findall(r'"\*(\d+)\. <https://www\.harbour-times', shown)]


def test_more_stories_shows_the_rest_to_the_clicker_only(bot: Bot):
    urls = [add(bot, n) for n in range(7)]
    first = bot.command("harbour", "C0NEWS", "first")
    assert numbered(first) == [1, 2, 3, 4, 5]
    assert "…and 2 more stories" in json.dumps(first.params["blocks"], ensure_ascii=False)
    button = more_button(first)
    assert button is not None

    rest = bot.click(button, "C0NEWS", "rest")
    assert rest.params["response_type"] == "ephemeral" and rest.params["replace_original"] is False
    assert numbered(rest) == [6, 7]
    shown = json.dumps([first.params["blocks"], rest.params["blocks"]], ensure_ascii=False)
    assert all(url in shown for url in urls), "every story, the first five and the rest"
    assert "Stories 6–7 of 7" in json.dumps(rest.params["blocks"], ensure_ascii=False)
    assert more_button(rest) is None, "nothing more to show"


def test_the_rest_is_what_the_clicking_channel_may_see(bot: Bot):
    bot.emulator.add_channel("G0SECRET", is_private=True)
    public = [add(bot, n) for n in range(6)]
    secret = add(bot, 6, channel="G0SECRET", private=True)
    in_secret = bot.command("harbour", "G0SECRET", "secret")
    button = more_button(in_secret)
    assert button is not None, "seven stories there"
    elsewhere = bot.click(button, "C0NEWS", "elsewhere")
    shown = json.dumps(elsewhere.params, ensure_ascii=False)
    assert secret not in shown, "a button clicked in another channel shows nothing private"
    assert numbered(elsewhere) == [6] and any(url in shown for url in public)
    there = bot.click(button, "G0SECRET", "there")
    both = json.dumps([in_secret.params, there.params], ensure_ascii=False)
    assert secret in both and numbered(there) == [6, 7]


def test_brief_topic_all_shows_every_story_at_once(bot: Bot):
    urls = [add(bot, n) for n in range(7)]
    every = bot.command("harbour all", "C0NEWS", "all")
    assert numbered(every) == [1, 2, 3, 4, 5, 6, 7] and more_button(every) is None
    assert all(url in json.dumps(every.params, ensure_ascii=False) for url in urls)


def test_a_scheduled_briefing_has_the_button_and_its_topics_terms(bot: Bot):
    from datetime import UTC, datetime

    from bot.services.followed_topics import follow_topic, post_due_briefing
    from storage.followed_topics import SqlTopicStore

    for n in range(6):
        add(bot, n)
    quay = add(bot, 7 + 6)  # a container story that says "quay", never "port"
    topics = SqlTopicStore(bot.container.db)
    now = datetime.now(UTC)
    slot = now.replace(second=0, microsecond=0)
    topic = follow_topic(
        topics=topics,
        is_admin=lambda team, user: True,
        team_id=TEAM_ID,
        user_id="U0ADMIN",
        channel_id="C0NEWS",
        text=f"port at {slot:%H:%M} daily tz UTC terms harbour",  # the window: a day
        default_timezone="UTC",
        now=now - timedelta(days=2),
    ).topic
    assert topic is not None
    outcome = post_due_briefing(
        topics=topics,
        store=bot.container.store,
        poster=bot.deps.poster,
        topic=topic,
        slot=slot,
        now=lambda: slot + timedelta(seconds=5),
        claimed_by="test",
    )
    assert outcome == "posted"
    [posted] = bot.emulator.wait_for("chat.postMessage", timeout=10)
    button = more_button(posted)
    assert button is not None, "seven stories matched through the topic's terms"
    rest = bot.click(button, "C0NEWS", "scheduled")
    assert numbered(rest) == [6, 7]
    assert quay in json.dumps([posted.params, rest.params], ensure_ascii=False)
