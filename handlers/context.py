"""What listeners are given: the services' collaborators, built in ``bot.entrypoints.slack_app``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_bolt import Ack

from bot.config import Settings
from bot.ports import Store
from handlers.ports import ChannelPrivacy, FollowedTopics, IngestionQueue, Notifier

log = logging.getLogger("handlers")


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


def just_ack(ack: Ack) -> None:
    """The ack of a listener whose work is all lazy: Slack hears 200 at once."""
    ack()
