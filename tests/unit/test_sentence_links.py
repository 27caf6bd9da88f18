"""What a reader of a briefing sees of issue 14's points 4 and 5: key point links that open
the article at the sentence (text, Markdown, JSON, Block Kit), why each story matched, and
the dates of every article in the JSON."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.briefing.compose import compose_briefing
from bot.briefing.matching import score_article, topic_query
from bot.briefing.model import ArticleView
from bot.briefing.render import briefing_json, render_markdown, render_text
from bot.briefing.status import TextQuality
from handlers.blocks import briefing_blocks
from tests.unit.builders import NOW, actor, article

LEAD = (
    "Russia launched one of its heaviest attacks of the winter on energy facilities around "
    "Kyiv overnight, Ukrainian officials said on Tuesday."
)
SECOND = "Ukraine's air force said Russia had fired 167 drones and 14 missiles at the city."
TEXT = f"KYIV — {LEAD}\n{SECOND}"
URL = "https://harbour.example/world/kyiv-strikes?id=7"


def kyiv(**changes: object) -> ArticleView:
    view = article(
        "Strikes cut power in Kyiv",
        [LEAD, SECOND],
        url=URL,
        outlet="Harbour Times",
        actors=[actor("Ukrenergo", salience=0.6)],
        matched=["kyiv", "ukrainian"],
        relevance=0.8,
    )
    points = tuple(
        replace(p, start=TEXT.index(p.text), end=TEXT.index(p.text) + len(p.text))
        for p in view.key_points
    )
    return replace(view, text=TEXT, key_points=points, **changes)


def brief(*views: ArticleView):  # type: ignore[no-untyped-def]
    return compose_briefing("kyiv", views, now=NOW, since=NOW.replace(day=1))


def test_every_output_links_a_key_point_to_its_sentence_on_the_articles_page():
    b = brief(kyiv())
    first = b.stories[0].points[0]
    assert first.url == URL and first.link.startswith(URL + "#:~:text=")
    assert first.link == (
        URL + "#:~:text=KYIV%20%E2%80%94-,Russia%20launched%20one%20of,"
        "officials%20said%20on%20Tuesday."
    )
    md = render_markdown(b)
    assert f"([Harbour Times]({first.link}))" in md
    blocks, _ = briefing_blocks(b)
    section = next(x for x in blocks if x["type"] == "section")["text"]["text"]
    assert f"<{first.link}|Harbour Times>" in section
    data = briefing_json(b)
    point = data["stories"][0]["key_points"][0]
    assert point["url"] == URL and point["sentence_url"] == first.link
    text = render_text(b)
    assert f"<{first.link}>" in text, "short enough for a terminal line pair"


def test_text_output_keeps_the_plain_url_when_the_sentence_link_is_too_long():
    long_url = "https://harbour.example/" + "world/" * 20 + "kyiv-strikes"
    b = brief(kyiv(url=long_url))
    point = b.stories[0].points[0]
    assert len(point.link) > 160 and point.link.startswith(long_url)
    text = render_text(b, width=200)
    assert f"<{long_url}>" in text and point.link not in text
    assert point.link in render_markdown(b), "Markdown and Slack have no line to fit"


def test_a_teaser_links_its_points_to_the_article_only():
    b = brief(kyiv(extraction=TextQuality.PARTIAL))
    assert all(p.link == URL for p in b.stories[0].points)
    assert "#:~:" not in render_text(b) + render_markdown(b) + json.dumps(briefing_json(b))


def test_each_story_says_what_made_it_match():
    grid = article(
        "Grid operator warns of long repairs",
        ["Repairs to two substations will take weeks."],
        hours_ago=200,
        actors=[actor("Volodymyr Zelensky", salience=0.9)],
        matched=["Volodymyr Zelensky"],
        relevance=0.5,
    )
    b = brief(kyiv(), grid)
    assert [s.matched for s in b.stories] == [("kyiv", "ukrainian"), ("Volodymyr Zelensky",)]
    lines = render_text(b).splitlines()
    assert '   Matched: "Kyiv", "Ukrainian"' in lines
    assert "   Matched: Volodymyr Zelensky" in lines
    md = render_markdown(b)
    assert '_Matched: "Kyiv", "Ukrainian"_' in md and "_Matched: Volodymyr Zelensky_" in md
    data = briefing_json(b)
    assert [s["matched"] for s in data["stories"]] == [
        ["kyiv", "ukrainian"],
        ["Volodymyr Zelensky"],
    ]
    blocks, _ = briefing_blocks(b)
    small = [e["text"] for x in blocks if x["type"] == "context" for e in x["elements"]]
    assert 'Matched: "Kyiv", "Ukrainian"' in small and "Matched: Volodymyr Zelensky" in small


def test_what_made_an_article_match_comes_strongest_first():
    view = article(
        "Strikes on Kyiv cut power",
        ["Kyiv lost power overnight."],
        text="Kyiv lost power overnight. Ukrainian engineers worked through the night.",
    )
    assert score_article(topic_query("ukraine"), view)[1] == ("kyiv", "ukrainian")


def test_json_dates_every_article_when_published_and_first_shared():
    published = NOW.replace(day=2, hour=6)
    b = brief(kyiv(published_at=published))
    [entry] = b.stories[0].articles
    data = briefing_json(b)["stories"][0]["articles"][0]
    assert data["published_at"] == published.isoformat()
    assert data["first_shared_at"] == entry.first_shared_at.isoformat()
    undated = briefing_json(brief(kyiv(published_at=None)))["stories"][0]["articles"][0]
    assert undated["published_at"] is None and undated["first_shared_at"]
