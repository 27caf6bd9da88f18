"""Stories: one event however many outlets report it; its best points, never twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.briefing.clustering import average_link
from bot.briefing.model import ArticleView
from bot.briefing.stories import (
    best_points,
    group_stories,
    similarity,
    story_key,
    story_similarities,
)
from tests.unit.builders import NOW, ORG, PERSON, PLACE, actor, article

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


def _all_pairs(articles: list[ArticleView]) -> dict[tuple[int, int], float]:
    """The definition, spelled out: every pair within the window, the same URL counting as
    identical, else the dot product of the two TF-IDF vectors of the batch."""
    from bot.briefing.stories import (
        OTHER_PROTAGONISTS,
        STORY_WINDOW,
        _features,
        _forms,
        _other_protagonists,
        _protagonists,
        _weighted,
    )

    vectors = _weighted([_features(a) for a in articles])
    out = {}
    for i, a in enumerate(articles):
        for j in range(i):
            b = articles[j]
            if abs(a.first_shared_at - b.first_shared_at) > STORY_WINDOW:
                continue
            dot = sum(x * vectors[j].get(k, 0.0) for k, x in vectors[i].items())
            if _other_protagonists(_protagonists(a), _forms(a), _protagonists(b), _forms(b)):
                dot *= OTHER_PROTAGONISTS
            if a.url == b.url:
                dot = 1.0
            if dot > 0:
                out[(j, i)] = min(1.0, dot)
    return out


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
def test_the_index_finds_every_similar_pair_and_only_those(rows):
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
    got = story_similarities(articles)
    want = _all_pairs(articles)
    assert got.keys() == want.keys()
    assert all(got[k] == pytest.approx(want[k]) for k in want)


def _average_link_by_definition(
    n: int, similar: dict[tuple[int, int], float], threshold: float
) -> list[int]:
    """Compare every pair of groups after every merge: the slow, obvious way."""
    groups = [[i] for i in range(n)]
    while True:
        best = None
        for x in range(len(groups)):
            for y in range(x + 1, len(groups)):
                a, b = groups[x], groups[y]
                total = sum(similar.get((min(i, j), max(i, j)), 0.0) for i in a for j in b)
                mean = total / (len(a) * len(b))
                key = (-mean, min(a), min(b))
                if mean >= threshold and (best is None or key < best[0]):
                    best = (key, x, y)
        if best is None:
            break
        _, x, y = best
        groups[x] = sorted(groups[x] + groups.pop(y))
    out = [0] * n
    for g in groups:
        for i in g:
            out[i] = min(g)
    return out


@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.dictionaries(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
                    lambda p: p[0] < p[1]
                ),
                st.sampled_from([0.125, 0.25, 0.375, 0.5, 0.75, 1.0]),
            ),
            st.sampled_from([0.125, 0.25, 0.5]),
        )
    )
)
@settings(max_examples=200, deadline=None)
def test_average_link_is_the_definition(case):
    n, similar, threshold = case
    assert average_link(n, similar, threshold) == _average_link_by_definition(n, similar, threshold)


def test_one_article_resembling_two_events_does_not_chain_them() -> None:
    # A and C are two events; B resembles both as much as they resemble each other not at
    # all. Single link would make one story of the three; the mean across groups does not.
    similar = {(0, 1): 0.5, (1, 2): 0.4}
    assert average_link(3, similar, 0.3) == [0, 0, 2]


def test_two_quakes_and_a_roundup_of_both_stay_two_stories() -> None:
    quake_a = article(
        "Magnitude 6.1 earthquake strikes off Sumatra",
        [
            "The quake struck 40 km off the coast of Sumatra early on Tuesday, officials said.",
            "Indonesia's disaster agency said two fishermen were missing near Padang.",
            "Schools along the west coast were closed while engineers checked their walls.",
        ],
        actors=[actor("Sumatra", PLACE), actor("Indonesia", PLACE)],
        outlet="Outlet A",
    )
    quake_a2 = article(
        "Sumatra earthquake of magnitude 6.1 shakes Indonesia",
        [
            "Buildings shook in Padang after the 6.1 quake off Sumatra on Tuesday.",
            "No tsunami warning was issued, the Indonesian geophysics agency said.",
            "Fishing boats returned to harbour and ferries to Mentawai were suspended.",
        ],
        actors=[actor("Sumatra", PLACE), actor("Padang", PLACE)],
        outlet="Outlet B",
    )
    quake_b = article(
        "Magnitude 5.4 earthquake hits central Chile",
        [
            "The 5.4 quake hit near Talca, Chile, on Wednesday, with no damage reported.",
            "Chile's emergency office said power was cut for 3,000 homes in Maule.",
            "The copper mines of the region kept working, their operators said.",
        ],
        actors=[actor("Chile", PLACE), actor("Talca", PLACE)],
        outlet="Outlet C",
    )
    quake_b2 = article(
        "Chile earthquake of magnitude 5.4 rattles Talca",
        [
            "Residents of Talca felt the 5.4 quake in central Chile on Wednesday.",
            "Power returned to most of the Maule region by the evening.",
            "Santiago's metro ran normally after a short inspection of its tunnels.",
        ],
        actors=[actor("Chile", PLACE), actor("Talca", PLACE)],
        outlet="Outlet D",
    )
    roundup = article(
        "Earthquakes strike Sumatra and Chile",
        ["A 6.1 earthquake off Sumatra and a 5.4 earthquake in Chile struck this week."],
        actors=[actor("Sumatra", PLACE), actor("Chile", PLACE)],
        outlet="Outlet E",
    )
    groups = outlets(group_stories([quake_a, quake_b, roundup, quake_a2, quake_b2]))
    assert not any({"Outlet A", "Outlet C"} <= set(g) for g in groups), groups
    assert any({"Outlet A", "Outlet B"} <= set(g) for g in groups), groups
    assert any({"Outlet C", "Outlet D"} <= set(g) for g in groups), groups


def test_four_outlets_on_one_event_are_one_story_however_each_words_its_headline() -> None:
    bailey, boe = actor("Andrew Bailey", salience=0.8), actor("Bank of England", ORG, salience=0.9)
    reports = [
        article(
            "Bank of England holds rates at 4.5% as inflation lingers",
            [
                "The Bank of England kept its main interest rate at 4.5% on Thursday.",
                "Six of the nine policymakers voted to hold, three for a cut to 4.25%.",
            ],
            actors=[boe, bailey],
            outlet="Ledger",
        ),
        article(
            "Pound slides after split vote at Threadneedle Street",
            [
                "Sterling fell after the Bank of England left rates at 4.5% on a 6-3 vote.",
                "Governor Andrew Bailey said cuts would come gradually.",
            ],
            actors=[boe, bailey, actor("Threadneedle Street", PLACE)],
            outlet="Markets Daily",
        ),
        article(
            "Bailey: no rush to cut borrowing costs",
            [
                "Andrew Bailey said the Bank would be careful after holding rates at 4.5%.",
                "Three members of the Monetary Policy Committee wanted a cut to 4.25%.",
            ],
            actors=[bailey, boe, actor("Monetary Policy Committee", ORG)],
            outlet="Courier",
        ),
        article(
            "Mortgage holders wait longer for relief",
            [
                "Homeowners face months more of high repayments after the Bank of England "
                "held its rate at 4.5% on Thursday in a 6-3 vote.",
                "Lenders said fixed-rate deals were unlikely to fall before spring.",
            ],
            actors=[boe],
            outlet="Home Money",
        ),
    ]
    ecb = article(
        "ECB cuts rates for a fourth time as growth stalls",
        [
            "The European Central Bank lowered its deposit rate to 2.75% on Thursday.",
            "Christine Lagarde said further cuts were likely if inflation kept falling.",
        ],
        actors=[actor("European Central Bank", ORG, salience=0.9), actor("Christine Lagarde")],
        outlet="Ledger",
    )
    groups = outlets(group_stories([reports[0], ecb, *reports[1:]]))
    assert sorted(map(sorted, groups)) == [
        ["Courier", "Home Money", "Ledger", "Markets Daily"],
        ["Ledger"],
    ], groups


def test_the_archive_not_the_matches_decides_which_words_are_rare() -> None:
    from bot.briefing.stories import Corpus, feature_terms

    a = article("Quake shakes Aceh", ["A 6.1 quake shook Aceh province, officials said today."])
    b = article("Aceh quake toll rises", ["The Aceh quake killed 24, officials said on Tuesday."])
    alone = story_similarities([a, b])[(0, 1)]
    # In the archive "officials" and "said" are everywhere and "aceh" is rare: the two
    # reports are closer than their own two-article batch can tell.
    common = {t: 9_000 for t in feature_terms([a, b])}
    common.update({"w:aceh": 3, "w:quake": 40})
    archive = Corpus(10_000, common)
    assert story_similarities([a, b], archive)[(0, 1)] > alone
    # An archive smaller than the matches (not yet counted) is not used.
    assert story_similarities([a, b], Corpus(1, {}))[(0, 1)] == alone
