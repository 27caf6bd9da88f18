"""Trends: weekly counts, who rose, the sparkline and the line that carries them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.briefing.trend import (
    build_trend,
    parse_trend,
    rising_text,
    sparkline,
    trend_line,
    week_starts,
)
from bot.errors import UsageError
from tests.unit.builders import ORG, PERSON, PLACE, actor, article

NOW = datetime(2025, 3, 5, 15, 0, tzinfo=UTC)  # a Wednesday
MONDAY = datetime(2025, 3, 3, tzinfo=UTC)


def on(day: datetime, *names: str, kind=PERSON, salience: float = 0.5):
    return article("A story", shared=day, actors=[actor(n, kind, salience=salience) for n in names])


@pytest.mark.parametrize(
    ("text", "topic", "weeks"),
    [
        ("ukraine 12w", "ukraine", 12),
        ("energy prices 8 weeks", "energy prices", 8),
        ("ukraine", "ukraine", 12),
        ("covid 19", "covid 19", 12),  # a number alone is part of the topic
        ("g7 4wk", "g7", 4),
    ],
)
def test_the_topic_and_its_span_are_read(text, topic, weeks):
    assert parse_trend(text) == (topic, weeks)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "which topic"),
        ("12w", "which topic"),
        ("ukraine 1w", "2 to 104"),
        ("ukraine 200w", "2 to 104"),
    ],
)
def test_a_trend_that_cannot_be_read_says_why(text, says):
    with pytest.raises(UsageError, match=says):
        parse_trend(text)


def test_weeks_start_on_monday_and_end_with_the_current_one():
    starts = week_starts(NOW, 3)
    assert starts == (MONDAY - timedelta(weeks=2), MONDAY - timedelta(weeks=1), MONDAY)


def test_each_article_counts_once_in_the_week_of_its_first_share():
    articles = [
        on(MONDAY + timedelta(hours=1)),
        on(MONDAY - timedelta(seconds=1)),  # Sunday night: the week before
        on(MONDAY - timedelta(weeks=3, hours=1)),  # before the window
        on(MONDAY - timedelta(weeks=2)),
    ]
    trend = build_trend("ukraine", articles, now=NOW, weeks=3)
    assert trend.counts == (1, 1, 1) and trend.total == 3
    assert trend.until == MONDAY + timedelta(weeks=1)


def test_people_and_organisations_that_came_more_often_lately_rose():
    old = [on(MONDAY - timedelta(weeks=w), "Old Hand", "Steady Org", kind=PERSON) for w in (4, 5)]
    new = [
        on(MONDAY, "Keir Starmer", "Old Hand"),
        on(MONDAY - timedelta(weeks=1), "Keir Starmer"),
        on(MONDAY - timedelta(weeks=1), "NATO", kind=ORG),
        on(MONDAY, "NATO", kind=ORG),
        on(MONDAY, "Ukraine", "Kyiv", kind=PLACE),
        on(MONDAY - timedelta(weeks=1), "Ukraine", "Kyiv", kind=PLACE),
        on(MONDAY, "Quoted Only", salience=0.0),
        on(MONDAY - timedelta(weeks=1), "Quoted Only", salience=0.0),
        on(MONDAY, "Once Seen"),
    ]
    trend = build_trend("ukraine", old + new, now=NOW, weeks=6)
    assert trend.recent_weeks == 2
    assert [(a.name, a.recent, a.earlier) for a in trend.rising] == [
        ("Keir Starmer", 2, 0),
        ("NATO", 2, 0),
    ]
    assert rising_text(trend) == (
        "Rising (articles in the last 2 weeks, and in the 4 before): Keir Starmer 2 (0) · NATO 2 (0)"
    )


def test_an_actor_as_frequent_as_before_did_not_rise():
    steady = [on(MONDAY - timedelta(weeks=w), "Steady Name") for w in range(6)]
    assert build_trend("x", steady, now=NOW, weeks=6).rising == ()


def test_the_sparkline_has_a_bar_a_week_and_keeps_an_empty_week_lowest():
    assert sparkline([0, 1, 2, 4, 8]) == "▁▂▃▅█"
    assert sparkline([0, 0]) == "▁▁" and sparkline([]) == ""
    assert sparkline([1, 0, 1]) == "█▁█"


def test_the_line_says_the_topic_the_span_the_totals_and_who_rose():
    articles = [
        on(MONDAY, "Keir Starmer"),
        on(MONDAY, "Keir Starmer"),
        on(MONDAY - timedelta(weeks=1)),
    ]
    line = trend_line(build_trend("ukraine", articles, now=NOW, weeks=3))
    assert line == (
        "Ukraine, 3 weeks to Sun 09 Mar: ▁▅█  3 articles, 2 this week · "
        "Rising (articles in the last week, and in the 2 before): Keir Starmer 2 (0)"
    )
