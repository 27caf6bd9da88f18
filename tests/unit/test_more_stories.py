"""The "More stories" button in Block Kit, and the value it carries (pure)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.briefing.model import BriefingAsk
from bot.briefing.more import MAX_SHOWN, more_value, read_more_value
from bot.briefing.render import render_text
from handlers.blocks import MAX_BLOCKS, MORE_STORIES, briefing_blocks
from tests.unit.builders import NOW, briefing, story

ASK = BriefingAsk("ukraine", NOW - timedelta(days=7), NOW, ("kyiv", "zelensky"))


def stories(n: int, start: int = 1):  # type: ignore[no-untyped-def]
    return [story(f"Story {i}", url=f"https://outlet.example/{i}") for i in range(start, start + n)]


def buttons(blocks: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_a_briefing_that_leaves_stories_out_offers_the_rest():
    blocks, _ = briefing_blocks(replace(briefing(stories(5), omitted=2), asked=ASK))
    assert any("…and 2 more stories" in json.dumps(b, ensure_ascii=False) for b in blocks)
    [button] = buttons(blocks)
    assert button["action_id"] == MORE_STORIES and button["text"]["text"] == "More stories"
    assert read_more_value(button["value"]) == (
        replace(ASK, since=ASK.since.replace(microsecond=0)),
        5,
    ), "what to ask again, and that five stories were shown"


def test_no_button_when_nothing_is_left_out_or_it_cannot_be_asked_again():
    assert buttons(briefing_blocks(replace(briefing(stories(3)), asked=ASK))[0]) == []
    without = briefing_blocks(briefing(stories(5), omitted=2))[0]  # an App Home-like briefing
    assert buttons(without) == [] and "…and 2 more stories" in json.dumps(
        without, ensure_ascii=False
    )
    huge = replace(ASK, terms=tuple(f"term number {i}" for i in range(300)))
    assert more_value(huge, 5) is None
    assert buttons(briefing_blocks(replace(briefing(stories(5), omitted=1), asked=huge))[0]) == []


def test_the_rest_is_numbered_on_from_the_first_part_and_says_which_it_is():
    rest = replace(briefing(stories(2, start=6), omitted=0), first=6, asked=ASK)
    blocks, fallback = briefing_blocks(rest)
    shown = json.dumps(blocks, ensure_ascii=False)
    assert blocks[0]["text"]["text"] == "Ukraine: more stories"
    assert "Stories 6–7 of 7" in shown
    assert "*6. <https://outlet.example/6|Story 6>*" in shown and "*1. " not in shown
    assert render_text(rest).splitlines()[2].startswith("6. Story 6")
    assert "Ukraine · 7 stories" in fallback


def test_a_briefing_too_long_for_one_message_pages_the_rest_with_the_button():
    blocks, _ = briefing_blocks(replace(briefing(stories(40)), asked=ASK))
    assert len(blocks) <= MAX_BLOCKS
    [button] = buttons(blocks)
    _, shown = read_more_value(button["value"]) or (None, 0)
    numbers = [b for b in blocks if b["type"] == "section"]
    assert shown == len(numbers) and 10 <= shown < 40


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "{not json",
        "[]",
        json.dumps({"t": "ukraine", "s": 1, "u": 2}),
        json.dumps({"t": "ukraine", "s": 1, "u": 2, "n": True}),
        json.dumps({"t": "ukraine", "s": 1, "u": 2, "n": 0}),
        json.dumps({"t": "ukraine", "s": 1, "u": 2, "n": MAX_SHOWN + 1}),
        json.dumps({"t": "ukraine", "s": 5, "u": 2, "n": 5}),
        json.dumps({"t": "ukraine", "s": 1, "u": 10**12, "n": 5}),
        json.dumps({"t": " ", "s": 1, "u": 2, "n": 5}),
        json.dumps({"t": "ukraine", "s": 1, "u": 2, "n": 5, "m": [1]}),
        json.dumps({"t": "ukraine", "s": 1, "u": 2, "n": 5, "pad": "x" * 2000}),
    ],
)
def test_a_value_briefbot_did_not_build_asks_for_nothing(value):
    assert read_more_value(value) is None
