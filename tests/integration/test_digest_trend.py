"""A weekly digest carries its channel's trend: a sparkline of the articles first shared
there each of the last eight weeks, in its title (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.briefing.followed import TopicConfig
from bot.briefing.status import TopicKind
from bot.services.whats_new import compose_due
from storage.db import Database
from storage.repository import SqlStore
from tests.integration.test_archive import add

FRIDAY = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    db = Database(database_url)
    db.upgrade()
    yield SqlStore(db)
    db.dispose()


def digest(days: str) -> TopicConfig:
    return TopicConfig(
        team_id="T1", name="digest:C1", channel_id="C1", time_of_day="16:00", days=days,
        kind=TopicKind.DIGEST,
    )  # fmt: skip


def test_a_weekly_digest_title_carries_eight_weeks_of_the_channel(store):
    for weeks_ago, n in [(0, 4), (1, 2), (3, 1), (7, 2)]:
        for i in range(n):
            add(store, f"Week -{weeks_ago} #{i}", "Story text.",
                at=FRIDAY - timedelta(weeks=weeks_ago, hours=i + 1))  # fmt: skip
    add(store, "Elsewhere", "Other channel.", channel="C2", at=FRIDAY - timedelta(hours=2))
    briefing, title = compose_due(
        store=store, topic=digest("fri"), slot=FRIDAY, previous=None, now=FRIDAY
    )
    assert not briefing.is_empty
    assert title.endswith(" · 8 weeks here ▅▁▁▁▃▁▅█"), title
    _, daily = compose_due(
        store=store, topic=digest("mon-fri"), slot=FRIDAY, previous=None, now=FRIDAY
    )
    assert "weeks here" not in daily, "only the weekly digest carries it"
