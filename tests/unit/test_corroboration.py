"""How many outlets of a story state each key point's fact ("3 sources" beside a point)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.briefing.corroboration import corroborations, outlets_stating, states
from bot.briefing.model import ArticleView, CitedPoint, KeyPoint
from bot.briefing.stories import best_points

WHEN = datetime(2025, 2, 24, 9, 0, tzinfo=UTC)


def article(n: int, outlet: str, *points: str, text: str = "") -> ArticleView:
    return ArticleView(
        id=n,
        url=f"https://{outlet.lower().replace(' ', '')}.example/{n}",
        title="Earthquake in eastern Turkey",
        outlet=outlet,
        published_at=None,
        first_shared_at=WHEN,
        key_points=tuple(KeyPoint(p, 0, len(p), 1.0, r) for r, p in enumerate(points)),
        actors=(),
        text=text,
    )


TOLL = "The earthquake killed 40 people in the province of Malatya on Monday."
STORY = [
    article(1, "Wire One", TOLL, "The mayor of Malatya asked for tents and blankets."),
    article(
        2, "Daily Two", "At least 40 people were killed in Malatya province by Monday's quake."
    ),
    article(
        3, "Radio Three", "Monday's earthquake killed 40 people across Malatya, officials said."
    ),
    article(4, "Paper Four", "Rescuers searched collapsed buildings through the night."),
]


def cited(text: str, source: ArticleView) -> CitedPoint:
    return CitedPoint(text=text, url=source.url, outlet=source.outlet)


def test_a_fact_three_outlets_report_in_their_own_words_has_three_sources():
    assert corroborations([cited(TOLL, STORY[0])], STORY) == [3]
    assert outlets_stating(cited(TOLL, STORY[0]), STORY) == {"Wire One", "Daily Two", "Radio Three"}


def test_a_fact_one_outlet_alone_reports_has_one_source():
    point = cited("The mayor of Malatya asked for tents and blankets.", STORY[0])
    assert corroborations([point], STORY) == [1]


def test_counts_follow_the_points_in_order():
    points = [
        cited("Rescuers searched collapsed buildings through the night.", STORY[3]),
        cited(TOLL, STORY[0]),
    ]
    assert corroborations(points, STORY) == [1, 3]


def test_two_articles_from_one_outlet_count_once():
    again = article(5, "Daily Two", "The quake killed 40 people in Malatya province on Monday.")
    assert corroborations([cited(TOLL, STORY[0])], [*STORY, again]) == [3]


def test_a_different_number_is_a_different_fact():
    other = [
        STORY[0],
        article(6, "Daily Six", "The earthquake killed 14 people in the province of Malatya."),
    ]
    assert corroborations([cited(TOLL, STORY[0])], other) == [1]


def test_a_sentence_of_the_text_counts_beside_the_key_points():
    body = (
        "Rescuers worked through the night.\n"
        "Officials said the earthquake killed 40 people in Malatya province on Monday. "
        "Schools were closed."
    )
    other = article(7, "Site Seven", "Rescuers worked through the night.", text=body)
    assert corroborations([cited(TOLL, STORY[0])], [STORY[0], other]) == [2]


def test_sharing_a_few_topic_words_is_not_stating_the_fact():
    assert not states(TOLL, "Malatya is a province in eastern Turkey known for apricots.")
    assert states(TOLL, "Monday's earthquake killed 40 people in Malatya province.")


def test_a_point_from_an_outlet_without_a_name_counts_its_host():
    nameless = ArticleView(
        id=8,
        url="https://www.news.example/quake",
        title="Quake",
        outlet="",
        published_at=None,
        first_shared_at=WHEN,
        key_points=(KeyPoint(TOLL, 0, len(TOLL), 1.0),),
        actors=(),
    )
    point = CitedPoint(text=TOLL, url=nameless.url, outlet="news.example")
    assert outlets_stating(point, [nameless, STORY[1]]) == {"news.example", "Daily Two"}


def test_best_points_count_every_article_of_the_story_not_only_those_they_are_chosen_from():
    [toll] = best_points(STORY, limit=1)
    assert (toll.text, toll.outlet, toll.sources) == (TOLL, "Wire One", 3)
    chosen = best_points(STORY, limit=3)
    assert [p.sources for p in chosen] == [3, 1, 1]
    assert [p.outlet for p in chosen] == ["Wire One", "Paper Four", "Wire One"]
