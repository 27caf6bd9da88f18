"""SQLAlchemy 2.0 tables. Alembic migrations in ``storage/migrations`` create them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.briefing.status import ArticleStatus, RunStatus, TopicKind
from bot.clock import utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    # SQLAlchemy reads this class attribute once, at class creation; it is never mutated.
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[str]: JSON}  # noqa: RUF012


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(Text, default="")
    outlet: Mapped[str] = mapped_column(String(300), default="")
    author: Mapped[str | None] = mapped_column(String(300))
    published_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    extraction: Mapped[str | None] = mapped_column(String(16))  # full, partial, metadata
    # Added in 0007: the address the page declares (canonical link, og:url), canonicalised.
    page_url: Mapped[str | None] = mapped_column(String(2048))
    # Added in 0011: whether the text was analysed (AnalysisStatus), or kept with its title and
    # link only (no pipeline for its language); NULL before it: every article was analysed.
    analysis: Mapped[str | None] = mapped_column(String(32))
    # Added in 0012: what Slack's unfurl of the link showed (title, summary), if it did.
    preview_title: Mapped[str | None] = mapped_column(Text)
    preview_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ArticleStatus.PENDING, index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]
    # Added in 0006: the process holding the claim; only it renews the lease (a heartbeat).
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[datetime | None]

    key_points: Mapped[list[KeyPointRow]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="KeyPointRow.rank"
    )
    actor_links: Mapped[list[ArticleActor]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )
    shares: Mapped[list[Share]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )


class KeyPointRow(Base):
    __tablename__ = "key_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int]
    end: Mapped[int]
    score: Mapped[float] = mapped_column(Float)

    article: Mapped[Article] = relationship(back_populates="key_points")


class ActorRow(Base):
    __tablename__ = "actors"
    __table_args__ = (UniqueConstraint("name", "type", name="uq_actor_name_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(16))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    country: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(200))


class ArticleActor(Base):
    __tablename__ = "article_actors"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    mentions: Mapped[int] = mapped_column(Integer, default=1)
    salience: Mapped[float] = mapped_column(Float, default=0.0)
    role: Mapped[str | None] = mapped_column(String(200))
    surface: Mapped[list[str]] = mapped_column(JSON, default=list)

    article: Mapped[Article] = relationship(back_populates="actor_links")
    actor: Mapped[ActorRow] = relationship()


class Share(Base):
    __tablename__ = "shares"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "message_ts", "article_id", name="uq_share"),
        # A briefing's window read from the index alone (0004): its workspace, time, article,
        # privacy and channel; the operator's window over every workspace.
        Index(
            "ix_share_window", "team_id", "shared_at", "article_id", "channel_private", "channel_id"
        ),
        Index("ix_share_time", "shared_at", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    channel_private: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    shared_at: Mapped[datetime] = mapped_column(default=utcnow)
    notified: Mapped[bool] = mapped_column(Boolean, default=False)

    article: Mapped[Article] = relationship(back_populates="shares")


class Topic(Base):
    """One topic followed in one channel (0008: a topic may be followed in several)."""

    __tablename__ = "topics"
    __table_args__ = (
        UniqueConstraint("team_id", "name", "channel_id", name="uq_topic_team_name_channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel_id: Mapped[str] = mapped_column(String(32), default="")
    # "08:00" or, since 0008, several times a day: "08:00,13:00".
    time_of_day: Mapped[str] = mapped_column(String(100), default="08:00")
    days: Mapped[str] = mapped_column(String(40), default="mon-fri")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    silent_when_empty: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(16), default=TopicKind.TOPIC)
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class BriefingRun(Base):
    __tablename__ = "briefing_runs"
    __table_args__ = (UniqueConstraint("topic_id", "channel_id", "slot", name="uq_briefing_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"))
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    slot: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.CLAIMED)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    covered_until: Mapped[datetime | None]
    story_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    actor_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Added in 0002: articles briefed so far (to mark updates) and why a post failed.
    article_ids: Mapped[list[int]] = mapped_column(JSON, default=list, server_default="[]")
    error: Mapped[str | None] = mapped_column(Text)
    # Added in 0003: how many times the slot was taken (a failed or abandoned run is retried).
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class StoryTerm(Base):
    """How many stored articles have a story feature (migration 0013; see
    ``bot.briefing.stories.Corpus``); the term ``#`` counts the articles themselves."""

    __tablename__ = "story_terms"

    term: Mapped[str] = mapped_column(String(200), primary_key=True)
    articles: Mapped[int] = mapped_column(Integer)


class ProcessedEvent(Base):
    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_team_at", "team_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow)
