"""/brief who NAME in HTTP mode: signed requests over real HTTP, a real SQLite file and the
Slack Web API emulator taking the answers; the candidate buttons run the lookup again."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from bot.briefing.model import Actor, ActorType
from tests.integration.test_who import STARMER, save
from tests.slack.emulator import TEAM_ID
from tests.slack.signing import signed_interaction
from tests.slack.test_bot_http import SECRET, Bot, bot  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow
PERSON, PLACE = ActorType.PERSON, ActorType.PLACE


@pytest.fixture
def filled(bot: Bot) -> Bot:  # noqa: F811
    store = bot.container.store
    save(
        store,
        "trip",
        "Macron and Starmer head to Washington",
        [
            "Two European leaders travel to the White House this week with a troop plan.",
            "Starmer will follow Macron to Washington on Thursday, officials said.",
        ],
        [Actor("Emmanuel Macron", PERSON, ("Macron",), salience=0.7), STARMER],
        team=TEAM_ID,
    )
    save(
        store,
        "jordan",
        "Jordan hosts talks",
        ["Michael Jordan watched as Jordan hosted regional talks in Amman on Monday."],
        [Actor("Michael Jordan", PERSON, ("Jordan",), salience=0.5), Actor("Jordan", PLACE)],
        team=TEAM_ID,
    )
    save(
        store,
        "board",
        "Union leaders meet in private",
        ["Olena Hart met union leaders on Friday, two people in the room said."],
        [Actor("Olena Hart", PERSON, salience=0.6)],
        team=TEAM_ID,
        channel="G0BOARD",
        private=True,
    )
    return bot


def ask(b: Bot, text: str, channel: str = "C0GENERAL") -> dict[str, Any]:
    b.emulator.reset()
    status, ack, _ = b.command(text, channel_id=channel)
    assert status == 200 and not ack, "answered after the ack"
    [reply] = b.emulator.wait_for("response_url", timeout=10)
    return reply.params


def texts(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_who_answers_with_the_actors_timeline(filled: Bot):
    reply = ask(filled, "who Keir Starmer")
    blocks = reply["blocks"]
    assert reply["response_type"] == "ephemeral"
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Keir Starmer", "emoji": True},
    }
    shown = texts(blocks)
    assert "Person · Prime Minister · also Starmer" in shown
    assert "Macron and Starmer head to Washington" in shown
    assert "Starmer will follow Macron to Washington on Thursday" in shown
    assert "https://ledger.example/trip#:~:text=Starmer%20will%20follow%20Macron" in shown
    assert "Seen most often with:* Emmanuel Macron (1)" in shown
    assert "Keir Starmer" in reply["text"], "the notification text names them too"


def test_an_ambiguous_name_offers_buttons_that_run_the_lookup(filled: Bot):
    reply = ask(filled, "who Jordan")
    [actions] = [b for b in reply["blocks"] if b["type"] == "actions"]
    buttons = actions["elements"]
    assert [b["text"]["text"] for b in buttons] == [
        "Jordan (place) · 1 article",
        "Michael Jordan (person) · 1 article",
    ]
    assert len({b["action_id"] for b in buttons}) == 2
    filled.emulator.reset()
    hook = filled.emulator.response_url("pick")
    assert filled.send(*signed_interaction(SECRET, click(buttons[1], "C0GENERAL", hook)))[0] == 200
    [answer] = filled.emulator.wait_for("response_url", timeout=10)
    assert answer.params["replace_original"] is True
    assert answer.params["blocks"][0]["text"]["text"] == "Michael Jordan"
    assert "Jordan hosts talks" in texts(answer.params["blocks"])


def test_a_name_seen_only_in_a_private_channel_is_unknown_elsewhere(filled: Bot):
    outside = ask(filled, "who Olena Hart")
    assert "Nobody called" in texts(outside["blocks"])
    assert not [b for b in outside["blocks"] if b["type"] == "actions"]
    inside = ask(filled, "who Olena Hart", channel="G0BOARD")
    assert inside["blocks"][0]["text"]["text"] == "Olena Hart"


def test_a_misspelt_name_offers_the_closest_and_no_name_gets_the_help(filled: Bot):
    close = ask(filled, "who Kier Starmr")
    assert 'Nobody called \\"Kier Starmr\\"' in texts(close["blocks"])
    [actions] = [b for b in close["blocks"] if b["type"] == "actions"]
    assert actions["elements"][0]["text"]["text"].startswith("Keir Starmer (person")
    status, ack, _ = filled.command("who")
    assert status == 200 and b"say whose timeline you want" in ack
    assert b"/brief who Keir Starmer" in ack, "the help lists the verb"


def click(button: dict[str, Any], channel: str, response_url: str) -> dict[str, Any]:
    """block_actions as Slack sends them for a button in a message only the clicker sees."""
    return {
        "type": "block_actions",
        "user": {"id": "U0ALICE", "username": "alice", "team_id": TEAM_ID},
        "api_app_id": "A0TEST",
        "token": "verification-token",
        "team": {"id": TEAM_ID, "domain": "briefbot-test"},
        "container": {"type": "message", "channel_id": channel, "is_ephemeral": True},
        "channel": {"id": channel, "name": channel.lower()},
        "trigger_id": "1.2.trigger",
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "who_candidates",
                "value": button["value"],
                "text": button["text"],
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
