"""An offline Slack Web API for tests.

``SlackEmulator`` is a real HTTP server on 127.0.0.1 that answers the Web API methods
Briefbot uses the way Slack does (HTTP 200 with ``{"ok": ...}`` JSON, HTTP 429 with
``Retry-After`` when rate limited) and records every call, so tests can point a real
``slack_sdk.WebClient(base_url=emulator.api_url)`` or ``SLACK_API_URL`` at it.

    with SlackEmulator() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        client.chat_postMessage(channel="C0GENERAL", text="hi")
        [call] = slack.wait_for("chat.postMessage")
        assert call.params["text"] == "hi"

It also accepts ``response_url`` posts (``emulator.response_url("cmd1")``), and file uploads
the way Slack's external upload takes them: files.getUploadURLExternal answers an upload URL
on this server, the bytes are POSTed there (recorded as the method ``"file.upload"``, kept
in ``emulator.uploads``), and files.completeUploadExternal shares them in a channel as a
message with ``files``. Both methods need ``files:write`` in ``bot_scopes`` (else
``missing_scope``, as Slack answers a token without it).
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "TEAM_DOMAIN",
    "TEAM_ID",
    "Call",
    "SlackEmulator",
]

TEAM_ID = "T0TEST"
TEAM_DOMAIN = "briefbot-test"
TEAM_NAME = "Briefbot Test"
BOT_ID = "B0BOT"
BOT_USER_ID = "U0BOT"
BOT_USER_NAME = "briefbot"
APP_ID = "A0TEST"
DEFAULT_BOT_SCOPES = (
    "commands,chat:write,app_mentions:read,channels:history,channels:read,"
    "users:read,reactions:write,files:write"
)
UPLOAD_METHOD = "file.upload"  # how a POST to an upload URL is recorded

# Fields that Slack clients send as JSON strings inside form-encoded bodies.
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata", "files")
# Methods that an app-level (xapp-) token may call; every other method refuses it.
_APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
_TOKEN_PREFIXES = ("xoxb-", "xoxp-", "xapp-", "xoxe.")
_MESSAGE_BLOCK_LIMIT = 50
_VIEW_BLOCK_LIMIT = 100
_TEXT_LIMIT = 40_000
_RESPONSE_URL_POST_LIMIT = 5


@dataclass
class Call:
    """One request the emulator received, with what it answered."""

    method: str  # Web API method ("chat.postMessage"), or "response_url"
    params: dict[str, Any]  # query + form/JSON body merged; JSON strings decoded
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived
    wall: float = 0.0  # time.time() when it arrived (the clock a schedule is set by)
    token: str | None = None
    path: str = ""
    status: int = 0  # HTTP status answered
    response: dict[str, Any] = field(default_factory=dict)  # JSON body answered

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return self.response.get("error")

    def header(self, name: str, default: str | None = None) -> str | None:
        """Case-insensitive header lookup."""
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return default

    def describe(self) -> str:
        shown = {k: v for k, v in self.params.items() if k != "token"}
        text = json.dumps(shown, default=str, ensure_ascii=False)
        if len(text) > 300:
            text = text[:297] + "..."
        outcome = "ok" if self.ok else f"{self.status} {self.error}"
        return f"{self.method} {text} -> {outcome}"


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    error: str | None
    remaining: int


class _Answer(Exception):
    """Raised inside a handler to answer with an error (HTTP 200, ok=false by default)."""

    def __init__(self, error: str, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.status = status
        self.body: dict[str, Any] = {"ok": False, "error": error, **extra}
        self.headers: dict[str, str] = {}


Handler = Callable[[Call], dict[str, Any]]


class SlackEmulator:
    """Threaded HTTP server on 127.0.0.1 answering Slack Web API methods."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        socket_url: str | Callable[[], str] | None = None,
        bot_scopes: str = DEFAULT_BOT_SCOPES,
    ) -> None:
        self._host = host
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._cond = threading.Condition()

        # Configuration (plain attributes; change them at any time).
        #: URL answered by apps.connections.open (string, or callable returning one).
        self.socket_url = socket_url
        #: X-OAuth-Scopes header answered to bot/user tokens (Bolt reads it).
        self.bot_scopes = bot_scopes
        #: If not empty, only these tokens are valid; otherwise any xoxb-/xoxp-/xapp- token.
        self.valid_tokens: set[str] = set()
        #: Tokens answered with invalid_auth.
        self.invalid_tokens: set[str] = {"xoxb-invalid", "xapp-invalid"}
        #: Per channel id: fields merged over the default channel object, or None for
        #: channel_not_found.
        self.channels: dict[str, dict[str, Any] | None] = {}
        #: Per user id: fields merged over the default user object, or None for user_not_found.
        self.users: dict[str, dict[str, Any] | None] = {}
        #: Whether ids absent from ``channels``/``users`` exist (with default fields).
        self.auto_channels = True
        self.auto_users = True
        #: Channels where chat.postMessage answers not_in_channel.
        self.not_in_channel: set[str] = set()
        #: Per-channel chat.postMessage throttle: answer 429 when posts to one channel
        #: come closer together than this many seconds (None = off).
        self.post_min_interval: float | None = None
        self.post_retry_after: int = 1

        # Recorded state.
        self.calls: list[Call] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._handlers: dict[str, Handler | dict[str, Any]] = {}
        self._ts_counter = 0
        self._view_counter = 0
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._message_order: list[tuple[str, str]] = []
        self._reactions: set[tuple[str, str, str]] = set()
        self._last_post_at: dict[str, float] = {}
        self._response_url_uses: dict[str, int] = {}
        #: Per file id: the bytes POSTed to its upload URL.
        self.uploads: dict[str, bytes] = {}
        self._upload_slots: dict[str, dict[str, Any]] = {}  # file id -> filename, length, ...

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> SlackEmulator:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer((self._host, self._port), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"slack-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SlackEmulator is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}/"

    @property
    def api_url(self) -> str:
        """Value for ``WebClient(base_url=...)`` / ``SLACK_API_URL``."""
        return f"{self.base_url}api/"

    def response_url(self, name: str = "default") -> str:
        """A response_url that this emulator accepts (and records) posts to."""
        return f"{self.base_url}response_url/{name}"

    # ------------------------------------------------------------------ configuration

    def add_channel(self, channel_id: str, **fields: Any) -> None:
        self.channels[channel_id] = fields

    def add_user(self, user_id: str, **fields: Any) -> None:
        self.users[user_id] = fields

    def on(self, method: str, handler: Handler | dict[str, Any]) -> None:
        """Answer ``method`` with ``handler(call)`` (or a fixed dict) instead of the built-in."""
        with self._cond:
            self._handlers[method] = handler

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        status=429 answers HTTP 429, ``Retry-After: retry_after`` and
        ``{"ok": false, "error": "ratelimited"}``; status=500 (or any 5xx) answers that
        HTTP status. With ``error="channel_not_found"`` (any status 200) the call is
        answered HTTP 200 ``{"ok": false, "error": error}`` like a normal API error.
        """
        with self._cond:
            self._faults.setdefault(method, []).append(
                _Fault(status=status, retry_after=retry_after, error=error, remaining=times)
            )

    def seed_message(self, channel: str, ts: str, **fields: Any) -> dict[str, Any]:
        """Register an existing message (e.g. one a user posted) so chat.update finds it."""
        message = {"type": "message", "ts": ts, "text": "", **fields}
        with self._cond:
            self._store_message(channel, ts, message)
        return message

    def reset(self) -> None:
        """Forget recorded calls, messages, reactions and pending faults."""
        with self._cond:
            self.calls.clear()
            self._faults.clear()
            self._messages.clear()
            self._message_order.clear()
            self._reactions.clear()
            self._last_post_at.clear()
            self._response_url_uses.clear()
            self.uploads.clear()
            self._upload_slots.clear()

    # ------------------------------------------------------------------ inspection

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block until ``count`` calls to ``method`` (matching ``predicate``) were answered.

        Returns the matching calls (all of them, at least ``count``). Raises AssertionError
        listing every recorded call on timeout.
        """

        def matching() -> list[Call]:
            return [
                c for c in self.calls if c.method == method and (predicate is None or predicate(c))
            ]

        deadline = time.monotonic() + timeout
        with self._cond:
            found = matching()
            while len(found) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} call(s) to {method}"
                        f"{' matching predicate' if predicate else ''} within {timeout}s, "
                        f"got {len(found)}; calls recorded:\n{self._listing()}"
                    )
                self._cond.wait(remaining)
                found = matching()
            return found

    def posted_messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages currently stored (posted, then maybe updated), oldest first."""
        with self._cond:
            return [
                dict(self._messages[key], channel=key[0])
                for key in self._message_order
                if channel is None or key[0] == channel
            ]

    def reactions(self) -> set[tuple[str, str, str]]:
        """(channel, timestamp, name) of every reaction added."""
        with self._cond:
            return set(self._reactions)

    def _listing(self) -> str:
        if not self.calls:
            return "  (none)"
        return "\n".join(f"  [{i}] {c.describe()}" for i, c in enumerate(self.calls))

    # ------------------------------------------------------------------ dispatch

    def _handle(
        self, method: str, call: Call, is_response_url: bool
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._cond:
            fault = self._take_fault(method)
            handler = self._handlers.get(method)
        if fault is not None:
            return _fault_answer(fault)
        try:
            if is_response_url:
                return 200, self._response_url_post(call), {}
            self._authenticate(method, call.token)
            if handler is not None:
                body = handler(call) if callable(handler) else dict(handler)
                return 200, body, self._scope_headers(call.token)
            builtin = _METHODS.get(method)
            if builtin is None:
                raise _Answer("unknown_method")
            with self._cond:
                body = builtin(self, call.params)
            return 200, body, self._scope_headers(call.token)
        except _Answer as answer:
            return answer.status, answer.body, answer.headers

    def _record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault

    def _authenticate(self, method: str, token: str | None) -> None:
        if method not in _METHODS and method not in self._handlers:
            raise _Answer("unknown_method")
        if not token:
            raise _Answer("not_authed")
        if (
            token in self.invalid_tokens
            or not token.startswith(_TOKEN_PREFIXES)
            or (self.valid_tokens and token not in self.valid_tokens)
        ):
            raise _Answer("invalid_auth")
        is_app_token = token.startswith("xapp-")
        if is_app_token != (method in _APP_TOKEN_METHODS):
            raise _Answer("not_allowed_token_type")

    def _scope_headers(self, token: str | None) -> dict[str, str]:
        if token and not token.startswith("xapp-"):
            return {"X-OAuth-Scopes": self.bot_scopes}
        return {"X-OAuth-Scopes": "connections:write"}

    def _response_url_post(self, call: Call) -> dict[str, Any]:
        if call.params.pop("_invalid_json", False):
            raise _Answer("invalid_payload", status=400)
        with self._cond:
            uses = self._response_url_uses.get(call.path, 0) + 1
            self._response_url_uses[call.path] = uses
        if uses > _RESPONSE_URL_POST_LIMIT:
            raise _Answer("used_url", status=404)
        return {"ok": True}

    # ------------------------------------------------------------------ helpers (lock held)

    def _next_ts(self) -> str:
        self._ts_counter += 1
        micros = 1_700_000_000_000_000 + self._ts_counter * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _store_message(self, channel: str, ts: str, message: dict[str, Any]) -> None:
        key = (channel, ts)
        if key not in self._messages:
            self._message_order.append(key)
        self._messages[key] = message

    def _channel(self, channel_id: str) -> dict[str, Any]:
        if not channel_id:
            raise _Answer("channel_not_found")
        if channel_id in self.channels:
            overrides = self.channels[channel_id]
            if overrides is None:
                raise _Answer("channel_not_found")
        elif self.auto_channels and channel_id[:1] in ("C", "G", "D"):
            overrides = {}
        else:
            raise _Answer("channel_not_found")
        return {**_default_channel(channel_id), **overrides}

    def _user(self, user_id: str) -> dict[str, Any]:
        if not user_id:
            raise _Answer("user_not_found")
        if user_id in self.users:
            overrides = self.users[user_id]
            if overrides is None:
                raise _Answer("user_not_found")
        elif self.auto_users and user_id[:1] in ("U", "W"):
            overrides = {}
        else:
            raise _Answer("user_not_found")
        user = _default_user(user_id)
        profile = {**user["profile"], **(overrides.get("profile") or {})}
        return {**user, **overrides, "profile": profile}

    def _resolve_post_channel(self, channel: str) -> str:
        if channel[:1] in ("U", "W"):  # posting to a user id opens the DM
            self._user(channel)
            return "D" + channel[1:]
        if channel.startswith("#"):
            return channel
        self._channel(channel)
        return channel

    # ------------------------------------------------------------------ methods (lock held)

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": TEAM_NAME,
            "user": BOT_USER_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        if not channel:
            raise _Answer("channel_not_found")
        _check_content(params, _MESSAGE_BLOCK_LIMIT)
        resolved = self._resolve_post_channel(channel)
        if resolved in self.not_in_channel or channel in self.not_in_channel:
            raise _Answer("not_in_channel")
        if self.post_min_interval is not None:
            now = time.monotonic()
            last = self._last_post_at.get(resolved)
            if last is not None and now - last < self.post_min_interval:
                wait = max(1, math.ceil(self.post_min_interval - (now - last)))
                answer = _Answer("ratelimited", status=429)
                answer.headers["Retry-After"] = str(max(wait, self.post_retry_after))
                raise answer
            self._last_post_at[resolved] = now
        ts = self._next_ts()
        message = _message_from(params, ts)
        self._store_message(resolved, ts, message)
        return {"ok": True, "channel": resolved, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        user = str(params.get("user") or "")
        if not channel:
            raise _Answer("channel_not_found")
        if not user:
            raise _Answer("user_not_found")
        _check_content(params, _MESSAGE_BLOCK_LIMIT)
        self._channel(channel)
        self._user(user)
        if channel in self.not_in_channel:
            raise _Answer("not_in_channel")
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        ts = str(params.get("ts") or "")
        self._channel(channel)
        if not ts:
            raise _Answer("message_not_found")
        _check_content(params, _MESSAGE_BLOCK_LIMIT)
        existing = self._messages.get((channel, ts))
        if existing is None:
            raise _Answer("message_not_found")
        if existing.get("bot_id") not in (None, BOT_ID) or (
            existing.get("user") not in (None, BOT_USER_ID)
        ):
            raise _Answer("cant_update_message")
        updated = dict(existing)
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in params:
                updated[key] = params[key]
        updated["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        self._store_message(channel, ts, updated)
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": updated.get("text", ""),
            "message": updated,
        }

    def _reactions_add(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        timestamp = str(params.get("timestamp") or "")
        name = str(params.get("name") or "").strip(":")
        if not channel or not timestamp:
            raise _Answer("no_item_specified")
        if not name:
            raise _Answer("invalid_name")
        self._channel(channel)
        key = (channel, timestamp, name)
        if key in self._reactions:
            raise _Answer("already_reacted")
        self._reactions.add(key)
        return {"ok": True}

    def _reactions_remove(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (
            str(params.get("channel") or ""),
            str(params.get("timestamp") or ""),
            str(params.get("name") or "").strip(":"),
        )
        if key not in self._reactions:
            raise _Answer("no_reaction")
        self._reactions.discard(key)
        return {"ok": True}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """The channel's messages newest first, from ``oldest`` on; their metadata only with
        ``include_all_metadata``, as Slack answers (public channels need channels:history)."""
        channel = str(params.get("channel") or "")
        self._channel(channel)
        self._needs_scope("groups:history" if channel.startswith("G") else "channels:history")
        oldest = float(params.get("oldest") or 0)
        with_metadata = str(params.get("include_all_metadata", "")).lower() in {"1", "true"}
        with self._cond:
            found = [
                dict(self._messages[key])
                for key in reversed(self._message_order)
                if key[0] == channel and float(key[1]) >= oldest
            ]
        if not with_metadata:
            for message in found:
                message.pop("metadata", None)
        return {"ok": True, "messages": found, "has_more": False}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": self._channel(str(params.get("channel") or ""))}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "user": self._user(str(params.get("user") or ""))}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user_id") or "")
        view = params.get("view")
        if not user_id:
            raise _Answer("invalid_arguments")
        self._user(user_id)
        if not isinstance(view, dict) or view.get("type") != "home":
            raise _Answer("invalid_arguments")
        _check_blocks(view.get("blocks", []), _VIEW_BLOCK_LIMIT)
        self._view_counter += 1
        published = {
            "id": f"V{self._view_counter:08d}",
            "team_id": TEAM_ID,
            "type": "home",
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "hash": f"{self._view_counter}.hash",
            "app_id": APP_ID,
            "bot_id": BOT_ID,
        }
        return {"ok": True, "view": published}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        """A modal: needs a trigger_id (Slack's expire after 3 s; here any non-empty one works)."""
        view = params.get("view")
        if not params.get("trigger_id"):
            raise _Answer("invalid_trigger_id")
        if not isinstance(view, dict) or view.get("type") != "modal":
            raise _Answer("invalid_arguments")
        title = ((view.get("title") or {}).get("text")) or ""
        if not title or len(title) > 24:
            raise _Answer(
                "invalid_arguments", response_metadata={"messages": ["title: 1 to 24 characters"]}
            )
        _check_blocks(view.get("blocks", []), _VIEW_BLOCK_LIMIT)
        self._view_counter += 1
        return {
            "ok": True,
            "view": {
                "id": f"V{self._view_counter:08d}",
                "team_id": TEAM_ID,
                "type": "modal",
                "blocks": view.get("blocks", []),
                "callback_id": view.get("callback_id", ""),
                "app_id": APP_ID,
                "bot_id": BOT_ID,
            },
        }

    def _needs_scope(self, scope: str) -> None:
        granted = {s.strip() for s in self.bot_scopes.split(",")}
        if scope not in granted:
            raise _Answer("missing_scope", needed=scope, provided=self.bot_scopes)

    def _files_get_upload_url_external(self, params: dict[str, Any]) -> dict[str, Any]:
        self._needs_scope("files:write")
        filename = str(params.get("filename") or "")
        try:
            length = int(params.get("length") or 0)
        except ValueError:
            length = 0
        if not filename or length <= 0:
            raise _Answer("invalid_arguments")
        self._view_counter += 1
        file_id = f"F{self._view_counter:08d}"
        self._upload_slots[file_id] = {
            "filename": filename,
            "length": length,
            "alt_txt": params.get("alt_txt"),
        }
        return {"ok": True, "upload_url": f"{self.base_url}upload/v1/{file_id}", "file_id": file_id}

    def _receive_upload(self, file_id: str, raw: bytes) -> tuple[int, str]:
        with self._cond:
            slot = self._upload_slots.get(file_id)
            if slot is None:
                return 404, "unknown upload"
            if len(raw) != slot["length"]:
                return 400, f"expected {slot['length']} bytes, got {len(raw)}"
            self.uploads[file_id] = raw
        return 200, f"OK - {len(raw)}"

    def _files_complete_upload_external(self, params: dict[str, Any]) -> dict[str, Any]:
        self._needs_scope("files:write")
        files = params.get("files")
        if not isinstance(files, list) or not files:
            raise _Answer("invalid_arguments")
        done = []
        for item in files:
            file_id = str(item.get("id") or "") if isinstance(item, dict) else ""
            if file_id not in self.uploads:  # never announced, or its bytes never came
                raise _Answer("file_not_found")
            slot = self._upload_slots[file_id]
            done.append(
                {
                    "id": file_id,
                    "name": slot["filename"],
                    "title": item.get("title") or slot["filename"],
                    "mimetype": "image/png" if slot["filename"].endswith(".png") else "",
                    "size": len(self.uploads[file_id]),
                    "alt_txt": slot["alt_txt"],
                }
            )
        channel = str(params.get("channel_id") or "")
        if channel:
            resolved = self._resolve_post_channel(channel)
            if resolved in self.not_in_channel:
                raise _Answer("not_in_channel")
            ts = self._next_ts()
            message = _message_from({"text": params.get("initial_comment") or ""}, ts)
            message["files"] = done
            self._store_message(resolved, ts, message)
        return {"ok": True, "files": done}

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        url = self.socket_url() if callable(self.socket_url) else self.socket_url
        if not url:
            raise _Answer("emulator_socket_url_not_set")
        return {"ok": True, "url": url}


_METHODS: dict[str, Callable[[SlackEmulator, dict[str, Any]], dict[str, Any]]] = {
    "views.open": SlackEmulator._views_open,
    "auth.test": SlackEmulator._auth_test,
    "chat.postMessage": SlackEmulator._chat_post_message,
    "chat.postEphemeral": SlackEmulator._chat_post_ephemeral,
    "chat.update": SlackEmulator._chat_update,
    "reactions.add": SlackEmulator._reactions_add,
    "reactions.remove": SlackEmulator._reactions_remove,
    "conversations.info": SlackEmulator._conversations_info,
    "conversations.history": SlackEmulator._conversations_history,
    "users.info": SlackEmulator._users_info,
    "views.publish": SlackEmulator._views_publish,
    "apps.connections.open": SlackEmulator._apps_connections_open,
    "files.getUploadURLExternal": SlackEmulator._files_get_upload_url_external,
    "files.completeUploadExternal": SlackEmulator._files_complete_upload_external,
}


# ---------------------------------------------------------------------- payload helpers


def _fault_answer(fault: _Fault) -> tuple[int, dict[str, Any], dict[str, str]]:
    if fault.error is not None and fault.status == 200:
        return 200, {"ok": False, "error": fault.error}, {}
    headers: dict[str, str] = {}
    if fault.status == 429:
        if fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        return 429, {"ok": False, "error": fault.error or "ratelimited"}, headers
    return fault.status, {"ok": False, "error": fault.error or "internal_error"}, headers


def _default_channel(channel_id: str) -> dict[str, Any]:
    kind = channel_id[:1]
    if kind == "D":
        return {
            "id": channel_id,
            "created": 1_700_000_000,
            "is_im": True,
            "is_channel": False,
            "is_group": False,
            "is_mpim": False,
            "is_private": True,
            "is_archived": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "user": "U" + channel_id[1:],
            "context_team_id": TEAM_ID,
        }
    name = channel_id.lower()
    return {
        "id": channel_id,
        "name": name,
        "name_normalized": name,
        "created": 1_700_000_000,
        "creator": "U0OWNER",
        "is_channel": kind == "C",
        "is_group": kind == "G",
        "is_im": False,
        "is_mpim": False,
        "is_private": kind == "G",
        "is_archived": False,
        "is_general": False,
        "is_shared": False,
        "is_ext_shared": False,
        "is_org_shared": False,
        "is_pending_ext_shared": False,
        "is_member": True,
        "context_team_id": TEAM_ID,
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
    }


def _default_user(user_id: str) -> dict[str, Any]:
    is_bot = user_id == BOT_USER_ID
    name = BOT_USER_NAME if is_bot else user_id.lower()
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": name,
        "real_name": name.title(),
        "deleted": False,
        "tz": "Europe/London",
        "tz_label": "Greenwich Mean Time",
        "tz_offset": 0,
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "profile": {
            "real_name": name.title(),
            "display_name": name,
            "team": TEAM_ID,
            **({"bot_id": BOT_ID} if is_bot else {}),
        },
    }


def _message_from(params: dict[str, Any], ts: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "message",
        "text": params.get("text") or "",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": APP_ID,
        "team": TEAM_ID,
        "ts": ts,
    }
    for key in ("blocks", "attachments", "metadata"):
        if key in params:
            message[key] = params[key]
    if params.get("thread_ts"):
        message["thread_ts"] = str(params["thread_ts"])
    return message


def _check_content(params: dict[str, Any], block_limit: int) -> None:
    text = params.get("text")
    blocks = params.get("blocks")
    attachments = params.get("attachments")
    if not text and not blocks and not attachments:
        raise _Answer("no_text")
    if isinstance(text, str) and len(text) > _TEXT_LIMIT:
        raise _Answer("msg_too_long")
    if blocks is not None:
        _check_blocks(blocks, block_limit)


def _check_blocks(blocks: Any, limit: int) -> None:
    """The Block Kit limits Slack enforces with invalid_blocks."""
    if not isinstance(blocks, list):
        raise _Answer("invalid_blocks_format")
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(
            f"must provide an array of no more than {limit} items [json-pointer:/blocks]"
        )
    for i, block in enumerate(blocks):
        pointer = f"[json-pointer:/blocks/{i}"
        if not isinstance(block, dict) or not block.get("type"):
            problems.append(f"missing required field: type {pointer}]")
            continue
        kind = block["type"]
        text = block.get("text")
        if kind == "header":
            if not isinstance(text, dict) or text.get("type") != "plain_text":
                problems.append(f"must be a plain_text text object {pointer}/text]")
            elif len(str(text.get("text", ""))) > 150:
                problems.append(f"must be less than 151 characters {pointer}/text/text]")
        elif kind == "section":
            fields = block.get("fields")
            if text is None and not fields:
                problems.append(f"must provide text or fields {pointer}]")
            if isinstance(text, dict) and len(str(text.get("text", ""))) > 3000:
                problems.append(f"must be less than 3001 characters {pointer}/text/text]")
            if fields is not None:
                if len(fields) > 10:
                    problems.append(f"must provide no more than 10 items {pointer}/fields]")
                for j, item in enumerate(fields):
                    if isinstance(item, dict) and len(str(item.get("text", ""))) > 2000:
                        problems.append(
                            f"must be less than 2001 characters {pointer}/fields/{j}/text]"
                        )
    if problems:
        raise _Answer(
            "invalid_blocks",
            errors=problems,
            response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
        )


def _parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    if "application/json" in content_type:
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return {"_invalid_json": True}
        return data if isinstance(data, dict) else {"_invalid_json": True}
    return _last_values(parse_qs(raw.decode("utf-8"), keep_blank_values=True).items())


def _last_values(items: Iterable[tuple[str, list[str]]]) -> dict[str, Any]:
    return {key: values[-1] for key, values in items}


def _decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    for key in _JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(json.JSONDecodeError):
                params[key] = json.loads(value)
    return params


def _make_handler(emulator: SlackEmulator) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        server_version = "SlackEmulator/1.0"
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep test output quiet

        def _serve(self) -> None:
            arrived, arrived_wall = time.monotonic(), time.time()
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = dict(self.headers.items())
            content_type = self.headers.get("Content-Type", "")

            if url.path.startswith("/api/"):
                method = url.path[len("/api/") :].strip("/")
                is_response_url = False
            elif url.path.startswith("/response_url/"):
                method = "response_url"
                is_response_url = True
            elif url.path.startswith("/upload/v1/"):
                self._upload(url.path, raw, headers, arrived, arrived_wall)
                return
            else:
                self._send(404, {"ok": False, "error": "not_found"}, {})
                return

            params = _last_values(parse_qs(url.query, keep_blank_values=True).items())
            if is_response_url:
                if "application/json" not in content_type:
                    content_type = "application/json"
                params.update(_parse_body(content_type, raw))
            else:
                params.update(_parse_body(content_type, raw))
            _decode_json_fields(params)

            token: str | None = None
            auth = self.headers.get("Authorization", "")
            if auth.lower().startswith("bearer "):
                token = auth[7:].strip() or None
            if token is None and isinstance(params.get("token"), str):
                token = params["token"] or None

            call = Call(
                method=method,
                params=params,
                headers=headers,
                at=arrived,
                wall=arrived_wall,
                token=token,
                path=url.path,
            )
            try:
                status, body, extra_headers = emulator._handle(method, call, is_response_url)
            except Exception as exc:  # a bug in a custom handler: answer 500, keep serving
                status, body, extra_headers = 500, {"ok": False, "error": repr(exc)}, {}
            call.status, call.response = status, body
            # Record before answering, so a test that got the answer always sees the call.
            emulator._record(call)
            self._send(status, body, extra_headers)

        def _upload(
            self, path: str, raw: bytes, headers: dict[str, str], at: float, wall: float
        ) -> None:
            """The bytes of a file, sent to the URL files.getUploadURLExternal gave."""
            file_id = path.rsplit("/", 1)[-1]
            status, text = emulator._receive_upload(file_id, raw)
            call = Call(UPLOAD_METHOD, {"file_id": file_id, "length": len(raw)}, headers, at, wall)
            call.path, call.status = path, status
            call.response = {"ok": status == 200, **({} if status == 200 else {"error": text})}
            emulator._record(call)
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
            self.close_connection = True

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
            self.close_connection = True

    return _Handler
