"""Posting to Slack: throttled per channel, retried after 429 with Retry-After."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

from bot.briefing.model import Briefing
from bot.ports import NewShare
from handlers.blocks import briefing_blocks
from handlers.context import log

POST_INTERVAL = 1.0  # chat.postMessage: about one message per second per channel


def web_client(token: str, api_url: str) -> WebClient:
    """A WebClient that honours SLACK_API_URL and waits out rate limits."""
    return WebClient(
        token=token or None,
        base_url=api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


class ChannelThrottle:
    """At most one post per interval per channel, across the process's threads."""

    def __init__(
        self,
        interval: float = POST_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        with self._lock:
            now = self.clock()
            at = max(now, self._next.get(channel, now))
            self._next[channel] = at + self.interval
        if at > now:
            self.sleep(at - now)


class SlackPoster:
    """Implements ``bot.ports.Poster`` and the capture notices."""

    def __init__(self, client: WebClient, throttle: ChannelThrottle | None = None):
        self.client = client
        self.throttle = throttle or ChannelThrottle()

    def post_briefing(
        self,
        *,
        team_id: str,
        channel_id: str,
        briefing: Briefing,
        title: str = "",
        thread_ts: str | None = None,
    ) -> str:
        blocks, text = briefing_blocks(briefing, title=title or None)
        return self.post(channel_id=channel_id, text=text, blocks=blocks, thread_ts=thread_ts)

    def post_text(self, *, team_id: str, channel_id: str, text: str) -> str:
        return self.post(channel_id=channel_id, text=text)

    def post(
        self,
        *,
        channel_id: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        client: WebClient | None = None,
    ) -> str:
        self.throttle.wait(channel_id)
        answer = (client or self.client).chat_postMessage(
            channel=channel_id, text=text, blocks=blocks, thread_ts=thread_ts, unfurl_links=False
        )
        return str(answer.get("ts", ""))

    def react(self, *, client: WebClient | None, share: NewShare, name: str) -> None:
        try:
            (client or self.client).reactions_add(
                channel=share.channel_id, timestamp=share.message_ts, name=name
            )
        except SlackApiError as exc:
            if exc.response.get("error") != "already_reacted":
                log.warning(
                    "could not react to %s: %s", share.message_ts, exc.response.get("error")
                )

    def note(self, *, client: WebClient | None, share: NewShare, text: str) -> None:
        """A short note only the person who shared the link sees."""
        try:
            (client or self.client).chat_postEphemeral(
                channel=share.channel_id, user=share.user_id, text=text, thread_ts=share.thread_ts
            )
        except SlackApiError as exc:
            log.warning("could not tell %s: %s", share.user_id, exc.response.get("error"))
