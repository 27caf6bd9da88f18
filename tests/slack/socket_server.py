"""A local Slack Socket Mode server for tests.

``SocketModeServer`` is a WebSocket server on 127.0.0.1 (``websockets`` sync server in a
thread). When a client connects it sends Slack's ``hello`` message; tests then push
envelopes the way Slack does and read back the acks the client sends:

    with SocketModeServer() as server:
        emulator.socket_url = server.url          # answered by apps.connections.open
        ...start a slack_sdk SocketModeClient / Bolt SocketModeHandler...
        envelope_id = server.send_events_api({"type": "app_mention", ...})
        ack = server.wait_for_ack(envelope_id)

Message formats (as Slack sends them, and as slack_sdk.socket_mode parses them):
    hello:    {"type": "hello", "num_connections": 1, "debug_info": {...},
               "connection_info": {"app_id": "A..."}}
    envelope: {"envelope_id": "...", "type": "events_api" | "slash_commands" | "interactive",
               "accepts_response_payload": bool, "payload": {...},
               "retry_attempt": 0, "retry_reason": ""}
    ack:      {"envelope_id": "...", "payload": {...}}   (payload optional)
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

__all__ = ["Ack", "SocketModeServer"]

_TEAM_ID = "T0TEST"
_APP_ID = "A0TEST"
_BOT_USER_ID = "U0BOT"


@dataclass(frozen=True)
class Ack:
    """An acknowledgement the client sent back for an envelope."""

    envelope_id: str
    payload: dict[str, Any] | None
    raw: dict[str, Any]
    at: float  # time.monotonic()


class SocketModeServer:
    """Socket Mode WebSocket endpoint on 127.0.0.1 (port 0 = a free port)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        app_id: str = _APP_ID,
        send_hello: bool = True,
    ) -> None:
        self._host = host
        self._port = port
        self.app_id = app_id
        self.send_hello = send_hello
        self.ticket = uuid.uuid4().hex
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._cond = threading.Condition()
        self._open: list[ServerConnection] = []
        #: Number of WebSocket connections accepted so far.
        self.connection_count = 0
        #: Every message sent to clients, in order (hello, envelopes, disconnects).
        self.sent: list[dict[str, Any]] = []
        #: Every text message received from clients, decoded (acks and anything else).
        self.received: list[dict[str, Any]] = []
        #: Acks by arrival order.
        self.acks: list[Ack] = []
        #: Paths (with query) clients connected to.
        self.paths: list[str] = []

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> SocketModeServer:
        if self._server is not None:
            return self
        self._server = serve(
            self._handle,
            self._host,
            self._port,
            compression=None,
            close_timeout=1,
            ping_interval=None,  # the slack_sdk clients ping us; we answer their pings
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="socket-mode-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is None:
            return
        server.shutdown()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> SocketModeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SocketModeServer is not started")
        return int(self._server.socket.getsockname()[1])

    @property
    def url(self) -> str:
        """The ws:// URL to answer from apps.connections.open."""
        return f"ws://{self._host}:{self.port}/link/?ticket={self.ticket}&app_id={self.app_id}"

    # ------------------------------------------------------------------ connections

    @property
    def connections(self) -> int:
        """Number of currently open client connections."""
        with self._cond:
            return len(self._open)

    def wait_for_connection(self, timeout: float = 5.0, count: int = 1) -> None:
        """Block until ``count`` connections have been accepted in total (hello sent)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.connection_count < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} Socket Mode connection(s) within {timeout}s, "
                        f"got {self.connection_count}"
                    )
                self._cond.wait(remaining)

    def close_connections(self, code: int = 1001, reason: str = "") -> None:
        """Close every open client connection from the server side."""
        with self._cond:
            connections = list(self._open)
        for connection in connections:
            connection.close(code, reason)

    def close_client(self, client: Any) -> None:
        """Stop a slack_sdk SocketModeClient (or a Bolt SocketModeHandler) quickly.

        The builtin client blocks up to 3 s in ``recv`` when it closes its own socket;
        closing from the server side first wakes it. Auto-reconnect is switched off first
        so the client does not reconnect when the server closes the connection.
        """
        sdk_client = getattr(client, "client", client)  # Bolt's handler wraps the client
        sdk_client.auto_reconnect_enabled = False
        sdk_client.default_auto_reconnect_enabled = False
        self.close_connections()
        client.close()

    # ------------------------------------------------------------------ pushing envelopes

    def send_events_api(
        self,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        accepts_response_payload: bool = False,
        timeout: float = 5.0,
    ) -> str:
        """Push an ``events_api`` envelope; returns its envelope_id.

        ``payload`` is the Events API body (``{"type": "event_callback", "event": ...}``).
        A bare event (any other ``type``, e.g. ``{"type": "app_mention", ...}``) is wrapped
        in an event_callback body first.
        """
        if payload.get("type") != "event_callback":
            payload = _wrap_event(payload)
        return self.send_envelope(
            "events_api",
            payload,
            envelope_id=envelope_id,
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
            timeout=timeout,
        )

    def send_slash_command(
        self,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Push a ``slash_commands`` envelope (payload = the slash command fields)."""
        return self.send_envelope(
            "slash_commands",
            payload,
            envelope_id=envelope_id,
            accepts_response_payload=True,
            timeout=timeout,
        )

    def send_interactive(
        self,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Push an ``interactive`` envelope (block_actions, view_submission, shortcut...)."""
        return self.send_envelope(
            "interactive",
            payload,
            envelope_id=envelope_id,
            accepts_response_payload=payload.get("type") == "view_submission",
            timeout=timeout,
        )

    def send_envelope(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        accepts_response_payload: bool = False,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 5.0,
    ) -> str:
        envelope_id = envelope_id or str(uuid.uuid4())
        message: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": type,
            "accepts_response_payload": accepts_response_payload,
        }
        if type == "events_api":
            message["retry_attempt"] = retry_attempt
            message["retry_reason"] = retry_reason
        self.send_raw(message, timeout=timeout)
        return envelope_id

    def send_disconnect(self, reason: str = "refresh_requested", timeout: float = 5.0) -> None:
        """Slack's ``disconnect`` message (reason: warning, refresh_requested, link_disabled)."""
        self.send_raw(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-local"}},
            timeout=timeout,
        )

    def send_raw(self, message: dict[str, Any], timeout: float = 5.0) -> None:
        """Send a JSON message to the most recent open connection (waits for one)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._open:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no Socket Mode client connected within {timeout}s "
                        f"(connections so far: {self.connection_count})"
                    )
                self._cond.wait(remaining)
            connection = self._open[-1]
            self.sent.append(message)
        connection.send(json.dumps(message))

    # ------------------------------------------------------------------ acks

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> Ack:
        """Block until the client acks ``envelope_id``; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for ack in self.acks:
                    if ack.envelope_id == envelope_id:
                        return ack
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    got = [a.envelope_id for a in self.acks]
                    raise AssertionError(
                        f"no ack for envelope {envelope_id} within {timeout}s; acks: {got}"
                    )
                self._cond.wait(remaining)

    def acked(self, envelope_id: str) -> bool:
        with self._cond:
            return any(a.envelope_id == envelope_id for a in self.acks)

    # ------------------------------------------------------------------ server side

    def _handle(self, connection: ServerConnection) -> None:
        request = connection.request
        hello = {
            "type": "hello",
            "num_connections": 0,
            "debug_info": {
                "host": "applink-local",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }
        try:
            with self._cond:
                self._open.append(connection)
                self.connection_count += 1
                self.paths.append(request.path if request is not None else "")
                hello["num_connections"] = len(self._open)
                if self.send_hello:
                    self.sent.append(hello)
            if self.send_hello:
                connection.send(json.dumps(hello))
            with self._cond:
                self._cond.notify_all()
            for raw in connection:
                self._on_message(raw)
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                if connection in self._open:
                    self._open.remove(connection)
                self._cond.notify_all()

    def _on_message(self, raw: str | bytes) -> None:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        try:
            message = json.loads(text)
        except json.JSONDecodeError:
            message = {"_unparsed": text}
        if not isinstance(message, dict):
            message = {"_unparsed": text}
        with self._cond:
            self.received.append(message)
            if "envelope_id" in message and "type" not in message:
                self.acks.append(
                    Ack(
                        envelope_id=str(message["envelope_id"]),
                        payload=message.get("payload"),
                        raw=message,
                        at=time.monotonic(),
                    )
                )
            self._cond.notify_all()


def _wrap_event(event: dict[str, Any]) -> dict[str, Any]:
    event_time = int(time.time())
    return {
        "token": "verification-token",
        "team_id": _TEAM_ID,
        "api_app_id": _APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": _TEAM_ID,
                "user_id": _BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{uuid.uuid4().hex}",
    }
