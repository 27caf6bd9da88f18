"""HTTP mode: the Events API, slash commands and interactivity at ``/slack/events``,
health at ``/healthz`` and ``/readyz``, served by waitress (a production WSGI server)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text

from bot import metrics
from storage.db import Database

MAX_BODY = 1_000_000  # Slack's payloads are far smaller; a bigger body is not from Slack


def _readable(body: bytes, content_type: str) -> bool:
    """Whether Bolt can parse the body: JSON when it says JSON, a JSON ``payload`` field
    when it is a form carrying one (interactivity)."""
    try:
        if content_type.startswith("application/json"):
            json.loads(body)
        elif body.startswith(b"payload="):
            json.loads(parse_qs(body.decode("utf-8")).get("payload", ["{}"])[0])
        else:
            body.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    return {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }


def wsgi_app(app: App, db: Database, *, signing_secret: str) -> Callable[..., Iterable[bytes]]:
    slack = SlackRequestHandler(app, path="/slack/events")
    verifier = SignatureVerifier(signing_secret)

    def reply(start_response: Any, status: str, body: dict[str, Any]) -> list[bytes]:
        data = json.dumps(body).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        )
        return [data]

    def application(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return reply(start_response, "200 OK", {"ok": True})
        if path == "/metrics":
            data = metrics.exposition()
            start_response(
                "200 OK",
                [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(data)))],
            )
            return [data]
        if path == "/readyz":
            try:
                with db.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except Exception as exc:  # any failure means not ready
                return reply(
                    start_response,
                    "503 Service Unavailable",
                    {"ok": False, "error": str(exc)[:200]},
                )
            return reply(start_response, "200 OK", {"ok": True})
        length = environ.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_BODY:
            return reply(
                start_response, "413 Payload Too Large", {"ok": False, "error": "body too large"}
            )
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)
        if not _readable(body, environ.get("CONTENT_TYPE", "")):
            # Bolt would fail on it with a 500; answer as Slack's own rules say, signature first.
            if not verifier.is_valid_request(body, _headers(environ)):
                return reply(
                    start_response, "401 Unauthorized", {"ok": False, "error": "invalid signature"}
                )
            return reply(
                start_response, "400 Bad Request", {"ok": False, "error": "malformed payload"}
            )
        return slack(environ, start_response)

    return application


def serve(
    app: App, db: Database, *, signing_secret: str, host: str, port: int, threads: int = 8
) -> None:
    from waitress import serve as waitress_serve

    waitress_serve(
        wsgi_app(app, db, signing_secret=signing_secret),
        host=host,
        port=port,
        threads=threads,
        ident="briefbot",
    )
