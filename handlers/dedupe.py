"""Slack delivers events at least once: an event id already handled changes nothing.

Message events are the exception here: recording their shares is idempotent by itself, so
``capture`` records first and asks about the event id only before its side effects. That
way a delivery that failed half-way is completed by Slack's retry, not dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot.metrics import DUPLICATE_EVENTS, SLACK_REQUESTS
from handlers.context import Deps, log


def request_kind(body: Any) -> str:
    """``message``, ``app_mention``, ``command``, ``block_actions``...: a small, fixed set."""
    if not isinstance(body, dict):
        return "other"
    if body.get("command"):
        return "command"
    event = body.get("event")
    if isinstance(event, dict):
        kind = str(event.get("type") or "event")
        return kind if kind in ("message", "app_mention", "app_home_opened") else "event"
    kind = str(body.get("type") or "other")
    return kind if kind in ("block_actions", "view_submission", "url_verification") else "other"


def register(app: App, deps: Deps) -> None:
    @app.middleware
    def skip_repeated_events(
        body: dict[str, Any], next: Callable[[], BoltResponse | None]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        event = body.get("event") if isinstance(body, dict) else None
        SLACK_REQUESTS.labels(request_kind(body)).inc()
        if (
            body.get("type") != "event_callback"
            or not isinstance(event_id, str)
            or (isinstance(event, dict) and event.get("type") == "message")
        ):
            return next()
        if not deps.store.first_delivery(event_id, team_id=body.get("team_id"), now=deps.now()):
            log.info("event %s was already handled; ignoring this delivery", event_id)
            DUPLICATE_EVENTS.inc()
            return BoltResponse(status=200, body="")
        return next()
