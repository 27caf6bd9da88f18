"""``SqlTopicStore``: followed topics, their audit log and the briefing-slot claims."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.briefing.followed import AuditRecord, BriefingRecord, TopicConfig
from bot.briefing.status import COVERING_RUNS, RunStatus, TopicAction, TopicKind
from storage.db import Database
from storage.models import AuditEntry, BriefingRun, Topic


class SqlTopicStore:
    def __init__(self, db: Database):
        self.db = db

    # --- topics -----------------------------------------------------------------------

    def get_topic(self, *, team_id: str, name: str, channel_id: str) -> TopicConfig | None:
        """The topic followed in that channel."""
        with self.db.session() as s:
            row = s.scalar(_one(team_id, name, channel_id))
            return _config(row) if row is not None else None

    def topic_follows(self, *, team_id: str, name: str) -> list[TopicConfig]:
        """The topic in every channel that follows it, by channel."""
        with self.db.session() as s:
            rows = s.scalars(
                select(Topic)
                .where(Topic.team_id == team_id, Topic.name == name)
                .order_by(Topic.channel_id)
            )
            return [_config(row) for row in rows]

    def topic_by_id(self, topic_id: int) -> TopicConfig | None:
        with self.db.session() as s:
            row = s.get(Topic, topic_id)
            return _config(row) if row is not None else None

    def list_topics(self, *, team_id: str | None = None) -> list[TopicConfig]:
        with self.db.session() as s:
            query = select(Topic).order_by(
                Topic.team_id, Topic.kind.desc(), Topic.name, Topic.channel_id
            )
            if team_id is not None:
                query = query.where(Topic.team_id == team_id)
            return [_config(row) for row in s.scalars(query)]

    def save_topic(
        self, topic: TopicConfig, *, user_id: str, action: str, now: datetime
    ) -> TopicConfig:
        """Create or change a topic, and audit the change, in one transaction: the stored
        topic ``topic.id`` names (a move to another channel or a new name included), else
        the one followed under its name in its channel."""
        for attempt in (1, 2):
            try:
                with self.db.session() as s:
                    row = (
                        s.get(Topic, topic.id)
                        if topic.id is not None
                        else s.scalar(_one(topic.team_id, topic.name, topic.channel_id))
                    )
                    if row is not None and row.team_id != topic.team_id:
                        raise ValueError("a topic belongs to one workspace")
                    before = _config(row).settings() if row is not None else None
                    if row is None:
                        row = Topic(team_id=topic.team_id, created_by=user_id, created_at=now)
                        s.add(row)
                    _apply(row, topic, now)
                    s.add(
                        _audit(
                            topic.team_id,
                            user_id,
                            action,
                            topic.name,
                            before,
                            topic.settings(),
                            now,
                        )
                    )
                    s.flush()
                    return _config(row)
            except IntegrityError:  # created meanwhile by another process: change that one
                if attempt == 2 or topic.id is not None:
                    raise
        raise AssertionError("unreachable")

    def delete_topic(
        self, *, team_id: str, name: str, channel_id: str, user_id: str, now: datetime
    ) -> TopicConfig | None:
        """Stop following the topic in that channel; other channels keep theirs."""
        with self.db.session() as s:
            row = s.scalar(_one(team_id, name, channel_id))
            if row is None:
                return None
            gone = _config(row)
            s.delete(row)
            s.add(_audit(team_id, user_id, TopicAction.UNFOLLOW, name, gone.settings(), None, now))
            return gone

    def audit_entries(self, *, team_id: str, limit: int = 50) -> list[AuditRecord]:
        """The latest changes first."""
        with self.db.session() as s:
            rows = s.scalars(
                select(AuditEntry)
                .where(AuditEntry.team_id == team_id)
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(limit)
            )
            return [
                AuditRecord(
                    r.team_id, r.user_id, TopicAction(r.action), r.subject, r.before, r.after, r.at
                )
                for r in rows
            ]

    def changes_marker(self) -> tuple[object, ...]:
        """Changes whenever a topic is added, changed or removed, in any process: cheap to poll."""
        with self.db.session() as s:
            row = s.execute(
                select(
                    select(func.count(Topic.id)).scalar_subquery(),
                    select(func.max(Topic.updated_at)).scalar_subquery(),
                    select(func.max(Topic.id)).scalar_subquery(),
                    select(func.max(AuditEntry.id)).scalar_subquery(),
                )
            ).one()
            return tuple(row)

    # --- briefing slots -----------------------------------------------------------------

    def claim_briefing_slot(
        self,
        *,
        topic: TopicConfig,
        slot: datetime,
        claimed_by: str,
        now: datetime,
        status: RunStatus = RunStatus.CLAIMED,
    ) -> bool:
        """True for the one caller, in any process, that gets to handle this slot."""
        try:
            with self.db.session() as s:
                s.add(
                    BriefingRun(
                        topic_id=topic.id,
                        team_id=topic.team_id,
                        channel_id=topic.channel_id,
                        slot=slot,
                        claimed_by=claimed_by[:100],
                        claimed_at=now,
                        status=status,
                    )
                )
            return True
        except IntegrityError:
            return False

    def slots_to_retry(
        self,
        *,
        since: datetime,
        now: datetime,
        max_attempts: int,
        abandoned_after: timedelta,
        backoff: timedelta,
    ) -> list[tuple[int, datetime]]:
        """(topic id, slot) of runs since ``since`` that failed ``backoff`` × attempts ago, or
        whose claimer went quiet for ``abandoned_after`` (it crashed), with attempts left."""
        with self.db.session() as s:
            rows = s.execute(
                select(
                    BriefingRun.topic_id,
                    BriefingRun.slot,
                    BriefingRun.status,
                    BriefingRun.attempts,
                    BriefingRun.claimed_at,
                    BriefingRun.posted_at,
                ).where(
                    BriefingRun.slot >= since,
                    BriefingRun.attempts < max_attempts,
                    BriefingRun.status.in_((RunStatus.FAILED, RunStatus.CLAIMED)),
                    BriefingRun.topic_id.is_not(None),
                )
            ).all()

        def due(
            status: str, attempts: int, claimed_at: datetime, posted_at: datetime | None
        ) -> bool:
            if status == RunStatus.FAILED:
                return posted_at is not None and now - posted_at >= backoff * attempts
            return now - claimed_at >= abandoned_after

        return [
            (topic_id, slot)
            for topic_id, slot, status, attempts, claimed_at, posted_at in rows
            if topic_id is not None and due(status, attempts, claimed_at, posted_at)
        ]

    def reclaim_briefing_slot(
        self,
        *,
        topic: TopicConfig,
        slot: datetime,
        claimed_by: str,
        now: datetime,
        max_attempts: int,
        abandoned_after: timedelta,
    ) -> bool:
        """Take over a failed or abandoned run; True for the one caller, in any process, that does."""
        with self.db.session() as s:
            done = s.execute(
                update(BriefingRun)
                .where(
                    BriefingRun.topic_id == topic.id,
                    BriefingRun.channel_id == topic.channel_id,
                    BriefingRun.slot == slot,
                    BriefingRun.attempts < max_attempts,
                    or_(
                        BriefingRun.status == RunStatus.FAILED,
                        and_(
                            BriefingRun.status == RunStatus.CLAIMED,
                            BriefingRun.claimed_at <= now - abandoned_after,
                        ),
                    ),
                )
                .values(
                    status=RunStatus.CLAIMED,
                    claimed_by=claimed_by[:100],
                    claimed_at=now,
                    attempts=BriefingRun.attempts + 1,
                )
            )
            return bool(done.rowcount)  # type: ignore[attr-defined]

    def record_posted(self, record: BriefingRecord, *, now: datetime) -> None:
        """Store how a claimed slot ended: its message ts and what it covered (or its error)."""
        with self.db.session() as s:
            s.execute(
                update(BriefingRun)
                .where(
                    BriefingRun.topic_id == record.topic_id,
                    BriefingRun.channel_id == record.channel_id,
                    BriefingRun.slot == record.slot,
                )
                .values(
                    status=record.status,
                    message_ts=record.message_ts,
                    covered_until=record.covered_until,
                    story_keys=list(record.story_keys),
                    article_ids=list(record.article_ids),
                    actor_names=list(record.actor_names),
                    error=record.error,
                    posted_at=now,
                )
            )

    def last_briefing(self, topic_id: int, channel_id: str) -> BriefingRecord | None:
        """The latest briefing that covered its window (posted, or silent for want of news)."""
        with self.db.session() as s:
            row = s.scalar(
                select(BriefingRun)
                .where(
                    BriefingRun.topic_id == topic_id,
                    BriefingRun.channel_id == channel_id,
                    BriefingRun.status.in_(COVERING_RUNS),
                )
                .order_by(BriefingRun.slot.desc())
                .limit(1)
            )
            return _record(row) if row is not None else None

    def latest_runs(self, *, team_id: str) -> dict[int, BriefingRecord]:
        """Topic id -> the run of its latest slot, for the workspace's topics."""
        with self.db.session() as s:
            latest = (
                select(BriefingRun.topic_id, func.max(BriefingRun.slot).label("slot"))
                .where(BriefingRun.team_id == team_id, BriefingRun.topic_id.is_not(None))
                .group_by(BriefingRun.topic_id)
                .subquery()
            )
            rows = s.scalars(
                select(BriefingRun).join(
                    latest,
                    and_(
                        BriefingRun.topic_id == latest.c.topic_id, BriefingRun.slot == latest.c.slot
                    ),
                )
            )
            return {r.topic_id: _record(r) for r in rows if r.topic_id is not None}

    def briefing_runs(self, *, topic_id: int | None = None) -> list[BriefingRecord]:
        """Every run, oldest slot first (for `briefbot topics list` and the tests)."""
        with self.db.session() as s:
            query = select(BriefingRun).order_by(BriefingRun.slot, BriefingRun.id)
            if topic_id is not None:
                query = query.where(BriefingRun.topic_id == topic_id)
            return [_record(r) for r in s.scalars(query)]


def _one(team_id: str, name: str, channel_id: str) -> Select[Topic]:
    return select(Topic).where(
        Topic.team_id == team_id, Topic.name == name, Topic.channel_id == channel_id
    )


def _apply(row: Topic, topic: TopicConfig, now: datetime) -> None:
    row.name, row.terms, row.kind = topic.name, list(topic.terms), topic.kind
    row.channel_id = topic.channel_id
    row.time_of_day, row.days, row.timezone = topic.time_of_day, topic.days, topic.timezone
    row.silent_when_empty, row.updated_at = topic.silent_when_empty, now


def _config(row: Topic) -> TopicConfig:
    return TopicConfig(
        team_id=row.team_id,
        name=row.name,
        channel_id=row.channel_id or "",
        time_of_day=row.time_of_day,
        days=row.days,
        timezone=row.timezone,
        terms=tuple(row.terms or ()),
        kind=TopicKind(row.kind),
        silent_when_empty=row.silent_when_empty,
        id=row.id,
        created_by=row.created_by,
        updated_at=row.updated_at,
    )


def _record(row: BriefingRun) -> BriefingRecord:
    return BriefingRecord(
        topic_id=row.topic_id or 0,
        channel_id=row.channel_id,
        slot=row.slot,
        status=row.status,
        message_ts=row.message_ts,
        covered_until=row.covered_until,
        story_keys=tuple(row.story_keys or ()),
        article_ids=tuple(row.article_ids or ()),
        actor_names=tuple(row.actor_names or ()),
        error=row.error,
    )


def _audit(
    team_id: str,
    user_id: str,
    action: str,
    subject: str,
    before: object,
    after: object,
    now: datetime,
) -> AuditEntry:
    return AuditEntry(
        team_id=team_id,
        user_id=user_id[:32],
        action=action,
        subject=subject[:200],
        before=before,
        after=after,
        at=now,
    )
