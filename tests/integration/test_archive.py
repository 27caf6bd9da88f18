"""The archive on a SQLite file and on PostgreSQL: /brief search's phrases, words and filters
through the full-text index, its visibility and pages, the export and the weekly trend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from bot.briefing.model import Actor, ActorType, Analysis, KeyPoint
from bot.ports import NewShare, PageContent
from bot.services.archive import export_articles, search_archive, topic_trend
from storage.db import Database
from storage.repository import SqlStore

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday
STARMER = Actor("Keir Starmer", ActorType.PERSON, ("Starmer",), 2, 0.6, "UK Prime Minister")
OFGEM = Actor("Ofgem", ActorType.ORGANIZATION, (), 2, 0.5)


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    db = Database(database_url)
    db.upgrade()
    yield SqlStore(db)
    db.dispose()


_serial = iter(range(1, 10_000))


def add(
    store: SqlStore,
    title: str,
    text: str,
    *,
    url: str | None = None,
    page_url: str | None = None,
    outlet: str = "News",
    team: str = "T1",
    channel: str = "C1",
    private: bool = False,
    at: datetime = NOW - timedelta(days=1),
    actors: tuple[Actor, ...] = (),
) -> int:
    n = next(_serial)
    url = url or f"https://news.example/{n}"
    share = NewShare(team, channel, f"U{n}", f"{at.timestamp():.6f}", at, private)
    record = store.record_share(canonical_url=url, url=url, share=share)
    point = KeyPoint(text.split(". ")[0], 0, len(text.split(". ")[0]), 1.0, 0)
    page = PageContent(title, text, outlet, None, NOW - timedelta(days=30), "en", page_url=page_url)
    store.save_analysis(record.article_id, page=page, analysis=Analysis((point,), actors), now=at)
    return record.article_id


def titles(store: SqlStore, text: str, *, team="T1", channel="C1", page=1, size=10):
    found = search_archive(
        store=store,
        text=text,
        now=NOW,
        team_id=team,
        channel_id=channel,
        page=page,
        page_size=size,
    )
    return [a.title for a in found.articles], found.total


def test_a_quoted_phrase_needs_its_words_together_and_in_order(store):
    add(store, "Cap rises", "Ofgem lifted the price cap again. Bills rise in April.")
    add(store, "Prices", "A cap on the price of gas was discussed. Nothing was decided.")
    assert titles(store, '"price cap"') == (["Cap rises"], 1)
    assert sorted(titles(store, "price cap")[0]) == ["Cap rises", "Prices"]
    assert titles(store, '"price cap" april') == (["Cap rises"], 1)
    assert titles(store, '"price cap" volcano') == ([], 0)


def test_from_matches_the_outlets_domain_its_subdomains_and_its_name(store):
    add(store, "Wire one", "Sanctions on oil.", url="https://www.reuters.com/world/a")
    add(
        store,
        "Wire two",
        "Sanctions on gas.",
        url="https://amp.example/x",
        page_url="https://uk.reuters.com/b",
    )
    add(store, "Elsewhere", "Sanctions on coal.", url="https://notreuters.com/c")
    add(store, "Ledger", "Sanctions on steel.", outlet="The Northern Ledger")
    assert sorted(titles(store, "sanctions from:reuters.com")[0]) == ["Wire one", "Wire two"]
    assert titles(store, "sanctions from:ledger") == (["Ledger"], 1)
    assert titles(store, "from:Northern") == (["Ledger"], 1), "filters alone need no words"


def test_actor_filters_by_name_or_alias_and_all_actors_must_be_there(store):
    add(store, "Both", "Leaders met. More talks.", actors=(STARMER, OFGEM))
    add(store, "One", "Leaders met again. Less talk.", actors=(STARMER,))
    assert sorted(titles(store, 'leaders actor:"keir starmer"')[0]) == ["Both", "One"]
    assert titles(store, "actor:Starmer actor:Ofgem") == (["Both"], 1)
    assert titles(store, "actor:Nobody") == ([], 0)


def test_channel_and_date_filters_count_from_the_shares(store):
    add(store, "Markets old", "Gas prices rose.", channel="C2", at=NOW - timedelta(days=40))
    add(store, "Markets new", "Gas prices fell.", channel="C2", at=NOW - timedelta(days=2))
    add(store, "World", "Gas prices held.", channel="C3", at=NOW - timedelta(days=2))
    assert sorted(titles(store, "gas in:C2")[0]) == ["Markets new", "Markets old"]
    assert titles(store, "gas in:C2 since:30d") == (["Markets new"], 1)
    day = (NOW - timedelta(days=10)).strftime("%Y-%m-%d")
    assert titles(store, f"gas in:C2 before:{day}") == (["Markets old"], 1)
    assert sorted(titles(store, f"gas after:{day}")[0]) == ["Markets new", "World"]


def test_search_shows_only_what_the_asker_may_see(store):
    add(store, "Ours", "Grain corridor reopens.")
    add(store, "Other workspace", "Grain corridor reopens.", team="T2")
    add(store, "Private", "Grain corridor reopens.", channel="G9", private=True)
    assert titles(store, '"grain corridor"') == (["Ours"], 1)
    assert sorted(titles(store, '"grain corridor"', channel="G9")[0]) == ["Ours", "Private"]
    assert titles(store, '"grain corridor" in:G9') == ([], 0), "a filter cannot widen the view"


def test_pages_split_every_match_once_in_rank_order(store):
    for i in range(7):
        add(store, f"Storm {i}", "Storm warnings. " * (i + 1), at=NOW - timedelta(hours=i))
    seen, totals = [], set()
    for page in (1, 2, 3):
        names, total = titles(store, "storm", page=page, size=3)
        seen += names
        totals.add(total)
    assert totals == {7} and sorted(seen) == sorted(f"Storm {i}" for i in range(7))
    assert len(seen) == len(set(seen))
    assert titles(store, "from:news.example", size=2)[0] == ["Storm 0", "Storm 1"], (
        "without words, the most recently shared first"
    )


def test_the_search_goes_through_the_full_text_index(store):
    add(store, "Indexed", "Drone strikes on the grid.")
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(store.db.engine, "before_cursor_execute", seen)
    try:
        assert titles(store, '"drone strikes"') == (["Indexed"], 1)
    finally:
        event.remove(store.db.engine, "before_cursor_execute", seen)
    searches = [s for s in statements if "article_search" in s]
    assert searches, "the words went to the index"
    operator = "MATCH" if store.db.dialect == "sqlite" else "@@"
    assert all(operator in s for s in searches)
    assert not any("LIKE" in s.upper() and "text" in s.lower() for s in statements)


def test_export_writes_every_visible_article_in_first_share_order(store):
    second = add(store, "Second", "B text.", at=NOW - timedelta(days=3), actors=(STARMER,))
    first = add(store, "First", "A text.", at=NOW - timedelta(days=5))
    add(store, "Too old", "C text.", at=NOW - timedelta(days=60))
    add(store, "Hidden", "D text.", channel="G1", private=True, at=NOW - timedelta(days=2))
    add(store, "Elsewhere", "E text.", team="T2", at=NOW - timedelta(days=2))
    views = list(export_articles(store=store, since=timedelta(days=30), now=NOW, team_id="T1"))
    assert [v.id for v in views] == [first, second]
    assert views[1].actors[0].name == "Keir Starmer" and views[1].key_points[0].text == "B text."
    everything = list(export_articles(store=store, since=timedelta(days=30), now=NOW))
    assert len(everything) == 4, "the operator's export covers every workspace and channel"


def test_the_trend_counts_the_topics_articles_per_week(store):
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    for days_ago, title in [
        (0, "Ukraine a"),
        (1, "Ukraine b"),
        (9, "Ukraine c"),
        (30, "Ukraine d"),
    ]:
        add(
            store,
            title,
            "Talks on Ukraine.",
            at=monday + timedelta(days=1) - timedelta(days=days_ago),
            actors=(STARMER,),
        )
    add(store, "Rates", "The Bank held rates.", at=monday + timedelta(hours=3))
    add(store, "Ukraine hidden", "Ukraine.", team="T2", at=monday + timedelta(hours=3))
    trend = topic_trend(
        store=store, topic="ukraine", weeks=6, now=NOW, team_id="T1", channel_id="C1"
    )
    assert trend.weeks[-1] == monday
    assert trend.counts == (1, 0, 0, 1, 0, 2)
    assert [(a.name, a.recent, a.earlier) for a in trend.rising] == [("Keir Starmer", 2, 2)]
