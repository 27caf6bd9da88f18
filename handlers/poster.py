"""Posting to Slack: throttled per channel, retried after 429 with Retry-After.

A post Slack refuses raises :class:`bot.errors.PostFailed` saying why in the user's words
(``handlers.slack_errors``); an answer that cannot reach the user one way is sent another.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from slack_sdk.models.attachments import Attachment
from slack_sdk.models.blocks import Block as SdkBlock
from slack_sdk.webhook import WebhookResponse

from bot.briefing.model import Briefing
from bot.briefing.mrkdwn import escape
from bot.errors import PostFailed
from bot.ports import NewShare
from handlers.blocks import Block, briefing_blocks
from handlers.context import log
from handlers.slack_errors import FAILURES, post_failed

POST_INTERVAL = 1.0  # chat.postMessage: about one message per second per channel
SLOT_EVENT = "briefbot_slot"  # the metadata event type marking a scheduled slot's post


def slot_metadata(slot_key: str) -> dict[str, Any] | None:
    """Slack message metadata naming the slot a scheduled briefing was posted for."""
    if not slot_key:
        return None
    return {"event_type": SLOT_EVENT, "event_payload": {"slot": slot_key}}


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


ClientFor = Callable[[str], WebClient | None]  # team id -> a client with its bot's token


class SlackPoster:
    """Implements ``bot.ports.Poster`` and the capture notices.

    With ``clients`` (OAuth mode, many workspaces) what is posted without a request's
    client (a scheduled briefing, a note after a retried article) goes out with the token
    of the workspace it is for; a workspace without an installation gets nothing.
    """

    def __init__(
        self,
        client: WebClient,
        throttle: ChannelThrottle | None = None,
        *,
        clients: ClientFor | None = None,
    ):
        self.client = client
        self.throttle = throttle or ChannelThrottle()
        self.clients = clients

    def client_for(self, team_id: str) -> WebClient:
        if self.clients is None:
            return self.client
        found = self.clients(team_id)
        if found is None:
            raise PostFailed(
                f"Briefbot is not installed in workspace {team_id} (any more): it needs "
                "to be installed again from /slack/install.",
                code="not_installed",
                permanent=True,
            )
        return found

    def post_briefing(
        self,
        *,
        team_id: str,
        channel_id: str,
        briefing: Briefing,
        title: str = "",
        thread_ts: str | None = None,
        slot_key: str = "",
    ) -> str:
        blocks, text = briefing_blocks(briefing, title=title or None)
        return self.post(
            channel_id=channel_id,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            client=self.client_for(team_id),
            metadata=slot_metadata(slot_key),
        )

    def post_text(self, *, team_id: str, channel_id: str, text: str, slot_key: str = "") -> str:
        """Post plain ``text`` (a topic name in it cannot notify anyone: it is escaped)."""
        return self.post(
            channel_id=channel_id,
            text=escape(text),
            client=self.client_for(team_id),
            metadata=slot_metadata(slot_key),
        )

    def find_slot_post(
        self, *, team_id: str, channel_id: str, slot_key: str, since: datetime
    ) -> str | None:
        """Look in the channel's history (the app's own messages since ``since``) for the
        one marked ``slot_key``. Without history scope for the channel, or if Slack does not
        answer, None: the slot is posted (a possible repeat, logged, beats a lost briefing)."""
        oldest = f"{since.timestamp():.6f}"
        try:
            answer = self.client_for(team_id).conversations_history(
                channel=channel_id, oldest=oldest, include_all_metadata=True, limit=200
            )
        except (*FAILURES, PostFailed) as exc:
            log.warning(
                "could not look for the slot's post in %s (%s); posting it", channel_id, exc
            )
            return None
        for message in answer.get("messages") or []:
            meta = message.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if meta.get("event_type") == SLOT_EVENT and payload.get("slot") == slot_key:
                return str(message.get("ts") or "") or None
        return None

    def post(
        self,
        *,
        channel_id: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        client: WebClient | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Post built Slack text and blocks; raises PostFailed when Slack does not take them."""
        self.throttle.wait(channel_id)
        try:
            answer = (client or self.client).chat_postMessage(
                channel=channel_id,
                text=text,
                blocks=blocks,
                thread_ts=thread_ts,
                unfurl_links=False,
                metadata=metadata,
            )
        except FAILURES as exc:
            failed = post_failed(exc)
            log.warning("chat.postMessage to %s failed: %s", channel_id, failed.code)
            raise failed from exc
        return str(answer.get("ts", ""))

    def react(self, *, client: WebClient | None, share: NewShare, name: str) -> None:
        try:
            (client or self.client_for(share.team_id)).reactions_add(
                channel=share.channel_id, timestamp=share.message_ts, name=name
            )
        except PostFailed as exc:
            log.warning("could not react to %s: %s", share.message_ts, exc.code)
        except SlackApiError as exc:
            if exc.response.get("error") != "already_reacted":
                log.warning(
                    "could not react to %s: %s", share.message_ts, exc.response.get("error")
                )

    def note(self, *, client: WebClient | None, share: NewShare, text: str) -> None:
        """A short note only the person who shared the link sees."""
        try:
            (client or self.client_for(share.team_id)).chat_postEphemeral(
                channel=share.channel_id, user=share.user_id, text=text, thread_ts=share.thread_ts
            )
        except PostFailed as exc:
            log.warning("could not tell %s: %s", share.user_id, exc.code)
        except FAILURES as exc:
            log.warning("could not tell %s: %s", share.user_id, post_failed(exc).code)


def tell_user(
    client: WebClient,
    *,
    channel_id: str,
    user_id: str,
    text: str,
    blocks: list[Block] | None = None,
    thread_ts: str | None = None,
) -> bool:
    """Reach one person: a message only they see in the channel, else a direct message."""
    if not user_id:
        return False
    try:
        client.chat_postEphemeral(
            channel=channel_id, user=user_id, text=text, blocks=blocks, thread_ts=thread_ts
        )
        return True
    except FAILURES as exc:
        log.warning("could not tell %s in %s: %s", user_id, channel_id, post_failed(exc).code)
    try:
        client.chat_postMessage(channel=user_id, text=text, blocks=blocks)  # the app's DM
        return True
    except FAILURES as exc:
        log.warning("could not send %s a direct message: %s", user_id, post_failed(exc).code)
    return False


class ReplyPath(Respond):
    """``respond`` that notices a failed response_url post (expired, used up, Slack down): it
    is logged, and the answer reaches the user by :func:`tell_user` instead."""

    def __init__(self, respond: Respond, client: WebClient, *, channel_id: str, user_id: str):
        super().__init__(response_url=respond.response_url, proxy=respond.proxy, ssl=respond.ssl)
        self.client, self.channel_id, self.user_id = client, channel_id, user_id

    def __call__(
        self,
        text: str | dict[Any, Any] = "",
        blocks: Sequence[dict[Any, Any] | SdkBlock] | None = None,
        attachments: Sequence[dict[Any, Any] | Attachment] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> WebhookResponse:
        try:
            answer = super().__call__(
                text,
                blocks,
                attachments,
                response_type,
                replace_original,
                delete_original,
                unfurl_links,
                unfurl_media,
                thread_ts,
                metadata,
            )
            if answer.status_code == 200:
                return answer
            why = f"HTTP {answer.status_code} {str(answer.body)[:100]}"
        except FAILURES as exc:
            answer = WebhookResponse(url="", status_code=0, body=repr(exc), headers={})
            why = repr(exc)
        log.warning("response_url post to %s failed (%s): answering another way", self.user_id, why)
        self._elsewhere(text, blocks)
        return answer

    def _elsewhere(self, text: str | dict[Any, Any], blocks: Any) -> None:
        message = text if isinstance(text, dict) else {"text": text, "blocks": blocks}
        given = [b for b in message.get("blocks") or () if isinstance(b, dict)] or None
        said = str(message.get("text") or "")
        if not tell_user(
            self.client, channel_id=self.channel_id, user_id=self.user_id, text=said, blocks=given
        ):
            log.error("could not answer %s in %s at all", self.user_id, self.channel_id)
