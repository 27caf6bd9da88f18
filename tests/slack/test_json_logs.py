"""A real `briefbot serve`, its stderr a file: every log line is a JSON object, and the lines
about a signed event name its workspace, channel and event id (before the ack, and after it
in a lazy listener's thread), those about its article the article's id (in the ingestion
child)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import Article
from tests.pages import PageServer
from tests.slack.signing import message_event, post, signed_event
from tests.slack.test_scheduled_e2e import BRIEFBOT, free_port, wait_http
from tests.slack.test_serve_workers import children_of

pytestmark = pytest.mark.slow
SECRET = "json-logs-secret"


def json_lines(log: Path) -> list[dict[str, Any]]:
    """Every line of the log; the few that are no log lines are the CLI's own words."""
    lines = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("briefbot: ") or not line.strip():
            continue
        lines.append(json.loads(line))  # fails the test on any line that is not JSON
    return lines


def test_serve_logs_json_lines_that_say_what_they_are_about(slack_emulator, tmp_path: Path):
    port = free_port()
    database_url = f"sqlite:///{tmp_path / 'logs.sqlite3'}"
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-logs",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_emulator.api_url,
        "BRIEFBOT_FETCH_ALLOWLIST": "127.0.0.1",
        "BRIEFBOT_DATABASE_URL": database_url,
        "BRIEFBOT_ENV_FILE": str(tmp_path / "none.env"),
        "BRIEFBOT_DATA_DIR": str(tmp_path),
        "BRIEFBOT_LOG_LEVEL": "DEBUG",  # the ingestion child's article lines are INFO
    }
    env.pop("BRIEFBOT_LOG_FORMAT", None)  # auto: a file is no terminal
    log = tmp_path / "serve.log"
    # Slack cannot say whether the channel is private (a warning before the ack), and
    # refuses the capture reaction (a warning in the lazy listener after it).
    slack_emulator.fail_next("conversations.info", status=429, retry_after=1)
    slack_emulator.fail_next("reactions.add", status=200, error="message_not_found")
    with open(log, "wb") as out:
        serve = subprocess.Popen(
            [BRIEFBOT, "serve", "--port", str(port), "--worker-processes", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )
    db = Database(database_url)
    try:
        with PageServer() as pages:
            wait_http(f"http://127.0.0.1:{port}/healthz")
            [child] = children_of(serve.pid)
            gone = pages.url("/gone")  # 404: the article fails, and the child says so
            event = message_event(f"<{gone}>", channel="C0JSON", ts=f"{time.time():.6f}")
            body, headers = signed_event(SECRET, event, event_id="Ev0JSONLOGS")
            assert post(f"http://127.0.0.1:{port}/slack/events", body, headers)[0] == 200
            slack_emulator.wait_for("reactions.add", timeout=30)
            deadline = time.monotonic() + 120
            while True:
                with db.session() as s:
                    article = s.scalars(select(Article)).first()
                    if article is not None and article.status == "failed":
                        article_id = article.id
                        break
                assert time.monotonic() < deadline, "the child never read the link"
                time.sleep(0.5)
            time.sleep(1)  # the child's line about it
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        db.dispose()
    lines = json_lines(log)
    assert lines and all({"time", "level", "logger", "message", "pid"} <= set(x) for x in lines)
    about = {"workspace": "T0TEST", "channel": "C0JSON", "event_id": "Ev0JSONLOGS"}

    def one(words: str) -> dict[str, Any]:
        found = [x for x in lines if words in x["message"]]
        assert found, f"no line says {words!r}: {[x['message'] for x in lines][-40:]}"
        return found[0]

    before_ack = one("conversations.info C0JSON failed")
    assert before_ack["level"] == "WARNING" and before_ack["pid"] == serve.pid
    assert about.items() <= before_ack.items()
    lazy = one("could not react to")
    assert lazy["pid"] == serve.pid and about.items() <= lazy.items()
    read = one(f"article {gone} failed")
    assert read["pid"] == child and read["article_id"] == str(article_id)
    assert "event_id" not in read  # the child knows the article, not the request
