"""Every status Briefbot stores or reports, one StrEnum each.

They are ``str`` subclasses, so the values stored in the database and shown in logs and
metrics are the plain words below; code compares with the members, never with literals.
"""

from __future__ import annotations

from enum import StrEnum


class ArticleStatus(StrEnum):
    """Where an article is in the ingestion queue (the ``articles`` table is the queue)."""

    PENDING = "pending"  # waiting to be fetched, or to be retried after a transient failure
    DONE = "done"  # read and analysed
    FAILED = "failed"  # given up on; ``failure_reason`` says why


class TextQuality(StrEnum):
    """How much of an article its stored text holds."""

    FULL = "full"
    PARTIAL = "partial"  # a teaser or a cut article
    METADATA = "metadata"  # only the page's description


class AnalysisStatus(StrEnum):
    """Whether a read article's text was analysed (``articles.analysis``): key points and
    actors come only from a pipeline of the text's own language, never from another's."""

    ANALYSED = "analysed"
    UNSUPPORTED_LANGUAGE = "unsupported language"  # no pipeline for it: title and link only

    def note(self, language: str | None) -> str:
        """What readers are told: nothing for an analysed article, else why it was not."""
        if self is AnalysisStatus.ANALYSED:
            return ""
        return f"not analysed: language {language or 'unknown'}"


class StoryStatus(StrEnum):
    """A story in a scheduled briefing, against what earlier briefings showed."""

    UNKNOWN = ""  # a briefing on demand: no earlier briefing to compare with
    NEW = "new"
    UPDATE = "update"


class TopicKind(StrEnum):
    TOPIC = "topic"  # a followed topic, briefed in its channel
    DIGEST = "digest"  # a channel's digest of everything shared in it


class TopicAction(StrEnum):
    """What a follow, unfollow or digest command did (also the audit table's action)."""

    FOLLOW = "follow"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    UNFOLLOW = "unfollow"
    DIGEST = "digest"
    DIGEST_OFF = "digest off"
    IMPORT = "import"


class RunStatus(StrEnum):
    """A briefing slot's stored run (``briefing_runs.status``)."""

    CLAIMED = "claimed"  # a scheduler holds it and is posting
    POSTED = "posted"
    SILENT = "silent"  # nothing new, and the topic posts nothing then
    FAILED = "failed"  # Slack refused or the composition broke; retried within the grace
    UNDELIVERABLE = "undeliverable"  # Slack refused for good (archived, revoked): not retried
    SKIPPED = "skipped"  # came due past the grace period


class SlotOutcome(StrEnum):
    """What one scheduler's attempt at a slot came to (logs and metrics)."""

    POSTED = "posted"
    SILENT = "silent"
    FAILED = "failed"
    UNDELIVERABLE = "undeliverable"
    SKIPPED = "skipped"
    TAKEN = "taken"  # another scheduler has the slot
    ERROR = "error"  # the attempt itself broke (the database was away); the next poll retries
    GONE = "gone"  # the topic was removed before its job ran
    UNINSTALLED = "uninstalled"  # its workspace has no installation (OAuth mode): not posted


COVERING_RUNS = (RunStatus.POSTED, RunStatus.SILENT)  # runs whose window the next one follows
