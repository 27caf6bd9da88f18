"""The Protocols the services depend on. ``storage`` and ``bot.extraction`` implement them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.briefing.matching import TopicQuery
from bot.briefing.model import Analysis, ArticleView, Briefing


@dataclass(frozen=True, slots=True)
class NewShare:
    team_id: str
    channel_id: str
    user_id: str
    message_ts: str
    shared_at: datetime
    channel_private: bool = False
    thread_ts: str | None = None


@dataclass(frozen=True, slots=True)
class ShareRecord:
    article_id: int
    status: str  # the article's: pending, done or failed
    new_article: bool
    new_share: bool
    failure_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleTask:
    article_id: int
    url: str
    attempts: int


@dataclass(frozen=True, slots=True)
class PageContent:
    """What extraction found on a page (mirrors ``bot.extraction.html.ExtractedArticle``)."""

    title: str
    text: str
    outlet: str
    author: str | None
    published_at: datetime | None
    language: str | None
    quality: str


@dataclass(frozen=True, slots=True)
class Capture:
    """One link captured in a channel, for ``/brief status``."""

    url: str
    title: str
    status: str
    failure_reason: str | None
    user_id: str
    shared_at: datetime


class Fetcher(Protocol):
    def fetch(self, url: str) -> Any: ...  # -> FetchedPage with .url and .html


class Analyzer(Protocol):
    def analyze_many(self, items: Iterable[tuple[str, str]]) -> Iterator[Analysis]: ...

    def analyze_batch(self, items: Sequence[tuple[str, str]]) -> list[Analysis]: ...


class Store(Protocol):
    def record_share(self, *, canonical_url: str, url: str, share: NewShare) -> ShareRecord: ...

    def remove_message_shares(self, *, team_id: str, channel_id: str, message_ts: str) -> int: ...

    def message_urls(self, *, team_id: str, channel_id: str, message_ts: str) -> set[str]: ...

    def claim_article(
        self, article_id: int, *, now: datetime, lease_seconds: int
    ) -> ArticleTask | None: ...

    def give_up_exhausted(self, *, now: datetime, max_attempts: int) -> int: ...

    def claim_due(self, *, now: datetime, lease_seconds: int, limit: int) -> list[ArticleTask]: ...

    def save_analysis(
        self, article_id: int, *, page: PageContent, analysis: Analysis, now: datetime
    ) -> None: ...

    def save_failure(
        self, article_id: int, *, reason: str, retry_at: datetime | None, now: datetime
    ) -> None: ...

    def article_record(self, article_id: int) -> ShareRecord | None: ...

    def article_shares(self, article_id: int) -> list[NewShare]: ...

    def search_articles(
        self,
        query: TopicQuery,
        *,
        since: datetime,
        team_id: str | None = None,
        channel_id: str | None = None,
        limit: int = 200,
    ) -> list[ArticleView]: ...

    def actor_article_counts(self, names: Sequence[str]) -> dict[str, int]: ...

    def first_delivery(self, event_id: str, *, team_id: str | None, now: datetime) -> bool: ...

    def channel_captures(
        self, *, team_id: str, channel_id: str, limit: int = 10
    ) -> list[Capture]: ...

    def recent_articles(
        self, *, team_id: str | None, channel_id: str | None, since: datetime, limit: int = 200
    ) -> list[ArticleView]: ...


class Poster(Protocol):
    """Posts scheduled briefings to Slack; each call returns the message's ``ts``."""

    def post_briefing(
        self, *, team_id: str, channel_id: str, briefing: Briefing, title: str
    ) -> str: ...

    def post_text(self, *, team_id: str, channel_id: str, text: str) -> str: ...
