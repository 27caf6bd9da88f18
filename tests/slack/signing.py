"""Signed Slack HTTP requests for tests (slash commands, Events API, interactivity).

``sign`` computes the request signature itself with hmac/hashlib, independently of
slack_sdk, so tests check the server-side verification against Slack's documented
algorithm rather than against the same library code:

    X-Slack-Signature = "v0=" + hex(HMAC-SHA256(secret, f"v0:{timestamp}:{raw body}"))
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

__all__ = [
    "app_mention_event",
    "event_callback_payload",
    "message_event",
    "post",
    "sign",
    "signed_event",
    "signed_interaction",
    "signed_slash_command",
    "signed_url_verification",
    "slash_command_payload",
]

TEAM_ID = "T0TEST"
TEAM_DOMAIN = "briefbot-test"
APP_ID = "A0TEST"
BOT_USER_ID = "U0BOT"
VERIFICATION_TOKEN = "verification-token"

_event_ids = itertools.count(1)
_triggers = itertools.count(1)
_message_ts = itertools.count(1)


def sign(secret: str, body: bytes | str, timestamp: int | None = None) -> dict[str, str]:
    """Headers Slack sends with a request body: timestamp and v0 signature."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    ts = int(time.time()) if timestamp is None else int(timestamp)
    base = b"v0:" + str(ts).encode("ascii") + b":" + body
    digest = hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": f"v0={digest}",
    }


# ---------------------------------------------------------------------- slash commands


def slash_command_payload(
    command: str = "/brief",
    text: str = "",
    *,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    channel_id: str = "C0GENERAL",
    channel_name: str = "general",
    user_id: str = "U0ALICE",
    user_name: str = "alice",
    response_url: str = "https://hooks.slack.com/commands/T0TEST/1/test",
    trigger_id: str | None = None,
    api_app_id: str = APP_ID,
    token: str = VERIFICATION_TOKEN,
    **extra: str,
) -> dict[str, str]:
    """The fields of a slash command request (also the Socket Mode slash_commands payload)."""
    return {
        "token": token,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or f"{next(_triggers)}.1.abcdef0123456789",
        **extra,
    }


def signed_slash_command(
    secret: str,
    command: str = "/brief",
    text: str = "",
    *,
    timestamp: int | None = None,
    **fields: Any,
) -> tuple[bytes, dict[str, str]]:
    """A form-encoded, signed slash command: (body, headers)."""
    body = urlencode(slash_command_payload(command, text, **fields)).encode("utf-8")
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(secret, body, timestamp)}
    return body, headers


# ---------------------------------------------------------------------- events


def message_event(
    text: str,
    *,
    channel: str = "C0GENERAL",
    user: str = "U0ALICE",
    ts: str | None = None,
    channel_type: str = "channel",
    **extra: Any,
) -> dict[str, Any]:
    """A ``message`` event as delivered for ``message.channels``."""
    ts = ts or _next_message_ts()
    return {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": channel_type,
        "team": TEAM_ID,
        **extra,
    }


def app_mention_event(
    text: str,
    *,
    channel: str = "C0GENERAL",
    user: str = "U0ALICE",
    ts: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An ``app_mention`` event (``text`` should contain ``<@U0BOT>``)."""
    ts = ts or _next_message_ts()
    return {
        "type": "app_mention",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "team": TEAM_ID,
        **extra,
    }


def event_callback_payload(
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    event_time: int | None = None,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    token: str = VERIFICATION_TOKEN,
) -> dict[str, Any]:
    """The Events API envelope around ``event`` (also the Socket Mode events_api payload)."""
    return {
        "token": token,
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):010d}",
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def signed_event(
    secret: str,
    event: dict[str, Any],
    *,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
    **envelope: Any,
) -> tuple[bytes, dict[str, str]]:
    """A signed JSON event_callback request: (body, headers).

    ``event`` may be a bare event or an already built event_callback payload (then
    ``envelope`` keywords are ignored). With ``retry_num`` the request carries
    ``X-Slack-Retry-Num``/``X-Slack-Retry-Reason`` as Slack's redeliveries do.
    """
    payload = (
        event
        if event.get("type") == "event_callback"
        else event_callback_payload(event, **envelope)
    )
    body = json.dumps(payload).encode("utf-8")
    headers = {"Content-Type": "application/json", **sign(secret, body, timestamp)}
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    return body, headers


def signed_url_verification(
    secret: str, challenge: str = "challenge-token", *, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
    ).encode("utf-8")
    return body, {"Content-Type": "application/json", **sign(secret, body, timestamp)}


def signed_interaction(
    secret: str, payload: dict[str, Any], *, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """Interactivity (block_actions, view_submission...): form field ``payload`` = JSON."""
    body = urlencode({"payload": json.dumps(payload)}).encode("utf-8")
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(secret, body, timestamp)}
    return body, headers


# ---------------------------------------------------------------------- transport


def post(
    url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0
) -> tuple[int, dict[str, str], bytes]:
    """POST ``body`` with urllib; returns (status, headers, body) for any HTTP status."""
    request = Request(url, data=body, headers=headers, method="POST")
    try:
        with urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except HTTPError as error:
        try:
            return error.code, dict(error.headers.items()), error.read()
        finally:
            error.close()


def _next_message_ts() -> str:
    n = next(_message_ts)
    return f"{1_700_001_000 + n // 10_000}.{(n % 10_000) * 100:06d}"
