"""Every line logged while a Slack request is handled names its workspace, channel and event.

Both adapters, HTTP (``SlackRequestHandler``) and Socket Mode, hand each request to
``App.dispatch``; :class:`LoggedApp` opens a :func:`bot.log_context.log_context` around it,
so the middleware, the listener and its ack are covered, and the lazy listeners too (Bolt
submits them to the listener executor, a :class:`bot.log_context.ContextExecutor`).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.log_context import log_context


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _id(value: Any) -> str | None:
    """A string id, or the ``id`` of an object (``{"id": "T123", "domain": ...}``)."""
    if isinstance(value, dict):
        return _text(value.get("id"))
    return _text(value)


def request_fields(body: Any) -> dict[str, str | None]:
    """Workspace, channel and event id of an event, command or interaction body."""
    if not isinstance(body, dict):
        return {}
    event, container = _object(body.get("event")), _object(body.get("container"))
    item = _object(event.get("item"))
    channel = (
        _text(body.get("channel_id"))  # a slash command
        or _id(event.get("channel"))
        or _text(item.get("channel"))  # reactions
        or _id(body.get("channel"))  # block actions
        or _text(container.get("channel_id"))
    )
    return {
        "workspace": _text(body.get("team_id"))
        or _id(body.get("team"))
        or _text(event.get("team")),
        "channel": channel,
        "event_id": _text(body.get("event_id")),
    }


class LoggedApp(App):
    """A Bolt ``App`` whose requests' log lines say which workspace, channel and event."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        with log_context(**request_fields(req.body)):
            return super().dispatch(req)
