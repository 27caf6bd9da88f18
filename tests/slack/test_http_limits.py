"""What the HTTP server does about clients that are not Slack: idle and half-open
connections cannot keep Slack's requests waiting, /readyz tells outsiders nothing about
the database, and /metrics can live on an address of its own (or nowhere)."""

from __future__ import annotations

import json
import logging
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from slack_bolt import App

from bot.entrypoints.http_server import SERVER_LIMITS, create_server, start_metrics
from storage.db import Database
from tests.slack.signing import post, sign, signed_slash_command, signed_url_verification
from tests.waitress_thread import running

SECRET = "limits-signing-secret"
IDLE_CLIENTS = 150  # past waitress's default connection_limit of 100


def bare_app() -> App:
    """A Bolt app that never calls Slack: these tests are about the server around it."""
    return App(signing_secret=SECRET, token="xoxb-test", token_verification_enabled=False)


@pytest.fixture
def briefbot(slack_emulator: Any, tmp_path: Path) -> Iterator[str]:
    """The real Briefbot app (no ingestion) behind create_server, as `briefbot serve` runs it."""
    from bot.app import build
    from bot.config import Settings
    from bot.entrypoints.slack_app import build_slack

    settings = Settings.from_env(
        {"BRIEFBOT_ENV_FILE": str(tmp_path / "none.env")},
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'limits.sqlite3'}",
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=slack_emulator.api_url,
    )
    container = build(settings)
    app, _ = build_slack(container, http=True, ingest_here=False)
    server = create_server(
        app, container.db, signing_secret=SECRET, host="127.0.0.1", port=0, threads=4
    )
    try:
        with running(server):
            yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        container.close()


def get(url: str) -> tuple[int, bytes]:
    try:
        with urlopen(url, timeout=5) as answer:
            return answer.status, answer.read()
    except HTTPError as error:
        with error:
            return error.code, error.read()


def idle_clients(port: int, count: int) -> list[socket.socket]:
    """Connections that never finish a request: silent, headers cut off, body cut off."""
    openers = (
        b"",
        b"POST /slack/events HTTP/1.1\r\nHost: briefbot\r\nContent-",
        b'POST /slack/events HTTP/1.1\r\nHost: briefbot\r\nContent-Length: 5000\r\n\r\n{"to',
    )
    clients = []
    for i in range(count):
        client = socket.create_connection(("127.0.0.1", port), timeout=5)
        if openers[i % 3]:
            client.sendall(openers[i % 3])
        clients.append(client)
    return clients


def test_idle_and_half_open_connections_do_not_keep_slack_waiting(briefbot: str):
    clients = idle_clients(int(briefbot.rsplit(":", 1)[1]), IDLE_CLIENTS)
    try:
        time.sleep(0.5)  # the server has seen them all
        started = time.monotonic()
        status, _, answer = post(
            briefbot + "/slack/events", *signed_url_verification(SECRET, "still here"), timeout=3
        )
        assert status == 200 and json.loads(answer)["challenge"] == "still here"
        status, _, answer = post(
            briefbot + "/slack/events", *signed_slash_command(SECRET, text="help"), timeout=3
        )
        assert status == 200 and "/brief ukraine" in json.loads(answer)["text"]
        assert time.monotonic() - started < 3, "Slack gives up after 3 s"
    finally:
        for client in clients:
            client.close()


@pytest.mark.slow
def test_an_idle_connection_is_closed_after_the_channel_timeout(briefbot: str):
    [client] = idle_clients(int(briefbot.rsplit(":", 1)[1]), 1)
    limit = SERVER_LIMITS["channel_timeout"] + SERVER_LIMITS["cleanup_interval"] + 3
    client.settimeout(limit)
    started = time.monotonic()
    with client:
        assert client.recv(1) == b"", "the server closed it"
    assert time.monotonic() - started < limit


def test_a_body_too_large_for_slack_gets_413_before_it_is_read(briefbot: str):
    host, port = briefbot.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as client:
        client.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: briefbot\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1100000\r\n\r\n{"
        )
        assert client.recv(64).startswith(b"HTTP/1.1 413 ")


def test_readyz_says_the_database_is_unavailable_and_nothing_more(tmp_path: Path, caplog):
    folder = tmp_path / "gone"
    db = Database(f"sqlite:///{folder / 'briefbot.sqlite3'}")  # creates the folder
    shutil.rmtree(folder)  # now SQLite cannot open the file
    server = create_server(bare_app(), db, signing_secret=SECRET, host="127.0.0.1", port=0)
    with running(server), caplog.at_level(logging.WARNING):
        status, answer = get(f"http://127.0.0.1:{server.effective_port}/readyz")
    assert status == 503
    assert json.loads(answer) == {"ok": False, "error": "database unavailable"}
    assert "unable to open database file" in caplog.text, "the detail is in the log"
    db.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_metrics_on_their_own_address_and_not_on_slacks(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path / 'briefbot.sqlite3'}")
    address = f"127.0.0.1:{free_port()}"
    side = start_metrics(address)
    server = create_server(
        bare_app(), db, signing_secret=SECRET, host="127.0.0.1", port=0, metrics_address=address
    )
    try:
        with running(server):
            main = f"http://127.0.0.1:{server.effective_port}"
            assert get(main + "/metrics")[0] == 404
            assert get(main + "/healthz")[0] == 200
            status, text = get(f"http://{address}/metrics")
        assert status == 200 and b"briefbot_slack_requests" in text
    finally:
        side.shutdown()
        side.server_close()
        db.dispose()


@pytest.mark.parametrize(("setting", "served"), [("", 200), ("off", 404)])
def test_metrics_on_the_slack_port_or_off(tmp_path: Path, setting: str, served: int):
    db = Database(f"sqlite:///{tmp_path / 'briefbot.sqlite3'}")
    assert start_metrics(setting) is None, "no server of their own"
    server = create_server(
        bare_app(), db, signing_secret=SECRET, host="127.0.0.1", port=0, metrics_address=setting
    )
    with running(server):
        assert get(f"http://127.0.0.1:{server.effective_port}/metrics")[0] == served
    db.dispose()


def test_slack_events_answers_post_only_and_other_paths_404(briefbot: str):
    assert get(briefbot + "/slack/events")[0] == 405
    body = b'{"type": "url_verification", "challenge": "x"}'
    status, _, _ = post(briefbot + "/elsewhere", body, sign(SECRET, body))
    assert status == 404
