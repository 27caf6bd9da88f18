"""Trends: how many articles on a topic the team shared each week, and who rose with it.

An article counts once, in the week (Monday to Sunday, UTC) of its first share in the
window. A person or organisation *rose* when the articles naming it (as more than a quoted name)
came more often a week in the recent third of the window than in the weeks before. The chart is
drawn elsewhere (``bot.plotting``); the one-line text version is :func:`trend_line`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.briefing.model import ActorType, ArticleView
from bot.errors import UsageError

DEFAULT_WEEKS = 12
MAX_WEEKS = 104
MAX_RISING = 5
# Who can rise: people and organisations. Places and groups ("Russia", "Russians") come
# with most articles on a topic and say little about who drives it.
WHO = frozenset({ActorType.PERSON, ActorType.ORGANIZATION})
BARS = "▁▂▃▄▅▆▇█"
TREND_EXAMPLE = "`/brief trend ukraine 12w`"
_WEEKS = re.compile(r"(\d{1,3})(?:w|wk|wks|week|weeks)")


@dataclass(frozen=True, slots=True)
class RisingActor:
    name: str
    type: ActorType
    recent: int  # articles naming it in the recent weeks
    earlier: int  # articles naming it in the weeks before


@dataclass(frozen=True, slots=True)
class Trend:
    topic: str
    weeks: tuple[datetime, ...]  # the Monday 00:00 UTC starting each week, oldest first
    counts: tuple[int, ...]  # articles first shared in each week
    rising: tuple[RisingActor, ...]
    recent_weeks: int  # how many of the last weeks count as recent for ``rising``

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def until(self) -> datetime:
        """The end of the last week (the window runs to now, inside it)."""
        return self.weeks[-1] + timedelta(days=7)


def parse_trend(text: str) -> tuple[str, int]:
    """``ukraine 12w``, ``energy prices 8 weeks``, ``ukraine`` -> (topic, weeks)."""
    words = text.split()
    weeks = DEFAULT_WEEKS
    if len(words) >= 2 and words[-1].lower() in ("w", "wk", "wks", "week", "weeks"):
        words[-2:] = [words[-2] + "w"]
    if words and (m := _WEEKS.fullmatch(words[-1].lower())):
        weeks = int(m.group(1))
        words.pop()
    topic = " ".join(words)
    if not any(c.isalnum() for c in topic):
        raise UsageError(f"say which topic to chart, e.g. {TREND_EXAMPLE}")
    if not 2 <= weeks <= MAX_WEEKS:
        raise UsageError(f"a trend covers 2 to {MAX_WEEKS} weeks, e.g. {TREND_EXAMPLE}")
    return topic, weeks


def week_starts(now: datetime, weeks: int) -> tuple[datetime, ...]:
    """The Mondays (00:00 UTC) of the ``weeks`` weeks that end with the current one."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    return tuple(monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks))


def build_trend(topic: str, articles: Iterable[ArticleView], *, now: datetime, weeks: int) -> Trend:
    """The weekly counts and the rising actors of the articles that matched ``topic``."""
    starts = week_starts(now, weeks)
    counts = [0] * weeks
    recent_weeks = max(1, weeks // 3)
    recent_from = weeks - recent_weeks
    recent: Counter[tuple[str, ActorType]] = Counter()
    earlier: Counter[tuple[str, ActorType]] = Counter()
    for article in articles:
        index = _week_of(article.first_shared_at, starts)
        if index is None:
            continue
        counts[index] += 1
        named = {(a.name, a.type) for a in article.actors if a.salience > 0 and a.type in WHO}
        (recent if index >= recent_from else earlier).update(named)
    rising = _rising(topic, recent, earlier, recent_weeks, weeks - recent_weeks)
    return Trend(topic, starts, tuple(counts), rising, recent_weeks)


def _week_of(at: datetime, starts: tuple[datetime, ...]) -> int | None:
    if at < starts[0]:
        return None
    index = (at - starts[0]) // timedelta(weeks=1)
    return index if index < len(starts) else None


def _rising(
    topic: str,
    recent: Counter[tuple[str, ActorType]],
    earlier: Counter[tuple[str, ActorType]],
    recent_weeks: int,
    earlier_weeks: int,
) -> tuple[RisingActor, ...]:
    """Actors in at least two recent articles whose weekly rate went up, the steepest first;
    the topic's own name (Ukraine, for ukraine) rises with every article and is left out."""
    words = set(topic.casefold().split())
    out = []
    for (name, kind), n in recent.items():
        before = earlier.get((name, kind), 0)
        rise = n / recent_weeks - (before / earlier_weeks if earlier_weeks else 0.0)
        if n >= 2 and rise > 0 and not set(name.casefold().split()) <= words:
            out.append((rise, n, name, kind, before))
    out.sort(key=lambda r: (-r[0], -r[1], r[2]))
    return tuple(
        RisingActor(name, kind, n, before) for _, n, name, kind, before in out[:MAX_RISING]
    )


def sparkline(counts: Iterable[int]) -> str:
    """One bar per week: ▁ for none, █ for the busiest week."""
    values = list(counts)
    top = max(values, default=0)
    if top <= 0:
        return BARS[0] * len(values)
    return "".join(
        BARS[0] if v <= 0 else BARS[max(1, math.ceil(v / top * (len(BARS) - 1)))] for v in values
    )


def title_of(topic: str) -> str:
    return topic[:1].upper() + topic[1:]


def rising_text(trend: Trend) -> str:
    """ "Rising (articles in the last 4 weeks, and in the 8 before): Keir Starmer 3 (0) · ..." """
    if not trend.rising:
        return ""
    earlier_weeks = len(trend.weeks) - trend.recent_weeks
    names = " · ".join(f"{a.name} {a.recent} ({a.earlier})" for a in trend.rising)
    span = f"the last {_weeks(trend.recent_weeks)}"
    return f"Rising (articles in {span}, and in the {earlier_weeks} before): {names}"


def trend_line(trend: Trend) -> str:
    """The one-line text version: topic, window, sparkline, totals, who rose."""
    last = trend.until - timedelta(days=1)
    head = (
        f"{title_of(trend.topic)}, {_weeks(len(trend.weeks))} to {last:%a %d %b}: "
        f"{sparkline(trend.counts)}  {_articles(trend.total)}, {trend.counts[-1]} this week"
    )
    rising = rising_text(trend)
    return f"{head} · {rising}" if rising else head


def empty_text(trend: Trend) -> str:
    return f"Nothing on {trend.topic} was shared in the last {_weeks(len(trend.weeks))}."


def _weeks(n: int) -> str:
    return f"{n} weeks" if n != 1 else "week"


def _articles(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"
