"""Briefbot's exceptions, all rooted in :class:`BriefbotError`.

BriefbotError
 +-- ConfigError          a setting is missing or malformed (names the variable)
 +-- FetchError           an article could not be fetched (reason is user-facing)
 |    +-- RefusedURL      the URL is not allowed: scheme, private address, bad form
 |    +-- TransientFetchError  worth retrying later: timeout, dropped connection, 5xx, 429
 +-- ExtractionError      the page held no readable article
 |    +-- NoArticleText   nothing of an article in the page itself (``amp_url``: an AMP
 |                        copy it declares, which may hold it)
 +-- UsageError           a command was malformed (message carries an example)
 +-- NotAllowed           the user lacks the right to do this
 +-- StorageError         the database refused or is unreachable
 +-- PostFailed           Slack did not take a message (``code``; ``permanent``: retrying
                          soon cannot help)
"""

from __future__ import annotations

from typing import ClassVar


class BriefbotError(Exception):
    """Root of every error Briefbot raises on purpose; ``str(err)`` is user-facing."""


class ConfigError(BriefbotError):
    pass


class FetchError(BriefbotError):
    pass


class RefusedURL(FetchError):
    pass


class TransientFetchError(FetchError):
    """Worth retrying later: a timeout, a dropped connection, a 5xx or 429 answer."""


class ExtractionError(BriefbotError):
    pass


class NoArticleText(ExtractionError):
    """The page shows no article text (a script renders it, or there is none); ``amp_url``
    is the AMP copy the page declares, if any, which may hold the article. Its messages are
    ``REASONS``, so a stored failure tells that the page itself had nothing to read."""

    NEEDS_JAVASCRIPT: ClassVar[str] = "the page needs JavaScript to show its article"
    NOTHING: ClassVar[str] = "the page has no readable article text"
    REASONS: ClassVar[tuple[str, ...]] = (NEEDS_JAVASCRIPT, NOTHING)

    def __init__(self, message: str, *, amp_url: str | None = None) -> None:
        super().__init__(message)
        self.amp_url = amp_url


class UsageError(BriefbotError):
    pass


class NotAllowed(BriefbotError):
    pass


class StorageError(BriefbotError):
    pass


class PostFailed(BriefbotError):
    """Slack did not take a message: ``str(err)`` says why and what to do, ``code`` is Slack's
    error word, and ``permanent`` is true when trying again within minutes cannot help."""

    def __init__(self, message: str, *, code: str, permanent: bool) -> None:
        super().__init__(message)
        self.code = code
        self.permanent = permanent
