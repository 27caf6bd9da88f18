"""Briefbot in Socket Mode: the same App over a WebSocket from a local Socket Mode server,
with apps.connections.open answered by the Web API emulator (SLACK_API_URL)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build
from bot.config import Settings
from bot.entrypoints.slack_app import build_slack
from tests.integration.test_ingest import KYIV_PAGE
from tests.pages import PageServer
from tests.slack.signing import event_callback_payload, message_event, slash_command_payload

pytestmark = pytest.mark.slow


def test_socket_mode_captures_links_and_answers_brief(
    slack_emulator, socket_server, tmp_path: Path
):
    settings = Settings.from_env(
        {},
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
        slack_api_url=slack_emulator.api_url,
        fetch_allowlist=("127.0.0.1",),
    )
    container = build(settings)
    app, _ = build_slack(container, http=False)
    handler = SocketModeHandler(app, settings.slack_app_token)
    handler.connect()
    try:
        with PageServer() as pages:
            url = pages.add("/kyiv", KYIV_PAGE)
            socket_server.wait_for_connection()
            envelope = socket_server.send_events_api(
                event_callback_payload(message_event(f"<{url}>", ts=f"{time.time():.6f}"))
            )
            socket_server.wait_for_ack(envelope)
            assert container.store.counts()["shares"] == 1, "stored before the ack"
            slack_emulator.wait_for("reactions.add", timeout=10)
            deadline = time.monotonic() + 15
            while container.store.counts().get("pending") and time.monotonic() < deadline:
                time.sleep(0.05)

            command = socket_server.send_slash_command(
                slash_command_payload(
                    "/brief", "kyiv", response_url=slack_emulator.response_url("sm")
                )
            )
            socket_server.wait_for_ack(command)
            [reply] = slack_emulator.wait_for("response_url", timeout=10)
            assert url in json.dumps(reply.params)
        opened = slack_emulator.calls_to("apps.connections.open")
        assert opened and opened[0].token == "xapp-test"
    finally:
        socket_server.close_client(handler)
        container.close()
