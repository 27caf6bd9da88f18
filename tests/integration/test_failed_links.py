"""A link that failed is tried again when shared again, not more often than its backoff
allows and never when it was refused; its sharers hear of it once, one note a message
(real pages on 127.0.0.1, SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from bot.entrypoints.worker import IngestionPool
from bot.ports import FetchedPage, Fetcher, NewShare
from bot.services.ingest import ingest_links, record_links
from handlers.capture import tell_sharers_of_failure
from tests.integration.test_ingest import KYIV_PAGE, NOW, app, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow


def message(at: datetime, user: str = "U1", channel: str = "C1") -> NewShare:
    return NewShare("T1", channel, user, f"{at.timestamp():.6f}", at)


class CountingFetcher:
    """The real fetcher, counting what it was asked to fetch."""

    def __init__(self, inner: Fetcher) -> None:
        self.inner, self.asked = inner, 0

    def fetch(self, url: str) -> FetchedPage:
        self.asked += 1
        return self.inner.fetch(url)


def shared(app, urls: list[str], at: datetime, *, fetcher: Fetcher | None = None, **kw):  # type: ignore[no-untyped-def]  # noqa: F811
    return ingest_links(
        store=app.store,
        fetcher=fetcher or app.fetcher,
        reader=app.reader,
        analyzer=app.analyzer,
        urls=urls,
        share=message(at, **kw),
        now=lambda: at,
    )


def test_a_failed_link_shared_again_is_read_again_once_its_backoff_is_over(app, server):  # noqa: F811
    url = server.url("/world/kyiv")  # nothing there yet: 404
    [first] = shared(app, [url], NOW)
    assert first.record.status == "failed" and "404" in first.record.failure_reason
    [soon] = shared(app, [url], NOW + timedelta(minutes=1), user="U2")
    assert soon.record.status == "failed" and server.hits["/world/kyiv"] == 1, (
        "shared again a minute later: the two-minute backoff is not over, nothing is fetched"
    )
    server.add("/world/kyiv", KYIV_PAGE)  # the outlet put the page back
    [later] = shared(app, [url], NOW + timedelta(minutes=3), user="U3")
    assert later.record.status == "done" and server.hits["/world/kyiv"] == 2
    assert app.store.counts()["shares"] == 3


def test_each_retry_waits_longer_and_a_refused_link_is_never_tried_again(app, server):  # noqa: F811
    url = server.url("/gone")
    fetched = []
    for minutes in (0, 3, 5, 12, 40, 53):  # it waits 2 minutes, then 8, then 32
        shared(app, [url], NOW + timedelta(minutes=minutes))
        fetched.append(server.hits["/gone"])
    assert fetched == [1, 2, 2, 3, 3, 4]

    fetcher = CountingFetcher(app.fetcher)
    [refused] = shared(app, ["http://10.1.2.3/intranet/report"], NOW, fetcher=fetcher)
    assert refused.record.status == "failed" and "private" in refused.record.failure_reason
    for days in (1, 30):
        [again] = shared(
            app,
            ["http://10.1.2.3/intranet/report"],
            NOW + timedelta(days=days),
            fetcher=fetcher,
        )
        assert again.record.status == "failed"
    assert fetcher.asked == 1, "a private address is refused for good"


def test_a_link_whose_retries_ran_out_is_read_once_more_by_a_worker_when_shared_again(
    app,  # noqa: F811
    server,  # noqa: F811
):
    server.add("/busy", "<html><body>busy</body></html>", status=503)
    clock = [NOW]
    pool = IngestionPool(
        store=app.store,
        fetcher=app.fetcher,
        reader=app.reader,
        analyzer=app.analyzer,
        now=lambda: clock[0],
        max_attempts=3,
        enabled=False,
    )
    try:
        record_links(store=app.store, urls=[server.url("/busy")], share=message(NOW), now=NOW)
        for minutes in (0, 3, 12):  # the first try, then after 2 and 8 minutes
            clock[0] = NOW + timedelta(minutes=minutes)
            pool.sweep_once()
        assert server.hits["/busy"] == 3
        [gave_up] = app.store.channel_captures(team_id="T1", channel_id="C1")
        assert gave_up.status == "failed" and "503" in (gave_up.failure_reason or "")

        server.add("/busy", KYIV_PAGE)
        clock[0] = NOW + timedelta(hours=1)  # past the 32 minutes three attempts earn
        [again] = record_links(
            store=app.store, urls=[server.url("/busy")], share=message(clock[0]), now=clock[0]
        )
        assert again.record.status == "pending"
        pool.sweep_once()  # its attempts ran out before: it is not given up unread
        assert server.hits["/busy"] == 4
        assert [c.status for c in app.store.channel_captures(team_id="T1", channel_id="C1")] == [
            "done",
            "done",
        ]
    finally:
        pool.shutdown()


@dataclass
class Note:
    user: str
    message_ts: str
    text: str


class RecordingNotifier:
    def __init__(self) -> None:
        self.notes: list[Note] = []

    def note(self, *, client: object, share: NewShare, text: str) -> None:
        self.notes.append(Note(share.user_id, share.message_ts, text))


def sweeping_pool(app, notifier: RecordingNotifier, now: Callable[[], datetime]) -> IngestionPool:  # type: ignore[no-untyped-def]  # noqa: F811
    pool = IngestionPool(
        store=app.store,
        fetcher=app.fetcher,
        reader=app.reader,
        analyzer=app.analyzer,
        now=now,
        enabled=False,
    )
    pool.on_swept = lambda outcomes: tell_sharers_of_failure(app.store, notifier, outcomes)  # type: ignore[arg-type]
    return pool


def test_a_worker_tells_each_message_of_its_dead_links_in_one_note(app, server):  # noqa: F811
    dead = [server.url(f"/dead/{i}") for i in range(6)]
    good = server.add("/kyiv", KYIV_PAGE)
    record_links(store=app.store, urls=[*dead, good], share=message(NOW), now=NOW)
    record_links(
        store=app.store, urls=dead[:2], share=message(NOW + timedelta(seconds=5), user="U2")
    )
    notifier = RecordingNotifier()
    pool = sweeping_pool(app, notifier, lambda: NOW + timedelta(seconds=10))
    try:
        pool.sweep_once()
        assert sorted(n.user for n in notifier.notes) == ["U1", "U2"], "one note a message"
        [first] = [n for n in notifier.notes if n.user == "U1"]
        assert first.text.startswith("I couldn't read 6 of the links you shared")
        assert all(f"<{url}>: the page answered 404 Not Found" in first.text for url in dead)
        assert good not in first.text
        [second] = [n for n in notifier.notes if n.user == "U2"]
        assert "2 of the links" in second.text and dead[2] not in second.text

        later = NOW + timedelta(minutes=5)  # past the backoff: the dead links are tried again
        record_links(store=app.store, urls=dead[:1], share=message(later, user="U3"), now=later)
        notifier.notes.clear()
        pool.now = lambda: later
        pool.sweep_once()
        assert [(n.user, n.text.count("<http")) for n in notifier.notes] == [("U3", 1)], (
            "a link failing again tells who shared it now, not those told before"
        )
    finally:
        pool.shutdown()


def test_a_store_from_before_retries_its_failed_links_and_tells_nobody_twice(database_url):
    """0010 on a store whose failed links never said when to try again, and whose shares
    were never marked as told."""
    from sqlalchemy import text

    from storage.db import Database, upgrade
    from storage.repository import SqlStore

    old = Database(database_url)
    upgrade(old.engine, "0009")
    yesterday = NOW - timedelta(days=1)
    with old.engine.begin() as conn:
        for article_id, status in ((1, "failed"), (2, "pending")):
            conn.execute(
                text(
                    "INSERT INTO articles (id, canonical_url, url, title, outlet, text, status, "
                    "failure_reason, attempts, created_at, fetched_at) VALUES (:id, :url, :url, "
                    "'', '', '', :status, :why, 1, :at, :at)"
                ),
                {
                    "id": article_id,
                    "url": f"https://news.example/{article_id}",
                    "status": status,
                    "why": "the page answered 404 Not Found" if status == "failed" else None,
                    "at": yesterday,
                },
            )
            conn.execute(
                text(
                    "INSERT INTO shares (article_id, team_id, channel_id, channel_private, "
                    "user_id, message_ts, shared_at, notified) VALUES (:id, 'T1', 'C1', false, "
                    "'U1', '1.0', :at, false)"
                ),
                {"id": article_id, "at": yesterday},
            )
    old.dispose()

    db = Database(database_url)
    db.upgrade()
    store = SqlStore(db)
    try:
        assert store.take_failure_notices([1, 2]) == [], "told before the upgrade, or still read"
        again = store.record_share(
            canonical_url="https://news.example/1",
            url="https://news.example/1",
            share=message(NOW, user="U2"),
        )
        assert again.status == "pending", "a link that failed before is tried when shared again"
    finally:
        db.dispose()


def test_ingest_retry_failed_reads_again_only_the_links_given(tmp_path, server):  # noqa: F811
    from tests.integration.test_cli import run

    env = {
        "BRIEFBOT_DATA_DIR": str(tmp_path),
        "BRIEFBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "BRIEFBOT_FETCH_ALLOWLIST": "127.0.0.1",
        "BRIEFBOT_ENV_FILE": str(tmp_path / "none.env"),
    }
    first, second = server.url("/a"), server.url("/b")
    failed = run("ingest", first, second, env=env)
    assert failed.returncode == 1 and "2 sources: 0 read, 2 failed" in failed.stderr
    server.add("/a", KYIV_PAGE)
    server.add("/b", KYIV_PAGE.replace("Kyiv", "Kharkiv"))

    again = run("ingest", "--retry-failed", first, env=env)
    assert again.returncode == 0, again.stderr
    assert "1 failed article queued again" in again.stderr and "1 read, 0 failed" in again.stderr
    soon = run("ingest", second, env=env)
    assert soon.returncode == 1 and "404" in soon.stderr, "its backoff is not over"
    assert (server.hits["/a"], server.hits["/b"]) == (2, 1)
