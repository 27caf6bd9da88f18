"""The "More stories" button's value: what a briefing was composed from and how many of its
stories were shown, as compact JSON within Slack's 2,000 characters (pure).

The value says only what to search and over which window; who may see what is decided by
where the button is clicked, never by the value.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

from bot.briefing.model import BriefingAsk

VALUE_LIMIT = 2000  # a button value's length in Slack
MAX_SHOWN = 1000  # stories a value may say were shown already
MAX_WINDOW = timedelta(days=3650)


def more_value(ask: BriefingAsk, shown: int) -> str | None:
    """The button's value, or None when it would not fit (a topic with very many terms)."""
    data: dict[str, object] = {
        "t": ask.topic,
        "s": int(ask.since.timestamp()),
        "u": math.ceil(ask.until.timestamp()),
        "n": shown,
    }
    if ask.terms:
        data["m"] = list(ask.terms)
    if ask.digest:
        data["d"] = 1
    value = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return value if len(value) <= VALUE_LIMIT else None


def read_more_value(value: object) -> tuple[BriefingAsk, int] | None:
    """(what to ask again, stories shown) from a button Briefbot built; None for anything else."""
    try:
        data = json.loads(value) if isinstance(value, str) and len(value) <= VALUE_LIMIT else None
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    topic, since, until, shown = data.get("t"), data.get("s"), data.get("u"), data.get("n")
    terms = data.get("m", [])
    if not (
        isinstance(topic, str)
        and topic.strip()
        and all(_whole(x) for x in (since, until, shown))
        and isinstance(terms, list)
        and all(isinstance(t, str) for t in terms)
    ):
        return None
    assert isinstance(since, int) and isinstance(until, int) and isinstance(shown, int)
    try:
        start, end = (datetime.fromtimestamp(x, UTC) for x in (since, until))
    except (OverflowError, OSError, ValueError):
        return None
    if not (start <= end <= start + MAX_WINDOW and 0 < shown <= MAX_SHOWN):
        return None
    ask = BriefingAsk(topic, start, end, tuple(terms), digest=data.get("d") == 1)
    return ask, shown


def _whole(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)
