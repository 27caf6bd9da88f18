"""HTTP mode: the Events API, slash commands and interactivity at ``/slack/events``,
health at ``/healthz`` and ``/readyz``, served by waitress (a production WSGI server)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot import metrics
from storage.db import Database

MAX_BODY = 1_000_000  # Slack's payloads are far smaller; a bigger body is not from Slack


def wsgi_app(app: App, db: Database) -> Callable[..., Iterable[bytes]]:
    slack = SlackRequestHandler(app, path="/slack/events")

    def reply(start_response: Any, status: str, body: dict[str, Any]) -> list[bytes]:
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def application(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return reply(start_response, "200 OK", {"ok": True})
        if path == "/metrics":
            data = metrics.exposition()
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(data)))])
            return [data]
        if path == "/readyz":
            try:
                with db.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except Exception as exc:  # any failure means not ready
                return reply(start_response, "503 Service Unavailable", {"ok": False, "error": str(exc)[:200]})
            return reply(start_response, "200 OK", {"ok": True})
        length = environ.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_BODY:
            return reply(start_response, "413 Payload Too Large", {"ok": False, "error": "body too large"})
        return slack(environ, start_response)

    return application


def serve(app: App, db: Database, *, host: str, port: int, threads: int = 8) -> None:
    from waitress import serve as waitress_serve

    waitress_serve(wsgi_app(app, db), host=host, port=port, threads=threads, ident="briefbot")
