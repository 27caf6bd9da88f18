"""`briefbot serve` keeps spaCy out of the process that answers Slack.

Real processes: `briefbot serve` starts its ingestion child, a signed message event's link
is read by that child (never by the web process, which never loads spaCy), and SIGTERM
stops both within ten seconds with exit status 0. Linux only (reads /proc).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.briefing.status import ArticleStatus
from storage.db import Database
from storage.repository import SqlStore
from tests.integration.test_ingest import KYIV_PAGE
from tests.pages import PageServer
from tests.slack.signing import message_event, post, signed_event
from tests.slack.test_scheduled_e2e import BRIEFBOT, free_port, wait_http

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc"),
]
SECRET = "workers-secret"


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def loads_spacy(pid: int) -> bool:
    """Whether the process has spaCy's compiled modules mapped (it imported spaCy)."""
    return "/spacy/" in Path(f"/proc/{pid}/maps").read_text()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_serve_reads_links_in_its_child_and_stops_cleanly(slack_emulator, tmp_path: Path):
    port = free_port()
    database_url = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-workers",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_emulator.api_url,
        "BRIEFBOT_FETCH_ALLOWLIST": "127.0.0.1",
        "BRIEFBOT_DATABASE_URL": database_url,
        "BRIEFBOT_ENV_FILE": str(tmp_path / "none.env"),
        "BRIEFBOT_DATA_DIR": str(tmp_path),
    }
    log = tmp_path / "serve.log"
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
            url = pages.add("/kyiv", KYIV_PAGE)
            event = message_event(f"<{url}>", channel="C0NEWS", ts=f"{time.time():.6f}")
            status, _, _ = post(
                f"http://127.0.0.1:{port}/slack/events", *signed_event(SECRET, event)
            )
            assert status == 200
            slack_emulator.wait_for("reactions.add", timeout=30)
            store = SqlStore(db)
            deadline = time.monotonic() + 120
            while store.counts().get(ArticleStatus.DONE, 0) < 1:
                assert time.monotonic() < deadline, "the child never read the link"
                time.sleep(0.5)
            assert pages.hits["/kyiv"] == 1
            assert loads_spacy(child), "the child analysed the article"
            assert not loads_spacy(serve.pid), "the web process never loads spaCy"

        started = time.monotonic()
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=15) == 0, log.read_text(errors="replace")[-3000:]
        assert time.monotonic() - started < 10
        deadline = time.monotonic() + 5
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(child), "the ingestion child stopped with its parent"
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
        db.dispose()


def test_a_child_stops_when_its_parent_is_killed(tmp_path: Path):
    """kill -9 of the parent: its ingestion child notices and exits on its own."""
    env = {
        **os.environ,
        "BRIEFBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'orphan.sqlite3'}",
        "BRIEFBOT_ENV_FILE": str(tmp_path / "none.env"),
        "BRIEFBOT_DATA_DIR": str(tmp_path),
    }
    subprocess.run([BRIEFBOT, "db", "upgrade"], env=env, check=True, capture_output=True)
    code = (
        "import time; from bot.entrypoints.worker_processes import WorkerProcesses; "
        "w = WorkerProcesses(1); w.start(); print(w.pids()[0], flush=True); time.sleep(600)"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE)
    assert parent.stdout is not None
    with parent.stdout:
        child = int(parent.stdout.readline())
    time.sleep(3)  # the child is up and polling
    assert alive(child)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 20
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(child), "an orphaned ingestion child exits by itself"
