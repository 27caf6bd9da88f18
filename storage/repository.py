"""``SqlStore``: the ``bot.ports.Store`` over SQLAlchemy, on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.briefing.matching import TopicQuery
from bot.briefing.model import Actor, Analysis, ArticleView
from bot.briefing.status import AnalysisStatus, ArticleStatus, TextQuality
from bot.briefing.stories import Corpus, feature_bag, feature_terms
from bot.ports import Capture, FailedLink, FailureNotice, NewShare, PageContent, ShareRecord
from storage.actor_index import ActorChanged, Planned, plan_actors, write_actors
from storage.actor_lookup import ActorReads
from storage.archive import ArchiveReads
from storage.article_queue import ArticleQueue
from storage.db import Database
from storage.models import (
    ActorRow,
    Article,
    ArticleActor,
    Base,
    KeyPointRow,
    ProcessedEvent,
    Share,
)
from storage.queries import SEARCH_SAFETY_CAP, article_views, recent_ids, search_ids
from storage.story_terms import corpus, count_terms

# A save whose new actor another worker stored first matches again; twice is already rare.
ACTOR_RETRIES = 3


class SqlStore(ArticleQueue, ArchiveReads, ActorReads):
    """The claims on the queue are ArticleQueue's (storage/article_queue.py), the archive's
    search and export ArchiveReads' (storage/archive.py), actor timelines' reads ActorReads'
    (storage/actor_lookup.py)."""

    def __init__(self, db: Database):
        self.db = db

    # --- shares and the article queue ---------------------------------------------

    def record_share(
        self, *, canonical_url: str, url: str, share: NewShare, now: datetime | None = None
    ) -> ShareRecord:
        """Record a share, creating the pending article if the URL is new. Idempotent.

        A failed article whose ``next_attempt_at`` (when a new share may try it again) is past
        at ``now`` (default: the share's time) is queued again; one refused for good has none.
        This runs before Slack hears the ack, so it is plain statements in one short
        transaction: insert-or-ignore the article, read its state (requeue it), insert-or-
        ignore the share.
        """
        insert = self._insert_ignoring_duplicates
        at = now or share.shared_at
        with self.db.session() as s:
            created = s.execute(
                insert(Article, ["canonical_url"])
                .values(canonical_url=canonical_url, url=url, title="", outlet="", text="")
                .returning(Article.id)
            ).first()
            article_id, status, reason, retry_at = s.execute(
                select(
                    Article.id, Article.status, Article.failure_reason, Article.next_attempt_at
                ).where(Article.canonical_url == canonical_url)
            ).one()
            if status == ArticleStatus.FAILED and retry_at is not None and retry_at <= at:
                status = self._requeue(s, article_id, at) or status
            s.execute(
                insert(Share, ["team_id", "channel_id", "message_ts", "article_id"]).values(
                    article_id=article_id,
                    team_id=share.team_id,
                    channel_id=share.channel_id,
                    channel_private=share.channel_private,
                    user_id=share.user_id,
                    message_ts=share.message_ts,
                    thread_ts=share.thread_ts,
                    shared_at=share.shared_at,
                )
            )
            return ShareRecord(article_id, ArticleStatus(status), created is not None, reason)

    def _requeue(self, s: Session, article_id: int, at: datetime) -> ArticleStatus | None:
        """A failed article shared again after its backoff: pending once more (None when
        another share requeued it first)."""
        done = s.execute(
            update(Article)
            .where(
                Article.id == article_id,
                Article.status == ArticleStatus.FAILED,
                Article.next_attempt_at <= at,
            )
            .values(
                status=ArticleStatus.PENDING,
                next_attempt_at=None,
                claimed_until=None,
                claimed_by=None,
            )
        )
        return ArticleStatus.PENDING if done.rowcount else None  # type: ignore[attr-defined]

    def _insert_ignoring_duplicates(self, table: type[Base], unique: list[str]) -> Any:
        """``INSERT ... ON CONFLICT (unique) DO NOTHING`` in this database's dialect."""
        if self.db.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(table).on_conflict_do_nothing(index_elements=unique)
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing(index_elements=unique)

    def remove_message_shares(self, *, team_id: str, channel_id: str, message_ts: str) -> int:
        with self.db.session() as s:
            result = s.execute(
                delete(Share).where(
                    Share.team_id == team_id,
                    Share.channel_id == channel_id,
                    Share.message_ts == message_ts,
                )
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def message_urls(self, *, team_id: str, channel_id: str, message_ts: str) -> set[str]:
        with self.db.session() as s:
            rows = s.scalars(
                select(Article.canonical_url)
                .join(Share)
                .where(
                    Share.team_id == team_id,
                    Share.channel_id == channel_id,
                    Share.message_ts == message_ts,
                )
            )
            return set(rows)

    def remove_message_urls(
        self, *, team_id: str, channel_id: str, message_ts: str, canonical_urls: Collection[str]
    ) -> int:
        if not canonical_urls:
            return 0
        articles = select(Article.id).where(Article.canonical_url.in_(list(canonical_urls)))
        with self.db.session() as s:
            result = s.execute(
                delete(Share).where(
                    Share.team_id == team_id,
                    Share.channel_id == channel_id,
                    Share.message_ts == message_ts,
                    Share.article_id.in_(articles),
                )
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def save_analysis(
        self, article_id: int, *, page: PageContent, analysis: Analysis, now: datetime
    ) -> None:
        """Store an article's reading. Its actors are matched to stored ones first, outside
        the write transaction; a concurrent writer storing or renaming one of them first
        makes it match again (at most ``ACTOR_RETRIES`` times)."""
        for attempt in range(ACTOR_RETRIES):
            with self.db.session() as s:
                touched, picks = plan_actors(s, analysis.actors)
            try:
                with self.db.session() as s:
                    self._write_analysis(s, article_id, page, analysis, now, touched, picks)
                return
            except (IntegrityError, ActorChanged):
                if attempt == ACTOR_RETRIES - 1:
                    raise

    def _write_analysis(
        self,
        s: Session,
        article_id: int,
        page: PageContent,
        analysis: Analysis,
        now: datetime,
        touched: list[Planned],
        picks: list[int],
    ) -> None:
        article = s.get_one(Article, article_id)
        article.title, article.text, article.outlet = page.title, page.text, page.outlet
        article.author, article.published_at, article.language = (
            page.author,
            page.published_at,
            analysis.language or page.language,
        )
        article.analysis = analysis.status
        article.extraction = page.quality
        article.page_url = page.page_url
        article.status, article.failure_reason = ArticleStatus.DONE, None
        article.fetched_at, article.claimed_until, article.next_attempt_at = now, None, None
        article.claimed_by = None
        article.key_points = [
            KeyPointRow(rank=i, text=k.text, start=k.start, end=k.end, score=k.score)
            for i, k in enumerate(analysis.key_points)
        ]
        article.actor_links = []
        s.flush()
        row_ids = write_actors(s, touched)
        links: dict[int, ArticleActor] = {}
        for actor, pick in zip(analysis.actors, picks, strict=True):
            row_id = row_ids[pick]
            link = links.get(row_id)
            if link is None:
                links[row_id] = ArticleActor(
                    actor_id=row_id,
                    mentions=actor.mentions,
                    salience=actor.salience,
                    role=actor.role,
                    surface=[actor.name, *actor.aliases],
                )
            else:  # two article actors resolved to one stored actor
                link.mentions += actor.mentions
                link.salience = max(link.salience, actor.salience)
        article.actor_links = list(links.values())
        s.flush()
        self._index(s, article, analysis.actors)
        if analysis.key_points or analysis.actors:
            count_terms(s, feature_bag(article.title, analysis.key_points, analysis.actors))

    def _index(self, s: Session, article: Article, actors: Sequence[Actor]) -> None:
        names = " ; ".join(" ; ".join([a.name, *a.aliases, a.country or ""]) for a in actors)
        params = {"id": article.id, "title": article.title, "body": article.text, "actors": names}
        s.execute(text("DELETE FROM article_search WHERE rowid = :id"), {"id": article.id})
        s.execute(
            text(
                "INSERT INTO article_search (rowid, title, body, actors) VALUES (:id, :title, :body, :actors)"
            ),
            params,
        )

    def save_failure(
        self,
        article_id: int,
        *,
        reason: str,
        retry_at: datetime | None,
        now: datetime,
        reshare_at: datetime | None = None,
    ) -> None:
        """Pending again at ``retry_at``; else failed, and tried again when shared after
        ``reshare_at`` (None: never, it was refused)."""
        with self.db.session() as s:
            article = s.get_one(Article, article_id)
            article.failure_reason = reason[:1000]
            article.claimed_until, article.claimed_by = None, None
            article.next_attempt_at = retry_at if retry_at is not None else reshare_at
            article.status = ArticleStatus.PENDING if retry_at is not None else ArticleStatus.FAILED
            article.fetched_at = now

    def article_record(self, article_id: int) -> ShareRecord | None:
        with self.db.session() as s:
            article = s.get(Article, article_id)
            if article is None:
                return None
            return ShareRecord(
                article.id,
                ArticleStatus(article.status),
                False,
                article.failure_reason,
                language=article.language,
                analysis=_analysis(article),
            )

    def article_shares(self, article_id: int) -> list[NewShare]:
        with self.db.session() as s:
            return [
                _new_share(sh)
                for sh in s.scalars(select(Share).where(Share.article_id == article_id))
            ]

    def take_failure_notices(self, article_ids: Collection[int]) -> list[FailureNotice]:
        """For each Slack message that shared one of these articles, its links that failed
        and that its sharer has not been told of, marked as told: one notice a message,
        however many of its links failed and whichever process read them."""
        if not article_ids:
            return []
        with self.db.session() as s:
            messages = s.execute(
                select(Share.team_id, Share.channel_id, Share.message_ts)
                .where(Share.article_id.in_(list(article_ids)), Share.team_id != "cli")
                .distinct()
            ).all()
            if not messages:
                return []
            same_message = or_(
                *(
                    and_(Share.team_id == t, Share.channel_id == c, Share.message_ts == m)
                    for t, c, m in messages
                )
            )
            rows = s.execute(
                select(Share, Article.url, Article.failure_reason)
                .join(Article, Share.article_id == Article.id)
                .where(same_message, Article.status == ArticleStatus.FAILED, ~Share.notified)
                .order_by(Share.id)
            ).all()
            told = set(
                s.scalars(
                    update(Share)
                    .where(Share.id.in_([sh.id for sh, _, _ in rows]), ~Share.notified)
                    .values(notified=True)
                    .returning(Share.id)
                )
            )
            notices: dict[tuple[str, str, str, str], FailureNotice] = {}
            for sh, url, reason in rows:
                if sh.id not in told:
                    continue  # another process told them
                key = (sh.team_id, sh.channel_id, sh.message_ts, sh.user_id)
                link = FailedLink(url, reason or "it could not be read")
                found = notices.get(key)
                notices[key] = (
                    FailureNotice(_new_share(sh), (link,))
                    if found is None
                    else FailureNotice(found.share, (*found.links, link))
                )
            return list(notices.values())

    # --- reading ------------------------------------------------------------------

    def search_articles(
        self,
        query: TopicQuery,
        *,
        since: datetime,
        team_id: str | None = None,
        channel_id: str | None = None,
        limit: int | None = None,
        exclude: Collection[int] = (),
    ) -> list[ArticleView]:
        """Every article shared here in the window that matches, best first (at most
        ``limit``, else the safety cap of queries.SEARCH_SAFETY_CAP), but ``exclude``."""
        phrases = [*query.terms, *query.parts, *query.actors]
        if not phrases:
            return []
        with self.db.session() as s:
            ids = search_ids(
                s,
                self.db.dialect,
                phrases,
                since=since,
                team_id=team_id,
                channel_id=channel_id,
                limit=limit or SEARCH_SAFETY_CAP,
                exclude=exclude,
            )
            return article_views(s, ids, since=since, team_id=team_id, channel_id=channel_id)

    def story_corpus(self, articles: Sequence[ArticleView]) -> Corpus:
        with self.db.session() as s:
            return corpus(s, feature_terms(articles))

    def recent_articles(
        self, *, team_id: str | None, channel_id: str | None, since: datetime, limit: int = 200
    ) -> list[ArticleView]:
        with self.db.session() as s:
            ids = recent_ids(s, since=since, team_id=team_id, channel_id=channel_id, limit=limit)
            return article_views(s, ids, since=since, team_id=team_id, channel_id=channel_id)

    def actor_article_counts(
        self, names: Sequence[str], *, team_id: str | None = None
    ) -> dict[str, int]:
        if not names:
            return {}
        query = (
            select(ActorRow.name, func.count(ArticleActor.article_id))
            .join(ArticleActor, ArticleActor.actor_id == ActorRow.id)
            .where(ActorRow.name.in_(list(names)))
            .group_by(ActorRow.name)
        )
        if team_id is not None:  # the workspace's own articles only
            shared = select(Share.article_id).where(Share.team_id == team_id)
            query = query.where(ArticleActor.article_id.in_(shared))
        with self.db.session() as s:
            return {name: int(n) for name, n in s.execute(query)}

    def channel_captures(self, *, team_id: str, channel_id: str, limit: int = 10) -> list[Capture]:
        with self.db.session() as s:
            rows = s.execute(
                select(Share, Article)
                .join(Article, Share.article_id == Article.id)
                .where(Share.team_id == team_id, Share.channel_id == channel_id)
                .order_by(Share.shared_at.desc())
                .limit(limit)
            )
            return [
                Capture(
                    a.url,
                    a.title,
                    ArticleStatus(a.status),
                    a.failure_reason,
                    sh.user_id,
                    sh.shared_at,
                    TextQuality(a.extraction) if a.extraction else None,
                    language=a.language,
                    analysis=_analysis(a),
                )
                for sh, a in rows
            ]

    def counts(self) -> dict[str, int]:
        with self.db.session() as s:
            by_status = dict(
                s.execute(select(Article.status, func.count()).group_by(Article.status)).all()
            )
            return {
                "articles": sum(by_status.values()),
                **{k: int(v) for k, v in by_status.items()},
                "shares": s.scalar(select(func.count()).select_from(Share)) or 0,
                "actors": s.scalar(select(func.count()).select_from(ActorRow)) or 0,
            }

    # --- Slack event deduplication ---------------------------------------------------

    def first_delivery(self, event_id: str, *, team_id: str | None, now: datetime) -> bool:
        """True the first time an event id is seen, in any process; False for a retry."""
        with self.db.session() as s:
            stored = s.execute(
                self._insert_ignoring_duplicates(ProcessedEvent, ["event_id"])
                .values(event_id=event_id, team_id=team_id, received_at=now)
                .returning(ProcessedEvent.event_id)
            ).first()
            return stored is not None  # a retry's insert was ignored


def _analysis(article: Article) -> AnalysisStatus | None:
    """A read article's analysis (NULL for one read before it was stored: analysed)."""
    if article.status != ArticleStatus.DONE:
        return None
    return AnalysisStatus(article.analysis) if article.analysis else AnalysisStatus.ANALYSED


def _new_share(sh: Share) -> NewShare:
    return NewShare(
        sh.team_id,
        sh.channel_id,
        sh.user_id,
        sh.message_ts,
        sh.shared_at,
        sh.channel_private,
        sh.thread_ts,
    )
