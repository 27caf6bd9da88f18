"""Search filters, then ranks: better-ranked matches this request may not cite (other
workspaces, private channels, shares outside the window) never push an eligible article out
of a briefing, however many there are. On a SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.briefing.model import Actor, ActorType, Analysis, KeyPoint
from bot.ports import NewShare, PageContent
from bot.services.briefing import brief
from storage.db import Database
from storage.repository import SqlStore

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
LOUD = "Ukraine talks: Ukraine and its allies. " + "Ukraine says Kyiv is ready. " * 12


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    db = Database(database_url)
    db.upgrade()
    yield SqlStore(db)
    db.dispose()


def add(
    store: SqlStore,
    n: int,
    *,
    title: str,
    text: str,
    team: str,
    channel: str,
    private: bool = False,
    at: datetime = NOW - timedelta(days=1),
    actors: tuple[Actor, ...] = (),
) -> str:
    url = f"https://news.example/{team}/{channel}/{n}"
    # Each article its own report: copies of one text would count once in a briefing.
    text = f"{text} " + " ".join(f"report{n}word{i}" for i in range(40))
    share = NewShare(team, channel, "U1", f"{at.timestamp():.6f}.{n}", at, private)
    record = store.record_share(canonical_url=url, url=url, share=share)
    point = KeyPoint(text[:80], 0, min(80, len(text)), 1.0, 0)
    store.save_analysis(
        record.article_id,
        page=PageContent(title, text, "News", None, None, "en", "full"),
        analysis=Analysis((point,), actors),
        now=at,
    )
    return url


def test_700_better_matches_elsewhere_never_hide_the_one_article_this_channel_may_cite(store):
    kinds = [
        {"team": "T2", "channel": "C1"},  # another workspace
        {"team": "T1", "channel": "C9", "private": True},  # a private channel of this one
        {"team": "T1", "channel": "C1", "at": NOW - timedelta(days=30)},  # before the window
    ]
    for n in range(700):
        add(store, n, title=f"Ukraine latest {n}", text=LOUD, **kinds[n % 3])  # type: ignore[arg-type]
    quiet = add(
        store,
        9999,
        title="Harbour council budget",
        text="The council set its budget. Grain ships to Ukraine were discussed briefly.",
        team="T1",
        channel="C1",
    )

    briefing = brief(
        store=store, topic="ukraine", now=NOW, since=WEEK, team_id="T1", channel_id="C2"
    )

    assert [a.url for s in briefing.stories for a in s.articles] == [quiet]
    assert briefing.article_count == 1


def test_every_eligible_match_counts_beyond_a_few_hundred(store):
    for n in range(650):
        add(store, n, title=f"Ukraine latest {n}", text=LOUD, team="T1", channel="C1")

    briefing = brief(
        store=store, topic="ukraine", now=NOW, since=WEEK, team_id="T1", channel_id="C1"
    )

    assert briefing.article_count == 650


def test_the_private_channel_asking_and_the_operator_see_its_shares(store):
    secret = add(
        store, 1, title="Ukraine grain deal", text=LOUD, team="T1", channel="C9", private=True
    )

    def cited(team_id: str | None, channel_id: str | None) -> list[str]:
        b = brief(
            store=store,
            topic="ukraine",
            now=NOW,
            since=WEEK,
            team_id=team_id,
            channel_id=channel_id,
        )
        return [a.url for s in b.stories for a in s.articles]

    assert cited("T1", "C9") == [secret]
    assert cited(None, None) == [secret]
    assert cited("T1", None) == []
    assert cited("T1", "C1") == []
    assert cited("T2", "C9") == []


def test_an_article_found_through_its_actors_is_filtered_like_the_others(store):
    zelensky = Actor("Volodymyr Zelensky", ActorType.PERSON, ("Zelensky",), 4, 0.9)
    for n in range(3):
        add(
            store,
            n,
            title="Ukraine ceasefire",
            text=LOUD,
            team="T1",
            channel="C1",
            actors=(zelensky,),
        )
    here = add(
        store,
        10,
        title="A visit to Washington",
        text="The president flew in.",
        team="T1",
        channel="C1",
        actors=(zelensky,),
    )
    add(
        store,
        11,
        title="A visit to Paris",
        text="The president flew in.",
        team="T2",
        channel="C1",
        actors=(zelensky,),
    )

    briefing = brief(
        store=store, topic="ukraine", now=NOW, since=WEEK, team_id="T1", channel_id="C1"
    )

    cited = {a.url for s in briefing.stories for a in s.articles}
    assert here in cited and briefing.article_count == 4
