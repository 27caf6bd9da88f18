"""Counts over a workspace's shares and their articles, for `/brief stats`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.briefing.activity import LinkCounts
from bot.briefing.status import ArticleStatus
from storage.db import Database
from storage.models import Article, Share

TOP_REASONS = 5


class SqlActivity:
    """Implements ``bot.services.stats.ActivitySource``."""

    def __init__(self, db: Database):
        self.db = db

    def link_counts(self, *, team_id: str, since: datetime) -> LinkCounts:
        with self.db.session() as s:
            shares, recent = s.execute(
                select(
                    func.count(Share.id),
                    func.count(Share.id).filter(Share.shared_at >= since),
                ).where(Share.team_id == team_id)
            ).one()
            shared = select(Share.article_id).where(Share.team_id == team_id).distinct()
            by_status = dict(
                s.execute(
                    select(Article.status, func.count(Article.id))
                    .where(Article.id.in_(shared))
                    .group_by(Article.status)
                ).all()
            )
            reasons = s.execute(
                select(Article.failure_reason, func.count(Article.id).label("n"))
                .where(Article.id.in_(shared), Article.status == ArticleStatus.FAILED)
                .group_by(Article.failure_reason)
                .order_by(func.count(Article.id).desc(), Article.failure_reason)
                .limit(TOP_REASONS)
            ).all()
        return LinkCounts(
            shares=int(shares),
            recent_shares=int(recent),
            articles=sum(by_status.values()),
            read=by_status.get(ArticleStatus.DONE, 0),
            pending=by_status.get(ArticleStatus.PENDING, 0),
            failed=by_status.get(ArticleStatus.FAILED, 0),
            failures=tuple((reason or "no reason recorded", int(n)) for reason, n in reasons),
        )
