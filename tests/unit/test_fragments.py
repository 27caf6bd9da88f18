"""Links to the very sentence: text directives encoded as the Text Fragments specification
says, chosen to select the key point's sentence, and left out where a page would not show it."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.briefing.fragments import (
    directive_for,
    encode_term,
    find_term,
    key_point_directive,
    parse_directive,
    sentence_link,
)
from bot.briefing.model import KeyPoint
from bot.briefing.status import TextQuality
from tests.unit.builders import article

# What may stand bare in an encoded term: the specification's explicit characters, no more.
SPEC_EXPLICIT = re.compile(r"(?:[A-Za-z0-9!$'()*+./:;=?@_~]|%[0-9A-F]{2})*")


@pytest.mark.parametrize(
    ("term", "encoded"),
    [
        ("Kyiv, 6-7 March", "Kyiv%2C%206%2D7%20March"),
        ("R&D spending", "R%26D%20spending"),
        ('"We will," he said', "%22We%20will%2C%22%20he%20said"),
        ("Europe's leaders", "Europe's%20leaders"),
        (
            "“Not now”, said Zelenskyy’s aide",
            "%E2%80%9CNot%20now%E2%80%9D%2C%20said%20Zelenskyy%E2%80%99s%20aide",
        ),
        ("Ærø – Škoda", "%C3%86r%C3%B8%20%E2%80%93%20%C5%A0koda"),
        ("5.8% (up)", "5.8%25%20%28up%29"),
        ("a#b", "a%23b"),
    ],
)
def test_terms_are_percent_encoded_with_the_directive_syntax_never_bare(term, encoded):
    assert encode_term(term) == encoded
    assert unquote(encoded) == term


@given(st.text(min_size=1, max_size=60))
def test_any_term_survives_the_round_trip_and_holds_no_syntax(term):
    encoded = encode_term(term)
    assert SPEC_EXPLICIT.fullmatch(encoded), encoded
    assert not set(encoded) & set('-,& #"<>`|'), encoded
    assert unquote(encoded) == term


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_a_start_and_end_read_back_as_the_specification_reads_them(start, end):
    # Terms that begin or end with "-" would be read as a prefix or suffix if left bare.
    directive = f"{encode_term(start)},{encode_term(end)}"
    assert parse_directive(directive) == ("", start, end, "")


def test_the_link_keeps_the_articles_url_as_its_prefix():
    assert sentence_link("https://x.example/a?b=1", "Hello") == (
        "https://x.example/a?b=1#:~:text=Hello"
    )
    assert sentence_link("https://x.example/a#part", "Hello") == (
        "https://x.example/a#part:~:text=Hello"
    )
    assert sentence_link("https://x.example/a", "") == "https://x.example/a"


KYIV = (
    "Russia launched one of its heaviest attacks of the winter on energy facilities around "
    "Kyiv overnight, Ukrainian officials said on Tuesday."
)


def test_a_long_sentence_is_its_first_and_last_few_words():
    text = f"Lead paragraph here.\n{KYIV}\nMore text."
    start = text.index(KYIV)
    directive = directive_for(KYIV, start, start + len(KYIV), text=text, title="Strikes")
    assert directive == "Russia%20launched%20one%20of,officials%20said%20on%20Tuesday."
    assert parse_directive(directive) == (
        "",
        "Russia launched one of",
        "officials said on Tuesday.",
        "",
    )


def test_a_short_sentence_is_matched_whole():
    text = "Kyiv lost power.\nThe grid held."
    assert directive_for("The grid held.", 17, 31, text=text) == "The%20grid%20held."


def test_the_words_before_a_sentence_in_its_paragraph_are_its_prefix():
    text = "BRUSSELS — The Commission said on Monday that it would act. Gas rose 5%."
    sentence = "Gas rose 5%."
    start = text.index(sentence)
    directive = directive_for(sentence, start, start + len(sentence), text=text)
    assert directive == "it%20would%20act.-,Gas%20rose%205%25."
    assert parse_directive(directive) == ("it would act.", "Gas rose 5%.", "", "")
    lead = "The Commission said on Monday that it would act on gas storage rules this year."
    text = f"BRUSSELS — {lead}"
    directive = directive_for(lead, 11, len(text), text=text)
    assert directive.startswith("BRUSSELS%20%E2%80%94-,The%20Commission%20said%20on,")


def test_words_that_appear_earlier_make_the_terms_longer_until_they_are_this_sentences():
    earlier = "Russia launched one of its biggest drives of the year in the east, officials said."
    text = f"{earlier}\n{KYIV}"
    start = text.index(KYIV)
    _, head, tail, _ = parse_directive(
        directive_for(KYIV, start, start + len(KYIV), text=text, title="")
    )
    assert head.startswith("Russia launched one of its") and len(head.split()) >= 6
    first = find_term(head, text, 0)
    assert first is not None and first[0] == start
    last = find_term(tail, text, first[1])
    assert last is not None and last[1] == start + len(KYIV)


def test_the_title_counts_as_page_text_case_aside():
    sentence = "Macron and Starmer head to Washington to press Trump on Ukraine today, aides said."
    title = "MACRON AND STARMER HEAD TO WASHINGTON"
    directive = directive_for(sentence, 0, len(sentence), text=sentence, title=title)
    head = parse_directive(directive)[1]
    assert len(head.split()) > 4, "the headline holds the first four words, in capitals"


def point_in(text: str, sentence: str) -> KeyPoint:
    start = text.index(sentence)
    return KeyPoint(sentence, start, start + len(sentence), 1.0)


def test_a_full_article_gets_a_directive_for_its_key_point():
    text = f"Intro line.\n{KYIV}"
    view = replace(article("Strikes", url="https://news.example/kyiv"), text=text)
    assert key_point_directive(view, point_in(text, KYIV)).startswith("Russia%20launched")


@pytest.mark.parametrize(
    ("why", "change"),
    [
        ("a teaser", {"extraction": TextQuality.PARTIAL}),
        ("only the description", {"extraction": TextQuality.METADATA}),
        ("a PDF", {"url": "https://gov.example/report.PDF"}),
        ("a PDF's pages", {"text": f"Intro line.\f{KYIV}"}),
        ("a local file", {"url": "file:///home/ana/notes.txt"}),
        ("a link that has a directive", {"url": "https://news.example/k#:~:text=Kyiv"}),
    ],
)
def test_no_directive_where_the_page_would_not_show_the_sentence(why, change):
    text = change.pop("text", f"Intro line.\n{KYIV}")
    view = replace(article("Strikes", url="https://news.example/kyiv"), text=text, **change)
    assert key_point_directive(view, point_in(text, KYIV)) == "", why


@pytest.mark.parametrize(
    "sentence",
    [
        "Price | Change | Volume of trade for the week ending on Friday in London",
        "- Ukraine's air force said it destroyed 121 of the drones overnight, officials said",
        "The soft\u00adhyphenated word appears in this sentence of more than ten words here.",
        "A zero\u200bwidth space hides in this sentence of more than ten words too.",
        "Prices rose 5\u00a0per cent in the year to January, the statistics office said.",
        "A sentence that runs over\ntwo paragraphs of the page is never matched.",
    ],
)
def test_no_directive_for_text_that_is_not_plain_prose(sentence):
    text = f"Intro line. {sentence}"
    view = replace(article("Prices", url="https://news.example/p"), text=text)
    assert key_point_directive(view, point_in(text, sentence)) == ""


def test_no_directive_when_the_offsets_do_not_give_back_the_point():
    text = f"Intro line.\n{KYIV}"
    view = replace(article("Strikes", url="https://news.example/kyiv"), text=text)
    moved = KeyPoint(KYIV, 0, len(KYIV), 1.0)
    assert key_point_directive(view, moved) == ""


def test_find_term_needs_whole_words_and_stays_on_one_line():
    page = "The Kyivan said.\nKyiv\nlost power. Kyiv  lost power."
    second = page.index("Kyiv  lost")
    assert find_term("Kyiv lost", page, 0) == (second, second + len("Kyiv  lost"))
    assert find_term("kyiv", page, 0) == (17, 21), "case aside, whole word"
