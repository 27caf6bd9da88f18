"""Stories: one event however many outlets report it; its best points, never twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.briefing.model import ArticleView
from bot.briefing.stories import best_points, group_stories, similarity, story_key
from tests.unit.builders import NOW, ORG, PERSON, actor, article

MACRON, STARMER, TRUMP = actor("Emmanuel Macron"), actor("Keir Starmer"), actor("Donald Trump")
VISIT_A = (
    "Macron and Starmer plan to visit Washington to persuade Trump to reconsider his "
    "stance on the war in Ukraine."
)
SANCTIONS = (
    "Starmer's government is preparing its toughest sanctions package against Russia "
    "since the invasion began."
)
TROOPS = (
    "European leaders aim to propose a contingent of 30,000 troops to help enforce a "
    "ceasefire, with U.S. air cover."
)
VISIT_B = (
    "Macron and Starmer will visit Washington to persuade Trump to reconsider his stance "
    "on the Ukraine war."
)


def outlet_a(**kw: Any) -> ArticleView:
    return article(
        "Macron and Starmer head to Washington to press Trump on Ukraine",
        [VISIT_A, SANCTIONS],
        actors=[MACRON, STARMER, TRUMP],
        outlet="Outlet A",
        **kw,
    )


def outlet_b(**kw: Any) -> ArticleView:
    return article(
        "European leaders to visit Washington as Macron and Starmer lobby Trump over Ukraine",
        [TROOPS, VISIT_B],
        actors=[MACRON, STARMER, TRUMP],
        outlet="Outlet B",
        **kw,
    )


def bank_of_england(**kw: Any) -> ArticleView:
    return article(
        "Bank of England holds interest rates at 4.5%",
        [
            "The Bank of England kept its benchmark rate at 4.5% on Thursday, citing sticky inflation."
        ],
        actors=[actor("Andrew Bailey"), actor("Bank of England", ORG)],
        outlet="Outlet C",
        **kw,
    )


def outlets(groups: list[list[ArticleView]]) -> list[list[str]]:
    return [[a.outlet for a in g] for g in groups]


def test_two_outlets_on_one_event_within_days_are_one_story() -> None:
    a, b = outlet_a(hours_ago=2), outlet_b(hours_ago=3 * 24)
    assert outlets(group_stories([a, b])) == [["Outlet A", "Outlet B"]]


def test_the_same_event_shared_ten_days_apart_stays_two_stories() -> None:
    a, b = outlet_a(hours_ago=2), outlet_b(hours_ago=10 * 24)
    assert outlets(group_stories([a, b])) == [["Outlet A"], ["Outlet B"]]


def test_unrelated_articles_never_merge() -> None:
    groups = group_stories([outlet_a(), bank_of_england(), outlet_b()])
    assert outlets(groups) == [["Outlet A", "Outlet B"], ["Outlet C"]]


def test_unrelated_articles_that_share_a_famous_name_stay_apart() -> None:
    a = outlet_a()
    tariffs = article(
        "Trump announces steel tariffs on Canada and Mexico",
        [
            "Imports of steel and aluminium will face a 25% levy from next month, the White House said."
        ],
        actors=[TRUMP, actor("Justin Trudeau")],
        outlet="Outlet D",
    )
    assert similarity(a, tariffs) < 0.3
    assert len(group_stories([a, tariffs])) == 2


def test_similarity_is_high_for_one_event_and_symmetric() -> None:
    a, b, c = outlet_a(), outlet_b(), bank_of_england()
    assert similarity(a, b) == pytest.approx(similarity(b, a))
    assert similarity(a, b) > 0.5
    assert similarity(a, c) == 0.0


def test_the_same_link_shared_twice_is_one_story_even_without_words() -> None:
    a = article("", [], url="https://e.example/x", hours_ago=1)
    b = article("", [], url="https://e.example/x", hours_ago=30)
    assert len(group_stories([a, b])) == 1


def test_groups_keep_input_order() -> None:
    c, a, b = bank_of_england(), outlet_a(), outlet_b()
    assert outlets(group_stories([c, b, a])) == [["Outlet C"], ["Outlet B", "Outlet A"]]
    assert group_stories([]) == []


def test_story_key_is_the_earliest_shared_article_whatever_the_order() -> None:
    early, late = outlet_a(hours_ago=30), outlet_b(hours_ago=1)
    assert story_key([late, early]) == story_key([early, late]) == str(early.id)


def test_story_key_ties_break_on_article_id() -> None:
    a = article("x", id=7, shared=NOW)
    b = article("y", id=3, shared=NOW)
    assert story_key([a, b]) == "3"


# --- key points ------------------------------------------------------------------------


def test_points_come_from_every_outlet_of_a_story() -> None:
    chosen = best_points([outlet_a(), outlet_b()], limit=3)
    assert {p.outlet for p in chosen} == {"Outlet A", "Outlet B"}
    assert chosen[0].text == VISIT_A and chosen[1].text == TROOPS


def test_two_points_saying_the_same_thing_are_shown_once() -> None:
    chosen = [p.text for p in best_points([outlet_a(), outlet_b()], limit=5)]
    assert chosen == [VISIT_A, TROOPS, SANCTIONS]
    assert VISIT_B not in chosen


def test_each_point_links_to_the_article_it_came_from() -> None:
    a, b = outlet_a(), outlet_b()
    for p in best_points([a, b], limit=3):
        source = a if p.outlet == "Outlet A" else b
        assert p.url == source.url
        assert p.text in {k.text for k in source.key_points}


def test_points_are_the_articles_sentences_unchanged() -> None:
    quote = (
        'Zelensky said: "We will not give up 20% of our land," adding that talks were "premature".'
    )
    a = article("Zelensky rejects land deal", [quote])
    assert [p.text for p in best_points([a])] == [quote]


def test_point_limit_is_respected() -> None:
    a = article(
        "t",
        ["Oil rose 3% on Monday.", "Gas storage is at 40%.", "Wind output fell.", "Coal use grew."],
    )
    assert len(best_points([a], limit=2)) == 2
    assert best_points([], limit=3) == []


def test_a_point_that_repeats_the_headline_is_left_out() -> None:
    title = "Macron and Starmer head to Washington to press Trump on Ukraine"
    a = article(title, [f"{title}.", SANCTIONS], outlet="Outlet A")
    assert [p.text for p in best_points([a], headline=title)] == [SANCTIONS]


def test_a_point_that_adds_to_the_headline_is_kept() -> None:
    a = outlet_a()
    assert VISIT_A in [p.text for p in best_points([a], headline=a.title)]


def test_a_point_without_outlet_is_cited_by_host() -> None:
    a = article("t", ["A sentence with facts."], url="https://www.example.org/x", outlet="")
    assert best_points([a])[0].outlet == "example.org"


def test_window_is_about_four_days() -> None:
    inside = [outlet_a(shared=NOW), outlet_b(shared=NOW - timedelta(days=3, hours=23))]
    outside = [outlet_a(shared=NOW), outlet_b(shared=NOW - timedelta(days=4, hours=1))]
    assert len(group_stories(inside)) == 1
    assert len(group_stories(outside)) == 2


def _pairwise_groups(articles: list[ArticleView]) -> list[list[int]]:
    """The definition, spelled out: join every pair within the window that is the same URL
    or similar enough, compare all pairs."""
    from bot.briefing.stories import SAME_STORY, STORY_WINDOW

    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, a in enumerate(articles):
        for j in range(i):
            b = articles[j]
            if abs(a.first_shared_at - b.first_shared_at) > STORY_WINDOW:
                continue
            if a.url == b.url or similarity(a, b) >= SAME_STORY - 1e-9:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(articles)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


WORDS = ["storm", "flood", "river", "rescue", "minister", "budget", "vote", "grid", "drone"]
NAMES = ["Ana Lopez", "Ben Okafor", "City Council", "Red Cross"]


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
            st.lists(st.sampled_from(NAMES), max_size=2),
            st.integers(0, 9 * 24),
            st.integers(0, 3),
        ),
        max_size=14,
    )
)
@settings(max_examples=150, deadline=None)
def test_grouping_through_the_index_is_the_all_pairs_grouping(rows):
    articles = [
        article(
            " ".join(words),
            [" ".join(reversed(words))],
            id=i + 1,
            url=f"https://news.example/{url}" if url else f"https://news.example/a{i}",
            hours_ago=hours,
            actors=[actor(n, ORG if " " in n and n[0] in "CR" else PERSON) for n in names],
        )
        for i, (words, names, hours, url) in enumerate(rows)
    ]
    got = [[articles.index(a) for a in group] for group in group_stories(articles)]
    assert got == _pairwise_groups(articles)
