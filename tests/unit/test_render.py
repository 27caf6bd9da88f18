"""A briefing as plain text, Markdown and JSON."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.briefing.compose import compose_briefing
from bot.briefing.model import ActorCount, CitedPoint, Story
from bot.briefing.render import briefing_json, render_markdown, render_text
from bot.briefing.status import TextQuality
from tests.unit.builders import NOW, ORG, PERSON, briefing, story

MACRON = ActorCount("Emmanuel Macron", PERSON, 2, "French President")
STARMER = ActorCount("Keir Starmer", PERSON, 3)
NATO = ActorCount("NATO", ORG, 1)

VISIT = story(
    "Macron and Starmer head to Washington",
    ["Macron and Starmer plan to visit Washington.", "Troops could enforce a ceasefire."],
    url="https://a.example/visit",
    outlet="Outlet A",
    status="new",
    actors=[MACRON, STARMER],
)
SPENDING = story(
    "UK to raise defence spending to 2.5% of GDP",
    ["Spending will rise to 2.5% of GDP by 2027."],
    url="https://b.example/spend",
    outlet="Outlet B",
    status="update",
)
FULL = briefing(
    [VISIT, SPENDING],
    leading=[STARMER, MACRON, NATO],
    new_actors=["Pete Hegseth"],
    matched=["ukrainian", "Volodymyr Zelensky"],
)
EMPTY = compose_briefing("ukraine", [], now=NOW, since=FULL.since)


def test_text_reads_heading_stories_points_and_footer_in_order() -> None:
    text = render_text(FULL)
    lines = text.splitlines()
    assert lines[0] == "Ukraine · 2 stories from 2 articles shared in the last 7 days"
    assert lines[2] == "1. Macron and Starmer head to Washington  [NEW]  (1 source)"
    assert "   • Macron and Starmer plan to visit Washington. <https://a.example/visit>" in lines
    assert "   Who: Emmanuel Macron (French President) · Keir Starmer" in lines
    assert "2. UK to raise defence spending to 2.5% of GDP  [UPDATE]  (1 source)" in lines
    assert text.index("1. Macron") < text.index("2. UK") < text.index("Who is involved")
    assert "Who is involved: Keir Starmer (3) · Emmanuel Macron (2) · NATO (1)" in lines
    assert "New to this topic: Pete Hegseth" in lines
    assert 'Matched: "Ukrainian", Volodymyr Zelensky' in lines


def test_text_counts_stories_left_out() -> None:
    assert "…and 3 more stories." in render_text(briefing([VISIT], omitted=3))
    one_more = render_text(briefing([VISIT], omitted=1))
    assert "…and 1 more story." in one_more
    assert "Ukraine · 2 stories" in one_more


def test_text_wraps_without_breaking_links() -> None:
    long = story("h", ["word " * 60 + "end."], url="https://a.example/" + "x" * 120)
    lines = render_text(briefing([long]), width=60).splitlines()
    assert any(line.strip() == "<https://a.example/" + "x" * 120 + ">" for line in lines)
    assert all(len(line) <= 60 for line in lines if "https://" not in line)


def test_empty_text_is_the_honest_message() -> None:
    assert render_text(EMPTY) == "Nothing on ukraine was shared in the last 7 days.\n", (
        "a line of its own, like any briefing's last"
    )
    assert render_markdown(EMPTY) == "_Nothing on ukraine was shared in the last 7 days._\n"


def test_markdown_links_headlines_and_cites_outlets() -> None:
    md = render_markdown(FULL)
    assert md.startswith("## Ukraine · 2 stories")
    assert (
        "### 1. [Macron and Starmer head to Washington](https://a.example/visit) **NEW** · 1 source"
        in md
    )
    assert "- Troops could enforce a ceasefire. ([Outlet A](https://a.example/visit))" in md
    assert "**UPDATE**" in md
    assert "**New to this topic:** Pete Hegseth" in md


def test_markdown_escapes_its_control_characters() -> None:
    hostile = story(
        "Shares *soar* as [bank]_fund_ rallies", ["A 10*2 gain [est]_ly_."], outlet="A_B [x]"
    )
    md = render_markdown(briefing([hostile]))
    assert r"[Shares \*soar\* as \[bank\]\_fund\_ rallies](" in md
    assert r"- A 10\*2 gain \[est\]\_ly\_. ([A\_B \[x\]](" in md
    assert "*soar*" not in md


def test_markdown_says_one_more_story() -> None:
    assert "_…and 1 more story._" in render_markdown(briefing([VISIT], omitted=1))


def test_json_round_trips_and_keeps_citations() -> None:
    data = briefing_json(FULL)
    assert json.loads(json.dumps(data)) == data
    first = data["stories"][0]
    assert first["headline"] == VISIT.headline
    assert first["status"] == "new"
    assert first["sources"] == 1
    assert first["key_points"][0] == {
        "text": "Macron and Starmer plan to visit Washington.",
        "url": "https://a.example/visit",
        "sentence_url": None,
        "outlet": "Outlet A",
        "sources": 1,
    }
    assert first["actors"][0] == {
        "name": "Emmanuel Macron",
        "type": "person",
        "articles": 2,
        "role": "French President",
    }
    assert data["new_actors"] == ["Pete Hegseth"]
    assert data["since"] == "2025-02-25T12:00:00+00:00"
    assert data["empty_message"] is None


def test_json_of_an_empty_briefing() -> None:
    data = briefing_json(EMPTY)
    assert json.loads(json.dumps(data)) == data
    assert data["stories"] == []
    assert data["empty_message"] == "Nothing on ukraine was shared in the last 7 days."


# --- "3 sources" beside a point others state too; what a story built from teasers lacks ---

TOLL = "The earthquake killed 40 people in Malatya."
MAYOR = "The mayor asked for tents."
QUAKE = replace(
    story("Earthquake in Malatya", url="https://wire.example/quake", outlet="Wire One"),
    points=(
        CitedPoint(TOLL, "https://wire.example/quake", "Wire One", sources=3),
        CitedPoint(MAYOR, "https://wire.example/quake", "Wire One"),
    ),
)


def read_as(s: Story, *qualities: TextQuality) -> Story:
    """The story told by one article of each quality (same outlet, distinct addresses)."""
    [view] = s.articles
    views = [
        replace(view, id=view.id + n, url=f"{view.url}/{n}", extraction=q)
        for n, q in enumerate(qualities)
    ]
    return replace(s, articles=tuple(views))


def line_with(text: str, needle: str) -> str:
    [line] = [line for line in text.splitlines() if needle in line]
    return line


def test_text_gives_the_count_beside_a_point_other_outlets_state() -> None:
    text = render_text(briefing([QUAKE]))
    assert f"   • {TOLL} (3 sources) <https://wire.example/quake>" in text.splitlines()
    assert "sources)" not in line_with(text, MAYOR)
    assert text.count("3 sources") == 1


def test_markdown_gives_the_count_after_the_points_citation() -> None:
    md = render_markdown(briefing([QUAKE]))
    assert f"- {TOLL} ([Wire One](https://wire.example/quake)) _3 sources_" in md.splitlines()
    assert "sources" not in line_with(md, MAYOR)


def test_json_gives_every_point_its_count() -> None:
    points = briefing_json(briefing([QUAKE]))["stories"][0]["key_points"]
    assert [(p["text"], p["sources"]) for p in points] == [(TOLL, 3), (MAYOR, 1)]


def test_a_story_read_only_in_part_says_so_beside_its_headline() -> None:
    teaser = read_as(VISIT, TextQuality.PARTIAL)
    b = briefing([teaser, SPENDING])
    text = render_text(b, width=200)
    assert line_with(text, "1. Macron").endswith(
        "(1 source)  (read in part: the full article could not be read)"
    )
    assert "could not be read" not in line_with(text, "2. UK")
    narrow = render_text(b, width=60).splitlines()
    assert narrow[2:4] == [
        "1. Macron and Starmer head to Washington  [NEW]  (1 source)",
        "   (read in part: the full article could not be read)",
    ]
    md = render_markdown(b)
    assert line_with(md, "### 1.").endswith(
        " · 1 source · _read in part: the full article could not be read_"
    )
    assert "read in part" not in line_with(md, "### 2.")
    first, second = briefing_json(b)["stories"]
    assert (first["reading"], first["reading_note"]) == (
        "partial",
        "read in part: the full article could not be read",
    )
    assert (second["reading"], second["reading_note"]) == ("full", None)


def test_a_story_of_descriptions_only_says_headline_and_summary_only() -> None:
    one = read_as(VISIT, TextQuality.METADATA)
    headline = line_with(render_text(briefing([one])), "1. Macron")
    assert headline.endswith("(1 source)  (headline and summary only)")
    two = read_as(VISIT, TextQuality.METADATA, TextQuality.METADATA)
    assert "(headlines and summaries only)" in render_text(briefing([two]))
    assert briefing_json(briefing([two]))["stories"][0]["reading"] == "metadata"


def test_one_article_read_in_full_is_enough_for_no_note() -> None:
    mixed = read_as(VISIT, TextQuality.METADATA, TextQuality.FULL, TextQuality.PARTIAL)
    assert mixed.reading is TextQuality.FULL
    b = briefing([mixed])
    assert "could not be read" not in render_text(b)
    assert line_with(render_markdown(b), "### 1.").endswith("· 1 source")
    assert briefing_json(b)["stories"][0]["reading_note"] is None
    teasers = read_as(VISIT, TextQuality.METADATA, TextQuality.PARTIAL)
    assert teasers.reading is TextQuality.PARTIAL
    plural = render_text(briefing([teasers]), width=200)
    assert "(read in part: the full articles could not be read)" in plural
