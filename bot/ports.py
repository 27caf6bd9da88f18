"""The Protocols the services depend on, and the values that cross them.

``storage`` implements :class:`Store` and :class:`TopicStore`; ``bot.extraction``
implements :class:`Fetcher`, :class:`PageReader` and :class:`Analyzer`; the Slack edge
implements :class:`Poster`. Services import these, never the adapters.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from bot.briefing.archive import ArchiveQuery
from bot.briefing.followed import BriefingRecord, TopicConfig
from bot.briefing.links import LinkPreview
from bot.briefing.matching import TopicQuery
from bot.briefing.model import Analysis, ArticleView, Briefing
from bot.briefing.status import AnalysisStatus, ArticleStatus, RunStatus, TextQuality
from bot.briefing.stories import Corpus
from bot.briefing.timeline import ActorProfile

T = TypeVar("T")
# What an analyser reads: (title, text), or (title, text, language) when the text's language
# is known ("fr"; None: the analyser tells it from the words).
AnalysisInput = tuple[str, str] | tuple[str, str, str | None]


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
    status: ArticleStatus
    new_article: bool
    failure_reason: str | None = None
    language: str | None = None
    analysis: AnalysisStatus | None = None  # of a read article: not analysed, and why

    @property
    def note(self) -> str:
        """What a read article lacks ("not analysed: language de"), else nothing."""
        return self.analysis.note(self.language) if self.analysis else ""


@dataclass(frozen=True, slots=True)
class FailedLink:
    url: str
    reason: str


@dataclass(frozen=True, slots=True)
class FailureNotice:
    """What one person hears about one message of theirs: each of its links that failed."""

    share: NewShare
    links: tuple[FailedLink, ...]


@dataclass(frozen=True, slots=True)
class ArticleTask:
    article_id: int
    url: str
    attempts: int
    preview: LinkPreview | None = None  # what Slack's unfurl of the link showed, if it did


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A page as the fetcher received it, not yet read: the decoded text of a web page or
    text file, or the bytes of a PDF."""

    url: str  # after redirects
    status: int
    content_type: str  # "text/html"; "text/plain" for a local text file; "application/pdf"
    html: str  # the decoded body ("" for a PDF)
    data: bytes = b""  # the body of a PDF as it was received (empty for text)


@dataclass(frozen=True, slots=True)
class PageContent:
    """What reading a page found: its article's main text and metadata."""

    title: str
    text: str
    outlet: str
    author: str | None = None
    published_at: datetime | None = None  # always aware (a page's bare date is read as UTC)
    language: str | None = None
    quality: TextQuality = TextQuality.FULL
    description: str | None = None
    page_url: str | None = None  # the address the page declares (canonical link, og:url)
    amp_url: str | None = None  # its AMP copy, declared by a page that gave less than full text


@dataclass(frozen=True, slots=True)
class Capture:
    """One link captured in a channel, for ``/brief status``."""

    url: str
    title: str
    status: ArticleStatus
    failure_reason: str | None
    user_id: str
    shared_at: datetime
    quality: TextQuality | None = None  # of a read article: PARTIAL when cut or a teaser
    language: str | None = None
    analysis: AnalysisStatus | None = None  # of a read article: UNSUPPORTED_LANGUAGE, kept unread

    @property
    def note(self) -> str:
        """What a read article lacks ("not analysed: language de"), else nothing."""
        return self.analysis.note(self.language) if self.analysis else ""


class Fetcher(Protocol):
    """Fetches a link safely; raises ``FetchError`` (``TransientFetchError``: retry later)."""

    def fetch(self, url: str) -> FetchedPage: ...


class PageReader(Protocol):
    """Finds the article in a fetched page; raises ``ExtractionError`` when it holds none."""

    def read(self, page: FetchedPage) -> PageContent: ...


class Analyzer(Protocol):
    """Key points and actors of each ``(title, text[, language])``, in order, by a pipeline
    of the text's language (``Analysis.status`` says when it has none); safe across threads."""

    def analyze_batch(self, items: Sequence[AnalysisInput]) -> list[Analysis]: ...


class StreamingAnalyzer(Protocol):
    """Analyses a stream of ``((title, text[, language]), context)`` pairs, answering in
    order."""

    def analyze_stream(
        self, items: Iterable[tuple[AnalysisInput, T]]
    ) -> Iterator[tuple[Analysis, T]]: ...


class Store(Protocol):
    def record_share(
        self, *, canonical_url: str, url: str, share: NewShare, now: datetime | None = None
    ) -> ShareRecord:
        """The share, and its article: new and pending, as it is, or (failed, and its backoff
        over at ``now``, default the share's time) pending again."""
        ...

    def record_preview(
        self, *, canonical_url: str, preview: LinkPreview, retry_reasons: Collection[str]
    ) -> ShareRecord | None:
        """Keep Slack's preview of an article that has none yet; one that failed for one of
        ``retry_reasons`` is queued again (its record then, else None)."""
        ...

    def remove_message_shares(self, *, team_id: str, channel_id: str, message_ts: str) -> int: ...

    def message_urls(self, *, team_id: str, channel_id: str, message_ts: str) -> set[str]: ...

    def remove_message_urls(
        self, *, team_id: str, channel_id: str, message_ts: str, canonical_urls: Collection[str]
    ) -> int:
        """The shares of a message's links that were edited out of it; how many went."""
        ...

    def claim_article(
        self, article_id: int, *, now: datetime, lease_seconds: int, claimer: str | None = None
    ) -> ArticleTask | None: ...

    def give_up_exhausted(self, *, now: datetime, max_attempts: int) -> int: ...

    def claim_due(
        self, *, now: datetime, lease_seconds: int, limit: int, claimer: str | None = None
    ) -> list[ArticleTask]: ...

    def renew_claims(
        self, article_ids: Collection[int], *, claimer: str, now: datetime, lease_seconds: int
    ) -> int:
        """Extend the leases of these claims that ``claimer`` still holds; how many."""
        ...

    def release_claims(self, article_ids: Collection[int], *, claimer: str) -> int:
        """Free these claims that ``claimer`` still holds, their attempt not counted."""
        ...

    def save_analysis(
        self, article_id: int, *, page: PageContent, analysis: Analysis, now: datetime
    ) -> None: ...

    def save_failure(
        self,
        article_id: int,
        *,
        reason: str,
        retry_at: datetime | None,
        now: datetime,
        reshare_at: datetime | None = None,
    ) -> None:
        """Retried at ``retry_at``; else failed, and tried once more when shared again after
        ``reshare_at`` (None: never)."""
        ...

    def take_failure_notices(self, article_ids: Collection[int]) -> list[FailureNotice]:
        """One notice per message that shared one of these articles: its failed links whose
        sharer was not told yet, marked as told."""
        ...

    def article_record(self, article_id: int) -> ShareRecord | None: ...

    def article_shares(self, article_id: int) -> list[NewShare]: ...

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
        """Every analysed article shared in the window that this team and channel may see
        and that matches the query, best first: filtered before it is ranked, so matches
        elsewhere never crowd out one that may be cited. ``limit`` None: the store's own
        safety cap, far above what a window holds. Articles in ``exclude`` (already read by
        the caller) are not read again."""
        ...

    def actor_article_counts(
        self, names: Sequence[str], *, team_id: str | None = None
    ) -> dict[str, int]:
        """How many articles name each actor: with ``team_id``, of those that workspace
        shared (what other workspaces share never shapes its briefings)."""
        ...

    def story_corpus(self, articles: Sequence[ArticleView]) -> Corpus:
        """How many stored articles have each story feature of ``articles``, and how many
        articles were counted: what tells a story's rare words from a topic's common ones."""
        ...

    def first_delivery(self, event_id: str, *, team_id: str | None, now: datetime) -> bool: ...

    def channel_captures(
        self, *, team_id: str, channel_id: str, limit: int = 10
    ) -> list[Capture]: ...

    def recent_articles(
        self, *, team_id: str | None, channel_id: str | None, since: datetime, limit: int = 200
    ) -> list[ArticleView]: ...

    def search_archive(
        self,
        query: ArchiveQuery,
        *,
        team_id: str | None,
        channel_id: str | None,
        offset: int = 0,
        limit: int = 5,
    ) -> tuple[list[ArticleView], int]:
        """``/brief search``: a page of the matches this team and channel may see, best first
        (most recently shared first without words), and how many there are in all."""
        ...

    def export_articles(
        self, *, since: datetime, team_id: str | None = None, channel_id: str | None = None
    ) -> Iterator[ArticleView]:
        """Every analysed article shared since then that may be seen, in first-share order."""
        ...

    def find_actors(
        self, name: str, *, team_id: str | None, channel_id: str | None
    ) -> list[ActorProfile]:
        """Stored actors a typed name may mean (exactly, or names beginning alike), each
        with how many of its articles may be seen here; none seen here, none returned."""
        ...

    def actor_profile(
        self, actor_id: int, *, team_id: str | None, channel_id: str | None
    ) -> ActorProfile | None: ...

    def actor_articles(
        self, actor_id: int, *, team_id: str | None, channel_id: str | None
    ) -> list[ArticleView]:
        """The articles naming the actor that may be seen here, most recently shared first."""
        ...


class Poster(Protocol):
    """Posts scheduled briefings to Slack; each call returns the message's ``ts``.

    ``slot_key`` marks the message as a slot's briefing (Slack message metadata), so a
    process taking over a slot whose poster died can find the post before posting again.
    """

    def post_briefing(
        self, *, team_id: str, channel_id: str, briefing: Briefing, title: str, slot_key: str = ""
    ) -> str: ...

    def post_text(self, *, team_id: str, channel_id: str, text: str, slot_key: str = "") -> str: ...

    def find_slot_post(
        self, *, team_id: str, channel_id: str, slot_key: str, since: datetime
    ) -> str | None:
        """The ts of this app's message marked ``slot_key`` in the channel since ``since``;
        None when there is none or Slack cannot say (then the slot is posted)."""
        ...


class TopicStore(Protocol):
    """Followed topics, their audit log and the claims on their briefing slots."""

    def get_topic(self, *, team_id: str, name: str, channel_id: str) -> TopicConfig | None:
        """The topic as followed in that channel (a topic may be followed in several)."""
        ...

    def topic_follows(self, *, team_id: str, name: str) -> list[TopicConfig]:
        """The topic in each channel that follows it."""
        ...

    def topic_by_id(self, topic_id: int) -> TopicConfig | None: ...

    def list_topics(self, *, team_id: str | None = None) -> list[TopicConfig]: ...

    def save_topic(
        self, topic: TopicConfig, *, user_id: str, action: str, now: datetime
    ) -> TopicConfig:
        """Create or change (by ``topic.id`` when it has one) a topic, audited."""
        ...

    def delete_topic(
        self, *, team_id: str, name: str, channel_id: str, user_id: str, now: datetime
    ) -> TopicConfig | None: ...

    def claim_briefing_slot(
        self,
        *,
        topic: TopicConfig,
        slot: datetime,
        claimed_by: str,
        now: datetime,
        status: RunStatus = RunStatus.CLAIMED,
    ) -> bool: ...

    def reclaim_briefing_slot(
        self,
        *,
        topic: TopicConfig,
        slot: datetime,
        claimed_by: str,
        now: datetime,
        max_attempts: int,
        abandoned_after: timedelta,
    ) -> bool: ...

    def slots_to_retry(
        self,
        *,
        since: datetime,
        now: datetime,
        max_attempts: int,
        abandoned_after: timedelta,
        backoff: timedelta,
    ) -> list[tuple[int, datetime]]: ...

    def record_posted(self, record: BriefingRecord, *, now: datetime) -> None: ...

    def last_briefing(self, topic_id: int, channel_id: str) -> BriefingRecord | None: ...

    def latest_runs(self, *, team_id: str) -> dict[int, BriefingRecord]:
        """Topic id -> the run of its latest slot (`/brief topics` shows a failed one)."""
        ...

    def changes_marker(self) -> tuple[object, ...]: ...
