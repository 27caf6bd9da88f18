"""Composing a briefing: stories ranked, points and actors chosen, what is new marked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.briefing.compose import compose_briefing, empty_message, rank_actors, story_score
from bot.briefing.model import ActorCount, ArticleView, Briefing
from bot.briefing.render import briefing_json, render_markdown, render_text
from handlers.blocks import briefing_blocks
from tests.unit.builders import GROUP, NOW, ORG, PERSON, PLACE, actor, article

SINCE = NOW - timedelta(days=7)
MACRON = actor("Emmanuel Macron", role="French President", aliases=["Macron"])
STARMER = actor("Keir Starmer", aliases=["Starmer"], salience=0.9)
TRUMP = actor("Donald Trump", aliases=["Trump"])


def visit(outlet: str, **kw: Any) -> ArticleView:
    return article(
        "Macron and Starmer head to Washington to press Trump on Ukraine",
        [
            f"European leaders aim to propose a contingent of 30,000 troops, {outlet} reports.",
            "Starmer's government is preparing its toughest sanctions package against Russia.",
        ],
        actors=[MACRON, STARMER, TRUMP, actor("Ukrainian", GROUP, country="Ukraine")],
        outlet=outlet,
        **kw,
    )


def unrelated(n: int, **kw: Any) -> ArticleView:
    """Stories that share no words with each other but a filler."""
    topics = [
        "grain exports",
        "drone factory",
        "power grid",
        "refugee housing",
        "chess olympiad",
        "orthodox church",
        "nuclear plant",
        "border crossing",
    ]
    return article(
        topics[n].capitalize(),
        [f"{topics[n].capitalize()}: details."],
        outlet=f"Outlet {n}",
        **kw,
    )


def brief(articles: list[ArticleView], **kw: Any) -> Briefing:
    return compose_briefing("ukraine", articles, now=NOW, since=SINCE, **kw)


def test_two_outlets_on_one_event_make_one_story_with_two_sources() -> None:
    other = article(
        "Macron and Starmer to lobby Trump in Washington over Ukraine",
        ["Trump has said Europe must carry more of the burden of defending Ukraine."],
        actors=[MACRON, STARMER, TRUMP],
        outlet="Outlet B",
        hours_ago=30,
    )
    b = brief([visit("Outlet A"), other])
    assert len(b.stories) == 1
    story = b.stories[0]
    assert story.sources == 2
    assert {p.outlet for p in story.points} == {"Outlet A", "Outlet B"}
    assert b.article_count == 2


def test_points_never_say_the_same_thing_twice() -> None:
    story = brief([visit("Outlet A"), visit("Outlet B")]).stories[0]
    texts = [p.text for p in story.points]
    assert sum("sanctions package" in t for t in texts) == 1


def test_story_headline_is_never_repeated_as_a_point() -> None:
    a = article(
        "Kyiv hit by drones overnight",
        ["Kyiv hit by drones overnight.", "Five people were injured."],
    )
    story = brief([a]).stories[0]
    assert [p.text for p in story.points] == ["Five people were injured."]


def test_stories_shared_and_reported_more_come_first() -> None:
    quiet = unrelated(0, hours_ago=2, shared_by=["U1"])
    loud = unrelated(1, hours_ago=3, shared_by=["U1", "U2", "U3"])
    echo = article(loud.title, ["Drone factory: details."], outlet="Other", hours_ago=3)
    b = brief([quiet, loud, echo])
    assert [s.sources for s in b.stories] == [2, 1]
    assert b.stories[0].headline == loud.title


def test_more_relevant_and_more_recent_stories_come_first() -> None:
    old, new = unrelated(0, hours_ago=6 * 24), unrelated(1, hours_ago=1)
    assert [s.headline for s in brief([old, new]).stories] == [new.title, old.title]
    weak, strong = unrelated(2, relevance=0.2), unrelated(3, relevance=0.9)
    assert [s.headline for s in brief([weak, strong]).stories] == [strong.title, weak.title]


def test_story_score_grows_with_each_signal() -> None:
    base = [unrelated(0, hours_ago=5)]
    assert story_score([unrelated(0, hours_ago=5, shared_by=["U1", "U2"])], NOW) > story_score(
        base, NOW
    )
    assert story_score([*base, unrelated(1, hours_ago=5)], NOW) > story_score(base, NOW)
    assert story_score([unrelated(0, hours_ago=5, relevance=0.9)], NOW) > story_score(base, NOW)
    assert story_score([unrelated(0, hours_ago=1)], NOW) > story_score(base, NOW)


def test_more_than_five_stories_are_counted_not_shown() -> None:
    b = brief([unrelated(n) for n in range(8)])
    assert len(b.stories) == 5
    assert b.omitted_stories == 3
    assert b.article_count == 8


def test_max_stories_can_be_chosen() -> None:
    b = brief([unrelated(n) for n in range(4)], max_stories=2)
    assert (len(b.stories), b.omitted_stories) == (2, 2)


def test_nothing_shared_gives_an_honest_empty_briefing() -> None:
    b = brief([])
    assert b.is_empty
    assert b.empty_message == "Nothing on ukraine was shared in the last 7 days."
    assert b.omitted_stories == 0


def test_passing_mentions_do_not_make_a_story() -> None:
    b = brief([unrelated(0, relevance=0.05)])
    assert b.is_empty and b.article_count == 0


def test_empty_message_windows() -> None:
    assert (
        empty_message("energy", NOW - timedelta(days=1), NOW)
        == "Nothing on energy was shared in the last day."
    )
    assert empty_message("energy", NOW - timedelta(hours=12), NOW) == (
        "Nothing on energy was shared since Tue 04 Mar 00:00 UTC."
    )


def test_leading_actors_count_articles_and_list_people_once() -> None:
    b = brief([visit("Outlet A"), visit("Outlet B"), unrelated(0, hours_ago=40)])
    names = [a.name for a in b.leading_actors]
    assert names.count("Keir Starmer") == 1
    assert "Starmer" not in names
    counts = {a.name: a.articles for a in b.leading_actors}
    assert counts["Keir Starmer"] == counts["Donald Trump"] == 2
    assert "Ukrainian" not in names  # groups are never listed as actors


def test_actor_keeps_the_role_an_article_gives() -> None:
    story = brief([visit("Outlet A")]).stories[0]
    assert ActorCount("Emmanuel Macron", PERSON, 1, "French President") in story.actors


def test_rank_actors_orders_by_articles_then_salience_within_the_limit() -> None:
    arts = [
        article(
            "a",
            actors=[
                actor("Ann Lee", salience=0.1),
                actor("Bo Chan", salience=0.9),
                actor("NATO", ORG, salience=0.6),
            ],
        ),
        article("b", actors=[actor("Ann Lee", salience=0.1), actor("Paris", PLACE)]),
    ]
    ranked = rank_actors(arts, 2)
    assert [(a.name, a.articles) for a in ranked] == [("Ann Lee", 2), ("Bo Chan", 1)]
    assert [a.name for a in rank_actors(arts[:1], 5)] == ["Bo Chan", "NATO", "Ann Lee"]
    assert "Paris" not in {a.name for a in rank_actors(arts, 8)}  # people and organisations


def test_who_names_at_most_six_and_the_briefing_at_most_eight() -> None:
    crowd = [actor(f"Person{n} Surname{n}", salience=1 - n / 20) for n in range(11)]
    crowd += [actor(f"Body{n} Council", ORG, salience=0.4) for n in range(3)]
    crowd += [actor("Kyiv", PLACE, salience=0.9), actor("Ukrainian", GROUP, country="Ukraine")]
    b = brief([visit("Outlet A"), article("Grain deal talks", ["Talks went on."], actors=crowd)])
    for story in b.stories:
        assert len(story.actors) <= 6
        assert {a.type for a in story.actors} <= {PERSON, ORG}
    assert len(b.leading_actors) == 8
    grain = next(s for s in b.stories if s.headline == "Grain deal talks")
    assert [a.name for a in grain.actors][:2] == ["Person0 Surname0", "Person1 Surname1"]


def test_who_names_each_person_once_across_articles() -> None:
    a = article(
        "Dry air and the winter cough",
        ["Dr Owen John Dempsey says dry air is to blame."],
        actors=[actor("Owen John Dempsey", role="GP"), actor("NHS", ORG)],
    )
    b = article(
        "Dry air and the winter cough",
        ["Owen Dempsey says rooms should be aired."],
        actors=[actor("Owen Dempsey"), actor("Dempsey", ORG, salience=0.2)],
        outlet="Outlet B",
    )
    story = brief([a, b]).stories[0]
    dempsey = [x for x in story.actors if "Dempsey" in x.name]
    assert dempsey == [ActorCount("Owen John Dempsey", PERSON, 2, "GP")]


def test_a_name_typed_differently_by_two_articles_is_listed_once() -> None:
    arts = [
        article("a", actors=[actor("Ofgem", ORG)]),
        article("b", actors=[actor("Ofgem", ORG)]),
        article("c", actors=[actor("Ofgem", PERSON)]),
    ]
    assert rank_actors(arts, 6) == (ActorCount("Ofgem", ORG, 3),)


def test_a_body_named_in_short_joins_its_full_name() -> None:
    arts = [
        article("a", actors=[actor("European Commission", ORG), actor("Kremlin", ORG)]),
        article("b", actors=[actor("Commission", ORG)]),
    ]
    assert rank_actors(arts, 6) == (
        ActorCount("European Commission", ORG, 2),
        ActorCount("Kremlin", ORG, 1),
    )


def test_names_only_quoted_are_left_out_of_who() -> None:
    quoted = article(
        "Library opens in Wigan",
        ["Lisa Nandy opened the library."],
        actors=[actor("Lisa Nandy", salience=0.7), actor("Barack Obama", salience=0.0)],
    )
    names = [a.name for a in brief([quoted]).stories[0].actors]
    assert names == ["Lisa Nandy"]


def test_briefed_stories_mark_updates_and_new_stories() -> None:
    old = visit("Outlet A", hours_ago=50)
    fresh = unrelated(0)
    b = brief([old, visit("Outlet B"), fresh], briefed_stories={str(old.id)})
    status = {s.headline: s.status for s in b.stories}
    assert status == {old.title: "update", fresh.title: "new"}


def test_without_earlier_briefings_nothing_is_marked() -> None:
    assert {s.status for s in brief([visit("Outlet A"), unrelated(0)]).stories} == {""}
    b = brief([visit("Outlet A")])
    assert b.new_actors == ()


def test_known_actors_reveal_new_actors() -> None:
    b = brief([visit("Outlet A")], known_actors={"Keir Starmer", "Donald Trump"})
    assert b.new_actors == ("Emmanuel Macron",)


def test_story_records_who_shared_it_once_each() -> None:
    b = brief(
        [visit("Outlet A", shared_by=["U1", "U2"]), visit("Outlet B", shared_by=["U2", "U3"])]
    )
    assert sorted(b.stories[0].shared_by) == ["U1", "U2", "U3"]


def test_matched_terms_are_collected_without_repeats() -> None:
    b = brief(
        [
            unrelated(0, matched=["ukraine", "kyiv"]),
            unrelated(1, matched=["kyiv", "Volodymyr Zelensky"]),
        ]
    )
    assert sorted(b.matched) == ["Volodymyr Zelensky", "kyiv", "ukraine"]


# --- corroboration: how many outlets state each point's fact -----------------------------

TOLL = "The earthquake killed 40 people in the province of Malatya on Monday."
MAYOR = "The mayor of Malatya asked for tents and blankets."
MALATYA = actor("Malatya", PLACE, salience=0.8)


def quake(outlet: str, *key_points: str) -> ArticleView:
    return article(
        "Earthquake kills dozens in Malatya", key_points, outlet=outlet, actors=[MALATYA]
    )


def point_line(text: str, point: str) -> str:
    [line] = [line for line in text.splitlines() if point[:30] in line]
    return line


def test_a_fact_three_outlets_report_shows_three_sources_beside_it_once() -> None:
    b = brief(
        [
            quake("Wire One", TOLL, MAYOR),
            quake(
                "Daily Two", "At least 40 people were killed in Malatya province by Monday's quake."
            ),
            quake(
                "Radio Three",
                "Monday's earthquake killed 40 people across Malatya, officials said.",
            ),
            quake("Paper Four", "The earthquake killed 14 people in the province of Malatya."),
        ]
    )
    [story] = b.stories
    counts = {p.text: p.sources for p in story.points}
    assert counts[TOLL] == 3, "the outlet reporting 14 dead does not state the same fact"
    assert counts[MAYOR] == 1
    text = render_text(b)
    assert "(3 sources)" in point_line(text, TOLL) and text.count("3 sources") == 1
    assert "sources" not in point_line(text, MAYOR)
    assert "_3 sources_" in point_line(render_markdown(b), TOLL)
    points = briefing_json(b)["stories"][0]["key_points"]
    assert {p["text"]: p["sources"] for p in points} == counts
    blocks, _ = briefing_blocks(b)
    section = next(blk["text"]["text"] for blk in blocks if blk["type"] == "section")
    assert point_line(section, TOLL).endswith("|Wire One>) _3 sources_")
    assert point_line(section, MAYOR).endswith("|Wire One>)")


def test_two_outlets_giving_different_numbers_are_not_counted_together() -> None:
    b = brief(
        [
            quake("Wire One", TOLL),
            quake("Paper Four", "The earthquake killed 14 people in the province of Malatya."),
        ]
    )
    [story] = b.stories
    assert story.sources == 2
    assert [p.sources for p in story.points] == [1] * len(story.points)
    assert "2 sources" not in "".join(point_line(render_text(b), p.text) for p in story.points)


def test_a_name_several_articles_read_as_a_place_is_no_protagonist() -> None:
    # spaCy types "Banda Aceh" a person in one report, an organisation in another and a
    # place in a third: the Who line leaves it out rather than guess.
    arts = [
        article(
            f"Quake report {i}",
            [f"The quake shook Banda Aceh, report {i} said."],
            actors=[actor("Banda Aceh", kind), actor("Sutopo Purwo Nugroho")],
        )
        for i, kind in enumerate([PERSON, ORG, ORG, PLACE])
    ]
    names = [a.name for a in rank_actors(arts, 6)]
    assert names == ["Sutopo Purwo Nugroho"], names
    assert "Banda Aceh" in [a.name for a in rank_actors(arts[:3], 6)], "no place reading: kept"


def test_who_names_a_body_once_however_its_initials_are_dotted() -> None:
    arts = [
        article("Quake", ["The quake was 6.1, the survey said."], actors=[actor(name, ORG)])
        for name in ("U.S. Geological Survey", "US Geological Survey", "US Geological Survey")
    ]
    assert [(a.name, a.articles) for a in rank_actors(arts, 6)] == [("US Geological Survey", 3)]
