"""Followed topics end to end on SQLite and PostgreSQL: rights and audit, slot claims, what is
new across briefings, digests, restarts, schedule edits, and two scheduler processes."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from typer.testing import CliRunner

from bot.briefing.followed import TopicConfig
from bot.briefing.model import Actor, ActorType, Analysis, Briefing, KeyPoint
from bot.entrypoints.cli_followed import topics_cli
from bot.entrypoints.scheduler import BriefingScheduler
from bot.errors import NotAllowed, UsageError
from bot.ports import NewShare, PageContent
from bot.services.followed_topics import (
    follow_topic,
    list_topics,
    post_due_briefing,
    set_digest,
    unfollow_topic,
)
from storage.db import Database
from storage.followed_topics import SqlTopicStore
from storage.repository import SqlStore

ROOT = Path(__file__).resolve().parents[2]
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 08:00 in London (GMT)
PERSON, ORG = ActorType.PERSON, ActorType.ORGANIZATION


@dataclass
class Post:
    channel_id: str
    text: str  # the title of a briefing, the text of a one-liner
    briefing: Briefing | None = None


class RecordingPoster:
    def __init__(self) -> None:
        self.posts: list[Post] = []

    def post_briefing(
        self, *, team_id: str, channel_id: str, briefing: Briefing, title: str, slot_key: str = ""
    ) -> str:
        self.posts.append(Post(channel_id, title, briefing))
        return f"1764000000.{len(self.posts):06d}"

    def post_text(self, *, team_id: str, channel_id: str, text: str, slot_key: str = "") -> str:
        self.posts.append(Post(channel_id, text))
        return f"1764000000.{len(self.posts):06d}"

    def find_slot_post(
        self, *, team_id: str, channel_id: str, slot_key: str, since: datetime
    ) -> str | None:
        return None  # as Slack answers when the post never reached it


def only_uadmin(team_id: str, user_id: str) -> bool:
    return user_id == "UADMIN"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def topics(db: Database) -> SqlTopicStore:
    return SqlTopicStore(db)


@pytest.fixture
def store(db: Database) -> SqlStore:
    return SqlStore(db)


def follow(topics: SqlTopicStore, text: str, *, user: str = "UADMIN", now: datetime = MONDAY, **kw):  # type: ignore[no-untyped-def]
    return follow_topic(
        topics=topics,
        is_admin=only_uadmin,
        team_id="T1",
        user_id=user,
        channel_id="C1",
        text=text,
        default_timezone="Europe/London",
        now=now,
        **kw,
    )


def add_article(
    store: SqlStore,
    url: str,
    title: str,
    outlet: str,
    points: list[str],
    actors: list[tuple[str, ActorType]],
    shared_at: datetime,
    channel: str = "C1",
    user: str = "U1",
) -> int:
    share = NewShare("T1", channel, user, f"{shared_at.timestamp():.6f}", shared_at)
    record = store.record_share(canonical_url=url, url=url, share=share)
    text, key_points = "", []
    for rank, point in enumerate(points):
        key_points.append(KeyPoint(point, len(text), len(text) + len(point), 1.0 - rank / 10, rank))
        text += point + " "
    analysis = Analysis(
        tuple(key_points), tuple(Actor(n, t, mentions=3, salience=0.8) for n, t in actors)
    )
    store.save_analysis(
        record.article_id,
        page=PageContent(title, text, outlet, None, None, "en", "full"),
        analysis=analysis,
        now=shared_at,
    )
    return record.article_id


# --- configuring topics ----------------------------------------------------------------------


def test_an_admin_follows_edits_and_unfollows_and_every_change_is_audited(topics):
    made = follow(topics, "Energy prices at 07:30 on mon-fri in <#C9|markets> terms gas, ofgem")
    assert made.action == "follow" and "Now following *energy prices*" in made.message
    assert (made.topic.channel_id, made.topic.time_of_day, made.topic.timezone) == (
        "C9",
        "07:30",
        "Europe/London",
    )

    edited = follow(
        topics, "energy prices at 09:00 daily in <#C9>", now=MONDAY + timedelta(hours=1)
    )
    assert edited.action == "update"
    assert (edited.topic.time_of_day, edited.topic.days) == ("09:00", "mon-sun")
    assert (edited.topic.channel_id, edited.topic.terms) == ("C9", ("gas", "ofgem")), (
        "what was not said stays"
    )
    assert follow(topics, "energy prices daily in <#C9>").action == "unchanged"

    [listed] = list_topics(topics=topics, team_id="T1", now=MONDAY)
    assert "in <#C9>: 09:00 every day (Europe/London), next Mon 09:00" in listed.text
    unfollow_topic(
        topics=topics,
        is_admin=only_uadmin,
        team_id="T1",
        user_id="UADMIN",
        text="ENERGY  prices",
        now=MONDAY + timedelta(hours=2),
    )
    assert list_topics(topics=topics, team_id="T1", now=MONDAY) == []

    audit = topics.audit_entries(team_id="T1")
    assert [(a.action, a.user_id) for a in audit] == [
        ("unfollow", "UADMIN"),
        ("update", "UADMIN"),
        ("follow", "UADMIN"),
    ]
    assert audit[1].before["time_of_day"] == "07:30" and audit[1].after["time_of_day"] == "09:00"
    assert audit[2].before is None and audit[0].after is None


def test_a_non_admin_is_refused_and_nothing_changes(topics):
    follow(topics, "ukraine at 08:00")
    for attempt in (
        lambda: follow(topics, "ukraine at 06:00", user="UBOB"),
        lambda: follow(topics, "climate", user="UBOB"),
        lambda: unfollow_topic(
            topics=topics,
            is_admin=only_uadmin,
            team_id="T1",
            user_id="UBOB",
            text="ukraine",
            now=MONDAY,
        ),
        lambda: set_digest(
            topics=topics,
            is_admin=only_uadmin,
            team_id="T1",
            user_id="UBOB",
            channel_id="C1",
            text="daily",
            default_timezone="UTC",
            now=MONDAY,
        ),
    ):
        with pytest.raises(NotAllowed, match="only workspace admins and owners"):
            attempt()
    [ukraine] = topics.list_topics(team_id="T1")
    assert ukraine.time_of_day == "08:00"
    assert len(topics.audit_entries(team_id="T1")) == 1

    listed = follow(
        topics, "ukraine at 06:00", user="UCAROL", admins=("UCAROL",)
    )  # BRIEFBOT_ADMINS
    assert listed.topic.time_of_day == "06:00"


def test_a_channel_named_in_plain_text_is_resolved_or_explained(topics):
    with pytest.raises(UsageError, match=r"cannot find #news.*For example"):
        follow(topics, "ukraine in #news")
    made = follow(topics, "ukraine in #news", resolve_channel={"news": "C777"}.get)
    assert made.topic.channel_id == "C777"
    assert follow(topics, "gas").topic.channel_id == "C1", (
        "by default the channel the command came from"
    )


def test_seed_topics_import_and_list(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("BRIEFBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("BRIEFBOT_ENV_FILE", str(tmp_path / "none.env"))
    runner = CliRunner()
    first = runner.invoke(
        topics_cli, ["import", str(ROOT / "seeds" / "topics.yaml"), "--team", "T0DEMO"]
    )
    assert first.exit_code == 0, first.output
    assert "created: ukraine, energy prices, ai regulation, central banks, climate" in first.output
    again = runner.invoke(
        topics_cli, ["import", str(ROOT / "seeds" / "topics.yaml"), "--team", "T0DEMO"]
    )
    assert "unchanged: ukraine" in again.output and "created" not in again.output
    listed = runner.invoke(topics_cli, ["list"])
    assert listed.exit_code == 0
    assert "climate" in listed.output and "17:00 every day (Europe/London)" in listed.output
    assert "08:30 Mon–Fri (America/New_York)" in listed.output
    from_file = runner.invoke(topics_cli, ["import", str(ROOT / "seeds" / "topics.yaml")])
    assert from_file.exit_code == 0 and "unchanged: ukraine" in from_file.output, (
        "the file's team: T0DEMO"
    )
    teamless = tmp_path / "topics.yaml"
    teamless.write_text("topics:\n  - {name: gas, channel: C1}\n", encoding="utf-8")
    no_team = runner.invoke(topics_cli, ["import", str(teamless)])
    assert no_team.exit_code != 0 and "--team" in str(no_team.exception)


# --- posting ---------------------------------------------------------------------------------------


def test_each_slot_is_claimed_once(topics):
    topic = follow(topics, "ukraine").topic
    claims = [
        topics.claim_briefing_slot(topic=topic, slot=MONDAY, claimed_by=f"p{i}", now=MONDAY)
        for i in range(3)
    ]
    assert claims == [True, False, False]
    assert topics.claim_briefing_slot(
        topic=topic, slot=MONDAY + timedelta(days=1), claimed_by="p", now=MONDAY
    )


def test_what_is_new_across_three_consecutive_briefings(topics, store):
    topic = follow(topics, "ukraine at 08:00 daily", now=MONDAY - timedelta(days=7)).topic
    poster = RecordingPoster()

    def brief_at(slot: datetime) -> str:
        return post_due_briefing(
            topics=topics,
            store=store,
            poster=poster,
            topic=topic,
            slot=slot,
            now=lambda: slot + timedelta(seconds=5),
            claimed_by="test",
        )

    leaders = [("Emmanuel Macron", PERSON), ("Keir Starmer", PERSON), ("Donald Trump", PERSON)]
    add_article(
        store,
        "https://a.example/trip",
        "Macron and Starmer head to Washington to press Trump on Ukraine",
        "Outlet A",
        [
            "Macron and Starmer will visit Washington to press Trump on the war in Ukraine.",
            "European leaders offer troops to enforce a ceasefire in Ukraine.",
        ],
        leaders,
        MONDAY - timedelta(hours=12),
    )
    assert brief_at(MONDAY) == "posted"
    first = poster.posts[-1].briefing
    assert [s.headline for s in first.stories] == [
        "Macron and Starmer head to Washington to press Trump on Ukraine"
    ]
    assert first.stories[0].status == "" and first.new_actors == (), (
        "a first briefing marks nothing"
    )

    add_article(
        store,
        "https://b.example/arrive",
        "Macron and Starmer arrive in Washington to press Trump on Ukraine",
        "Outlet B",
        ["Macron and Starmer arrived in Washington to press Trump on a Ukraine ceasefire plan."],
        leaders,
        MONDAY + timedelta(hours=4),
        user="U2",
    )
    add_article(
        store,
        "https://c.example/kyiv",
        "Strikes cut power in Kyiv as Ukraine's winter deepens",
        "Outlet C",
        ["Russian drones struck power stations around Kyiv, Ukrainian officials said."],
        [("Volodymyr Zelensky", PERSON), ("Ukrenergo", ORG)],
        MONDAY + timedelta(hours=6),
    )
    tuesday = MONDAY + timedelta(days=1)
    assert brief_at(tuesday) == "posted"
    second = poster.posts[-1]
    assert second.text == "Ukraine: what is new since Monday 08:00"
    status = {s.headline: s.status for s in second.briefing.stories}
    assert status == {
        "Macron and Starmer arrive in Washington to press Trump on Ukraine": "update",
        "Strikes cut power in Kyiv as Ukraine's winter deepens": "new",
    }
    assert all(
        p.url != "https://a.example/trip" for s in second.briefing.stories for p in s.points
    ), "an update shows what is new, not what was briefed on Monday"
    assert "Volodymyr Zelensky" in second.briefing.new_actors
    assert "Emmanuel Macron" not in second.briefing.new_actors

    assert brief_at(tuesday + timedelta(days=1)) == "posted"
    assert poster.posts[-1].text == "Nothing new on Ukraine since Tuesday 08:00."
    runs = topics.briefing_runs(topic_id=topic.id)
    assert [r.message_ts for r in runs] == [f"1764000000.{i:06d}" for i in (1, 2, 3)]

    follow(topics, "ukraine silent", now=tuesday + timedelta(days=1, hours=1))
    silent_topic = topics.topic_by_id(topic.id)
    assert (
        post_due_briefing(
            topics=topics,
            store=store,
            poster=poster,
            topic=silent_topic,
            slot=tuesday + timedelta(days=2),
            now=lambda: tuesday + timedelta(days=2),
            claimed_by="test",
        )
        == "silent"
    )
    assert len(poster.posts) == 3


def test_a_channel_digest_posts_what_was_shared_there_and_who_shared_it(topics, store):
    turned_on = set_digest(
        topics=topics,
        is_admin=only_uadmin,
        team_id="T1",
        user_id="UADMIN",
        channel_id="C1",
        text="daily at 17:00",
        default_timezone="Europe/London",
        now=MONDAY - timedelta(days=1),
    )
    assert "Scheduled the digest of <#C1>: 17:00 every day (Europe/London)" in turned_on.message
    add_article(
        store,
        "https://a.example/rates",
        "Bank of England holds rates",
        "Ledger",
        ["The Bank of England kept interest rates at 4.5% on Thursday."],
        [("Andrew Bailey", PERSON)],
        MONDAY + timedelta(hours=2),
        user="UANA",
    )
    add_article(
        store,
        "https://b.example/grain",
        "Grain ships leave Odesa",
        "Harbour",
        ["The first grain ships left Odesa under the new corridor."],
        [],
        MONDAY + timedelta(hours=3),
        channel="C2",
    )
    poster = RecordingPoster()
    slot = MONDAY + timedelta(hours=9)  # 17:00 in London
    outcome = post_due_briefing(
        topics=topics,
        store=store,
        poster=poster,
        topic=turned_on.topic,
        slot=slot,
        now=lambda: slot,
        claimed_by="test",
    )
    assert outcome == "posted"
    [post] = poster.posts
    assert post.text == "Daily digest: what was shared here since Sunday 17:00"
    [story] = post.briefing.stories
    assert story.headline == "Bank of England holds rates" and story.shared_by == ("UANA",)
    assert [a.name for a in story.actors] == ["Andrew Bailey"]
    assert story.points[0].text.startswith("The Bank of England kept")

    off = set_digest(
        topics=topics,
        is_admin=only_uadmin,
        team_id="T1",
        user_id="UADMIN",
        channel_id="C1",
        text="off",
        default_timezone="UTC",
        now=MONDAY,
    )
    assert off.message == "The digest of <#C1> is off."
    assert topics.list_topics(team_id="T1") == []


# --- the scheduler ---------------------------------------------------------------------------------


def scheduler_for(
    topics: SqlTopicStore, store: SqlStore, poster: RecordingPoster, now, **kw
) -> BriefingScheduler:  # type: ignore[no-untyped-def]
    return BriefingScheduler(topics=topics, store=store, poster=poster, now=now, **kw)


def test_a_restart_posts_a_missed_briefing_within_grace_and_skips_it_after(topics, store, caplog):
    early = follow(topics, "ukraine at 08:00 daily", now=MONDAY - timedelta(days=3)).topic
    late = follow(topics, "climate at 06:00 daily", now=MONDAY - timedelta(days=3)).topic
    poster = RecordingPoster()
    restarted = MONDAY + timedelta(
        minutes=40
    )  # down since 07:50: 08:00 missed by 40 min, 06:00 by 2h40
    with caplog.at_level(logging.WARNING, logger="bot.services.followed_topics"):
        outcomes = scheduler_for(
            topics, store, poster, lambda: restarted, grace_seconds=3600
        ).catch_up()
    assert outcomes == {early.id: "posted", late.id: "skipped"}
    assert [p.text for p in poster.posts] == ["Nothing new on Ukraine since Sunday 08:00."]
    assert (
        "skipped the topic briefing of 'climate'" in caplog.text and "160 min late" in caplog.text
    )
    again = scheduler_for(
        topics, store, poster, lambda: restarted + timedelta(minutes=5)
    ).catch_up()
    assert set(again.values()) == {"taken"} and len(poster.posts) == 1, (
        "a second restart posts nothing again"
    )


def local_next_runs(scheduler: BriefingScheduler, zone: str) -> list[str]:
    from zoneinfo import ZoneInfo

    return [
        t.astimezone(ZoneInfo(zone)).strftime("%H:%M")
        for t in scheduler.next_run_times().values()
        if t
    ]


def test_an_edited_schedule_takes_effect_without_a_restart(sqlite_url):
    db = Database(sqlite_url)
    db.upgrade()
    other_process = SqlTopicStore(Database(sqlite_url))  # the Slack handler, elsewhere
    follow(other_process, "ukraine at 08:00 daily", now=datetime.now(UTC))
    scheduler = scheduler_for(
        SqlTopicStore(db),
        SqlStore(db),
        RecordingPoster(),
        lambda: datetime.now(UTC),
        poll_seconds=0.2,
    )
    scheduler.start()
    try:
        assert local_next_runs(scheduler, "Europe/London") == ["08:00"]
        follow(other_process, "ukraine at 09:30", now=datetime.now(UTC))
        follow(other_process, "climate at 18:15", now=datetime.now(UTC))
        deadline = time.monotonic() + 10
        while sorted(local_next_runs(scheduler, "Europe/London")) != ["09:30", "18:15"]:
            assert time.monotonic() < deadline, local_next_runs(scheduler, "Europe/London")
            time.sleep(0.05)
        unfollow_topic(
            topics=other_process,
            is_admin=only_uadmin,
            team_id="T1",
            user_id="UADMIN",
            text="climate",
            now=datetime.now(UTC),
        )
        while local_next_runs(scheduler, "Europe/London") != ["09:30"]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        scheduler.shutdown()
        other_process.db.dispose()
        db.dispose()


def test_the_cron_job_posts_at_eight_london_time_after_clocks_go_forward(sqlite_url):
    db = Database(sqlite_url)
    db.upgrade()
    topics = SqlTopicStore(db)
    follow(topics, "ukraine at 08:00 on mon-fri", now=datetime(2026, 3, 1, tzinfo=UTC))
    poster = RecordingPoster()
    # Monday 30 March 2026, the day after the change: 08:00 BST is 07:00 UTC.
    with time_machine.travel(datetime(2026, 3, 30, 6, 59, 58, tzinfo=UTC), tick=True):
        scheduler = scheduler_for(topics, SqlStore(db), poster, lambda: datetime.now(UTC))
        scheduler.start()
        try:
            deadline = time.monotonic() + 15
            while not poster.posts and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            scheduler.shutdown()
    db.dispose()
    assert [p.text for p in poster.posts] == ["Nothing new on Ukraine since Friday 08:00."]
    runs = {r.slot: r.status for r in topics.briefing_runs()}
    assert runs == {
        datetime(2026, 3, 27, 8, tzinfo=UTC): "skipped",  # missed three days ago
        datetime(2026, 3, 30, 7, tzinfo=UTC): "posted",
    }


@pytest.mark.slow
def test_two_scheduler_processes_on_one_sqlite_file_post_a_due_slot_once(sqlite_url, tmp_path):
    db = Database(sqlite_url)
    db.upgrade()
    topics = SqlTopicStore(db)
    due = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    topic = TopicConfig(
        team_id="T1",
        name="ukraine",
        channel_id="C1",
        time_of_day=f"{due:%H:%M}",
        days="mon-sun",
        timezone="UTC",
    )
    topics.save_topic(topic, user_id="UADMIN", action="follow", now=due - timedelta(days=1))
    posts = tmp_path / "posts.txt"
    start = time.time() + 6
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.integration.scheduler_proc",
                sqlite_url,
                str(posts),
                str(start),
            ],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    lines = posts.read_text().splitlines()
    assert len(lines) == 1, lines
    [run] = [r for r in topics.briefing_runs() if r.status != "skipped"]
    assert (run.slot, run.status, run.message_ts) == (due, "posted", lines[0].split()[2])
    db.dispose()


def test_migrations_match_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.models import Base

    db = Database(database_url)
    db.upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [
        d for d in diff if any(name in repr(d) for name in ("briefing_runs", "audit_log", "topics"))
    ]
    db.dispose()
    assert ours == []


class FlakyPoster(RecordingPoster):
    """Slack answering 500 to the first ``failures`` posts."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def post_text(self, *, team_id: str, channel_id: str, text: str, slot_key: str = "") -> str:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("Slack answered 500")
        return super().post_text(team_id=team_id, channel_id=channel_id, text=text)


def test_a_briefing_that_failed_to_post_is_retried_within_grace(topics, store):
    topic = follow(topics, "ukraine at 08:00 daily", now=MONDAY - timedelta(days=1)).topic
    poster = FlakyPoster(failures=1)
    clock = [MONDAY]
    scheduler = scheduler_for(topics, store, poster, lambda: clock[0], grace_seconds=3600)
    assert scheduler.run_slot(topic, MONDAY) == "failed"
    assert scheduler.retry_slots() == {}, "not before its backoff"
    clock[0] = MONDAY + timedelta(minutes=3)
    assert scheduler.retry_slots() == {(topic.id, MONDAY): "posted"}
    assert len(poster.posts) == 1
    clock[0] = MONDAY + timedelta(minutes=30)
    assert scheduler.retry_slots() == {} and len(poster.posts) == 1, (
        "a posted slot is never retried"
    )
    [run] = topics.briefing_runs(topic_id=topic.id)
    assert run.status == "posted" and run.message_ts


def test_a_slot_abandoned_by_a_crashed_scheduler_is_taken_over_once(topics, store):
    topic = follow(topics, "ukraine at 08:00 daily", now=MONDAY - timedelta(days=1)).topic
    assert topics.claim_briefing_slot(topic=topic, slot=MONDAY, claimed_by="crashed", now=MONDAY)
    poster = RecordingPoster()
    soon = scheduler_for(topics, store, poster, lambda: MONDAY + timedelta(minutes=2))
    assert soon.retry_slots() == {}, "a claim two minutes old may still be posting"
    later = [
        scheduler_for(topics, store, poster, lambda: MONDAY + timedelta(minutes=6), name=f"s{i}")
        for i in range(2)
    ]
    outcomes = [s.retry_slots() for s in later]
    assert outcomes == [{(topic.id, MONDAY): "posted"}, {}]
    assert len(poster.posts) == 1


# The Slack emulator numbers its messages from 1,700,000,000 s (14 Nov 2023): a slot just
# before that lies before every post it records, as a slot lies before its briefing.
EMULATED_SLOT = datetime(2023, 11, 13, 8, 0, tzinfo=UTC)


def test_a_takeover_finds_the_post_its_dead_scheduler_got_into_slack_and_posts_nothing(
    topics, store, slack_emulator
):
    from bot.services.followed_topics import slot_key
    from handlers.poster import ChannelThrottle, SlackPoster, web_client

    slot = EMULATED_SLOT
    topic = follow(topics, "ukraine at 08:00 daily", now=slot - timedelta(days=1)).topic
    poster = SlackPoster(
        web_client("xoxb-test", slack_emulator.api_url), ChannelThrottle(interval=0)
    )
    # The scheduler that died: it claimed the slot and Slack took its post, then nothing
    # was recorded.
    assert topics.claim_briefing_slot(topic=topic, slot=slot, claimed_by="died", now=slot)
    ts = poster.post_text(
        team_id="T1",
        channel_id="C1",
        text="Nothing new on Ukraine.",
        slot_key=slot_key(topic, slot),
    )
    later = scheduler_for(topics, store, poster, lambda: slot + timedelta(minutes=6))
    assert later.retry_slots() == {(topic.id, slot): "posted"}
    assert len(slack_emulator.calls_to("chat.postMessage")) == 1, "the channel sees it once"
    [run] = topics.briefing_runs(topic_id=topic.id)
    assert run.status == "posted" and run.message_ts == ts


def test_a_takeover_posts_a_slot_whose_post_never_reached_slack(topics, store, slack_emulator):
    from handlers.poster import ChannelThrottle, SlackPoster, web_client

    slot = EMULATED_SLOT
    topic = follow(topics, "ukraine at 08:00 daily", now=slot - timedelta(days=1)).topic
    poster = SlackPoster(
        web_client("xoxb-test", slack_emulator.api_url), ChannelThrottle(interval=0)
    )
    assert topics.claim_briefing_slot(topic=topic, slot=slot, claimed_by="died", now=slot)
    # Another slot's post in the channel is not this one's.
    poster.post_text(team_id="T1", channel_id="C1", text="Older.", slot_key=f"{topic.id}@other")
    later = scheduler_for(topics, store, poster, lambda: slot + timedelta(minutes=6))
    assert later.retry_slots() == {(topic.id, slot): "posted"}
    [_, posted] = slack_emulator.calls_to("chat.postMessage")
    [run] = topics.briefing_runs(topic_id=topic.id)
    assert run.message_ts == posted.response["ts"]
    assert posted.params["metadata"]["event_payload"]["slot"] == f"{topic.id}@{slot.isoformat()}"


def test_retries_stop_after_three_attempts_and_outside_grace(topics, store):
    topic = follow(topics, "ukraine at 08:00 daily", now=MONDAY - timedelta(days=1)).topic
    poster = FlakyPoster(failures=10)
    clock = [MONDAY]
    scheduler = scheduler_for(topics, store, poster, lambda: clock[0], grace_seconds=3600)
    scheduler.run_slot(topic, MONDAY)
    for minutes in (3, 10, 20, 40):
        clock[0] = MONDAY + timedelta(minutes=minutes)
        scheduler.retry_slots()
    [run] = topics.briefing_runs(topic_id=topic.id)
    assert run.status == "failed" and poster.failures == 10 - 3
    clock[0] = MONDAY + timedelta(hours=2)
    assert scheduler.retry_slots() == {}


class RefusingPoster(RecordingPoster):
    """Slack refusing every post with one error (as handlers.poster raises it)."""

    def __init__(self, code: str, *, permanent: bool) -> None:
        super().__init__()
        self.code, self.permanent = code, permanent

    def post_text(self, *, team_id: str, channel_id: str, text: str, slot_key: str = "") -> str:
        from bot.errors import PostFailed

        raise PostFailed(f"Slack said {self.code}.", code=self.code, permanent=self.permanent)


@pytest.mark.parametrize(("code", "permanent"), [("is_archived", True), ("ratelimited", False)])
def test_a_refusal_for_good_is_not_retried_and_the_listing_says_why(topics, store, code, permanent):
    topic = follow(topics, "ukraine at 08:00 daily", now=MONDAY - timedelta(days=1)).topic
    clock = [MONDAY]
    scheduler = scheduler_for(
        topics,
        store,
        RefusingPoster(code, permanent=permanent),
        lambda: clock[0],
        grace_seconds=3600,
    )
    assert scheduler.run_slot(topic, MONDAY) == ("undeliverable" if permanent else "failed")
    clock[0] = MONDAY + timedelta(minutes=30)
    retried = scheduler.retry_slots()
    assert retried == ({} if permanent else {(topic.id, MONDAY): "failed"})
    [run] = topics.briefing_runs(topic_id=topic.id)
    assert run.error == f"Slack said {code}. (Slack: {code})"
    [item] = list_topics(topics=topics, team_id="T1", now=clock[0])
    assert f"Slack said {code}." in item.text and ("not retried" in item.text) == permanent
    assert "Mon 08:00" in item.text


def test_the_listing_shows_only_the_latest_slots_trouble(topics, store):
    topic = follow(topics, "ukraine at 08:00 daily", now=MONDAY - timedelta(days=1)).topic
    scheduler_for(
        topics, store, RefusingPoster("is_archived", permanent=True), lambda: MONDAY
    ).run_slot(topic, MONDAY)
    tuesday = MONDAY + timedelta(days=1)
    scheduler_for(topics, store, RecordingPoster(), lambda: tuesday).run_slot(topic, tuesday)
    [item] = list_topics(topics=topics, team_id="T1", now=tuesday)
    assert ":warning:" not in item.text, "Tuesday's briefing was posted"
    assert topics.latest_runs(team_id="T1")[topic.id].slot == tuesday
    assert topics.latest_runs(team_id="T2") == {}
