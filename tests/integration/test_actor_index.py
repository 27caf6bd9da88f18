"""Stored actors are found through the actor_names index, on SQLite and PostgreSQL: the same
candidates the old LIKE scan found (surname, alias, acronym), by an index search, not a scan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from bot.briefing.model import Actor, ActorType, Analysis, KeyPoint
from bot.ports import NewShare, PageContent
from storage import repository
from storage.actor_index import ActorName, candidates_query
from storage.db import Database, upgrade
from storage.models import ActorRow, ArticleActor
from storage.repository import SqlStore

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PERSON, ORG = ActorType.PERSON, ActorType.ORGANIZATION


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    db = Database(database_url)
    db.upgrade()
    yield SqlStore(db)
    db.dispose()


def save(store: SqlStore, url: str, actors: list[Actor]) -> int:
    share = NewShare("T1", "C1", "U1", url[-8:], NOW)
    record = store.record_share(canonical_url=url, url=url, share=share)
    body = "Steel makers reacted on Monday."
    store.save_analysis(
        record.article_id,
        now=NOW,
        page=PageContent("Steel", body, "Ledger"),
        analysis=Analysis((KeyPoint(body, 0, len(body), 1.0),), tuple(actors)),
    )
    return record.article_id


def stored(store: SqlStore) -> dict[str, list[str]]:
    with store.db.session() as s:
        return {r.name: list(r.aliases) for r in s.scalars(select(ActorRow))}


def candidates(store: SqlStore, actor: Actor) -> set[str]:
    with store.db.session() as s:
        return {r.name for r in s.scalars(candidates_query(actor))}


def test_candidates_by_surname_alias_and_acronym(store: SqlStore) -> None:
    save(store, "https://a.example/1", [Actor("Donald Trump", PERSON, ("Trump",))])
    save(store, "https://a.example/2", [Actor("Melania Trump", PERSON)])
    save(store, "https://a.example/3", [Actor("European Union", ORG, ("the EU bloc",))])
    save(store, "https://a.example/4", [Actor("Trump Tower", ORG)])

    assert candidates(store, Actor("Trump", PERSON)) == {"Donald Trump", "Melania Trump"}
    assert candidates(store, Actor("Ivanka Trump", PERSON)) == {"Donald Trump", "Melania Trump"}
    assert candidates(store, Actor("The EU Bloc", ORG)) == {"European Union"}, "alias, any case"
    assert candidates(store, Actor("EU", ORG)) == {"European Union"}, "acronym to long form"
    assert candidates(store, Actor("Keir Starmer", PERSON)) == set()


def test_same_rows_as_before_for_surname_and_acronym(store: SqlStore) -> None:
    save(store, "https://a.example/1", [Actor("Trump", PERSON, mentions=2)])
    save(
        store, "https://a.example/2", [Actor("Donald Trump", PERSON, ("Trump",), role="President")]
    )
    save(store, "https://a.example/3", [Actor("Melania Trump", PERSON)])
    save(store, "https://a.example/4", [Actor("EU", ORG)])
    save(store, "https://a.example/5", [Actor("European Union", ORG)])
    rows = stored(store)
    assert set(rows) == {"Donald Trump", "Melania Trump", "European Union"}
    assert rows["Donald Trump"] == ["Trump"] and rows["European Union"] == ["EU"]
    # The renamed rows are found by their new names and surnames too.
    assert candidates(store, Actor("Trump", PERSON)) == {"Donald Trump", "Melania Trump"}
    assert candidates(store, Actor("European Union", ORG)) == {"European Union"}


def test_a_new_actor_stored_meanwhile_by_another_worker_is_joined(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Matched outside the write transaction: a second worker storing the same new actor in
    between makes the first hit the unique constraint, match again and link the one row."""
    other = SqlStore(Database(store.db.url))
    plan = repository.plan_actors
    calls = []

    def plan_then_race(s, actors):  # type: ignore[no-untyped-def]
        planned = plan(s, actors)
        calls.append(len(actors))
        if len(calls) == 1:  # the other worker saves between our matching and our write
            save(other, "https://b.example/2", [Actor("Keir Starmer", PERSON)])
        return planned

    monkeypatch.setattr(repository, "plan_actors", plan_then_race)
    first = save(store, "https://a.example/1", [Actor("Keir Starmer", PERSON, ("Starmer",))])
    other.db.dispose()
    assert len(calls) == 3, "ours, the other worker's, ours again after the conflict"
    assert stored(store) == {"Keir Starmer": ["Starmer"]}
    with store.db.session() as s:
        links = s.scalars(select(ArticleActor.article_id)).all()
    assert first in links and len(links) == 2


def test_lookup_searches_the_index_and_never_scans_actors(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    db.upgrade()
    query = candidates_query(Actor("Trump", PERSON, ("Donald Trump",)))
    with db.engine.connect() as conn:
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
    db.dispose()
    searches = [p for p in plan if p.startswith("SEARCH actor_names USING")]
    assert len(searches) == 2, plan  # names and aliases; surnames
    assert all("ix_actor_names_lookup (type=? AND kind=? AND key=?)" in p for p in searches), plan
    assert any(p.startswith("SEARCH actors USING INTEGER PRIMARY KEY") for p in plan), plan
    assert not any(p.startswith("SCAN") for p in plan), plan


@pytest.mark.postgres
def test_postgres_lookup_can_use_the_index(pg_url: str) -> None:
    db = Database(pg_url)
    db.upgrade()
    query = candidates_query(Actor("EU", ORG))
    with db.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))  # a tiny table is otherwise scanned
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}"))
    db.dispose()
    assert "ix_actor_names_lookup" in plan and "Seq Scan" not in plan, plan


def test_migration_backfills_actors_stored_before_it(database_url: str) -> None:
    db = Database(database_url)
    upgrade(db.engine, "0004")
    with db.session() as s:
        s.add(ActorRow(name="Donald Trump", type="person", aliases=["Trump", "Mr Trump"]))
        s.add(ActorRow(name="NATO", type="organization", aliases=[]))
    db.upgrade()
    with db.session() as s:
        keys = {(n.kind, n.key) for n in s.scalars(select(ActorName))}
    store = SqlStore(db)
    found = candidates(store, Actor("Trump", PERSON))
    db.dispose()
    assert keys == {
        ("name", "donald trump"),
        ("name", "trump"),
        ("name", "mr trump"),
        ("surname", "trump"),
        ("name", "nato"),
    }
    assert found == {"Donald Trump"}
