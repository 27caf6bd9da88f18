"""The ingestion queue, which is the ``articles`` table: claims, leases, renewals, releases.

A pending article is a job. A worker claims it with one atomic UPDATE that sets a short
lease (``claimed_until``) and its process's token (``claimed_by``); while the process lives
its heartbeat renews the lease of the claims that still carry its token, so a live
worker's article is never taken from it however slowly its page arrives, and a dead
worker's is free again as soon as its last lease runs out.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select, update

from bot.briefing.links import LinkPreview
from bot.briefing.status import ArticleStatus
from bot.ports import ArticleTask, ShareRecord
from storage.db import Database
from storage.models import Article


def _free(now: datetime) -> ColumnElement[bool]:
    """Nobody holds the article: never claimed, released, or its lease ran out."""
    return or_(Article.claimed_until.is_(None), Article.claimed_until < now)


class ArticleQueue:
    db: Database

    def claim_article(
        self, article_id: int, *, now: datetime, lease_seconds: int, claimer: str | None = None
    ) -> ArticleTask | None:
        """Take a pending article for processing unless another worker holds it."""
        with self.db.session() as s:
            done = s.execute(
                update(Article)
                .where(
                    Article.id == article_id,
                    Article.status == ArticleStatus.PENDING,
                    _free(now),
                )
                .values(
                    claimed_until=now + timedelta(seconds=lease_seconds),
                    claimed_by=claimer,
                    attempts=Article.attempts + 1,
                )
            )
            if not done.rowcount:  # type: ignore[attr-defined]
                return None
            row = s.execute(
                select(
                    Article.url, Article.attempts, Article.preview_title, Article.preview_text
                ).where(Article.id == article_id)
            ).one()
            preview = LinkPreview(row.preview_title, row.preview_text or "")
            return ArticleTask(
                article_id, row.url, row.attempts, preview if row.preview_title else None
            )

    def record_preview(
        self, *, canonical_url: str, preview: LinkPreview, retry_reasons: Collection[str]
    ) -> ShareRecord | None:
        """Keep what Slack's unfurl showed of an article that has no preview yet. One that
        failed for one of ``retry_reasons`` is queued again, to be stored from its preview:
        its record then, else None."""
        with self.db.session() as s:
            kept = s.execute(
                update(Article)
                .where(Article.canonical_url == canonical_url, Article.preview_title.is_(None))
                .values(preview_title=preview.title, preview_text=preview.description)
            )
            if not kept.rowcount or not retry_reasons:  # type: ignore[attr-defined]
                return None
            queued = s.execute(
                update(Article)
                .where(
                    Article.canonical_url == canonical_url,
                    Article.status == ArticleStatus.FAILED,
                    Article.failure_reason.in_(list(retry_reasons)),
                )
                .values(
                    status=ArticleStatus.PENDING,
                    next_attempt_at=None,
                    claimed_until=None,
                    claimed_by=None,
                )
                .returning(Article.id)
            ).first()
            return None if queued is None else ShareRecord(queued.id, ArticleStatus.PENDING, False)

    def claim_due(
        self, *, now: datetime, lease_seconds: int, limit: int, claimer: str | None = None
    ) -> list[ArticleTask]:
        """Up to ``limit`` due articles, oldest first; one another worker took first is
        skipped (each claim is its own atomic UPDATE)."""
        with self.db.session() as s:
            ids = list(
                s.scalars(
                    select(Article.id)
                    .where(
                        Article.status == ArticleStatus.PENDING,
                        or_(Article.next_attempt_at.is_(None), Article.next_attempt_at <= now),
                        _free(now),
                    )
                    .order_by(Article.created_at)
                    .limit(limit)
                )
            )
        tasks = [
            self.claim_article(i, now=now, lease_seconds=lease_seconds, claimer=claimer)
            for i in ids
        ]
        return [t for t in tasks if t is not None]

    def renew_claims(
        self, article_ids: Collection[int], *, claimer: str, now: datetime, lease_seconds: int
    ) -> int:
        """The heartbeat: extend the leases this claimer still holds; how many it holds."""
        if not article_ids:
            return 0
        with self.db.session() as s:
            result = s.execute(
                update(Article)
                .where(
                    Article.id.in_(list(article_ids)),
                    Article.claimed_by == claimer,
                    Article.status == ArticleStatus.PENDING,
                )
                .values(claimed_until=now + timedelta(seconds=lease_seconds))
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def release_claims(self, article_ids: Collection[int], *, claimer: str) -> int:
        """Give back claims never finished (a worker stopping): free at once, and the
        attempt the claim counted is not held against the article."""
        if not article_ids:
            return 0
        with self.db.session() as s:
            result = s.execute(
                update(Article)
                .where(
                    Article.id.in_(list(article_ids)),
                    Article.claimed_by == claimer,
                    Article.status == ArticleStatus.PENDING,
                )
                .values(
                    claimed_until=None,
                    claimed_by=None,
                    attempts=Article.attempts - 1,  # a claim counted one; it was never tried
                )
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def give_up_exhausted(self, *, now: datetime, max_attempts: int) -> int:
        """Pending articles whose attempts ran out, their worker dead mid-way (its lease ran
        out): failed, and tried again when shared again. An article a new share queued
        again after its attempts ran out was never claimed since, and waits for a worker."""
        with self.db.session() as s:
            result = s.execute(
                update(Article)
                .where(
                    Article.status == ArticleStatus.PENDING,
                    Article.attempts >= max_attempts,
                    Article.claimed_until.is_not(None),
                    Article.claimed_until < now,
                )
                .values(
                    status=ArticleStatus.FAILED,
                    claimed_until=None,
                    claimed_by=None,
                    next_attempt_at=now,
                    failure_reason=func.coalesce(
                        Article.failure_reason, "reading it never finished"
                    ),
                )
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def retry_failed(self, *, now: datetime, canonical_urls: Collection[str]) -> int:
        """Put these articles back in the queue if they failed, whatever their backoff
        (``briefbot ingest --retry-failed URL...``); how many were."""
        if not canonical_urls:
            return 0
        with self.db.session() as s:
            result = s.execute(
                update(Article)
                .where(
                    Article.status == ArticleStatus.FAILED,
                    Article.canonical_url.in_(list(canonical_urls)),
                )
                .values(
                    status=ArticleStatus.PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    claimed_until=None,
                    claimed_by=None,
                )
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
