"""Acceptance: `briefbot serve` and two `briefbot scheduler` processes on one database.

An admin's signed `/brief follow` for a topic due in the next minutes leads to exactly one
briefing in that channel at that minute; a member's `/brief follow` changes nothing. Real
processes, real HTTP, the Slack Web API emulator. Takes one to two minutes.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.integration.test_ingest import KYIV_PAGE
from tests.pages import PageServer
from tests.slack.signing import message_event, post, signed_event, signed_slash_command

pytestmark = pytest.mark.slow
SECRET = "e2e-secret"
BRIEFBOT = str(Path(sys.executable).with_name("briefbot"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def test_one_briefing_per_slot_with_two_schedulers(slack_emulator, tmp_path: Path):
    slack_emulator.add_user("U0ADMIN", is_admin=True, tz="UTC")
    slack_emulator.add_user("U0MEMBER", is_admin=False, is_owner=False, tz="UTC")
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-e2e",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_emulator.api_url,
        "BRIEFBOT_FETCH_ALLOWLIST": "127.0.0.1",
        "BRIEFBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "BRIEFBOT_ENV_FILE": str(tmp_path / "none.env"),
        "BRIEFBOT_DATA_DIR": str(tmp_path),
    }
    subprocess.run(
        [BRIEFBOT, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120
    )
    procs = [
        subprocess.Popen(
            [BRIEFBOT, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    ]
    procs += [
        subprocess.Popen(
            [BRIEFBOT, "scheduler"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    events = f"http://127.0.0.1:{port}/slack/events"
    try:
        with PageServer() as pages:
            wait_http(f"http://127.0.0.1:{port}/healthz")
            url = pages.add("/kyiv", KYIV_PAGE)
            assert (
                post(
                    events,
                    *signed_event(
                        SECRET, message_event(f"<{url}>", channel="C0NEWS", ts=f"{time.time():.6f}")
                    ),
                )[0]
                == 200
            )
            slack_emulator.wait_for("reactions.add", timeout=60)

            slot = (datetime.now(UTC) + timedelta(seconds=40)).replace(
                second=0, microsecond=0
            ) + timedelta(minutes=1)
            follow = f"follow kyiv at {slot:%H:%M} daily tz UTC in <#C0NEWS|news>"
            for user in ("U0MEMBER", "U0ADMIN"):
                body, headers = signed_slash_command(
                    SECRET,
                    "/brief",
                    follow,
                    user_id=user,
                    response_url=slack_emulator.response_url(user),
                )
                assert post(events, body, headers)[0] == 200
            replies = slack_emulator.wait_for("response_url", count=2, timeout=20)
            answers = {r.path.rsplit("/", 1)[-1]: r.params["text"] for r in replies}
            assert "only workspace admins" in answers["U0MEMBER"]
            assert "Now following *kyiv*" in answers["U0ADMIN"]

            wait = (slot - datetime.now(UTC)).total_seconds() + 25
            time.sleep(max(0.0, wait))
            posts = [
                c
                for c in slack_emulator.calls_to("chat.postMessage")
                if c.params.get("channel") == "C0NEWS"
            ]
            assert len(posts) == 1, [p.describe() for p in posts]
            briefing = posts[0]
            assert url in json.dumps(briefing.params["blocks"])
            # By the wall clock, which the schedule follows (a fresh machine's clock may be
            # stepped by time sync during the test, so monotonic time would not say "when").
            posted_at = datetime.fromtimestamp(briefing.wall, UTC)
            assert slot - timedelta(seconds=1) <= posted_at <= slot + timedelta(seconds=20), (
                f"posted at {posted_at:%H:%M:%S}, slot {slot:%H:%M}"
            )
    finally:
        for p in procs:
            p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            if p.stderr:
                p.stderr.close()
