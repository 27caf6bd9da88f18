"""The archive's story features: counted as each article is stored, and for the articles of
a store made before they were counted; a briefing reads only its matches' features."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command

from bot.briefing.model import Actor, ActorType, Analysis, KeyPoint
from bot.briefing.stories import feature_terms
from bot.ports import NewShare, PageContent
from bot.services.ingest import record_links
from storage.db import Database, alembic_config
from storage.repository import SqlStore

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
REPORTS = [
    ("Quake shakes Aceh", "A 6.1 quake shook Aceh province on Tuesday, officials said."),
    ("Aceh quake toll rises", "The Aceh quake killed 24 people, officials said."),
    ("Bank holds rates", "The Bank of England held rates at 4.5% on Thursday."),
]


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    db = Database(database_url)
    db.upgrade()
    yield SqlStore(db)
    db.dispose()


def stored(store: SqlStore, n: int, title: str, sentence: str, *, analysed: bool = True) -> None:
    share = NewShare("T1", "C1", "U1", f"{n}.000100", NOW, channel_private=False)
    [capture] = record_links(store=store, urls=[f"https://news.example/{n}"], share=share)
    points = (KeyPoint(sentence, 0, len(sentence), 1.0),) if analysed else ()
    actors = (Actor("Aceh", ActorType.PLACE, salience=0.8),) if "Aceh" in title else ()
    store.save_analysis(
        capture.record.article_id,
        page=PageContent(title, sentence, "News"),
        analysis=Analysis(points, actors if analysed else ()),
        now=NOW,
    )


def counts(store: SqlStore) -> tuple[int, dict[str, int]]:
    views = store.recent_articles(team_id="T1", channel_id="C1", since=NOW.replace(day=1))
    corpus = store.story_corpus(views)
    assert set(corpus.frequency) <= feature_terms(views)
    return corpus.documents, dict(corpus.frequency)


def test_each_stored_article_adds_its_features_to_the_archive(store):
    for n, (title, sentence) in enumerate(REPORTS):
        stored(store, n, title, sentence)
    documents, frequency = counts(store)
    assert documents == 3
    assert frequency["w:aceh"] == 2 and frequency["a:aceh"] == 2
    assert frequency["w:officials"] == 2 and frequency["w:bank"] == 1
    assert frequency["n:24"] == 1


def test_a_store_from_before_the_counts_is_counted_when_it_is_upgraded(store):
    for n, (title, sentence) in enumerate(REPORTS):
        stored(store, n, title, sentence)
    # Kept with its title and link only (a language without a model): counted by neither.
    stored(store, 9, "Berlin verdoppelt die Hilfe", "Die Regierung hilft.", analysed=False)
    at_ingest = counts(store)
    cfg = alembic_config(store.db.engine)
    with store.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012")
        assert "story_terms" not in _tables(conn)
    store.db.upgrade()
    assert counts(store) == at_ingest, "the same counts as ingestion would have made"


def _tables(conn) -> set[str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect

    return set(inspect(conn).get_table_names())
