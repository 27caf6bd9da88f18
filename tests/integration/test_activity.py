"""The counts behind `/brief stats`, on SQLite and PostgreSQL: one workspace's shares and
their articles, never another's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.ports import NewShare
from bot.services.ingest import record_links
from storage.activity import SqlActivity
from storage.db import Database
from storage.repository import SqlStore

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


def test_link_counts_of_one_workspace(database_url):
    db = Database(database_url)
    db.upgrade()
    store = SqlStore(db)

    def share(team: str, ts: float, *urls: str, when: datetime = NOW) -> list[int]:
        captured = record_links(
            store=store, urls=list(urls), share=NewShare(team, "C1", "U1", f"{ts:.6f}", when)
        )
        return [c.record.article_id for c in captured if c.record is not None]

    [_, b, c] = share("T1", 1, "https://a.example/1", "https://b.example/2", "https://c.example/3")
    share("T1", 2, "https://a.example/1", when=NOW - timedelta(days=30))
    share("T2", 3, "https://d.example/4", "https://e.example/5")
    store.save_failure(b, reason="the server answered 404 (not found)", retry_at=None, now=NOW)
    store.save_failure(c, reason="the server answered 404 (not found)", retry_at=None, now=NOW)
    counts = SqlActivity(db).link_counts(team_id="T1", since=NOW - timedelta(days=7))
    assert (counts.shares, counts.recent_shares, counts.articles) == (4, 3, 3)
    assert (counts.read, counts.pending, counts.failed) == (0, 1, 2)
    assert counts.failures == (("the server answered 404 (not found)", 2),)
    empty = SqlActivity(db).link_counts(team_id="T9", since=NOW)
    assert (empty.shares, empty.articles, empty.failures) == (0, 0, ())
    db.dispose()
