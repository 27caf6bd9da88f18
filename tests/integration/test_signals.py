"""SIGTERM, as containers and systemd send it, to each long-running role: real processes.

`briefbot worker`, `serve` and `run` (whose ingestion children read the queue) are each
stopped while a slow page is still arriving: the process exits 0 within 10 s, the pages
read before are saved, and the slow one's claim is released (free for the next worker at
once, its attempt not counted), so nothing is lost. `briefbot scheduler` exits 0 within
10 s too. Each gets SIGTERM twice in a row, as a process and its parent or its control
group may both send it. Linux only (reads /proc for the children).
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.briefing.status import ArticleStatus
from storage.db import Database
from storage.repository import SqlStore
from tests.integration.test_worker_faults import (
    BRIEFBOT,
    articles,
    logged,
    queue_pages,
    wait_until,
    worker_env,
)
from tests.pages import PageServer
from tests.slack.test_scheduled_e2e import free_port, wait_http
from tests.slack.test_serve_workers import alive, children_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc"),
]
STOP_BOUND = 10.0


def role_command(role: str, port: int) -> list[str]:
    return {
        "worker": ["worker", "--interval", "0.5"],
        "serve": ["serve", "--port", str(port), "--worker-processes", "1"],
        "run": ["run", "--worker-processes", "1"],
        "scheduler": ["scheduler"],
    }[role]


def ready(role: str, port: int, log: Callable[[], str]) -> Callable[[], bool]:
    if role == "serve":
        return lambda: wait_http(f"http://127.0.0.1:{port}/healthz") or True
    line = {
        "worker": "waiting for articles",
        "run": "connected in Socket Mode",
        "scheduler": "scheduler running",
    }[role]
    return lambda: line in log()


@pytest.mark.parametrize("role", ["worker", "serve", "run", "scheduler"])
def test_sigterm_stops_each_role_in_ten_seconds_and_loses_nothing(
    role: str, slack_emulator, socket_server, tmp_path: Path
):
    database_url = f"sqlite:///{tmp_path / 'roles.sqlite3'}"
    env = {
        **worker_env(tmp_path, database_url),
        "SLACK_BOT_TOKEN": "xoxb-signals",
        "SLACK_APP_TOKEN": "xapp-signals",
        "SLACK_SIGNING_SECRET": "signals-secret",
        "SLACK_API_URL": slack_emulator.api_url,
    }
    db = Database(database_url)
    db.upgrade()
    store, port = SqlStore(db), free_port()
    ingests = role != "scheduler"
    with PageServer() as pages:
        slow, fast = queue_pages(store, pages, slow=1, fast=2) if ingests else ([], [])
        with open(tmp_path / "role.log", "wb") as out:
            proc = subprocess.Popen(
                [BRIEFBOT, *role_command(role, port)], env=env, stdout=out, stderr=out
            )
        try:
            wait_until(ready(role, port, lambda: logged(tmp_path, "role")), 60, f"{role} up")
            wait_until(
                lambda: (
                    store.counts().get(ArticleStatus.DONE, 0) == len(fast)
                    and all(pages.hits[p] == 1 for p in slow)
                ),
                90,
                "the fast pages read and the slow one arriving",
            )
            children = children_of(proc.pid)
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            proc.send_signal(signal.SIGTERM)  # as from systemd's group kill and a parent
            code = proc.wait(timeout=STOP_BOUND + 20)
            took = time.monotonic() - started
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    output = logged(tmp_path, "role")
    print(f"\nSIGTERM: briefbot {role} exited {code} in {took:.1f} s")
    assert code == 0, output[-3000:]
    assert took < STOP_BOUND, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert "alembic" not in output and "Context impl" not in output, "Alembic's INFO lines"
    assert not [c for c in children if alive(c)], "its ingestion children stopped with it"
    final = articles(db)
    assert [final[p[1:]].status for p in fast] == [ArticleStatus.DONE] * len(fast)
    for path in slow:  # released: free at once, and the interrupted read not held against it
        article = final[path[1:]]
        assert (article.status, article.claimed_until, article.claimed_by, article.attempts) == (
            ArticleStatus.PENDING,
            None,
            None,
            0,
        )
    db.dispose()
