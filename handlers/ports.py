"""What the listeners depend on, as Protocols: the entry points build the real things.

``bot.entrypoints.worker.IngestionPool`` is an :class:`IngestionQueue`,
``handlers.poster.SlackPoster`` a :class:`Notifier`, ``handlers.followed_commands.TopicCommands``
a :class:`FollowedTopics` and ``bot.entrypoints.slack_app.ChannelPrivacy`` a
:class:`ChannelPrivacy`. Listeners name these, never ``storage`` or ``bot.extraction``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from slack_sdk import WebClient

from bot.briefing.model import Briefing
from bot.ports import ArticleTask, NewShare, ShareRecord
from handlers.blocks import Block

Outcomes = Callable[[list[tuple[ArticleTask, ShareRecord]]], None]


class IngestionQueue(Protocol):
    def submit(self, article_ids: Sequence[int], notify: Outcomes | None = None) -> object:
        """Read these articles soon, off Bolt's threads; ``notify`` hears how they all ended,
        at once. None: this process does not read them (``briefbot worker`` processes do)."""
        ...


class Notifier(Protocol):
    """Posts, reactions and notes to the person who shared a link."""

    def post(
        self,
        *,
        channel_id: str,
        text: str,
        blocks: list[Block] | None = None,
        thread_ts: str | None = None,
        client: WebClient | None = None,
    ) -> str: ...

    def post_briefing(
        self,
        *,
        team_id: str,
        channel_id: str,
        briefing: Briefing,
        title: str = "",
        thread_ts: str | None = None,
    ) -> str: ...

    def react(self, *, client: WebClient | None, share: NewShare, name: str) -> None: ...

    def note(self, *, client: WebClient | None, share: NewShare, text: str) -> None: ...


class TopicVerb(Protocol):
    """One `/brief` verb over followed topics; the answer is Slack mrkdwn."""

    def __call__(
        self, *, team_id: str, user_id: str, channel_id: str, text: str, client: WebClient
    ) -> str: ...


class FollowedTopics(Protocol):
    """`/brief follow|unfollow|topics|digest` and the App Home topic editor."""

    def follow(
        self, *, team_id: str, user_id: str, channel_id: str, text: str, client: WebClient
    ) -> str: ...

    def unfollow(
        self, *, team_id: str, user_id: str, channel_id: str, text: str, client: WebClient
    ) -> str: ...

    def topics(
        self, *, team_id: str, user_id: str, channel_id: str, text: str, client: WebClient
    ) -> str: ...

    def digest(
        self, *, team_id: str, user_id: str, channel_id: str, text: str, client: WebClient
    ) -> str: ...

    def home_blocks(self, *, team_id: str) -> list[Block]: ...

    def modal(
        self, *, team_id: str, topic_id: int | None, default_channel: str | None, timezone: str
    ) -> dict[str, Any]:
        """The add form (``topic_id`` None) or the edit form of one stored topic."""
        ...

    def save_from_modal(
        self,
        *,
        team_id: str,
        user_id: str,
        values: dict[str, Any],
        client: WebClient,
        editing: int | None = None,
    ) -> str:
        """Save the form: a new follow, or (``editing``) changes to that stored topic."""
        ...


class ChannelPrivacy(Protocol):
    def __call__(self, client: WebClient, team_id: str, channel_id: str) -> bool:
        """Whether a channel's shares must stay in it; True when Slack cannot say.

        Asked before a share's ack, so it answers within about a second and a half
        whatever Slack does (rate limits, slowness): the ack must reach Slack inside 3 s.
        """
        ...
