"""Topic matching: what a topic implies, how strongly an article matches, and why."""

from __future__ import annotations

import pytest

from bot.briefing.compose import MIN_RELEVANCE
from bot.briefing.matching import TopicQuery, related_actors, score_article, topic_query
from tests.unit.builders import GROUP, ORG, PLACE, actor, article

UKRAINE = topic_query("ukraine")


def test_a_country_topic_implies_its_people_and_capital() -> None:
    assert {"ukraine", "ukrainian", "kyiv", "kiev"} <= set(UKRAINE.terms)
    assert "ukrainians" not in UKRAINE.terms, "a term's pattern takes its plural already"
    assert UKRAINE.topic == "ukraine"


def test_topic_is_normalised() -> None:
    q = topic_query("  Energy   PRICES ")
    assert q.topic == "Energy   PRICES"
    assert "energy prices" in q.terms
    assert {"energy", "prices"} <= set(q.parts), "single words are weak parts, not terms"


def test_longer_terms_are_tried_first() -> None:
    q = topic_query("energy prices")
    assert q.terms[0] == "energy prices"


def test_extra_terms_are_searched_too() -> None:
    q = topic_query("ukraine", extra_terms=["Zaporizhzhia", " "])
    assert "zaporizhzhia" in q.terms
    assert "" not in q.terms


@pytest.mark.parametrize(
    ("title", "why"),
    [
        ("Drone strikes hit Kyiv overnight", "kyiv"),
        ("Ukrainian grain exports rise again", "ukrainian"),
        ("UKRAINE's army advances near Kharkiv", "ukraine"),
    ],
)
def test_an_article_that_only_implies_the_topic_matches_and_says_why(title: str, why: str) -> None:
    relevance, matched = score_article(UKRAINE, article(title))
    assert relevance >= MIN_RELEVANCE
    assert matched == (why,)


def test_an_unrelated_article_does_not_match() -> None:
    boe = article(
        "Bank of England holds interest rates at 4.5%",
        [
            "The Bank of England kept its benchmark rate at 4.5%, citing sticky inflation in Britain."
        ],
        text="Governor Andrew Bailey said the outlook for the UK economy was uncertain.",
        actors=[actor("Bank of England", ORG), actor("Andrew Bailey")],
    )
    assert score_article(UKRAINE, boe) == (0.0, ())


def test_words_that_merely_contain_the_topic_do_not_match() -> None:
    assert (
        score_article(UKRAINE, article("Ukrainerland theme park opens; Kyivstar shares"))[0] == 0.0
    )


def test_title_counts_more_than_a_passing_mention_in_the_body() -> None:
    in_title, _ = score_article(UKRAINE, article("Kyiv talks resume"))
    in_body, matched = score_article(
        UKRAINE, article("Markets today", text="Traders in Kyiv watched.")
    )
    assert in_title > in_body > 0.0
    assert in_body < MIN_RELEVANCE  # a passing mention is not enough for a story
    assert matched == ("kyiv",)


def test_more_mentions_are_more_relevant_but_never_above_one() -> None:
    once, _ = score_article(UKRAINE, article("Ukraine talks"))
    often, _ = score_article(
        UKRAINE,
        article(
            "Ukraine talks",
            ["Kyiv said Ukraine would attend.", "Ukrainian officials agreed."],
            text="Ukraine " * 50,
        ),
    )
    assert 0.0 < once < often < 1.0


def test_the_whole_phrase_counts_more_than_one_of_its_words() -> None:
    q = topic_query("energy prices")
    phrase, matched = score_article(q, article("Energy prices soar in Europe"))
    word, _ = score_article(q, article("Egg prices soar in Europe"))
    assert phrase > word
    assert matched[0] == "energy prices"


def test_an_actor_of_the_topic_matches_without_the_word() -> None:
    q = TopicQuery("ukraine", UKRAINE.terms, actors=("Zelensky",))
    a = article(
        "Talks resume in Riyadh",
        actors=[actor("Volodymyr Zelensky", aliases=["Zelensky"], salience=0.8)],
    )
    relevance, matched = score_article(q, a)
    assert relevance > MIN_RELEVANCE
    assert matched == ("Volodymyr Zelensky",)


def test_a_group_of_the_country_matches() -> None:
    a = article("Soldiers return home", actors=[actor("Ukrainian", GROUP, country="Ukraine")])
    relevance, matched = score_article(UKRAINE, a)
    assert relevance > 0.0 and matched == ("Ukrainian",)


def test_a_word_found_as_a_term_and_an_actor_is_named_once() -> None:
    a = article("Ukrainian soldiers return", actors=[actor("Ukrainian", GROUP, country="Ukraine")])
    assert score_article(UKRAINE, a)[1] == ("ukrainian",)


def test_one_plural_word_matches_one_term() -> None:
    singular, _ = score_article(UKRAINE, article("Ukrainian soldiers return"))
    plural, matched = score_article(UKRAINE, article("Ukrainians return"))
    assert matched == ("ukrainian",)
    assert plural == pytest.approx(singular)


def test_related_actors_are_central_and_specific_to_the_topic() -> None:
    zelensky = actor("Volodymyr Zelensky", salience=0.8)
    trump = actor("Donald Trump", salience=0.5)
    matches = [
        article("a", actors=[zelensky, trump]),
        article("b", actors=[zelensky, trump]),
        article("c", actors=[actor("Passing Name", salience=0.1)]),
    ]
    totals = {"Volodymyr Zelensky": 3, "Donald Trump": 40}
    assert related_actors(matches, totals) == ["Volodymyr Zelensky"]


def test_related_actors_need_several_articles_and_skip_places() -> None:
    once = [article("a", actors=[actor("Volodymyr Zelensky", salience=0.9)])]
    assert related_actors(once, {}) == []
    places = [article(x, actors=[actor("Kyiv", PLACE, salience=0.9)]) for x in "ab"]
    assert related_actors(places, {}) == []


def test_one_word_of_a_several_word_topic_alone_is_no_match() -> None:
    q = topic_query("energy prices")
    eggs, _ = score_article(q, article("Egg prices climb again as farms cut flocks"))
    bills, matched = score_article(q, article("Energy bills: gas prices push household costs up"))
    assert eggs == 0.0
    assert bills >= MIN_RELEVANCE and {"energy", "prices"} <= set(matched)


@pytest.mark.parametrize(
    ("topic", "title"),
    [
        ("kyiv", "Нічна атака дронів на Київ"),
        ("kyiv", "Power cuts across Kiev as frost sets in"),
        ("kiev", "Power cuts across Kyiv as frost sets in"),
        ("Київ", "Power cuts across Kyiv as frost sets in"),
        ("kharkiv", "Shelling in Kharkov overnight"),
        ("ukraine", "Обстріл Києва: у Київ прибули рятувальники"),
        ("russia", "Nouvelles sanctions contre la Russie"),
    ],
)
def test_a_place_matches_its_other_spellings(topic: str, title: str) -> None:
    relevance, matched = score_article(topic_query(topic), article(title))
    assert relevance >= MIN_RELEVANCE, f"{topic!r} should match {title!r}"
    assert matched


def test_other_spellings_are_the_same_place_only() -> None:
    kyiv = set(topic_query("kyiv").terms)
    assert {"kyiv", "kiev", "київ", "киев"} <= kyiv
    assert "ukraine" not in kyiv, "the city is not its whole country"
    assert set(topic_query("kiev").terms) == kyiv
    assert score_article(topic_query("kyiv"), article("Markets rally in Kharkiv"))[0] == 0.0
