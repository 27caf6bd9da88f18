"""/brief who in Block Kit: what a reader sees, within Slack's limits, nothing a page says
able to notify anyone."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.briefing.timeline import ActorProfile, WhoAnswer, build_timeline
from handlers.who import PICK, who_blocks
from tests.unit.builders import PERSON, PLACE, actor, article

HART = ActorProfile(3, "Olena Hart", PERSON, ("Hart",), "grid engineer", 12)


def stories(n: int):  # type: ignore[no-untyped-def]
    return [
        article(
            f"Grid repairs, week {i} <!here>",
            [f"Olena Hart said crews fixed {i} substations & lines <@U1>."],
            hours_ago=24 * 6 * i,
            actors=[actor("Olena Hart", aliases=("Hart",), salience=0.8)],
        )
        for i in range(1, n + 1)
    ]


def test_a_timeline_is_a_header_a_dated_section_per_story_and_who_is_with_them():
    views = stories(3)
    views[0] = replace(views[0], actors=(*views[0].actors, actor("Ukrenergo", salience=0.6)))
    blocks, fallback = who_blocks(WhoAnswer("hart", build_timeline(HART, views)))
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == "Olena Hart"
    assert blocks[1]["elements"][0]["text"] == "Person · grid engineer · also Hart"
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(sections) == 3 and "week 1" in sections[0] and "week 3" in sections[2]
    assert sections[0].startswith("*<!date^") and f"<{views[0].url}|" in sections[0]
    assert "Seen most often with:* Ukrenergo (1)" in json.dumps(blocks)
    assert "Olena Hart" in fallback


def test_nothing_from_a_page_can_mention_or_notify():
    blocks, fallback = who_blocks(WhoAnswer("hart", build_timeline(HART, stories(2))))
    shown = json.dumps(blocks)
    assert "<!here>" not in shown and "<@U1>" not in shown and "<!here>" not in fallback
    assert "&lt;!here&gt;" in shown and "&amp; lines" in shown


def test_a_long_timeline_stays_within_slacks_limits():
    blocks, fallback = who_blocks(WhoAnswer("hart", build_timeline(HART, stories(40))))
    assert len(blocks) <= 50 and len(fallback) <= 3000
    assert "…and 30 earlier stories" in json.dumps(blocks, ensure_ascii=False)
    for b in blocks:
        if b["type"] == "section":
            assert len(b["text"]["text"]) <= 3000


def test_candidates_are_buttons_with_their_own_action_ids():
    hart = ActorProfile(4, "Hart <!channel>", PLACE, (), None, 1)
    answer = WhoAnswer("Hart", candidates=(HART, hart), ambiguous=True)
    blocks, _ = who_blocks(answer)
    [actions] = [b for b in blocks if b["type"] == "actions"]
    ids = [e["action_id"] for e in actions["elements"]]
    assert ids == [f"{PICK}0", f"{PICK}1"]
    assert [e["value"] for e in actions["elements"]] == ["3", "4"]
    texts = [e["text"]["text"] for e in actions["elements"]]
    assert texts[0] == "Olena Hart (person, grid engineer) · 12 articles"
    assert all(len(t) <= 75 and "<!channel>" not in t for t in texts)
    nobody, _ = who_blocks(WhoAnswer("Nobody Here"))
    assert not [b for b in nobody if b["type"] == "actions"]
    assert "Nobody called" in json.dumps(nobody)
