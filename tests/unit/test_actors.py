"""Actor resolution: one article's canonical actors, and matching them across articles."""

from __future__ import annotations

import re

import pytest

from bot.briefing.actor_matching import match_existing_actor, merge_actor, merge_aliases
from bot.briefing.actors import clean_name, resolve_actors, split_entity
from bot.briefing.gazetteer import country_of_demonym, expand_topic
from bot.briefing.model import Actor, ActorType, AnnotatedText, Mention, Sentence, Token

PERSON, ORG, PLACE, GROUP = (
    ActorType.PERSON,
    ActorType.ORGANIZATION,
    ActorType.PLACE,
    ActorType.GROUP,
)


def annotate(
    text: str, mentions: list[tuple[str, str]], title: str = "", nouns: frozenset[str] = frozenset()
) -> AnnotatedText:
    """An AnnotatedText for ``text``: one sentence a line, mentions found left to right.

    Every word is tagged PROPN except those in ``nouns``, tagged NOUN.
    """
    found, pos = [], 0
    for surface, label in mentions:
        start = text.index(surface, pos)
        pos = start + len(surface)
        found.append((surface, label, start, pos))
    sentences, offset = [], 0
    for line in text.split("\n"):
        tokens = []
        for m in re.finditer(r"\w+(?:[.'’]\w+)*\.?|[^\w\s]", line):
            start, end = offset + m.start(), offset + m.end()
            label = next((lab for _, lab, s, e in found if s <= start < e), "")
            pos = "NOUN" if m.group() in nouns else "PROPN"
            tokens.append(Token(m.group(), m.group().lower(), pos, False, start, end, label))
        sentences.append(Sentence(offset, offset + len(line), line, tuple(tokens)))
        offset += len(line) + 1
    return AnnotatedText(
        text=text,
        sentences=tuple(sentences),
        mentions=tuple(
            Mention(surface, label, s, e, _sentence_of(sentences, s))
            for surface, label, s, e in found
        ),
        title=title,
    )


def _sentence_of(sentences: list[Sentence], offset: int) -> int:
    return next(i for i, s in enumerate(sentences) if s.start <= offset <= s.end)


def by_name(actors: tuple[Actor, ...]) -> dict[str, Actor]:
    return {a.name: a for a in actors}


def test_surname_joins_full_name_and_keeps_it_as_alias():
    doc = annotate(
        "Donald Trump met reporters.\nTrump said he would return.\nTrump left.",
        [("Donald Trump", "PERSON"), ("Trump", "PERSON"), ("Trump", "ORG")],
    )
    actors = resolve_actors(doc)
    assert [(a.name, a.type) for a in actors] == [("Donald Trump", PERSON)]
    assert actors[0].aliases == ("Trump",)
    assert actors[0].mentions == 3


def test_type_is_the_majority_of_all_mentions():
    doc = annotate(
        "Acme Corp grew. Acme Corp hired. Acme Corp sold. Acme Corp won.",
        [("Acme Corp", "ORG"), ("Acme Corp", "PERSON"), ("Acme Corp", "ORG"), ("Acme Corp", "ORG")],
    )
    actors = resolve_actors(doc)
    assert [(a.name, a.type, a.mentions) for a in actors] == [("Acme Corp", ORG, 4)]


def test_titles_possessives_and_the_are_stripped_and_role_is_kept():
    doc = annotate(
        "French President Emmanuel Macron spoke.\nMacron's aides agreed with the Kremlin.",
        [
            ("French", "NORP"),
            ("Emmanuel Macron", "PERSON"),
            ("Macron's", "PERSON"),
            ("the Kremlin", "ORG"),
        ],
    )
    actors = by_name(resolve_actors(doc))
    macron = actors["Emmanuel Macron"]
    assert macron.role == "French President"
    assert macron.aliases == ("Macron",)
    assert actors["Kremlin"].type is ORG
    assert actors["French"].type is GROUP and actors["French"].country == "France"


@pytest.mark.parametrize(
    ("surface", "label", "expected"),
    [
        ("Prime Minister Keir Starmer's", "PERSON", ("Keir Starmer", "Prime Minister")),
        ("Secretary of Defense Pete Hegseth", "PERSON", ("Pete Hegseth", "Secretary of Defense")),
        ("Mr. Smith", "ORG", ("Smith", "Mr.")),
        ("the United States", "GPE", ("United States", "")),
        ("U.S.", "GPE", ("U.S.", "")),
        ("Ursula von der Leyen", "PERSON", ("Ursula von der Leyen", "")),
        ("General Motors", "ORG", ("General Motors", "")),
    ],
)
def test_clean_name(surface, label, expected):
    assert clean_name(surface, label) == expected


def test_junk_entities_are_dropped():
    doc = annotate(
        "On 1996-08-30 it rose 5 percent , they said , and - fell .",
        [("1996-08-30", "PERSON"), ("it", "GPE"), ("5", "ORG"), ("they", "PERSON"), ("-", "ORG")],
    )
    assert resolve_actors(doc) == ()


def test_country_names_are_places_under_one_name():
    doc = annotate(
        "The U.S. and the United States of America.\nUS troops.",
        [("U.S.", "ORG"), ("the United States of America", "GPE"), ("US", "GPE")],
    )
    actors = resolve_actors(doc)
    assert [(a.name, a.type) for a in actors] == [("United States", PLACE)]
    assert set(actors[0].aliases) == {"U.S.", "United States of America", "US"}


def test_acronym_joins_its_long_form():
    doc = annotate(
        "The European Union and the EU.\nThe World Health Organization (WHO) warned.",
        [
            ("The European Union", "ORG"),
            ("EU", "ORG"),
            ("The World Health Organization", "ORG"),
            ("WHO", "ORG"),
        ],
    )
    actors = by_name(resolve_actors(doc))
    assert set(actors) == {"European Union", "World Health Organization"}
    assert actors["European Union"].aliases == ("EU",)


def test_results_table_names_get_their_layout_types():
    text = (
        "CRICKET - COUNTY SCORES.\n"
        "LONDON 1996-08-30\n"
        "At Hove: Sussex 363 and 144 (W. Athey 111), Lancashire 218 and 53-0.\n"
        "Pete Sampras (U.S.) beat Tim Henman (Britain) 6-3 6-4"
    )
    doc = annotate(
        text,
        [
            ("LONDON", "GPE"),
            ("Sussex 363", "PERSON"),
            ("W. Athey 111", "ORG"),
            ("Pete Sampras", "ORG"),
            ("Tim Henman", "GPE"),
        ],
    )
    actors = by_name(resolve_actors(doc))
    assert actors["Sussex"].type is ORG
    assert actors["Lancashire"].type is ORG
    assert actors["W. Athey"].type is PERSON
    assert actors["Hove"].type is PLACE
    assert actors["London"].type is PLACE
    assert actors["Pete Sampras"].type is PERSON and actors["Tim Henman"].type is PERSON
    assert actors["United States"].type is PLACE


def test_all_caps_headline_guesses_need_support_from_the_body():
    doc = annotate(
        "SOCCER - SHEARER NAMED AS CAPTAIN OF ENGLAND.\nAlan Shearer was named in London.",
        [
            ("SOCCER - SHEARER", "ORG"),
            ("ENGLAND", "GPE"),
            ("Alan Shearer", "PERSON"),
            ("London", "GPE"),
        ],
    )
    names = {a.name for a in resolve_actors(doc)}
    assert names == {"Alan Shearer", "England", "London"}


def test_split_entity_cuts_at_scores_dashes_and_brackets():
    assert split_entity("Romania - Cosmin Contra") == ["Romania", "Cosmin Contra"]
    assert split_entity("Scott Draper (Australia") == ["Scott Draper", "Australia"]
    assert split_entity("Pohang 3 Ulsan 2") == ["Pohang", "Ulsan"]
    assert split_entity("Bank of America") == ["Bank of America"]


def test_salience_prefers_title_and_lead():
    text = "\n".join(
        ["Angela Merkel spoke.", "x.", "y.", "z.", "Olaf Scholz replied.", "Scholz left."]
    )
    doc = annotate(
        text,
        [("Angela Merkel", "PERSON"), ("Olaf Scholz", "PERSON"), ("Scholz", "PERSON")],
        title="Merkel speaks",
    )
    actors = resolve_actors(doc)
    assert [a.name for a in actors] == ["Angela Merkel", "Olaf Scholz"]
    assert 0 <= actors[1].salience < actors[0].salience <= 1


def types(actors: tuple[Actor, ...]) -> dict[str, ActorType]:
    return {a.name: a.type for a in actors}


def test_surname_joins_the_named_person_however_often_tagged_otherwise():
    doc = annotate(
        "President Donald Trump spoke.\nTrump said no.\nMacron met Trump.\nTrump left.",
        [("Donald Trump", "PERSON"), ("Trump", "ORG"), ("Trump", "ORG"), ("Trump", "ORG")],
    )
    actors = resolve_actors(doc)
    assert [(a.name, a.type, a.mentions) for a in actors] == [("Donald Trump", PERSON, 4)]


def test_first_word_of_a_person_never_tagged_as_one_stays_apart():
    doc = annotate(
        "Pirelli grew.\nShares in Pirelli rose.\nPirelli hired.\nPirelli Cables sells cable.",
        [("Pirelli", "ORG"), ("Pirelli", "ORG"), ("Pirelli", "ORG"), ("Pirelli Cables", "PERSON")],
    )
    assert types(resolve_actors(doc))["Pirelli"] is ORG


def test_known_cities_regions_and_rivers_are_places_whatever_one_tag_says():
    doc = annotate(
        "Zelensky said Kyiv would not accept it.\nPorts near Odesa on the Danube were hit.\n"
        "Rain fell in Perthshire and in Galloway.",
        [
            ("Zelensky", "PERSON"),
            ("Kyiv", "PERSON"),
            ("Odesa", "ORG"),
            ("Danube", "PERSON"),
            ("Perthshire", "PERSON"),
            ("Galloway", "PERSON"),
        ],
    )
    found = types(resolve_actors(doc))
    for place in ("Kyiv", "Odesa", "Danube", "Perthshire", "Galloway"):
        assert found[place] is PLACE, place
    assert found["Zelensky"] is PERSON


def test_a_city_in_a_results_table_is_still_the_team():
    doc = annotate(
        "BASEBALL - RESULTS.\nChicago 5 Houston 3\nChicago won again on Friday.",
        [("Chicago", "ORG"), ("Houston", "GPE"), ("Chicago", "GPE")],
    )
    assert types(resolve_actors(doc))["Chicago"] is ORG


def test_government_portfolios_in_titles_are_not_organisations():
    doc = annotate(
        "Defense Secretary Pete Hegseth spoke.\n"
        "Secretary of Defense Peter Hegseth agreed.\n"
        "Peter Kyle, the Secretary of State for Science, Innovation and Technology, spoke.\n"
        "Trade will also be discussed.\n"
        "The Defence Ministry and the Bank of England replied.",
        [
            ("Defense", "ORG"),
            ("Pete Hegseth", "PERSON"),
            ("Defense", "ORG"),
            ("Peter Hegseth", "PERSON"),
            ("Peter Kyle", "PERSON"),
            ("State for Science, Innovation and Technology", "ORG"),
            ("Trade", "ORG"),
            ("The Defence Ministry", "ORG"),
            ("the Bank of England", "ORG"),
        ],
    )
    actors = by_name(resolve_actors(doc))
    assert {n for n, a in actors.items() if a.type is ORG} == {
        "Defence Ministry",
        "Bank of England",
    }
    assert actors["Peter Hegseth"].role == "Secretary of Defense"


def test_sentence_opening_common_nouns_are_not_actors():
    doc = annotate(
        "Schools in three districts closed.\nCampaigners said it was late.\n"
        "Bias in the model worried Sampras.\nSome bias remains.\nAgassi replied.",
        [
            ("Schools", "PERSON"),
            ("Campaigners", "PERSON"),
            ("Bias", "PERSON"),
            ("Sampras", "PERSON"),
            ("Agassi", "PERSON"),
        ],
        nouns=frozenset({"Schools", "Campaigners"}),
    )
    assert types(resolve_actors(doc)) == {"Sampras": PERSON, "Agassi": PERSON}


def test_brand_like_one_word_people_are_organisations():
    doc = annotate(
        "He met OpenAI staff.\nOfficials at Cop29 agreed.\nSanctions on Rosatom began.\n"
        "The grid operator Ukrenergo said so.\nShe thanked McDonald and Biden.",
        [
            ("OpenAI", "PERSON"),
            ("Cop29", "PERSON"),
            ("Rosatom", "PERSON"),
            ("Ukrenergo", "PERSON"),
            ("McDonald", "PERSON"),
            ("Biden", "PERSON"),
        ],
    )
    assert types(resolve_actors(doc)) == {
        "OpenAI": ORG,
        "Cop29": ORG,
        "Rosatom": ORG,
        "Ukrenergo": ORG,
        "McDonald": PERSON,
        "Biden": PERSON,
    }


def test_regulators_known_by_name_are_organisations():
    doc = annotate(
        "Ofgem said bills will rise.\nThe cap set by Ofgem rose.", [("Ofgem", "PERSON")] * 2
    )
    assert types(resolve_actors(doc)) == {"Ofgem": ORG}


def test_a_product_named_like_a_person_is_not_an_actor():
    doc = annotate(
        "Anthropic makes the Claude chatbot.\nDario Amodei runs it.",
        [("Anthropic", "ORG"), ("Claude", "PERSON"), ("Dario Amodei", "PERSON")],
    )
    assert types(resolve_actors(doc)) == {"Anthropic": ORG, "Dario Amodei": PERSON}


def test_byline_names_are_people():
    doc = annotate(
        "Power was cut in Riga.\n(Reporting by Marta Kalnina in Riga; editing by Tom Hale)",
        [("Riga", "GPE"), ("Marta Kalnina", "GPE"), ("Riga", "GPE"), ("Tom Hale", "PERSON")],
    )
    found = types(resolve_actors(doc))
    assert found == {"Riga": PLACE, "Marta Kalnina": PERSON, "Tom Hale": PERSON}


def test_common_acronyms_are_not_actors():
    doc = annotate(
        "AI rules and VAT rises hit Google.", [("AI", "GPE"), ("VAT", "ORG"), ("Google", "ORG")]
    )
    assert types(resolve_actors(doc)) == {"Google": ORG}


# --- across articles -----------------------------------------------------------------

TRUMP = Actor("Donald Trump", PERSON, aliases=("Trump",))
MELANIA = Actor("Melania Trump", PERSON, aliases=("Trump",))
TRUMP_ORG = Actor("Trump Organization", ORG)
EU = Actor("European Union", ORG, aliases=("EU",))


def test_match_exact_name_same_type_only():
    assert match_existing_actor([TRUMP_ORG, TRUMP], Actor("Donald Trump", PERSON)) == 1
    assert match_existing_actor([TRUMP_ORG], Actor("Donald Trump", PERSON)) is None


def test_surname_matches_only_an_unambiguous_person():
    assert match_existing_actor([TRUMP_ORG, TRUMP], Actor("Trump", PERSON)) == 1
    assert match_existing_actor([TRUMP, MELANIA], Actor("Trump", PERSON)) is None


def test_match_by_alias_and_acronym():
    assert match_existing_actor([EU], Actor("EU", ORG)) == 0
    assert match_existing_actor([Actor("United States", PLACE)], Actor("U.S.", PLACE)) == 0
    assert (
        match_existing_actor(
            [Actor("Ukrainian", GROUP, country="Ukraine")],
            Actor("Ukrainians", GROUP, country="Ukraine"),
        )
        == 0
    )
    assert match_existing_actor([EU], Actor("UN", ORG)) is None


def test_merge_actor_keeps_the_fuller_name_and_all_forms():
    merged = merge_actor(Actor("Trump", PERSON, mentions=2), TRUMP)
    assert merged.name == "Donald Trump"
    assert merged.aliases == ("Trump",)
    assert merged.mentions == 3
    assert merge_aliases(["Trump", "trump"], ["Donald"], name="Donald Trump") == (
        "Trump",
        "Donald",
    )


# --- gazetteer -----------------------------------------------------------------------


def test_expand_topic():
    ukraine = {"ukraine", "ukrainian", "ukrainians", "kyiv", "kiev"}
    assert ukraine <= expand_topic("Ukraine")
    assert expand_topic("ukrainian") == expand_topic("ukraine")
    assert {"uk", "united kingdom", "britain", "british"} <= expand_topic("uk")
    assert {"eu", "european union"} <= expand_topic("EU")
    assert expand_topic("blockchain") == {"blockchain"}
    assert country_of_demonym("British") == "United Kingdom"


# --- through the real spaCy pipeline ---------------------------------------------------

SEED_TITLE = (
    "French President Emmanuel Macron and UK Prime Minister Keir Starmer head to Washington"
)
SEED_TEXT = """This week, French President Emmanuel Macron and UK Prime Minister Keir Starmer plan to \
visit Washington, D.C., in an effort to persuade former President Donald Trump to reconsider his \
stance on the ongoing conflict in Ukraine.
Macron's visit coincides with the third anniversary of Russia's invasion of Ukraine.
Starmer is scheduled to arrive in Washington on Thursday.
In advance of the meetings, Macron has engaged in discussions with key European leaders, \
including Ursula von der Leyen.
Trump's previous opposition to direct U.S. military support complicates these negotiations.
Macron plans to stress to Trump the need for a stronger stance against Russian President \
Vladimir Putin.
Starmer has called for Ukrainian President Volodymyr Zelensky to be included in peace talks.
Zelensky thanked Starmer, and Putin did not comment."""


@pytest.fixture(scope="module")
def seed_actors() -> tuple[Actor, ...]:
    from bot.extraction.nlp import SpacyAnalyzer

    return SpacyAnalyzer().analyze(SEED_TITLE, SEED_TEXT).actors


@pytest.mark.slow
def test_seed_people_once_each_under_full_name(seed_actors):
    people = [a.name for a in seed_actors if a.type is PERSON]
    for name in (
        "Emmanuel Macron",
        "Keir Starmer",
        "Donald Trump",
        "Volodymyr Zelensky",
        "Vladimir Putin",
        "Ursula von der Leyen",
    ):
        assert people.count(name) == 1, (name, people)
    for short in ("Macron", "Starmer", "Trump", "Putin", "Zelensky", "Leyen"):
        assert all(a.name != short for a in seed_actors), short


@pytest.mark.slow
def test_seed_places_groups_and_types(seed_actors):
    actors = by_name(seed_actors)
    assert actors["Russia"].type is PLACE
    assert actors["Ukrainian"].type is GROUP and actors["Ukrainian"].country == "Ukraine"
    assert actors["Emmanuel Macron"].role == "French President"
    names_by_type: dict[str, set[ActorType]] = {}
    for a in seed_actors:
        for n in (a.name, *a.aliases):
            names_by_type.setdefault(n.casefold(), set()).add(a.type)
    assert not [n for n, t in names_by_type.items() if {PERSON, ORG} <= t]
    assert seed_actors[0].salience >= seed_actors[-1].salience


NEWS_TEXT = """Russian drones hit power plants overnight, the state grid operator Ukrenergo said.
Zelensky said Kyiv would not accept a deal made without it.
Schools in three districts moved lessons online.
Campaigners said the energy regulator Ofgem had acted too late.
Ofgem said the cap would rise in April.
American Secretary of Defense Peter Hegseth told allies that Europe must do more.
OpenAI and Google said the rules were unclear."""


@pytest.mark.slow
def test_ordinary_news_names_get_the_types_a_reader_expects():
    from bot.extraction.nlp import SpacyAnalyzer

    found = types(SpacyAnalyzer().analyze("Strikes on the grid", NEWS_TEXT).actors)
    for org in ("Ukrenergo", "Ofgem", "OpenAI", "Google"):
        assert found.get(org) is ORG, (org, found)
    assert found.get("Kyiv") is PLACE and found.get("Peter Hegseth") is PERSON
    assert not {"Schools", "Campaigners", "Defense"} & set(found)


def test_a_one_word_organisation_joins_the_one_longer_name_it_opens_or_ends():
    doc = annotate(
        "The Bank of England held rates. The Bank said inflation was falling. "
        "The European Commission agreed, and the Commission will meet in May.",
        [
            ("The Bank of England", "ORG"),
            ("Bank", "ORG"),
            ("The European Commission", "ORG"),
            ("Commission", "ORG"),
        ],
    )
    orgs = by_name(resolve_actors(doc))
    assert set(orgs) == {"Bank of England", "European Commission"}
    assert (
        "Bank" in orgs["Bank of England"].aliases
        and "Commission" in orgs["European Commission"].aliases
    )


def test_a_one_word_organisation_stays_apart_when_two_longer_names_share_it():
    doc = annotate(
        "The Bank of England and the Bank of Japan moved. The Bank declined to comment.",
        [("The Bank of England", "ORG"), ("the Bank of Japan", "ORG"), ("Bank", "ORG")],
    )
    assert "Bank" in by_name(resolve_actors(doc))


def test_names_in_a_list_mostly_tagged_as_people_are_all_people():
    text = (
        "France beat Mexico 2-0 on Saturday.\n"
        "France - 1 - Bernard Lama; 2 - Lilian Thuram (14 - Sabri Lamouchi 87th), "
        "5 - Laurent Blanc, 8 - Marcel Desailly, 3 - Bixente Lizarazu"
    )
    doc = annotate(
        text,
        [
            ("France", "GPE"),
            ("Mexico", "GPE"),
            ("Lilian Thuram", "PERSON"),
            ("Sabri Lamouchi 87th", "PERSON"),
            ("Marcel Desailly", "ORG"),
            ("Bixente Lizarazu", "PERSON"),
        ],
    )
    actors = by_name(resolve_actors(doc))
    for name in ("Bernard Lama", "Lilian Thuram", "Sabri Lamouchi", "Laurent Blanc"):
        assert actors[name].type is PERSON
    assert actors["Marcel Desailly"].type is PERSON
    assert actors["France"].type is PLACE


def test_a_prose_sentence_with_commas_is_no_list():
    text = "Rivals Essex, Derbyshire and Surrey all closed in on victory while Kent made up time."
    doc = annotate(text, [("Essex", "ORG"), ("Derbyshire", "PERSON"), ("Surrey", "PERSON")])
    actors = by_name(resolve_actors(doc))
    assert "Kent" not in actors


def test_rows_of_one_table_are_the_same_kind_of_thing():
    text = (
        "Scottish league standings after Saturday's matches:\n"
        "Greenock Morton 3 2 0 1 5 2 6\n"
        "Dundee 3 1 2 0 3 2 5\n"
        "Falkirk 3 1 1 1 1 1 4\n"
        "East Fife 2 0 1 1 0 4 1\n"
        "Clydebank 2 1 0 1 1 3 3"
    )
    doc = annotate(text, [("Greenock Morton", "PERSON")])
    actors = by_name(resolve_actors(doc))
    assert actors["Greenock Morton"].type is ORG
    assert actors["East Fife"].type is ORG
    assert actors["Dundee"].type is ORG


def test_a_word_the_text_also_writes_in_lower_case_is_no_person():
    doc = annotate(
        "Dry air is bad for you, says Dr Owen Dempsey.\n"
        "A doctor said Humidifier sales had risen.\n"
        "A humidifier adds moisture to the air, and Kallis agreed.",
        [("Owen Dempsey", "PERSON"), ("Humidifier", "PERSON"), ("Kallis", "PERSON")],
    )
    names = set(by_name(resolve_actors(doc)))
    assert "Humidifier" not in names
    assert {"Owen Dempsey", "Kallis"} <= names


def test_a_word_capitalised_only_inside_a_quote_is_no_person():
    doc = annotate(
        'The song "Breathless" probably does not refer to a "Duvet Day", said Jim Corr.\n'
        '"Duvet is what we called it," he said.',
        [("Duvet", "PERSON"), ("Jim Corr", "PERSON"), ("Duvet", "PERSON")],
    )
    names = set(by_name(resolve_actors(doc)))
    assert "Duvet" not in names and "Jim Corr" in names


def test_names_only_inside_a_quoted_remark_are_no_protagonists():
    doc = annotate(
        "Lisa Nandy opened the new library in Wigan on Monday.\n"
        'She said: "Think Donald Trump rather than Barack Obama."',
        [
            ("Lisa Nandy", "PERSON"),
            ("Wigan", "GPE"),
            ("Donald Trump", "PERSON"),
            ("Barack Obama", "PERSON"),
        ],
    )
    actors = resolve_actors(doc)
    found = by_name(actors)
    assert found["Donald Trump"].salience == 0 and found["Barack Obama"].salience == 0
    assert found["Lisa Nandy"].salience > 0
    assert actors[0].name == "Lisa Nandy"


def test_a_name_with_and_without_its_middle_name_is_one_person():
    doc = annotate(
        "Dr Owen John Dempsey runs a practice in Leeds.\n"
        "Owen Dempsey said dry air was to blame.\n"
        "Dempsey added that rooms should be aired.",
        [
            ("Owen John Dempsey", "PERSON"),
            ("Leeds", "GPE"),
            ("Owen Dempsey", "PERSON"),
            ("Dempsey", "PERSON"),
        ],
    )
    people = [a for a in resolve_actors(doc) if a.type is PERSON]
    assert [a.name for a in people] == ["Owen John Dempsey"]
    assert {"Owen Dempsey", "Dempsey"} <= set(people[0].aliases)


def test_a_role_keeps_its_place_name_whole():
    doc = annotate(
        "Hong Kong Chief Executive Carrie Lam withdrew the bill.",
        [("Hong Kong", "GPE"), ("Carrie Lam", "PERSON")],
    )
    assert by_name(resolve_actors(doc))["Carrie Lam"].role == "Hong Kong Chief Executive"


def test_split_entity_keeps_an_organisations_own_in_and_cuts_ordinals_and_pairs():
    osce = "Organisation for Security and Cooperation in Europe"
    assert split_entity(osce, "ORG") == [osce]
    assert split_entity("Yorkshire at Headingley", "PERSON") == ["Yorkshire", "Headingley"]
    assert split_entity("Robert Pires 46th", "PERSON") == ["Robert Pires"]
    assert split_entity("Laurent Cabannes and Laurent Benezech", "PERSON") == [
        "Laurent Cabannes",
        "Laurent Benezech",
    ]
    assert split_entity("St Johnstone v", "ORG") == ["St Johnstone"]


def test_a_date_word_before_a_name_is_not_part_of_it():
    assert clean_name("August National Association of Purchasing Management", "ORG") == (
        "National Association of Purchasing Management",
        "",
    )
    assert clean_name("May", "PERSON") == ("May", "")


def test_a_nationality_or_ordinary_word_before_a_full_name_is_a_description():
    doc = annotate(
        "American Dennis Mitchell won the race.\n"
        "Fullback Andre Joubert scored, and the fullback was cheered.",
        [("American Dennis Mitchell", "PERSON"), ("Fullback Andre Joubert", "PERSON")],
    )
    actors = by_name(resolve_actors(doc))
    assert {"Dennis Mitchell", "Andre Joubert"} <= set(actors)
    assert actors["Andre Joubert"].role == "Fullback"


def test_a_name_the_sentence_places_is_a_place_whatever_the_tagger_says():
    text = (
        "Buildings shook in Banda Aceh on Tuesday after the quake.\n"
        "Rescuers reached the provincial capital Banda Aceh by noon.\n"
        "The town lies 320 kilometres from Banda Aceh, officials said.\n"
        "Ema Suryani said in Smith's view nobody was hurt."
    )
    doc = annotate(
        text,
        [
            ("Banda Aceh", "PERSON"),
            ("Banda Aceh", "PERSON"),
            ("Banda Aceh", "PERSON"),
            ("Ema Suryani", "PERSON"),
            ("Smith", "PERSON"),
        ],
    )
    actors = by_name(resolve_actors(doc))
    assert actors["Banda Aceh"].type is PLACE
    assert actors["Ema Suryani"].type is PERSON
    assert actors["Smith"].type is PERSON, "in someone's view does not place them"


def test_initials_of_a_body_or_a_country_are_no_first_names():
    text = (
        "The U.N. High Commissioner for Refugees visited S. Korea on Monday.\n"
        "Talks with N. Korean officials were led by P. Simmons of the embassy."
    )
    doc = annotate(text, [("P. Simmons", "PERSON")])
    people = {a.name for a in resolve_actors(doc) if a.type is PERSON}
    assert "P. Simmons" in people
    assert not people & {"U.N. High", "S. Korea", "N. Korean"}, people
