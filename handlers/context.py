"""What listeners are given: the services' collaborators, built in ``bot.entrypoints.slack_app``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.config import Settings
from bot.ports import Store

log = logging.getLogger("handlers")


@dataclass
class Deps:
    settings: Settings
    store: Store
    pool: Any  # bot.entrypoints.worker.IngestionPool
    poster: Any  # handlers.poster.SlackPoster
    now: Callable[[], datetime]
    background: Executor  # slow /brief work, after ack(); never Bolt's listener threads
    bot_user_id: str = ""
    channel_privacy: Callable[[Any, str, str], bool] = field(
        default=lambda client, team, channel: False
    )
    topics: Any = None  # followed-topic services (bot.services.followed_topics), when available

    def later(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run after the ack, on Briefbot's own threads; errors are logged, never lost."""

        def run() -> None:
            try:
                fn(*args, **kwargs)
            except Exception:
                log.exception("background work %s failed", getattr(fn, "__name__", fn))

        self.background.submit(run)
