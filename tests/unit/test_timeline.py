"""Actor timelines from articles: which actor a typed name means, the stories about them
newest first, each told by a key point that names them, and who is seen with them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.briefing.timeline import ActorProfile, WhoAnswer, build_timeline, choose_actor
from bot.briefing.who_render import render_who_markdown, render_who_text, who_json
from tests.unit.builders import NOW, ORG, PERSON, PLACE, actor, article

STARMER = ActorProfile(1, "Keir Starmer", PERSON, ("Starmer",), "Prime Minister", 3)
MACRON = actor("Emmanuel Macron", aliases=("Macron",), salience=0.8)
TRUMP = actor("Donald Trump", aliases=("Trump",), salience=0.7)


def starmer(salience: float = 0.8, role: str | None = None):  # type: ignore[no-untyped-def]
    return actor("Keir Starmer", aliases=("Starmer",), salience=salience, role=role)


def test_a_name_or_alias_means_the_one_actor_answering_to_it():
    others = [ActorProfile(2, "Starmer Holdings", ORG, (), None, 4)]
    assert choose_actor("starmer", [STARMER, *others]).actor == STARMER
    assert choose_actor("Keir  Starmer", [STARMER]).actor == STARMER


def test_a_surname_alone_names_the_one_person_who_has_it():
    bailey = ActorProfile(9, "Andrew Bailey", PERSON, (), "Governor", 1)
    bank = ActorProfile(10, "Bailey Bank", ORG, (), None, 2)
    assert choose_actor("Bailey", [bailey, bank]).actor == bailey
    sarah = ActorProfile(11, "Sarah Bailey", PERSON, (), None, 3)
    choice = choose_actor("bailey", [bailey, sarah])
    assert choice.actor is None and choice.ambiguous
    assert [c.name for c in choice.candidates] == ["Sarah Bailey", "Andrew Bailey"]


def test_a_name_several_actors_answer_to_is_ambiguous_most_named_first():
    person = ActorProfile(5, "Michael Jordan", PERSON, ("Jordan",), None, 2)
    country = ActorProfile(6, "Jordan", PLACE, (), None, 7)
    choice = choose_actor("Jordan", [person, country])
    assert choice.actor is None and choice.ambiguous
    assert [c.name for c in choice.candidates] == ["Jordan", "Michael Jordan"]


def test_an_unknown_name_offers_the_closest_names():
    zelensky = ActorProfile(7, "Volodymyr Zelensky", PERSON, ("Zelensky",), None, 3)
    far = ActorProfile(8, "Olaf Scholz", PERSON, ("Scholz",), None, 9)
    for typed in ("Kier Starmr", "Starmr", "Keir"):
        choice = choose_actor(typed, [STARMER, zelensky, far])
        assert choice.actor is None and not choice.ambiguous
        assert [c.name for c in choice.candidates] == ["Keir Starmer"], typed
    assert [c.name for c in choose_actor("Zelenskyy", [STARMER, zelensky]).candidates] == [
        "Volodymyr Zelensky"
    ]
    assert choose_actor("Angela Merkel", [STARMER, zelensky, far]).candidates == ()


def test_an_actor_the_asker_may_not_see_is_no_answer_and_no_candidate():
    unseen = replace(STARMER, articles=0)
    choice = choose_actor("Keir Starmer", [unseen])
    assert choice.actor is None and choice.candidates == ()


def test_stories_come_newest_first_each_told_by_a_point_that_names_the_actor():
    trip = article(
        "Macron and Starmer head to Washington",
        [
            "Two European leaders travel to the White House this week with a troop plan.",
            "Starmer will follow Macron on Thursday, officials said.",
        ],
        outlet="Ledger",
        hours_ago=20,
        actors=[MACRON, starmer(0.6), TRUMP],
    )
    trip_again = article(
        "European leaders bring troop plan to White House",
        [
            "The troop plan would need American air cover, two diplomats said.",
            "Prime Minister Keir Starmer will meet Trump on Thursday to discuss the troop plan.",
        ],
        outlet="Courier",
        hours_ago=30,
        actors=[MACRON, starmer(0.5, role="British Prime Minister"), TRUMP],
    )
    budget = article(
        "UK budget sets out defence spending rise",
        ["The Treasury will raise defence spending to 2.5% of GDP by 2027, Starmer said."],
        outlet="Ledger",
        hours_ago=24 * 9,
        actors=[starmer(0.9, role="British Prime Minister")],
    )
    t = build_timeline(STARMER, [budget, trip, trip_again])
    assert [s.headline for s in t.stories] == [
        "Macron and Starmer head to Washington",
        "UK budget sets out defence spending rise",
    ]
    first = t.stories[0]
    assert (first.articles, first.sources) == (2, 2)
    assert first.date == NOW - timedelta(hours=30), "dated by the story's first share"
    # Both articles' best points leave him out; of their second, the one most about him.
    assert first.point is not None and first.point.text.startswith("Starmer will follow Macron")
    assert first.point.url == trip.url
    assert t.actor.role == "British Prime Minister", "the role most articles give"
    assert [a.name for a in t.seen_with] == ["Emmanuel Macron", "Donald Trump"]


def test_a_story_no_point_of_which_names_the_actor_has_none_and_earlier_ones_are_counted():
    views = [
        article(
            f"Story number {i} about trade",
            [f"Exports rose {i}% in month {i}."],
            hours_ago=24 * 5 * i,
            actors=[starmer(0.3)],
        )
        for i in range(1, 5)
    ]
    t = build_timeline(STARMER, views, limit=2)
    assert len(t.stories) == 2 and t.omitted_stories == 2
    assert all(s.point is None for s in t.stories)
    text = render_who_text(WhoAnswer("Starmer", t))
    assert "…and 2 earlier stories." in text and views[0].url in text


def test_the_text_names_the_actor_their_type_role_and_aliases():
    view = article(
        "Starmer visits Kyiv",
        ["Keir Starmer arrived in Kyiv on Thursday for talks with Zelensky."],
        actors=[starmer(0.9), actor("Volodymyr Zelensky", salience=0.6)],
    )
    answer = WhoAnswer("starmer", build_timeline(STARMER, [view]))
    text = render_who_text(answer)
    assert text.startswith("Keir Starmer · person · Prime Minister\nAlso: Starmer\n")
    assert "3 articles in 1 story, shared on " in text
    assert "• Keir Starmer arrived in Kyiv on Thursday" in text
    assert "Seen most often with: Volodymyr Zelensky (1)" in text
    md = render_who_markdown(answer)
    assert md.startswith("## Keir Starmer") and f"({view.url})" in md
    data = who_json(answer)
    assert data["actor"]["aliases"] == ["Starmer"] and data["stories"][0]["date"]
    assert data["stories"][0]["key_point"]["url"] == view.url


def test_candidates_are_numbered_with_how_to_choose():
    person = ActorProfile(5, "Michael Jordan", PERSON, ("Jordan",), "coach", 2)
    country = ActorProfile(6, "Jordan", PLACE, (), None, 7)
    answer = WhoAnswer("Jordan", candidates=(country, person), ambiguous=True)
    text = render_who_text(answer, pick_hint="Choose one: briefbot who Jordan --pick N")
    assert text.splitlines() == [
        '"Jordan" could be more than one actor:',
        "  1. Jordan (place) · 7 articles",
        "  2. Michael Jordan (person, coach) · 2 articles",
        "Choose one: briefbot who Jordan --pick N",
    ]
    assert [c["id"] for c in who_json(answer)["candidates"]] == [6, 5]
