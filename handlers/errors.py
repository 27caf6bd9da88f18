"""What went wrong in a listener: the log keeps the detail, the user hears a polite word.

Bolt hands exceptions from middleware and ack functions to ``@app.error``; it logs those
from lazy listeners in one line without a traceback, so :func:`reported` sends them to
the same :func:`report_error`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from slack_bolt import App, Respond

from handlers.context import log
from handlers.dedupe import request_kind

SORRY = (
    ":warning: Sorry, something went wrong on my side and I couldn't finish that. "
    "Please try again in a minute."
)


def register(app: App) -> None:
    app.error(report_error)


def report_error(error: Exception, body: Any, respond: Respond | None = None) -> None:
    """Bolt's status stays (500: Slack retries an event); a command also hears ``SORRY``."""
    log.error("%s failed: %r", _where(body), error, exc_info=error)
    if respond is None or not respond.response_url:
        return  # events and view submissions: nobody to answer
    try:
        respond(text=SORRY, response_type="ephemeral", replace_original=False)
    except Exception as exc:  # the response_url itself may be what failed
        log.warning("could not tell the user about the failure: %r", exc)


def reported(listener: Callable[..., None]) -> Callable[..., None]:
    """A lazy listener whose failures reach :func:`report_error`; Bolt injects its arguments."""

    @functools.wraps(listener)  # Bolt reads the argument names through __wrapped__
    def run(**kwargs: Any) -> None:
        try:
            listener(**kwargs)
        except Exception as exc:
            report_error(exc, kwargs.get("body"), kwargs.get("respond"))

    return run


def _where(body: Any) -> str:
    """Which request, by kind and ids only: message text stays out of the log."""
    if not isinstance(body, dict):
        return "a request"
    event, user, team = (_part(body, key) for key in ("event", "user", "team"))
    ids = {
        "team": body.get("team_id") or team.get("id"),
        "channel": body.get("channel_id") or event.get("channel"),
        "user": body.get("user_id") or event.get("user") or user.get("id"),
        "event_id": body.get("event_id"),
    }
    named = " ".join(f"{k}={v}" for k, v in ids.items() if isinstance(v, str) and v)
    kind = str(body.get("command") or request_kind(body))
    return f"{kind} ({named})" if named else kind


def _part(body: dict[str, Any], key: str) -> dict[str, Any]:
    part = body.get(key)
    return part if isinstance(part, dict) else {}
