"""The one clock: the current time, aware, in UTC.

Services never call it themselves: they are given ``now`` so tests can set the time.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
