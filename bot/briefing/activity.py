"""What `/brief stats` tells an admin about a workspace, as values (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class LinkCounts:
    """Links shared in a workspace and what became of their articles."""

    shares: int  # links shared, counting a link shared twice twice
    recent_shares: int  # of which within the recent window
    articles: int  # distinct articles those shares point at
    read: int
    pending: int
    failed: int
    failures: tuple[tuple[str, int], ...] = ()  # (reason, articles), the commonest first


@dataclass(frozen=True, slots=True)
class TopicBriefings:
    """A followed topic (or digest) and its briefings: the last posted, the next due."""

    label: str  # mrkdwn, escaped: "*energy prices*" or "the digest of <#C1>"
    channel_id: str
    is_digest: bool
    timezone: str  # the schedule's, in which its times are told
    last_posted: datetime | None
    last_status: str | None  # the latest slot's run: "posted", "failed", ... (None: none yet)
    last_error: str | None
    next_due: datetime


@dataclass(frozen=True, slots=True)
class WorkspaceStats:
    links: LinkCounts
    recent_days: int
    topics: tuple[TopicBriefings, ...]
