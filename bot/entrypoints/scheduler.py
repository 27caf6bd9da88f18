"""APScheduler wiring: one cron job per followed topic (in one channel, at one or more times
of day), kept in step with the topics table.

Jobs are derived from the table, never stored: every ``poll_seconds`` the scheduler reads a
cheap marker of the table and, when it changed (a follow through any process), re-syncs its
jobs. Each job claims its slot in the database before posting, so several schedulers on one
database post each briefing once. On start, the latest slot each topic missed while no
scheduler ran is posted late if within the grace period, else skipped and logged.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.briefing.followed import TopicConfig
from bot.briefing.schedule import Schedule, previous_slot
from bot.briefing.status import SlotOutcome
from bot.clock import utcnow
from bot.log_context import log_context
from bot.metrics import BRIEFINGS
from bot.ports import Poster, Store, TopicStore
from bot.services.followed_topics import (
    ABANDONED_AFTER,
    MAX_SLOT_ATTEMPTS,
    RETRY_BACKOFF,
    handle_due_slot,
    retry_briefing,
)

log = logging.getLogger(__name__)

POLL_SECONDS = 15.0
EARLY_TOLERANCE = timedelta(seconds=60)  # a job firing a little early still belongs to its slot


def job_id(topic_id: int) -> str:
    return f"topic-{topic_id}"


class ForwardCronTrigger(CronTrigger):
    """``CronTrigger`` that never answers a time at or before the previous fire time.

    In the hour that happens twice when clocks go back, APScheduler 3.11's CronTrigger can
    answer the repeated time again, and the scheduler then loops on it; start an hour later.
    """

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        fire = super().get_next_fire_time(previous_fire_time, now)
        start = now
        while fire is not None and previous_fire_time is not None and fire <= previous_fire_time:
            start = max(start, previous_fire_time) + timedelta(hours=1)
            fire = super().get_next_fire_time(None, start)
        return fire


def cron_trigger(schedule: Schedule) -> BaseTrigger:
    """The schedule's cron trigger; several times a day, one for each time, the earliest next."""
    triggers = [
        ForwardCronTrigger(
            day_of_week=schedule.days, hour=hour, minute=minute, timezone=schedule.zone
        )
        for hour, minute in schedule.times
    ]
    return triggers[0] if len(triggers) == 1 else OrTrigger(triggers)


class BriefingScheduler:
    """Posts each topic's briefing at its slots. ``now`` is injectable for tests."""

    def __init__(
        self,
        *,
        topics: TopicStore,
        store: Store,
        poster: Poster,
        grace_seconds: float = 3600,
        poll_seconds: float = POLL_SECONDS,
        now: Callable[[], datetime] = utcnow,
        name: str | None = None,
        installed: Callable[[str], bool] | None = None,
    ):
        self.topics, self.store, self.poster = topics, store, poster
        # OAuth mode: a workspace Briefbot was uninstalled from posts nothing (None: all may).
        self.installed = installed
        self.grace_seconds, self.poll_seconds, self.now = grace_seconds, poll_seconds, now
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": max(1, int(grace_seconds)),
            },
        )
        self._schedules: dict[int, Schedule] = {}
        self._marker: tuple[object, ...] | None = None
        self._lock = threading.Lock()

    # --- life cycle ---------------------------------------------------------------------

    def start(self) -> None:
        self.sync()
        self.scheduler.add_job(
            self.poll,
            IntervalTrigger(seconds=self.poll_seconds),
            id="topics-poll",
            misfire_grace_time=None,
        )
        self.scheduler.start()
        self.scheduler.add_job(self.catch_up, id="catch-up")  # right away, on the pool

    def shutdown(self, wait: bool = True) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)

    close = shutdown

    # --- keeping jobs in step with the table -------------------------------------------------

    def poll(self) -> bool:
        """Re-sync when the topics table changed since the last look; True if it did.
        Also retries, within the grace period, slots whose run failed or was abandoned."""
        self.retry_slots()
        marker = self.topics.changes_marker()
        if marker == self._marker:
            return False
        self.sync(marker)
        return True

    def sync(self, marker: tuple[object, ...] | None = None) -> None:
        with self._lock:
            self._marker = marker if marker is not None else self.topics.changes_marker()
            current = {t.id: t for t in self.topics.list_topics() if t.id is not None}
            for topic_id in set(self._schedules) - set(current):
                self.scheduler.remove_job(job_id(topic_id))
                del self._schedules[topic_id]
                log.info("topic %s removed: its briefings stop", topic_id)
            for topic_id, topic in current.items():
                if self._schedules.get(topic_id) != topic.schedule:
                    self._schedule(topic_id, topic)

    def _schedule(self, topic_id: int, topic: TopicConfig) -> None:
        self.scheduler.add_job(
            self.fire,
            cron_trigger(topic.schedule),
            args=[topic_id],
            id=job_id(topic_id),
            name=f"{topic.kind} {topic.name}",
            replace_existing=True,
        )
        self._schedules[topic_id] = topic.schedule
        log.info(
            "scheduled %s %r: %s %s (%s)",
            topic.kind,
            topic.name,
            topic.time_of_day,
            topic.days,
            topic.timezone,
        )

    def next_run_times(self) -> dict[int, datetime | None]:
        """Topic id -> when APScheduler will next run its job (for `/brief topics` and tests)."""
        out: dict[int, datetime | None] = {}
        for topic_id in list(self._schedules):
            job = self.scheduler.get_job(job_id(topic_id))
            if job is not None:
                out[topic_id] = getattr(
                    job, "next_run_time", None
                ) or job.trigger.get_next_fire_time(None, self.now())
        return out

    # --- running slots -------------------------------------------------------------------------

    def fire(self, topic_id: int) -> str:
        """The job: the topic as stored now, at the slot that just came due."""
        topic = self.topics.topic_by_id(topic_id)
        if topic is None:
            return SlotOutcome.GONE
        slot = previous_slot(topic.schedule, self.now() + EARLY_TOLERANCE)
        return self.run_slot(topic, slot)

    def catch_up(self) -> dict[int, str]:
        """Each topic's latest slot since it was last configured: post it late or skip it."""
        outcomes = {}
        for topic in self.topics.list_topics():
            slot = previous_slot(topic.schedule, self.now())
            if topic.id is None or (topic.updated_at is not None and slot < topic.updated_at):
                continue
            outcomes[topic.id] = self.run_slot(topic, slot)
        return outcomes

    def retry_slots(self) -> dict[tuple[int, datetime], str]:
        now = self.now()
        outcomes = {}
        for topic_id, slot in self.topics.slots_to_retry(
            since=now - timedelta(seconds=self.grace_seconds),
            now=now,
            max_attempts=MAX_SLOT_ATTEMPTS,
            abandoned_after=ABANDONED_AFTER,
            backoff=RETRY_BACKOFF,
        ):
            topic = self.topics.topic_by_id(topic_id)
            if topic is None or not self._installed(topic):
                continue
            with log_context(workspace=topic.team_id, channel=topic.channel_id):
                outcome = self._retry(topic, slot)
            BRIEFINGS.labels(f"retry {outcome}").inc()
            outcomes[(topic_id, slot)] = outcome
        return outcomes

    def _retry(self, topic: TopicConfig, slot: datetime) -> str:
        try:
            return retry_briefing(
                topics=self.topics,
                store=self.store,
                poster=self.poster,
                topic=topic,
                slot=slot,
                now=self.now,
                claimed_by=self.name,
            )
        except Exception:  # the database may be down for a moment; the next poll tries again
            log.exception("could not retry the %s briefing of %r", topic.kind, topic.name)
            return SlotOutcome.ERROR

    def _installed(self, topic: TopicConfig) -> bool:
        if self.installed is None or self.installed(topic.team_id):
            return True
        log.info("%s %r: workspace %s has no installation", topic.kind, topic.name, topic.team_id)
        return False

    def run_slot(self, topic: TopicConfig, slot: datetime) -> str:
        if not self._installed(topic):  # unclaimed: a reinstall within the grace still posts
            BRIEFINGS.labels(SlotOutcome.UNINSTALLED).inc()
            return SlotOutcome.UNINSTALLED
        with log_context(workspace=topic.team_id, channel=topic.channel_id):
            return self._run_slot(topic, slot)

    def _run_slot(self, topic: TopicConfig, slot: datetime) -> str:
        try:
            outcome = handle_due_slot(
                topics=self.topics,
                store=self.store,
                poster=self.poster,
                topic=topic,
                slot=slot,
                now=self.now,
                grace_seconds=self.grace_seconds,
                claimed_by=self.name,
            )
        except Exception:  # the database may be down for a moment; the next slot tries again
            log.exception("could not run the %s briefing of %r", topic.kind, topic.name)
            outcome = SlotOutcome.ERROR
        BRIEFINGS.labels(outcome).inc()
        return outcome
