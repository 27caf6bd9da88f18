"""What the person who shared links that cannot be read hears, through Slack: one note a
message listing each link and why, and a link shared again is read again once its backoff
is over (signed events, the Web API emulator, pages on 127.0.0.1)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.slack.signing import message_event
from tests.slack.test_bot_http import KYIV_PAGE, Bot, bot, now_ts  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


def notes_to(b: Bot, user: str) -> list[str]:
    return [
        c.params["text"]
        for c in b.emulator.calls_to("chat.postEphemeral")
        if c.params["user"] == user
    ]


def settle(b: Bot) -> None:
    b.idle()
    time.sleep(0.5)  # a second note, if one were coming, would be posted by now


def test_six_dead_links_in_one_message_get_one_note_listing_each(bot: Bot):  # noqa: F811
    dead = [bot.pages.url(f"/gone/{i}") for i in range(6)]
    good = bot.pages.add("/kyiv", KYIV_PAGE)
    text = "Reading list: " + " ".join(f"<{url}>" for url in [*dead, good])
    bot.event(message_event(text, ts=now_ts(), user="U0BOB"))
    bot.emulator.wait_for("chat.postEphemeral", timeout=20)
    settle(bot)
    [note] = notes_to(bot, "U0BOB")
    assert note.startswith("I couldn't read 6 of the links you shared")
    assert [line.split(">")[0] for line in note.splitlines()[1:]] == [f"• <{u}" for u in dead]
    assert all(line.endswith(": the page answered 404 Not Found") for line in note.splitlines()[1:])
    assert good not in note
    assert bot.emulator.wait_for("reactions.add"), "the readable link was captured"


def test_a_dead_link_shared_again_soon_is_explained_at_once_without_a_fetch(bot: Bot):  # noqa: F811
    first = bot.pages.url("/gone/report")
    bot.event(message_event(f"<{first}>", ts=now_ts(), user="U0BOB"))
    bot.emulator.wait_for("chat.postEphemeral", timeout=20)
    settle(bot)
    other = bot.pages.url("/gone/other")
    bot.event(message_event(f"see <{first}> and <{other}>", ts=now_ts(), user="U0CAROL"))
    bot.emulator.wait_for(
        "chat.postEphemeral", timeout=20, predicate=lambda c: c.params["user"] == "U0CAROL"
    )
    settle(bot)
    [note] = notes_to(bot, "U0CAROL")
    assert note.startswith("I couldn't read 2 of the links") and first in note and other in note
    assert bot.pages.hits["/gone/report"] == 1, "its backoff is not over: not fetched again"
    assert len(notes_to(bot, "U0BOB")) == 1, "the first sharer is not told again"


def test_a_dead_link_shared_again_after_its_backoff_is_read_again(bot: Bot):  # noqa: F811
    url = bot.pages.url("/world/kyiv")
    bot.event(message_event(f"<{url}>", ts=now_ts(), user="U0BOB"))
    bot.emulator.wait_for("chat.postEphemeral", timeout=20)
    settle(bot)
    bot.pages.add("/world/kyiv", KYIV_PAGE)  # the page is back
    later = datetime.now(UTC) + timedelta(minutes=3)
    bot.deps.now = lambda: later
    bot.emulator.reset()
    bot.event(message_event(f"<{url}>", ts=now_ts(), user="U0CAROL"))
    bot.emulator.wait_for("reactions.add", timeout=20)
    settle(bot)
    assert bot.pages.hits["/world/kyiv"] == 2 and not notes_to(bot, "U0CAROL")
    [capture, _] = bot.container.store.channel_captures(team_id="T0TEST", channel_id="C0GENERAL")
    assert capture.status == "done" and capture.title.startswith("Strikes cut power in Kyiv")
