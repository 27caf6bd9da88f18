"""Actor timelines over a real store (SQLite and PostgreSQL): names found through the actor
index, never a scan, counted and shown only where the asker may see their articles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.briefing.model import Actor, ActorType, Analysis, KeyPoint
from bot.ports import NewShare, PageContent
from bot.services.who import who
from storage.actor_lookup import lookup_queries
from storage.db import Database
from storage.repository import SqlStore

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PERSON, ORG, PLACE = ActorType.PERSON, ActorType.ORGANIZATION, ActorType.PLACE
STARMER = Actor("Keir Starmer", PERSON, ("Starmer",), salience=0.8, role="Prime Minister")


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    db = Database(database_url)
    db.upgrade()
    yield SqlStore(db)
    db.dispose()


def save(
    store: SqlStore,
    path: str,
    title: str,
    sentences: list[str],
    actors: list[Actor],
    *,
    days_ago: float = 1,
    channel: str = "C0WORLD",
    private: bool = False,
    team: str = "T1",
) -> str:
    url = f"https://ledger.example/{path}"
    when = NOW - timedelta(days=days_ago)
    share = NewShare(team, channel, "U1", f"{when.timestamp():.6f}", when, private)
    record = store.record_share(canonical_url=url, url=url, share=share)
    body = "\n".join(sentences)
    points, offset = [], 0
    for rank, sentence in enumerate(sentences):
        points.append(KeyPoint(sentence, offset, offset + len(sentence), 1.0 - rank / 10, rank))
        offset += len(sentence) + 1
    store.save_analysis(
        record.article_id,
        now=when,
        page=PageContent(title, body, "The Ledger", published_at=when - timedelta(hours=3)),
        analysis=Analysis(tuple(points), tuple(actors)),
    )
    return url


def fill(store: SqlStore) -> dict[str, str]:
    macron = Actor("Emmanuel Macron", PERSON, ("Macron",), salience=0.7)
    return {
        "trip": save(
            store,
            "trip",
            "Macron and Starmer head to Washington",
            [
                "Two European leaders travel to the White House this week with a troop plan.",
                "Starmer will follow Macron to Washington on Thursday, officials said.",
            ],
            [macron, STARMER],
        ),
        "budget": save(
            store,
            "budget",
            "Defence spending to rise to 2.5% of GDP",
            ["Keir Starmer told MPs that defence spending would reach 2.5% of GDP by 2027."],
            [STARMER],
            days_ago=12,
        ),
        "private": save(
            store,
            "private",
            "Starmer meets union leaders in private",
            ["Keir Starmer met union leaders on Friday, two people in the room said."],
            [STARMER, Actor("Olena Hart", PERSON, salience=0.6)],
            days_ago=0.5,
            channel="G0BOARD",
            private=True,
        ),
        "jordan": save(
            store,
            "jordan",
            "Jordan hosts talks",
            ["Michael Jordan watched as Jordan hosted regional talks in Amman on Monday."],
            [
                Actor("Michael Jordan", PERSON, ("Jordan",), salience=0.5),
                Actor("Jordan", PLACE, salience=0.6),
            ],
            days_ago=3,
        ),
    }


def test_a_timeline_lists_the_stories_newest_first_with_a_point_naming_the_actor(store):
    urls = fill(store)
    answer = who(store=store, name="starmer", team_id="T1", channel_id="C0WORLD")
    t = answer.timeline
    assert t is not None and t.actor.name == "Keir Starmer" and t.actor.aliases == ("Starmer",)
    assert t.actor.articles == 2, "the private channel's article is not counted here"
    assert [s.headline for s in t.stories] == [
        "Macron and Starmer head to Washington",
        "Defence spending to rise to 2.5% of GDP",
    ]
    point = t.stories[0].point
    assert point is not None and point.text.startswith("Starmer will follow Macron")
    assert point.url == urls["trip"] and point.link.startswith(urls["trip"] + "#:~:text=")
    assert t.stories[1].date == NOW - timedelta(days=12)
    assert [a.name for a in t.seen_with] == ["Emmanuel Macron"]


def test_the_private_channel_sees_its_own_article_and_nobody_else_does(store):
    fill(store)
    inside = who(store=store, name="Keir Starmer", team_id="T1", channel_id="G0BOARD").timeline
    assert inside is not None and inside.stories[0].headline.startswith("Starmer meets union")
    assert "Olena Hart" in [a.name for a in inside.seen_with]
    for team, channel in (("T1", "C0WORLD"), ("T1", None), ("T2", "G0BOARD")):
        answer = who(store=store, name="Olena Hart", team_id=team, channel_id=channel)
        assert answer.timeline is None and answer.candidates == (), (team, channel)
    elsewhere = who(store=store, name="Keir Starmer", team_id="T2", channel_id="C0WORLD")
    assert elsewhere.timeline is None and elsewhere.candidates == ()


def test_an_ambiguous_name_offers_each_actor_and_a_pick_or_id_runs_the_lookup(store):
    fill(store)
    answer = who(store=store, name="Jordan", team_id="T1", channel_id="C0WORLD")
    assert answer.timeline is None and answer.ambiguous
    assert {(c.name, c.type) for c in answer.candidates} == {
        ("Michael Jordan", PERSON),
        ("Jordan", PLACE),
    }
    place = next(c for c in answer.candidates if c.type is PLACE)
    chosen = who(store=store, actor_id=place.id, team_id="T1", channel_id="C0WORLD").timeline
    assert chosen is not None and chosen.actor.type is PLACE
    picked = who(store=store, name="Jordan", pick=2, team_id="T1", channel_id="C0WORLD").timeline
    assert picked is not None and picked.actor.id == answer.candidates[1].id
    hidden = who(store=store, actor_id=place.id, team_id="T2", channel_id="C0WORLD")
    assert hidden.timeline is None, "an id from a button is looked up as the clicker may see it"


def test_a_misspelt_name_offers_the_closest_actors(store):
    fill(store)
    for typed in ("Kier Starmr", "Starmr", "keir"):
        answer = who(store=store, name=typed, team_id="T1", channel_id="C0WORLD")
        assert answer.timeline is None and not answer.ambiguous
        assert [c.name for c in answer.candidates] == ["Keir Starmer"], typed
    nobody = who(store=store, name="Angela Merkel", team_id="T1", channel_id="C0WORLD")
    assert nobody.timeline is None and nobody.candidates == ()


def test_every_lookup_searches_the_actor_index_and_never_scans(sqlite_url):
    db = Database(sqlite_url)
    db.upgrade()
    with db.engine.connect() as conn:
        plans = []
        for query, _ in lookup_queries("Kier Starmr"):
            compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
            plans.append([r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")])
    db.dispose()
    assert len(plans) == 7, "the name exactly; the name and each word's first letters, by kind"
    for plan in plans:
        assert all(p.startswith("SEARCH actor_names USING COVERING INDEX") for p in plan), plan
        assert any("ix_actor_names_lookup (type=? AND kind=? AND key" in p for p in plan), plan
