"""HTTP mode: the Events API, slash commands and interactivity at ``/slack/events``,
health at ``/healthz`` and ``/readyz``, served by waitress (a production WSGI server).

A request to ``/slack/events`` passes three gates before Bolt sees it, in this order: its
size (413), Slack's signature over the raw bytes (401: nothing is parsed before it), and
its shape (400, :mod:`handlers.payload`). Bolt parses the body while it builds a request,
before its own middleware runs, so a body it cannot read must never reach it.

In OAuth mode ``/slack/install`` and ``/slack/oauth_redirect`` (GET, from the installer's
browser, so unsigned) go to Bolt's OAuth flow, which checks its ``state`` instead.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, start_http_server
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot import metrics
from handlers.payload import Malformed, read_body
from storage.db import Database

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
MAX_BODY = 1_000_000  # Slack's payloads are far smaller; a bigger body is not from Slack
MAX_CLOCK_SKEW = 300  # seconds, as Slack's docs and slack_sdk's SignatureVerifier allow

# waitress reads every request on one I/O thread and hands only complete ones to the
# worker threads, so idle or slow clients cost a socket each, never a thread. What they
# can exhaust is connections: past connection_limit (waitress's default is 100) it stops
# accepting, and an idle one lived 120 s. So: many connections (poll(), since select()
# cannot watch descriptors past 1024), idle ones dropped after 10 s, checked every 2 s.
SERVER_LIMITS: dict[str, Any] = {
    "connection_limit": 1000,
    "asyncore_use_poll": True,
    "channel_timeout": 10,
    "cleanup_interval": 2,
    "max_request_body_size": MAX_BODY,  # waitress answers 413 itself, chunked bodies too
    "max_request_header_size": 64 * 1024,
    "expose_tracebacks": False,
}

Reply = Callable[..., list[bytes]]


def signed(secret: str, body: bytes, timestamp: str | None, signature: str | None) -> bool:
    """Slack's v0 signature over the raw bytes, within five minutes: what slack_sdk's
    SignatureVerifier checks, without its decoding the body (which fails on non-UTF-8)."""
    if not timestamp or not signature or not (timestamp.isascii() and timestamp.isdigit()):
        return False
    if len(timestamp) > 12 or abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW:
        return False
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace"))


def _json(start_response: Any, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


def _refuse(start_response: Any, status: str, reason: str) -> list[bytes]:
    return _json(start_response, status, {"ok": False, "error": reason})


def wsgi_app(
    app: App, db: Database, *, signing_secret: str, metrics_here: bool = True
) -> Callable[..., Iterable[bytes]]:
    """The WSGI application; with ``metrics_here`` false ``/metrics`` answers 404 (it is
    served on its own address, or nowhere)."""
    slack = SlackRequestHandler(app, path=SLACK_PATH)
    flow = app.oauth_flow  # OAuth mode: /slack/install and /slack/oauth_redirect
    oauth_paths = {flow.install_path, flow.redirect_uri_path} if flow is not None else set()

    def slack_events(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return _refuse(start_response, "405 Method Not Allowed", "POST only")
        length = environ.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_BODY:
            return _refuse(start_response, "413 Payload Too Large", "body too large")
        body = environ["wsgi.input"].read(int(length))
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        if not signed(signing_secret, body, timestamp, environ.get("HTTP_X_SLACK_SIGNATURE")):
            return _refuse(start_response, "401 Unauthorized", "invalid signature")
        try:
            read_body(body, environ.get("CONTENT_TYPE", ""))
        except Malformed as exc:
            log.warning("refused a signed but malformed request: %s", exc)
            return _refuse(start_response, "400 Bad Request", f"malformed payload: {exc}")
        environ["wsgi.input"] = io.BytesIO(body)
        return slack(environ, start_response)

    def application(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == SLACK_PATH:
            return slack_events(environ, start_response)
        if path in oauth_paths:  # a browser, not Slack: Bolt checks the OAuth state instead
            if environ.get("REQUEST_METHOD") != "GET":
                return _refuse(start_response, "405 Method Not Allowed", "GET only")
            return slack(environ, start_response)
        if path == "/healthz":
            return _json(start_response, "200 OK", {"ok": True})
        if path == "/readyz":
            return _readiness(db, start_response)
        if path == "/metrics" and metrics_here:
            data = metrics.exposition()
            start_response(
                "200 OK",
                [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(data)))],
            )
            return [data]
        return _refuse(start_response, "404 Not Found", "not found")

    return application


def _readiness(db: Database, start_response: Any) -> list[bytes]:
    """503 with a generic reason: the database's own words (host names, users, paths)
    go to the log, not to whoever can reach the port."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means not ready
        log.warning("not ready: the database did not answer: %r", exc)
        return _refuse(start_response, "503 Service Unavailable", "database unavailable")
    return _json(start_response, "200 OK", {"ok": True})


def metrics_listen(address: str) -> tuple[str, int] | None:
    """``host:port`` (IPv6 in brackets) as a bind address; None for "" and "off"."""
    if address in ("", "off"):
        return None
    host, _, port = address.rpartition(":")
    return host.strip("[]"), int(port)


def start_metrics(address: str) -> Any:
    """Prometheus's own small server on ``address``, or None; ``.shutdown()`` stops it."""
    listen = metrics_listen(address)
    if listen is None:
        return None
    server, _thread = start_http_server(listen[1], addr=listen[0], registry=metrics.REGISTRY)
    log.info("metrics at http://%s:%d/metrics", *listen)
    return server


def create_server(
    app: App,
    db: Database,
    *,
    signing_secret: str,
    host: str,
    port: int,
    threads: int = 8,
    metrics_address: str = "",
) -> Any:
    """The waitress server with Briefbot's limits; ``run()`` serves, ``close()`` stops."""
    from waitress.server import create_server as waitress_server

    application = wsgi_app(
        app, db, signing_secret=signing_secret, metrics_here=metrics_address == ""
    )
    return waitress_server(
        application, host=host, port=port, threads=threads, ident="briefbot", **SERVER_LIMITS
    )


def serve(
    app: App,
    db: Database,
    *,
    signing_secret: str,
    host: str,
    port: int,
    threads: int = 8,
    metrics_address: str = "",
) -> None:
    """Serve until interrupted; ``metrics_address`` as BRIEFBOT_METRICS_ADDRESS says."""
    server = create_server(
        app,
        db,
        signing_secret=signing_secret,
        host=host,
        port=port,
        threads=threads,
        metrics_address=metrics_address,
    )
    side = start_metrics(metrics_address)
    try:
        server.run()  # returns on SIGINT/SIGTERM's SystemExit, its sockets closed
    finally:
        if side is not None:
            side.shutdown()
