"""The archive's query language, its pages, its snippets and the export's records."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.briefing.archive import (
    MAX_QUERY_LENGTH,
    ArchivePage,
    ArchiveQuery,
    parse_archive_query,
    render_archive_text,
    snippet,
)
from bot.briefing.export import HEADER, csv_row, export_record
from bot.briefing.model import ShareInfo
from bot.errors import UsageError
from tests.unit.builders import NOW, PERSON, actor, article


def parse(text: str) -> ArchiveQuery:
    return parse_archive_query(text, now=NOW)


def test_phrases_words_and_every_filter_are_read():
    q = parse(
        '"price cap" ofgem from:https://www.Reuters.com/world actor:"Keir Starmer" '
        "in:<#C0MARKETS|markets> after:2025-02-01 before:2025-03-01"
    )
    assert q.phrases == ("price cap",) and q.words == ("ofgem",)
    assert q.outlets == ("reuters.com",) and q.actors == ("Keir Starmer",)
    assert q.channels == ("C0MARKETS",)
    assert q.after == datetime(2025, 2, 1, tzinfo=UTC)
    assert q.before == datetime(2025, 3, 1, tzinfo=UTC)
    assert q.terms == ("price cap", "ofgem")


def test_curly_quotes_from_slack_clients_are_phrases_and_an_open_quote_runs_to_the_end():
    assert parse("“price cap” rises").phrases == ("price cap",)
    assert parse('oil "price cap').phrases == ("price cap",)
    assert parse('oil "price cap').words == ("oil",)


def test_a_channel_picked_from_slacks_list_filters_by_itself_and_since_is_relative():
    q = parse("sanctions <#C0WORLD|world> since:30d")
    assert q.channels == ("C0WORLD",) and q.words == ("sanctions",)
    assert q.after == NOW - timedelta(days=30) and q.before is None


def test_an_outlet_name_without_a_dot_matches_by_name_and_a_query_of_filters_alone_is_fine():
    q = parse("from:Baltic from:balticwire.example")
    assert q.outlets == ("baltic", "balticwire.example") and q.terms == ()


def test_unknown_keys_and_punctuation_are_plain_words():
    q = parse("covid-19 ratio:3 — …")
    assert q.words == ("covid-19", "ratio:3")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "say what to look for"),
        ('"" -- ...', "say what to look for"),
        ("in:#markets", "pick it from the list"),
        ("after:yesterday", "takes a day as 2025-02-24"),
        ("since:3mo", "takes a window"),
        ("after:2025-03-01 before:2025-02-01", "nothing can be shared"),
        ("<@U123> said", "not '<@U123>'"),
        ("from:", "needs a value"),
        ("x" * (MAX_QUERY_LENGTH + 1), "at most"),
        (" ".join(f"w{i}" for i in range(13)), "at most 12"),
    ],
)
def test_a_search_that_cannot_be_read_says_why(text, says):
    with pytest.raises(UsageError, match=says):
        parse(text)


def test_describe_reads_the_query_back():
    q = parse('"price cap" from:reuters.com actor:"Keir Starmer" in:C0NEWS before:2025-03-01')
    assert q.describe() == (
        '"price cap" from:reuters.com actor:"Keir Starmer" in:C0NEWS before:2025-03-01'
    )


def test_pages_count_from_one():
    page = ArchivePage(ArchiveQuery(words=("x",)), (), total=12, page=2, page_size=5)
    assert (page.pages, page.first, page.has_previous, page.has_next) == (3, 6, True, True)
    last = ArchivePage(ArchiveQuery(words=("x",)), (), total=10, page=2, page_size=5)
    assert last.pages == 2 and not last.has_next


def test_the_snippet_is_a_key_point_saying_the_phrase_else_the_sentence_around_it():
    a = article(
        "Bills rise",
        ["Households pay more from April.", "Ofgem lifted the price cap again."],
        text="Households pay more from April. Analysts expect more. The regulator's price cap "
        "rose by 6.4%, its third rise running. Suppliers welcomed it.",
    )
    assert snippet(a, parse('"price cap"')) == "Ofgem lifted the price cap again."
    assert snippet(a, parse("analysts")) == "Analysts expect more."
    no_point = article("Bills rise", ["Households pay more from April."], text=a.text)
    assert snippet(no_point, parse('"price cap"')) == (
        "The regulator's price cap rose by 6.4%, its third rise running."
    )
    assert snippet(a, parse("from:x.example")) == "Households pay more from April."


def test_a_search_by_actor_shows_where_the_article_names_them():
    starmer = actor("Keir Starmer", PERSON, aliases=("Starmer",))
    a = article("Talks", ["Leaders met in Paris.", "Starmer said he would go."], actors=[starmer])
    assert snippet(a, parse('actor:"Keir Starmer"')) == "Starmer said he would go."


def test_the_text_page_lists_each_article_with_where_and_when_it_was_shared():
    a = article("Ofgem lifts the price cap", ["The price cap rises."], url="https://x.example/a")
    page = ArchivePage(parse('"price cap"'), (a,), total=1, page=1)
    text = render_archive_text(page)
    assert text.startswith('1 article match "price cap" (1-1, page 1 of 1)')
    assert "Outlet A · published 04 Mar 2025 · shared 04 Mar 2025 11:00 UTC in C1 by U1" in text
    assert "“The price cap rises.”" in text and "<https://x.example/a>" in text
    empty = ArchivePage(parse("volcano"), (), total=0, page=1)
    assert render_archive_text(empty) == "Nothing matches volcano.\n"


def test_an_export_record_carries_dates_shares_key_points_and_actors():
    shared = NOW - timedelta(days=2)
    a = article(
        '=HYPERLINK("http://evil")',
        ["First point.", "Second point."],
        shared=shared,
        actors=[actor("Keir Starmer", role="UK Prime Minister")],
    )
    a = replace(
        a,
        published_at=NOW - timedelta(days=3),
        shares=(ShareInfo("U2", "C2", NOW), ShareInfo("U1", "C1", shared)),
    )
    record = export_record(a)
    assert record["published_at"] == "2025-03-01T12:00:00Z"
    assert (record["first_shared_at"], record["last_shared_at"]) == (
        "2025-03-02T12:00:00Z",
        "2025-03-04T12:00:00Z",
    )
    assert record["share_count"] == 2 and record["shares"][0]["channel"] == "C1"
    assert record["key_points"] == ["First point.", "Second point."]
    assert record["actors"] == [
        {"name": "Keir Starmer", "type": "person", "role": "UK Prime Minister", "mentions": 1}
    ]
    assert list(record) == list(HEADER)
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, csv_row(record)])
    header, row = list(csv.reader(io.StringIO(out.getvalue())))
    cells = dict(zip(header, row, strict=True))
    assert cells["title"] == '\'=HYPERLINK("http://evil")', "a formula is shown as text"
    assert cells["key_points"] == "First point.\nSecond point."
    assert cells["shares"] == "C1 U1 2025-03-02T12:00:00Z; C2 U2 2025-03-04T12:00:00Z"
    assert cells["actors"] == "Keir Starmer (person)"


def test_a_key_point_that_only_repeats_the_headline_gives_way_to_one_that_says_more():
    a = article(
        "Ofgem lifts the price cap", ["Ofgem lifts the price cap", "The price cap rises 6%."]
    )
    assert snippet(a, parse('"price cap"')) == "The price cap rises 6%."
    assert snippet(a, parse("from:x.example")) == "The price cap rises 6%."


def test_a_text_that_opens_with_its_headline_is_quoted_past_it():
    a = article(
        "Ofgem lifts the price cap",
        ["Ofgem lifts the price cap"],
        text="Ofgem lifts the price cap\nBills rise. The price cap goes up by £101 a year. End.",
    )
    assert snippet(a, parse('"price cap"')) == "The price cap goes up by £101 a year."
