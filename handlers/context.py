"""What listeners are given: the services' collaborators, built in ``bot.entrypoints.slack_app``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.briefing.activity import WorkspaceStats
from bot.config import Settings
from bot.ports import Store
from handlers.ports import ChannelPrivacy, FollowedTopics, IngestionQueue, Notifier

log = logging.getLogger("handlers")
# What a question to Slack may take before an ack: Slack gives the whole request 3 s.
QUICK_TIMEOUT = 1.5
RETRY_SOON = 30.0  # seconds before asking again when Slack could not answer


@dataclass
class Deps:
    settings: Settings
    store: Store
    pool: IngestionQueue
    poster: Notifier
    now: Callable[[], datetime]
    channel_privacy: ChannelPrivacy
    topics: FollowedTopics
    bot_user_id: str = ""
    # `/brief stats`: the workspace's numbers (bot.services.stats.workspace_stats, its
    # collaborators given); None where nothing provides them.
    stats: Callable[..., WorkspaceStats] | None = None


def just_ack(ack: Ack) -> None:
    """The ack of a listener whose work is all lazy: Slack hears 200 at once."""
    ack()


def quick(client: WebClient) -> WebClient:
    """The same token and API, but no retries and a short timeout, for use before an ack.

    The app's client waits out a 429's Retry-After (seconds at a time); before an ack
    that would miss Slack's 3 s, so a question asked there fails fast instead.
    """
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        # slack_sdk annotates an int, but hands the value to urllib, which takes seconds
        # as a float; a whole second either way would be too short or too long here.
        timeout=QUICK_TIMEOUT,  # type: ignore[arg-type]
        retry_handlers=[],
    )


def retry_after(exc: Exception) -> float:
    """When to ask Slack again after ``exc``: its Retry-After if it said one, else soon."""
    if isinstance(exc, SlackApiError):
        try:
            return min(max(float(exc.response.headers.get("Retry-After", "")), 1.0), 300.0)
        except (TypeError, ValueError):
            pass
    return RETRY_SOON
