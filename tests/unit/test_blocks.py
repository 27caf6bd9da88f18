"""Block Kit: briefings, help and status fit Slack's limits and cannot be hijacked."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.briefing.model import ActorCount, Briefing, CitedPoint, Story
from bot.briefing.status import TextQuality
from bot.ports import Capture
from handlers.blocks import (
    briefing_blocks,
    error_blocks,
    escape,
    link,
    status_blocks,
)
from handlers.verbs import help_blocks
from tests.unit.builders import PERSON, briefing, story

MAX_BLOCKS, SECTION, HEADER, CONTEXT = 50, 3000, 150, 3000


def check_limits(blocks: list[dict[str, Any]]) -> None:
    """Slack's documented limits, and the SDK's own validation of each block."""
    assert 0 < len(blocks) <= MAX_BLOCKS
    for b in blocks:
        if b["type"] == "header":
            assert 0 < len(b["text"]["text"]) <= HEADER
        elif b["type"] == "section":
            assert 0 < len(b["text"]["text"]) <= SECTION
        elif b["type"] == "context":
            assert 0 < len(b["elements"]) <= 10
            assert all(0 < len(e["text"]) <= CONTEXT for e in b["elements"])
        parsed = Block.parse(b)
        assert parsed is not None, f"the SDK does not know a {b['type']!r} block"
        parsed.to_dict()  # raises SlackObjectFormationError beyond a limit


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    out = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"]["text"])
        out += [e["text"] for e in b.get("elements", [])]
    return out


def many(n: int, **kw: Any) -> list[Story]:
    return [story(f"Story {i}", url=f"https://o.example/{i}", **kw) for i in range(n)]


def test_briefing_has_header_heading_stories_and_footer() -> None:
    b = briefing(
        [
            story(
                "Kyiv hit by drones",
                ["Five people were injured."],
                status="new",
                actors=[ActorCount("Volodymyr Zelensky", PERSON, 1, "Ukrainian President")],
            )
        ],
        leading=[ActorCount("Volodymyr Zelensky", PERSON, 1)],
        matched=["kyiv"],
    )
    blocks, fallback = briefing_blocks(b)
    check_limits(blocks)
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == "Ukraine"
    body = "\n".join(texts(blocks))
    assert "*1. <https://outlet.example/news/1|Kyiv hit by drones>*  `NEW`  _1 source_" in body
    assert "• Five people were injured. (<https://outlet.example/news/1|Outlet A>)" in body
    assert "Who: Volodymyr Zelensky (Ukrainian President)" in body
    assert "Shared by <@U1>" in body
    assert "*Who is involved:* Volodymyr Zelensky (1)" in body
    assert 'Matched: "Kyiv"' in body
    assert fallback.startswith("Ukraine · 1 story from 1 article")


def test_title_replaces_the_header() -> None:
    blocks, _ = briefing_blocks(briefing(many(1)), title="Morning briefing: Ukraine")
    assert blocks[0]["text"]["text"] == "Morning briefing: Ukraine"


def test_empty_briefing_is_one_section_with_a_fallback() -> None:
    msg = "Nothing on ukraine was shared in the last 7 days."
    blocks, fallback = briefing_blocks(briefing([], empty_message=msg))
    check_limits(blocks)
    assert texts(blocks) == [f"_{msg}_"]
    assert fallback == msg


def test_sixty_stories_fit_in_fifty_blocks_and_say_how_many_more() -> None:
    blocks, fallback = briefing_blocks(briefing(many(60)))
    check_limits(blocks)
    shown = sum(bool(re.match(r"\*\d+\. <", t)) for t in texts(blocks))
    more = [t for t in texts(blocks) if "more stories" in t]
    assert more == [f"…and {60 - shown} more stories"]
    assert shown >= 5
    assert fallback


def test_stories_left_out_by_compose_are_counted() -> None:
    blocks, _ = briefing_blocks(briefing(many(5), omitted=1))
    assert texts(blocks)[-1] == "…and 1 more story"


def test_a_huge_key_point_keeps_the_section_within_limits() -> None:
    blocks, _ = briefing_blocks(briefing([story("Big", ["x" * 10_000])]))
    check_limits(blocks)
    assert any(t.startswith("*1. <https://outlet.example/news/1|Big>*") for t in texts(blocks))


def test_points_after_a_huge_one_are_still_shown() -> None:
    blocks, _ = briefing_blocks(
        briefing([story("Big", ["x" * 10_000, "Five people were injured."])])
    )
    assert any("Five people were injured." in t for t in texts(blocks))


def test_a_long_topic_keeps_the_header_within_limits() -> None:
    blocks, _ = briefing_blocks(briefing(many(2), topic="ukraine " * 50))
    check_limits(blocks)
    assert blocks[0]["text"]["text"].endswith("…")


def test_a_400_character_headline_keeps_every_block_within_limits() -> None:
    headline = "Headline " * 45
    blocks, _ = briefing_blocks(briefing([story(headline)]), title=headline)
    check_limits(blocks)
    assert len(blocks[0]["text"]["text"]) <= HEADER
    assert any(headline[:250] in t for t in texts(blocks)), "the headline is shown, shortened"


def test_a_headline_longer_than_a_section_keeps_its_link_closed() -> None:
    blocks, _ = briefing_blocks(briefing([story("H" * 4000)]))
    check_limits(blocks)
    first = next(t for t in texts(blocks) if t.startswith("*1. <"))
    assert re.match(r"\*1\. <https://outlet\.example/news/1\|H+…?>\*", first)


HOSTILE = "<!channel> Win a prize & <@U0ADMIN> <https://evil.example|click>"


def test_a_hostile_headline_cannot_ping_or_link() -> None:
    s = story(
        HOSTILE,
        [f"Point {HOSTILE}"],
        outlet="<!here>",
        actors=[ActorCount("<!everyone>", PERSON, 1)],
    )
    blocks, _ = briefing_blocks(
        briefing(
            [s],
            leading=[ActorCount("<!subteam^S1>", PERSON, 1)],
            new_actors=["<@U9>"],
            matched=["<!here>"],
        )
    )
    check_limits(blocks)
    body = "\n".join(texts(blocks))
    for bad in (
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<@U0ADMIN>",
        "<https://evil",
        "<!subteam",
        "<@U9>",
    ):
        assert bad not in body
    assert "&lt;!channel&gt; Win a prize &amp; &lt;@U0ADMIN&gt;" in body
    assert "<https://outlet.example/news/1|" in body  # Briefbot's own links still work


def test_a_hostile_headline_cannot_ping_through_the_fallback_text() -> None:
    _, fallback = briefing_blocks(briefing([story(HOSTILE, [f"Point {HOSTILE}"])]))
    assert "<!channel>" not in fallback
    assert "<@U0ADMIN>" not in fallback


def test_escape_and_link() -> None:
    assert escape("a & b <c> d") == "a &amp; b &lt;c&gt; d"
    assert (
        link("https://e.example/a?x=1|y>", "A | B <c>")
        == "<https://e.example/a?x=1%7Cy%3E|A ¦ B &lt;c&gt;>"
    )
    assert link("", "just text & more") == "just text &amp; more"


# --- property: limits hold for any briefing ---------------------------------------------

_text = st.text(st.sampled_from("ab <>&|*_é\n"), min_size=1, max_size=4000)


@st.composite
def briefings(draw: st.DrawFn) -> Briefing:
    n = draw(st.integers(0, 70))
    headline = draw(_text)
    point = draw(_text)
    npoints = draw(st.integers(0, 4))
    nactors = draw(st.integers(0, 20))
    actors = [ActorCount(f"{draw(_text)[:300]}{i}", PERSON, 1) for i in range(nactors)]
    stories = [
        story(
            f"{headline}{i}",
            [f"{point}{j}" for j in range(npoints)],
            url=f"https://o.example/{i}",
            actors=actors,
            shared_by=[f"U{k}" for k in range(draw(st.integers(0, 8)))],
        )
        for i in range(n)
    ]
    quality = draw(st.sampled_from(TextQuality))
    stories = [
        replace(
            s,
            articles=tuple(replace(a, extraction=quality) for a in s.articles),
            points=tuple(replace(p, sources=draw(st.integers(1, 9))) for p in s.points),
        )
        for s in stories
    ]
    return briefing(
        stories,
        topic=draw(_text).strip() or "x",
        omitted=draw(st.integers(0, 3)) if n else 0,
        leading=actors,
        new_actors=[a.name for a in actors],
        matched=[a.name for a in actors[:8]],
        empty_message="Nothing here." if not n else "",
    )


@settings(max_examples=60, deadline=None)
@given(briefings())
def test_any_briefing_stays_within_slack_limits(b: Briefing) -> None:
    blocks, fallback = briefing_blocks(b)
    check_limits(blocks)
    assert fallback
    more = [t for t in texts(blocks) if re.fullmatch(r"…and \d+ more stor(y|ies)", t)]
    shown = sum(blk["type"] == "divider" for blk in blocks) - _has_footer(b)  # a divider each
    hidden = len(b.stories) + b.omitted_stories - shown
    if hidden:
        assert more == [f"…and {hidden} more {'story' if hidden == 1 else 'stories'}"]
    else:
        assert more == []


def _has_footer(b: Briefing) -> bool:
    return bool(b.leading_actors or b.new_actors or b.matched) and not b.is_empty


# --- help and status ---------------------------------------------------------------------


def test_help_lists_the_commands_and_carries_a_note() -> None:
    blocks, fallback = help_blocks(note="Cannot read the time window 'x' <!here>.")
    check_limits(blocks)
    body = "\n".join(texts(blocks))
    assert "`/brief ukraine since 3d`" in body and "`/brief ukraine public`" in body
    assert "&lt;!here&gt;" in body and "<!here>" not in body
    assert "/brief ukraine" in fallback


def _capture(status: str, title: str = "", reason: str | None = None) -> Capture:
    return Capture(
        url="https://e.example/a",
        title=title,
        status=status,
        failure_reason=reason,
        user_id="U1",
        shared_at=datetime(2025, 3, 4, tzinfo=UTC),
    )


def test_status_shows_each_capture_and_why_it_failed() -> None:
    caps = [
        _capture("done", "Kyiv & Kharkiv"),
        _capture("failed", "", "the page <b>timed out</b>"),
        _capture("pending", "Waiting"),
    ]
    blocks, fallback = status_blocks(caps)
    check_limits(blocks)
    body = "\n".join(texts(blocks))
    assert "(3 links, 1 failed)" in body
    assert "✅ <https://e.example/a|Kyiv &amp; Kharkiv> <@U1>" in body
    assert (
        "⚠️ <https://e.example/a|https://e.example/a> <@U1> — the page &lt;b&gt;timed out&lt;/b&gt;"
        in body
    )
    assert "⏳" in body and fallback


def test_status_says_when_an_article_was_read_only_in_part() -> None:
    partial = replace(_capture("done", "Long report"), quality=TextQuality.PARTIAL)
    whole = replace(_capture("done", "Short news"), quality=TextQuality.FULL)
    body = "\n".join(texts(status_blocks([partial, whole])[0]))
    [long_line] = [line for line in body.splitlines() if "Long report" in line]
    [short_line] = [line for line in body.splitlines() if "Short news" in line]
    assert "read in part" in long_line and "read in part" not in short_line


def test_status_of_many_long_captures_fits() -> None:
    blocks, _ = status_blocks([_capture("failed", "T" * 500, "r" * 2000) for _ in range(40)])
    check_limits(blocks)


def test_status_without_captures_invites_a_share() -> None:
    blocks, fallback = status_blocks([])
    assert "Share an article link" in fallback
    check_limits(blocks)


def test_error_is_escaped_in_its_blocks_and_its_fallback() -> None:
    blocks, fallback = error_blocks("no <!channel> & co")
    assert texts(blocks) == [":warning: no &lt;!channel&gt; &amp; co"]
    assert fallback == ":warning: no &lt;!channel&gt; &amp; co"


def test_help_escapes_its_note_in_the_fallback_too() -> None:
    blocks, fallback = help_blocks(note="I do not follow '<!here> r&d'.")
    assert "&lt;!here&gt; r&amp;d" in texts(blocks)[0]
    assert fallback.startswith("I do not follow '&lt;!here&gt; r&amp;d'.")


def test_a_link_is_made_only_of_a_web_address() -> None:
    assert link("<!here>", "x") == "x"
    assert link("@U1", "") == "@U1"
    assert link("javascript:alert(1)", "<b>") == "&lt;b&gt;"
    assert link("https://e.example/?a=1&b=<2> 3", "") == "<https://e.example/?a=1&b=%3C2%3E%203>"


def test_a_capture_failure_note_escapes_the_reason_and_the_address() -> None:
    from handlers.blocks import failure_note

    note = failure_note("https://e.example/a>b", "the page said <!channel>")
    assert note.startswith("I couldn't read <https://e.example/a%3Eb>:")
    assert "&lt;!channel&gt;" in note and "<!channel>" not in note


def test_a_story_says_who_shared_it_where_and_when_in_the_readers_time_zone() -> None:
    from dataclasses import replace

    from tests.unit.builders import article

    view = article(
        "Grid repairs",
        ["Engineers restored power overnight."],
        shared_by=("U0ANA", "U0BEN"),
        shared=datetime(2025, 2, 18, 9, 12, tzinfo=UTC),
    )
    one = replace(story("Grid repairs"), articles=(view,))
    blocks, _ = briefing_blocks(briefing([one]))
    meta = " ".join(texts(blocks))
    assert "Shared by <@U0ANA>, <@U0BEN> in <#C1>" in meta
    assert "<!date^1739869920^{date_short_pretty} {time}|Tue 18 Feb 09:12 UTC>" in meta


# --- corroboration and partial reading -------------------------------------------------


def test_a_point_other_outlets_state_carries_its_count_after_its_link() -> None:
    url = "https://wire.example/quake"
    quake = replace(
        story("Earthquake in Malatya", url=url, outlet="Wire One"),
        points=(
            CitedPoint("The earthquake killed 40 people & more.", url, "Wire One", sources=3),
            CitedPoint("The mayor asked for tents.", url, "Wire One"),
        ),
    )
    blocks, fallback = briefing_blocks(briefing([quake]))
    check_limits(blocks)
    lines = "\n".join(texts(blocks)).splitlines()
    assert f"• The earthquake killed 40 people &amp; more. (<{url}|Wire One>) _3 sources_" in lines
    assert f"• The mayor asked for tents. (<{url}|Wire One>)" in lines
    assert fallback.count("3 sources") == 1


def test_a_story_read_only_from_teasers_says_so_beside_its_headline() -> None:
    teaser, whole = story("Pier to be rebuilt"), story("Harbour strike", url="https://o.example/2")
    [view] = teaser.articles
    teaser = replace(teaser, articles=(replace(view, extraction=TextQuality.METADATA),))
    blocks, _ = briefing_blocks(briefing([teaser, whole]))
    check_limits(blocks)
    [first] = [t for t in texts(blocks) if t.startswith("*1. ")]
    [second] = [t for t in texts(blocks) if t.startswith("*2. ")]
    assert first.splitlines()[0].endswith("*  _1 source_ · _headline and summary only_")
    assert second.splitlines()[0].endswith("*  _1 source_")


def test_an_app_home_row_notes_a_story_read_from_its_description_alone() -> None:
    from handlers.home import story_row

    plain = story("Pier <b> to be rebuilt")
    [view] = plain.articles
    summary = replace(plain, articles=(replace(view, extraction=TextQuality.METADATA),))
    row = story_row(summary)["text"]["text"]
    assert row.endswith("|Pier &lt;b&gt; to be rebuilt>* · 1 source · _headline and summary only_")
    assert story_row(plain)["text"]["text"].endswith("* · 1 source")
