"""What a Slack request must look like before Bolt or a listener touches it.

Bolt reads ``body["team"]["id"]``, ``len(body["authorizations"])`` and the like while it
builds a request, and listeners bind ids and text into SQL: a list where Slack sends a
string, a NUL, a lone surrogate or 10,000 nested brackets there fails deep inside with a
500. :func:`read_body` parses a body exactly as Bolt will (its own ``parse_body``) and
:func:`problem` says, in a few words, why a parsed body is not Slack-shaped; the HTTP
server answers 400 with that reason, and :func:`register` does the same for Socket Mode.

The rules are Slack's own shapes, loosely: every field Briefbot or Bolt reads has the type
Slack sends, each payload kind has the fields its listener needs, and unknown fields pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.request.internals import parse_body

from handlers.context import log

MAX_DEPTH = 40  # Slack's deepest payloads (views with rich text) nest about a dozen levels
MAX_ID = 255
MAX_TEXT = 40_000  # Slack truncates message text at 40,000 characters

# Fields that hold an id, a timestamp or a short name: strings, short, no control characters.
_ENVELOPE_IDS = (
    "token", "team_id", "api_app_id", "enterprise_id", "user_id", "channel_id", "event_id",
    "trigger_id", "type", "command", "callback_id", "response_url", "channel_name",
    "user_name", "team_domain", "enterprise_name", "context_team_id",
    "context_enterprise_id", "action_ts", "message_ts",
)  # fmt: skip
_EVENT_IDS = (
    "type", "subtype", "channel", "user", "ts", "event_ts", "thread_ts", "channel_type",
    "team", "user_team", "bot_id", "tab", "deleted_ts", "client_msg_id", "parent_user_id",
)  # fmt: skip
_ACTION_IDS = ("action_id", "block_id", "value", "type", "action_ts")
_VIEW_IDS = (
    "id", "callback_id", "hash", "type", "private_metadata", "team_id",
    "app_installed_team_id", "external_id",
)  # fmt: skip
# A view's input values, by what each kind of element returns.
_VALUE_IDS = (
    "type", "value", "selected_channel", "selected_conversation", "selected_user",
    "selected_date", "selected_time", "timezone",
)  # fmt: skip
_VALUE_LISTS = ("selected_channels", "selected_conversations", "selected_users")


class Malformed(ValueError):
    """A body that is not a Slack payload; its message is the reason the client hears."""


def read_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """The body as Bolt will parse it, checked: a dict, or :class:`Malformed`."""
    try:
        text = raw.decode("utf-8")
        # Bolt compares the media type as sent, parameters cut off (extract_content_type).
        body = parse_body(text, content_type.split(";")[0] or None)
    except UnicodeDecodeError:
        raise Malformed("the body is not UTF-8") from None
    except RecursionError:
        raise Malformed("the body nests too deeply") from None
    except ValueError:
        raise Malformed("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise Malformed("the body is not a JSON object")
    reason = problem(body)
    if reason:
        raise Malformed(reason)
    return body


def problem(body: Mapping[str, Any]) -> str | None:
    """Why ``body`` is not a Slack payload, or None when it is shaped like one."""
    return _first(_strings_and_depth(body), _envelope(body), _kind(body))


def register(app: App) -> None:
    """Socket Mode: the same check as a global middleware (HTTP mode checks before Bolt)."""

    @app.middleware
    def slack_shaped(body: dict[str, Any], next: Callable[[], BoltResponse | None]) -> Any:
        reason = problem(body) if isinstance(body, dict) else "the body is not a JSON object"
        if reason:
            log.warning("refused a malformed Slack request: %s", reason)
            return BoltResponse(status=400, body=json.dumps({"ok": False, "error": reason}))
        return next()


# ---------------------------------------------------------------------- checks


def _first(*checks: Iterator[str]) -> str | None:
    for check in checks:
        for reason in check:
            return reason
    return None


def _strings_and_depth(body: Mapping[str, Any]) -> Iterator[str]:
    """Every string, keys included, free of NUL and lone surrogates (neither can be
    stored or searched); containers at most MAX_DEPTH deep. Iterative: no recursion limit."""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if not _storable(value):
                yield "a string holds NUL or an unpaired surrogate"
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                yield f"the body nests deeper than {MAX_DEPTH} levels"
                return
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _envelope(body: Mapping[str, Any]) -> Iterator[str]:
    """Fields any payload kind may carry, each of the type Slack sends."""
    yield from _ids(body, _ENVELOPE_IDS, "")
    yield from _text(body, "text", "")
    for key in ("team", "user", "channel", "enterprise"):
        yield from _named(body, key, "")
    for key in ("container", "message", "state", "view", "event"):
        yield from _optional(body, key, dict, "")
    for key in ("authorizations", "response_urls", "actions"):
        yield from _objects(body, key, "")
    for i, grant in enumerate(_dicts(body, "authorizations")):
        yield from _ids(grant, ("team_id", "user_id", "enterprise_id"), f"authorizations[{i}].")
    for i, url in enumerate(_dicts(body, "response_urls")):
        yield from _ids(url, ("response_url", "channel_id", "block_id"), f"response_urls[{i}].")
        yield from _url(url, f"response_urls[{i}].")
    yield from _url(body, "")
    for key in ("event", "message"):  # block_actions carry the message the button is on
        if isinstance(body.get(key), dict):
            yield from _event(body[key], f"{key}.")
    for i, action in enumerate(_dicts(body, "actions")):
        yield from _action(action, f"actions[{i}].")
    if isinstance(body.get("view"), dict):
        yield from _view(body["view"])


# Payload types Briefbot has listeners for, or that Slack sends every app. Bolt reads the
# others' own fields while it builds any listener's arguments (``body["workflow_step"]``,
# ``body["actions"][0]``...), so a type nothing here handles is refused, not guessed at.
KINDS = ("url_verification", "event_callback", "block_actions", "view_submission", "view_closed")


def _kind(body: Mapping[str, Any]) -> Iterator[str]:
    """The fields the listener of each payload kind needs."""
    kind = body.get("type")
    if "command" in body:  # a slash command's form; Slack leaves channel_id empty in some DMs
        keys = ("command", "team_id", "user_id", "channel_id", "response_url")
        yield from _required(body, keys, "")
    elif "ssl_check" in body:  # Slack checking the certificate: Bolt answers it
        return
    elif kind not in KINDS:
        yield "not a payload Briefbot handles" if kind else "neither a command nor a typed payload"
    elif kind == "url_verification":
        yield from _required(body, ("challenge",), "")
    elif kind == "event_callback":
        yield from _required(body, ("team_id", "event_id"), "")
        if not isinstance(body.get("event"), dict):
            yield "event must be an object"
        else:
            yield from _listened_event(body["event"])
    else:
        yield from _interaction(body, kind)


def _interaction(body: Mapping[str, Any], kind: str) -> Iterator[str]:
    yield from _required(_part(body, "user"), ("id",), "user.")
    if kind == "block_actions":
        yield from _required(body, ("trigger_id",), "")
        actions = body.get("actions")
        if not (isinstance(actions, list) and actions):  # Bolt hands listeners actions[0]
            yield "actions must be a list of at least one action"
        else:
            for i, action in enumerate(_dicts(body, "actions")):
                yield from _required(action, ("action_id",), f"actions[{i}].")
    elif not isinstance(body.get("view"), dict):
        yield "view must be an object"
    else:
        # Bolt reads view.type of every view_submission, and body.workflow_step for those.
        yield from _required(body["view"], ("callback_id", "type"), "view.")
        if body["view"].get("type") == "workflow_step":
            yield "workflow steps are not handled"


def _listened_event(event: Mapping[str, Any]) -> Iterator[str]:
    """The events Briefbot listens to name their channel and user by id, never by object."""
    yield from _required(event, ("type",), "event.")
    needed = {"message": ("channel",), "app_mention": ("channel", "user", "ts")}
    needed["app_home_opened"] = ("user",)
    if event.get("type") in needed:
        yield from _required(event, needed[event["type"]], "event.")
        for key in ("channel", "user"):
            if isinstance(event.get(key), dict):
                yield f"event.{key} must be a string"


def _event(event: Mapping[str, Any], where: str) -> Iterator[str]:
    yield from _ids(event, _EVENT_IDS, where, named=("channel", "user"))
    yield from _text(event, "text", where)
    for key in ("blocks", "files"):
        yield from _optional(event, key, list, where)
    yield from _objects(event, "attachments", where)
    for key in ("item", "assistant_thread", "edited", "bot_profile"):
        yield from _optional(event, key, dict, where)
        if isinstance(event.get(key), dict):  # Bolt looks for the channel in both
            yield from _ids(
                event[key], ("channel", "ts", "type"), f"{where}{key}.", named=("channel",)
            )
    for i, attachment in enumerate(_dicts(event, "attachments")):
        at = f"{where}attachments[{i}]."
        yield from _ids(attachment, ("from_url", "original_url", "title_link"), at, limit=MAX_TEXT)
        yield from _text(attachment, "text", at)
    for key in ("message", "previous_message"):
        if key in event:
            if not isinstance(event[key], dict | None):
                yield f"{where}{key} must be an object"
            elif event[key]:
                yield from _event(event[key], f"{where}{key}.")


def _action(action: Mapping[str, Any], where: str) -> Iterator[str]:
    yield from _ids(action, _ACTION_IDS, where, limit=MAX_TEXT)
    yield from _optional(action, "selected_option", dict, where)
    if isinstance(action.get("selected_option"), dict):
        yield from _ids(action["selected_option"], ("value",), f"{where}selected_option.")


def _view(view: Mapping[str, Any]) -> Iterator[str]:
    yield from _ids(view, _VIEW_IDS, "view.", limit=MAX_TEXT)
    yield from _optional(view, "state", dict, "view.")
    state = _part(view, "state")
    yield from _optional(state, "values", dict, "view.state.")
    for block_id, block in _part(state, "values").items():
        if not isinstance(block, dict):
            yield f"view.state.values.{block_id} must be an object"
            continue
        for action_id, element in block.items():
            where = f"view.state.values.{block_id}.{action_id}."
            if not isinstance(element, dict):
                yield f"{where[:-1]} must be an object"
                continue
            yield from _ids(element, _VALUE_IDS, where, limit=MAX_TEXT)
            yield from _action(element, where)
            for key in _VALUE_LISTS:
                if not _list_of_str(element.get(key)):
                    yield f"{where}{key} must be a list of strings"


# ---------------------------------------------------------------------- field types


def _ids(
    part: Mapping[str, Any],
    keys: tuple[str, ...],
    where: str,
    *,
    named: tuple[str, ...] = (),
    limit: int = MAX_ID,
) -> Iterator[str]:
    """Each key absent, null, or a string of at most ``limit`` characters without control
    characters; keys in ``named`` may also be an object with such an ``id``."""
    for key in keys:
        if key in named and isinstance(part.get(key), dict):
            yield from _named(part, key, where)
            continue
        value = part.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            yield f"{where}{key} must be a string"
        elif len(value) > limit:
            yield f"{where}{key} is longer than {limit} characters"
        elif limit == MAX_ID and not value.isprintable():  # ids never hold control characters
            yield f"{where}{key} is not an id"


def _url(part: Mapping[str, Any], where: str) -> Iterator[str]:
    """Where replies go: Slack's hooks are https (a local stand-in may be http)."""
    url = part.get("response_url")
    if isinstance(url, str) and not url.startswith(("https://", "http://")):
        yield f"{where}response_url is not a URL"


def _named(part: Mapping[str, Any], key: str, where: str) -> Iterator[str]:
    """``team``, ``user``, ``channel``: an id, or an object whose ``id`` is one (or null)."""
    value = part.get(key)
    if isinstance(value, dict):
        yield from _ids(value, ("id", "team_id", "name", "username"), f"{where}{key}.")
    elif value is not None:
        yield from _ids(part, (key,), where)


def _text(part: Mapping[str, Any], key: str, where: str) -> Iterator[str]:
    value = part.get(key)
    if value is not None and not (isinstance(value, str) and len(value) <= MAX_TEXT):
        yield f"{where}{key} must be a string of at most {MAX_TEXT} characters"


def _optional(part: Mapping[str, Any], key: str, kind: type, where: str) -> Iterator[str]:
    value = part.get(key)
    if value is not None and not isinstance(value, kind):
        yield f"{where}{key} must be {'an object' if kind is dict else 'a list'}"


def _required(part: Mapping[str, Any], keys: tuple[str, ...], where: str) -> Iterator[str]:
    for key in keys:
        if not isinstance(part.get(key), str):
            yield f"{where}{key} is missing or not a string"


def _objects(part: Mapping[str, Any], key: str, where: str) -> Iterator[str]:
    """A list field whose items are all objects (Bolt reads ``authorizations[0].team_id``)."""
    items = part.get(key)
    if items is not None and not isinstance(items, list):
        yield f"{where}{key} must be a list"
    elif items and not all(isinstance(item, dict) for item in items):
        yield f"{where}{key} must hold objects"


def _dicts(part: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    items = part.get(key)
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _part(part: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = part.get(key)
    return value if isinstance(value, dict) else {}


def _list_of_str(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value))
