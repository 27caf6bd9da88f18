"""Articles in other languages, end to end: pages served from 127.0.0.1 through the real
fetcher, reader, spaCy pipelines and store (SQLite and PostgreSQL), and topics that find
a place under its other spellings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Container, build
from bot.briefing.model import Analysis, KeyPoint
from bot.config import Settings
from bot.ports import NewShare, PageContent
from bot.services.briefing import brief
from bot.services.ingest import record_links

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator[Container]:  # type: ignore[no-untyped-def]
    settings = Settings.from_env(
        {},
        data_dir=tmp_path,
        database_url=database_url,
        fetch_allowlist=("127.0.0.1",),
        fetch_timeout=5.0,
    )
    container = build(settings)
    yield container
    container.close()


def share(hours_ago: float = 1, user: str = "U1") -> NewShare:
    at = NOW - timedelta(hours=hours_ago)
    return NewShare("T1", "C1", user, f"{at.timestamp():.6f}", at)


def store_article(app: Container, url: str, title: str, text: str) -> None:
    """An article stored as read and analysed, without spaCy: the search is what is tested."""
    [capture] = record_links(store=app.store, urls=[url], share=share())
    assert capture.record is not None
    app.store.save_analysis(
        capture.record.article_id,
        page=PageContent(title, text, "Wire", language="en"),
        analysis=Analysis((KeyPoint(text, 0, len(text), 1.0),), ()),
        now=NOW,
    )


def headlines(app: Container, topic: str) -> set[str]:
    return {s.headline for s in brief(store=app.store, topic=topic, now=NOW, since=WEEK).stories}


def test_a_topic_finds_a_place_under_each_of_its_spellings_in_the_store(app: Container) -> None:
    store_article(
        app,
        "https://uk.example/1",
        "Нічна атака дронів",
        "Уночі російські дрони атакували Київ, повідомила міська влада.",
    )
    store_article(
        app,
        "https://old.example/2",
        "Power cuts after drone attack",
        "Engineers in Kiev restored power to most districts by the evening.",
    )
    store_article(
        app,
        "https://new.example/3",
        "Grain talks resume",
        "Officials in Kyiv said grain talks would resume next week.",
    )
    store_article(
        app,
        "https://far.example/4",
        "Port reopens",
        "The port of Odesa reopened on Monday after repairs.",
    )
    kyiv = {"Нічна атака дронів", "Power cuts after drone attack", "Grain talks resume"}
    assert headlines(app, "kyiv") == kyiv
    assert headlines(app, "kiev") == kyiv
    assert headlines(app, "Київ") == kyiv
    assert headlines(app, "odessa") == {"Port reopens"}
