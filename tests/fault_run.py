"""One run of the fault scenario: three ``serve --no-workers``, two ``worker`` and two
``scheduler`` processes on a scratch PostgreSQL database, signed link events arriving
across the replicas, and on the way:

- ``kill -9`` of a worker that holds claims (a supervisor starts a new one shortly after);
- ``kill -9`` of the scheduler whose briefing is about to reach Slack (its chat.postMessage
  is held back and never delivered, as if the process had died just before sending it);
- optionally, a restart of the PostgreSQL server (``restart_postgres``, benchmark only).

Then: every event acknowledged (Slack's retries allowed), every link stored once and read,
every slot posted once, and the figures: ack latency, lost, duplicated, drain time and the
takeover times. The surviving scheduler takes an abandoned slot over after
``ABANDONED_AFTER`` (five minutes); ``wait_for_takeover=False`` (the test) lets a third
scheduler whose clock runs that much ahead take it instead, so the test need not wait.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.cluster import (
    Cluster,
    Delivery,
    Outcome,
    SlackDelivery,
    claims_of,
    deliveries,
    outcome,
    wait_drained,
)
from tests.pages import PageServer
from tests.slack.emulator import Call, SlackEmulator


@dataclass
class FaultPlan:
    events: int = 200
    seconds: float = 10.0  # the events are spread evenly over this
    channels: int = 5
    slots: int = 3  # followed topics, one channel each, all due at one minute
    kill_worker_at: float = 3.0  # seconds into the load
    restart_worker_after: float = 2.0
    slot_at: float = 5.0  # the slots' minute falls this far into the load
    restart_postgres_at: float | None = None
    retry_delays: tuple[float, ...] = (1.0, 5.0, 15.0)  # Slack's are 0, 60, 300 s
    wait_for_takeover: bool = False
    drain_timeout: float = 600.0


@dataclass
class FaultReport:
    outcome: Outcome
    posts: dict[str, int]  # slot channel -> slots posted there
    refetch_allowed: set[str]  # pages the killed worker was reading, or PostgreSQL's restart
    figures: dict[str, Any] = field(default_factory=dict)
    exit_codes: dict[str, int | None] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)


class _SchedulerVictim:
    """Kills the scheduler whose briefing reaches Slack first, just before it is delivered.

    Its posts in flight at that moment (a scheduler posts several due slots at once) die
    with it: none is delivered. (A post Slack had already taken when its process died would
    be posted again by the takeover: the ts is recorded after the post.)
    """

    def __init__(self, cluster: Cluster, emulator: SlackEmulator, runs: Callable[[str], str]):
        self.cluster, self.emulator, self.runs = cluster, emulator, runs
        self.lock = threading.Lock()
        self.channel: str | None = None
        self.killed_at: float | None = None
        self.pid: int | None = None
        self.refused: list[str] = []

    def __call__(self, call: Call) -> dict[str, Any]:
        channel = str(call.params.get("channel") or "")
        holder = self.runs(channel).rsplit(":", 1)[-1]  # "host:pid" holds the slot
        claimer = int(holder) if holder.isdigit() else -1
        with self.lock:  # the first post and the kill, before any other post is answered
            if self.pid is None:
                self.channel, self.pid = channel, claimer
                [victim] = [p for p in self.cluster.procs if p.pid == claimer]
                victim.kill()
                self.killed_at = time.monotonic()
        if claimer == self.pid:
            self.refused.append(channel)
            return {"ok": False, "error": "never_delivered"}  # its process died sending it
        from tests.slack.emulator import SlackEmulator as Emulator

        with self.emulator._cond:  # what Slack does with any other post
            return Emulator._chat_post_message(self.emulator, call.params)


def _claimer(database_url: str) -> Callable[[str], str]:
    from sqlalchemy import create_engine, text

    def claimed_by(channel: str) -> str:
        engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            with engine.connect() as conn:
                return str(
                    conn.execute(
                        text(
                            "SELECT claimed_by FROM briefing_runs WHERE channel_id = :c "
                            "AND status = 'claimed'"
                        ),
                        {"c": channel},
                    ).scalar_one()
                )
        finally:
            engine.dispose()

    return claimed_by


def _follow_slots(database_url: str, plan: FaultPlan, slot: datetime) -> list[str]:
    from bot.briefing.followed import TopicConfig
    from bot.briefing.status import TopicAction
    from storage.db import Database
    from storage.followed_topics import SqlTopicStore

    db = Database(database_url)
    topics = SqlTopicStore(db)
    channels = [f"C0SLOT{k}" for k in range(plan.slots)]
    for k, channel in enumerate(channels):
        topic = TopicConfig(
            team_id="T0TEST",
            name=f"kyiv {k}",
            channel_id=channel,
            time_of_day=f"{slot:%H:%M}",
            days="mon-sun",
            timezone="UTC",
            terms=("kyiv",),
        )
        topics.save_topic(
            topic, user_id="U0ADMIN", action=TopicAction.FOLLOW, now=datetime.now(UTC)
        )
    db.dispose()
    return channels


def _next_minute(after: float) -> datetime:
    """The first minute boundary at least ``after`` seconds from now (UTC)."""
    at = datetime.now(UTC) + timedelta(seconds=after)
    return at.replace(second=0, microsecond=0) + timedelta(minutes=1)


def _late_scheduler(database_url: str, api_url: str) -> None:
    """A scheduler whose clock is ABANDONED_AFTER ahead: what the survivor does then."""
    from bot.clock import utcnow
    from bot.entrypoints.scheduler import BriefingScheduler
    from bot.services.followed_topics import ABANDONED_AFTER
    from handlers.poster import SlackPoster, web_client
    from storage.db import Database
    from storage.followed_topics import SqlTopicStore
    from storage.repository import SqlStore

    db = Database(database_url)
    ahead = ABANDONED_AFTER + timedelta(seconds=30)
    scheduler = BriefingScheduler(
        topics=SqlTopicStore(db),
        store=SqlStore(db),
        poster=SlackPoster(web_client("xoxb-cluster", api_url)),
        now=lambda: utcnow() + ahead,
        name="late-scheduler:0",
    )
    scheduler.retry_slots()
    db.dispose()


def run_faults(
    plan: FaultPlan,
    *,
    database_url: str,
    emulator: SlackEmulator,
    tmp: Path,
    restart_postgres: Callable[[], None] | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> FaultReport:
    cluster = Cluster(tmp, database_url, emulator.api_url)
    cluster.upgrade()
    figures: dict[str, Any] = {}
    with PageServer() as pages:
        try:
            serves = [cluster.start("serve") for _ in range(3)]
            workers = [cluster.start("worker") for _ in range(2)]
            cluster.wait_ready(serves + workers)
            slot = _next_minute(after=30 + plan.slot_at)
            channels = _follow_slots(database_url, plan, slot)
            schedulers = [cluster.start("scheduler") for _ in range(2)]
            cluster.wait_ready(schedulers)
            victim = _SchedulerVictim(cluster, emulator, _claimer(database_url))
            emulator.on("chat.postMessage", victim)
            items = deliveries(pages, plan.events, plan.channels, run=f"{int(time.time())}")
            say(f"{len(cluster.procs)} processes up; slots at {slot:%H:%M:%S} UTC")
            time.sleep(max(0.0, slot.timestamp() - plan.slot_at - time.time()))
            faults = _Faults(plan, cluster, database_url, restart_postgres, say)
            delivery = SlackDelivery([s.url for s in serves], retry_delays=plan.retry_delays)
            sent = delivery.run(items, plan.seconds, on_tick=faults.tick)
            say(f"{len(items)} events sent in {sent:.1f} s; waiting for Slack's retries")
            waited = sum(plan.retry_delays) + 60
            assert delivery.wait(waited), "some events still open after Slack's retries"
            delivery.shutdown()
            last_ack = max(a[0] + a[1] for i in items for a in i.attempts if i.acked)
            drain_started = time.monotonic()
            wait_drained(database_url, plan.drain_timeout)
            figures["drain_s"] = round(time.monotonic() - last_ack, 1)
            figures["drain_wait_s"] = round(time.monotonic() - drain_started, 1)
            faults.join()
            figures.update(faults.figures)
            say(f"drained {figures['drain_s']} s after the last ack")
            posts = _wait_posted(emulator, channels, victim, plan, database_url)
            figures["scheduler_killed"] = victim.killed_at is not None
            figures["killed_scheduler_slots"] = len(victim.refused)
            if victim.killed_at is not None and plan.wait_for_takeover:
                posted = [c for c in emulator.calls_to("chat.postMessage") if c.ok]
                at = min(c.at for c in posted if c.params.get("channel") == victim.channel)
                figures["scheduler_takeover_s"] = round(at - victim.killed_at, 1)
            report = FaultReport(
                outcome(items, database_url, pages, emulator.calls_to("reactions.add")),
                posts,
                faults.refetch_allowed(items),
                figures,
            )
        except BaseException:
            for proc in cluster.procs:
                say(f"--- {proc.name} (exit {proc.popen.poll()}):\n{proc.log_text()[-2500:]}")
            raise
        finally:
            report_codes = cluster.stop()
    report.exit_codes = report_codes
    report.logs = {p.name: p.log_text() for p in cluster.procs}
    return report


def _wait_posted(
    emulator: SlackEmulator,
    channels: list[str],
    victim: _SchedulerVictim,
    plan: FaultPlan,
    database_url: str,
) -> dict[str, int]:
    def posts() -> dict[str, int]:
        ok = Counter(c.params.get("channel") for c in emulator.calls_to("chat.postMessage") if c.ok)
        return {ch: ok[ch] for ch in channels}

    from bot.services.followed_topics import ABANDONED_AFTER

    deadline = time.monotonic() + (
        ABANDONED_AFTER.total_seconds() + 120 if plan.wait_for_takeover else 90
    )
    late_ran = False
    while time.monotonic() < deadline and any(n == 0 for n in posts().values()):
        # The survivor posts its own slots at once, the victim's only once they count as
        # abandoned; without waiting for that, a scheduler with its clock ahead takes them.
        killed = victim.killed_at
        if (
            not plan.wait_for_takeover
            and not late_ran
            and killed
            and time.monotonic() - killed > 30
        ):
            _late_scheduler(database_url, emulator.api_url)
            late_ran = True
        time.sleep(1)
    return posts()


class _Faults:
    """The faults at their moments in the load (called about every 0.1 s)."""

    def __init__(
        self,
        plan: FaultPlan,
        cluster: Cluster,
        database_url: str,
        restart_postgres: Callable[[], None] | None,
        say: Callable[[str], None],
    ):
        self.plan, self.cluster, self.url = plan, cluster, database_url
        self.restart_postgres, self.say = restart_postgres, say
        self.figures: dict[str, Any] = {}
        self.killed_claims: list[int] = []
        self.pg_restart_window: tuple[float, float] | None = None
        self._worker_killed = False
        self._pg_started = False
        self._threads: list[threading.Thread] = []

    def tick(self, elapsed: float) -> None:
        if not self._worker_killed and elapsed >= self.plan.kill_worker_at:
            self._kill_a_worker()
        at = self.plan.restart_postgres_at
        if at is not None and not self._pg_started and elapsed >= at and self.restart_postgres:
            self._pg_started = True
            self._background(self._restart_pg)

    def _kill_a_worker(self) -> None:
        held = {w: claims_of(self.url, w.pid) for w in self.cluster.running("worker")}
        busy = [w for w, claims in held.items() if claims]
        if not busy:
            return  # nothing in hand yet: try at the next tick
        victim = max(busy, key=lambda w: len(held[w]))
        self._worker_killed = True
        victim.kill()
        killed = time.monotonic()
        self.killed_claims = held[victim]
        self.say(f"kill -9 {victim.name}, holding {len(held[victim])} article(s)")
        self.figures["killed_worker_claims"] = len(held[victim])
        self._background(lambda: self._takeover(victim.pid, killed))

    def _takeover(self, pid: int, killed: float) -> None:
        time.sleep(self.plan.restart_worker_after)
        self.cluster.start("worker")  # the supervisor's replacement
        while True:
            try:
                if not claims_of(self.url, pid):
                    break
            except Exception:  # the database restarting: ask again
                pass
            time.sleep(0.2)
        self.figures["worker_takeover_s"] = round(time.monotonic() - killed, 1)

    def _restart_pg(self) -> None:
        assert self.restart_postgres is not None
        started = time.monotonic()
        self.say("restarting PostgreSQL")
        self.restart_postgres()
        ended = time.monotonic()
        self.pg_restart_window = (started, ended)
        self.figures["postgres_restart_s"] = round(ended - started, 1)

    def _background(self, work: Callable[[], None]) -> None:
        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        self._threads.append(thread)

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=120)

    def refetch_allowed(self, items: list[Delivery]) -> set[str]:
        """Pages that may be fetched twice: those the killed worker was reading, and, with
        a PostgreSQL restart, any whose claim or outcome the restart interrupted."""
        by_id = set(self.killed_claims)
        if self.pg_restart_window is not None:
            return {i.path for i in items}
        return self._paths_of(by_id, items)

    def _paths_of(self, article_ids: set[int], items: list[Delivery]) -> set[str]:
        if not article_ids:
            return set()
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            with engine.connect() as conn:
                urls = {
                    r[0]
                    for r in conn.execute(
                        text("SELECT url FROM articles WHERE id = ANY(:ids)"),
                        {"ids": list(article_ids)},
                    )
                }
        finally:
            engine.dispose()
        return {i.path for i in items if i.url in urls}


def summary(report: FaultReport) -> dict[str, Any]:
    """The figures: ack latency over every answered attempt, lost, duplicated, retries."""
    from tests.cluster import percentile

    o = report.outcome
    ms = sorted(1000 * s for s in o.ack_seconds)
    return {
        "events": o.events,
        "acked": o.acked,
        "ack_p50_ms": round(percentile(ms, 50), 1) if ms else None,
        "ack_p99_ms": round(percentile(ms, 99), 1) if ms else None,
        "ack_max_ms": round(ms[-1], 1) if ms else None,
        "lost": o.lost,
        "duplicated": o.duplicated,
        "attempts_by_status": {str(k): v for k, v in sorted(o.attempts_by_status.items())},
        "events_retried": o.retried_events,
        "pages_fetched_again": len(o.refetched),
        "slots_posted": report.posts,
        **report.figures,
    }
