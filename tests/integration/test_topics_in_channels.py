"""One topic followed in several channels, each on its own schedule (SQLite and PostgreSQL):
following it for a second channel keeps the first, unfollowing in one leaves the others,
each channel's slots are posted once, and databases from before keep their topics."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot.briefing.followed import TopicConfig
from bot.entrypoints.cli_followed import topics_cli
from bot.errors import UsageError
from bot.services.followed_topics import list_topics, unfollow_topic
from storage.db import Database, upgrade
from storage.followed_topics import SqlTopicStore
from storage.repository import SqlStore
from tests.integration.test_followed_topics import (
    MONDAY,
    ROOT,
    RecordingPoster,
    follow,
    only_uadmin,
    scheduler_for,
)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def topics(database: Database) -> SqlTopicStore:
    return SqlTopicStore(database)


@pytest.fixture
def store(database: Database) -> SqlStore:
    return SqlStore(database)


def unfollow(followed: SqlTopicStore, text: str, *, channel: str):  # type: ignore[no-untyped-def]
    return unfollow_topic(
        topics=followed,
        is_admin=only_uadmin,
        team_id="T1",
        user_id="UADMIN",
        channel_id=channel,
        text=text,
        now=MONDAY,
    )


def listed(followed: SqlTopicStore) -> list[str]:
    return [item.text for item in list_topics(topics=followed, team_id="T1", now=MONDAY)]


def test_following_a_topic_for_a_second_channel_keeps_the_first(topics):
    first = follow(topics, "ukraine at 08:00 on mon-fri terms kyiv, zelensky")
    second = follow(topics, "ukraine at 13:00 daily tz UTC in <#C2|world>")
    assert second.action == "follow" and first.topic.id != second.topic.id
    assert "Now following *ukraine* (matching kyiv, zelensky) in <#C2>" in second.message
    assert "Also followed in <#C1>, on its own schedule." in second.message
    assert listed(topics) == [
        "*ukraine* (matching kyiv, zelensky) in <#C1>: 08:00 Mon–Fri (Europe/London), "
        "next Tue 08:00",
        "*ukraine* (matching kyiv, zelensky) in <#C2>: 13:00 every day (UTC), next Mon 13:00",
    ], "each channel with its own schedule; the second took the topic's terms"

    changed = follow(topics, "ukraine at 07:00", now=MONDAY + timedelta(minutes=1))
    assert changed.action == "update" and changed.topic.id == first.topic.id
    assert [t.time_of_day for t in topics.topic_follows(team_id="T1", name="ukraine")] == [
        "07:00",
        "13:00",
    ], "a change asked in #C1 leaves #C2's schedule alone"


def test_unfollowing_in_one_channel_leaves_the_others(topics):
    follow(topics, "ukraine")
    follow(topics, "ukraine in <#C2>")
    follow(topics, "ukraine in <#C3>")

    gone = unfollow(topics, "ukraine", channel="C2")
    assert gone.message == (
        "I no longer follow *ukraine* in <#C2>. It is still followed in <#C1> and <#C3>."
    )
    with pytest.raises(UsageError, match=r"in 2 channels .*unfollow ukraine in #news"):
        unfollow(topics, "ukraine", channel="C9")
    with pytest.raises(UsageError, match="that channel does not follow 'ukraine'"):
        unfollow(topics, "ukraine in <#C2>", channel="C9")
    assert "in <#C3>." in unfollow(topics, "Ukraine from <#C3|news>", channel="C9").message
    assert [t.channel_id for t in topics.list_topics(team_id="T1")] == ["C1"]
    assert unfollow(topics, "ukraine", channel="C9").removed == ("C1",), (
        "the only channel left needs no naming"
    )

    follow(topics, "ukraine")
    follow(topics, "ukraine in <#C2>")
    everywhere = unfollow(topics, "ukraine everywhere", channel="C9")
    assert everywhere.message == "I no longer follow *ukraine* in <#C1> and <#C2>."
    assert topics.list_topics(team_id="T1") == []
    audit = [(a.action, a.after) for a in topics.audit_entries(team_id="T1")[:2]]
    assert audit == [("unfollow", None), ("unfollow", None)], "each channel's removal is audited"


def test_each_channel_is_briefed_once_per_slot_by_any_number_of_schedulers(topics, store):
    here = follow(topics, "ukraine at 08:00 daily", now=MONDAY - timedelta(days=1)).topic
    there = follow(topics, "ukraine at 08:00 daily in <#C2>", now=MONDAY - timedelta(days=1)).topic
    poster = RecordingPoster()
    schedulers = [
        scheduler_for(topics, store, poster, lambda: MONDAY + timedelta(seconds=2), name=f"s{i}")
        for i in range(3)
    ]
    outcomes = [s.fire(topic.id) for s in schedulers for topic in (here, there)]
    assert sorted(outcomes) == ["posted", "posted", "taken", "taken", "taken", "taken"]
    assert sorted(p.channel_id for p in poster.posts) == ["C1", "C2"]
    assert all(p.text == "Nothing new on Ukraine since Sunday 08:00." for p in poster.posts)
    runs = sorted((r.channel_id, r.slot, r.status) for r in topics.briefing_runs())
    assert runs == [("C1", MONDAY, "posted"), ("C2", MONDAY, "posted")]


def test_a_topic_briefed_twice_a_day_posts_each_time_once(topics, store):
    topic = follow(topics, "ukraine at 08:00,13:00 daily", now=MONDAY - timedelta(days=1)).topic
    assert listed(topics) == [
        "*ukraine* in <#C1>: 08:00 and 13:00 every day (Europe/London), next Mon 13:00"
    ]
    poster = RecordingPoster()
    for at in (MONDAY, MONDAY + timedelta(hours=5)):  # 08:00 and 13:00 in London
        outcomes = [
            scheduler_for(
                topics, store, poster, lambda at=at: at + timedelta(seconds=2), name=n
            ).fire(topic.id)
            for n in ("s1", "s2")
        ]
        assert outcomes == ["posted", "taken"]
    assert [p.text for p in poster.posts] == [
        "Nothing new on Ukraine since Sunday 13:00.",
        "Nothing new on Ukraine since Monday 08:00.",
    ]
    assert [(r.slot, r.status) for r in topics.briefing_runs()] == [
        (MONDAY, "posted"),
        (MONDAY + timedelta(hours=5), "posted"),
    ]


def test_a_database_from_before_keeps_its_topics_and_their_briefings(database_url):
    """0008 on a store made by 0007: the topic keeps its id, its runs stay its own (SQLite
    rebuilds the table), and its name may then be followed in a second channel."""
    old = Database(database_url)
    upgrade(old.engine, "0007")
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO topics (id, team_id, name, terms, channel_id, time_of_day, days, "
                "timezone, silent_when_empty, kind, created_at, updated_at) VALUES (41, 'T1', "
                "'ukraine', '[\"kyiv\"]', 'C1', '08:00', 'mon-fri', 'Europe/London', false, "
                "'topic', :at, :at)"
            ),
            {"at": MONDAY - timedelta(days=3)},
        )
        conn.execute(
            text(
                "INSERT INTO briefing_runs (topic_id, team_id, channel_id, slot, claimed_at, "
                "status, story_keys, actor_names, article_ids, covered_until, attempts) VALUES "
                "(41, 'T1', 'C1', :slot, :slot, 'posted', '[]', '[]', '[3, 4]', :slot, 1)"
            ),
            {"slot": MONDAY - timedelta(days=1)},
        )
    old.dispose()

    db = Database(database_url)
    db.upgrade()
    topics = SqlTopicStore(db)
    try:
        [kept] = topics.list_topics(team_id="T1")
        assert (kept.id, kept.channel_id, kept.terms) == (41, "C1", ("kyiv",))
        previous = topics.last_briefing(41, "C1")
        assert previous is not None and previous.article_ids == (3, 4), (
            "what was briefed stays the topic's, so the next briefing says only what is new"
        )
        follow(topics, "ukraine at 13:00,17:30 in <#C2>")
        assert [(t.channel_id, t.time_of_day) for t in topics.list_topics(team_id="T1")] == [
            ("C1", "08:00"),
            ("C2", "13:00,17:30"),
        ], "several times a day fit the widened column"
    finally:
        db.dispose()


def test_topics_import_and_list_a_topic_in_two_channels(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("BRIEFBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("BRIEFBOT_ENV_FILE", str(tmp_path / "none.env"))
    file = tmp_path / "topics.yaml"
    file.write_text(
        "team: T0DEMO\ntopics:\n"
        "  - {name: ukraine, channel: C0NEWS, at: '08:00'}\n"
        "  - {name: ukraine, channel: C0WORLD, at: '12:30', days: daily}\n"
        "  - {name: climate, channel: C0NEWS}\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    imported = runner.invoke(topics_cli, ["import", str(file)])
    assert imported.exit_code == 0, imported.output
    assert "created: ukraine in C0NEWS, ukraine in C0WORLD, climate" in imported.output
    lines = runner.invoke(topics_cli, ["list"]).output.splitlines()
    ukraine = [line for line in lines if " ukraine " in line]
    assert len(ukraine) == 2
    assert "C0NEWS" in ukraine[0] and "08:00 Mon–Fri (UTC)" in ukraine[0]
    assert "C0WORLD" in ukraine[1] and "12:30 every day (UTC)" in ukraine[1]


@pytest.mark.slow
def test_two_scheduler_processes_post_each_channels_slot_once(sqlite_url, tmp_path):
    db = Database(sqlite_url)
    db.upgrade()
    topics = SqlTopicStore(db)
    due = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    for channel in ("C1", "C2"):
        topics.save_topic(
            TopicConfig("T1", "ukraine", channel, f"{due:%H:%M}", "mon-sun", "UTC"),
            user_id="UADMIN",
            action="follow",
            now=due - timedelta(days=1),
        )
    posts = tmp_path / "posts.txt"
    start = time.time() + 6
    command = [sys.executable, "-m", "tests.integration.scheduler_proc", sqlite_url, str(posts)]
    procs = [
        subprocess.Popen(
            [*command, str(start)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    channels = sorted(line.split()[1] for line in posts.read_text().splitlines())
    assert channels == ["C1", "C2"], "one post in each channel, whichever process made it"
    db.dispose()
