"""`kill -9` of a `briefbot worker` mid-batch, with real processes, a real SQLite file and
a real web server on 127.0.0.1 that counts every request.

The killed worker's articles are taken over by a second worker within 30 s (the lease is
20 s and only a live process renews it), every article is read exactly once but for the
pages the dead worker was still fetching, and a live worker's slow page is never fetched
a second time however long it outlives a lease.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.briefing.status import ArticleStatus
from bot.ports import NewShare
from bot.services.claims import LEASE_SECONDS
from bot.services.ingest import record_links
from storage.db import Database
from storage.models import Article
from storage.repository import SqlStore
from tests.integration.test_ingest import KYIV_PAGE
from tests.pages import Page, PageServer

pytestmark = pytest.mark.slow
BRIEFBOT = str(Path(sys.executable).with_name("briefbot"))
TAKEOVER_BOUND = 30.0  # the promise for a dead worker's articles


def worker_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "BRIEFBOT_DATABASE_URL": database_url,
        "BRIEFBOT_FETCH_ALLOWLIST": "127.0.0.1",
        "BRIEFBOT_FETCH_TIMEOUT": "120",  # the slow pages must outlive the lease, not time out
        "BRIEFBOT_ENV_FILE": str(tmp_path / "none.env"),
        "BRIEFBOT_DATA_DIR": str(tmp_path),
    }


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds it took for ``check()`` to hold; fails the test after ``timeout``."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, f"{what}: not within {timeout:.0f} s"
        time.sleep(0.1)
    return time.monotonic() - started


@contextmanager
def worker(name: str, env: dict[str, str], logs: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A `briefbot worker` process, killed at the end if still running."""
    log = logs / f"{name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [BRIEFBOT, "worker", "--interval", "0.5"], env=env, stdout=out, stderr=out
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def logged(logs: Path, name: str) -> str:
    return (logs / f"{name}.log").read_text(errors="replace")


def slow_page(body: str) -> str:
    """A minute at 1 KiB a second: a trickle, not a silence (the fetcher drops a server
    silent for 10 s), and comments, so the article reads the same when it arrives."""
    return body.replace("</body>", f"<!-- {'x' * 60 * 1024} --></body>")


def queue_pages(store: SqlStore, pages: PageServer, slow: int, fast: int) -> tuple[list, list]:
    """``slow`` pages that take a minute to arrive (queued first), then ``fast`` ones."""
    paths = [f"/slow-{i}" for i in range(slow)] + [f"/fast-{i}" for i in range(fast)]
    for path in paths:
        body = KYIV_PAGE.replace("Strikes cut power in Kyiv", f"Strikes cut power ({path})")
        if path.startswith("/slow"):
            pages.add(path, slow_page(body), delay_per_chunk=1.0)
        else:
            pages.add(path, body)
    now = datetime.now(UTC)
    for i, path in enumerate(paths):  # one share each, so they queue in this order
        share = NewShare("T1", "C1", "U1", f"{now.timestamp() + i:.6f}", now)
        record_links(store=store, urls=[pages.url(path)], share=share)
    return paths[:slow], paths[slow:]


def articles(db: Database) -> dict[str, Article]:
    with db.session() as s:
        return {a.url.rsplit("/", 1)[1]: a for a in s.scalars(select(Article))}


def test_a_killed_workers_articles_are_taken_over_and_each_is_read_once(tmp_path: Path):
    database_url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    env = worker_env(tmp_path, database_url)
    subprocess.run([BRIEFBOT, "db", "upgrade"], env=env, check=True, capture_output=True)
    db = Database(database_url)
    store = SqlStore(db)
    with ExitStack() as stack:
        pages = stack.enter_context(PageServer())
        slow, fast = queue_pages(store, pages, slow=3, fast=12)
        first = stack.enter_context(worker("first", env, tmp_path))
        wait_until(
            lambda: all(pages.hits[p] == 1 for p in slow),
            60,
            "the first worker took the slow pages",
        )
        slow_claimed = time.monotonic()
        second = stack.enter_context(worker("second", env, tmp_path))
        wait_until(
            lambda: store.counts().get(ArticleStatus.DONE, 0) == len(fast),
            90,
            "every fast page read while the slow ones are still arriving",
        )
        wait_until(lambda: "waiting for articles" in logged(tmp_path, "second"), 60, "second up")
        # A live worker's claims outlive any one lease: nobody fetches its slow pages again.
        time.sleep(max(0.0, slow_claimed + LEASE_SECONDS + 5 - time.monotonic()))
        assert [pages.hits[p] for p in slow] == [1] * len(slow), "a live worker's page refetched"
        held = articles(db)
        assert all(held[p[1:]].status == ArticleStatus.PENDING for p in slow)
        assert len({held[p[1:]].claimed_by for p in slow}) == 1

        first.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        first.wait()
        for path in slow:  # the second worker's fetch of them is quick
            pages.pages[path] = Page(pages.pages[path].body)
        takeover = wait_until(
            lambda: all(pages.hits[p] == 2 for p in slow),
            TAKEOVER_BOUND + 15,
            "the dead worker's articles taken over",
        )
        print(f"\nkill -9 takeover: {takeover:.1f} s after the kill (lease {LEASE_SECONDS} s)")
        assert takeover < TAKEOVER_BOUND
        wait_until(
            lambda: store.counts().get(ArticleStatus.DONE, 0) == len(slow) + len(fast),
            60,
            "every article read",
        )
        assert second.poll() is None, logged(tmp_path, "second")[-2000:]
        assert time.monotonic() - killed < TAKEOVER_BOUND + 60
    final = articles(db)
    assert {p: pages.hits[p] for p in fast} == dict.fromkeys(fast, 1), "a page read twice"
    assert {p: pages.hits[p] for p in slow} == dict.fromkeys(slow, 2)
    assert all(a.claimed_until is None and a.claimed_by is None for a in final.values())
    assert [final[p[1:]].attempts for p in slow] == [2] * len(slow)
    assert "Traceback" not in logged(tmp_path, "second")
    db.dispose()
