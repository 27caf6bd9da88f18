"""Briefing schedules: reading `/brief follow ...`, slots in a time zone, and how they read (pure).

A schedule is one or more times of day (``08:00``, or ``08:00,13:00`` for several a day), a
set of weekdays (stored as a cron ``day_of_week`` string such as ``mon-fri``, the form
APScheduler's ``CronTrigger`` takes) and an IANA time zone. A *slot* is one occurrence of
one of its times, as a UTC instant. Local times that do not exist (the hour skipped when
clocks go forward) fall an hour later, and local times that happen twice (clocks going back)
count once, at the first: the same instants ``CronTrigger`` picks, minus its second firing,
which the slot claim then ignores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import UsageError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_DAY = "mon-sun"
WEEKDAYS = "mon-fri"
_DAY_WORDS = {d: i for i, d in enumerate(DAYS)} | {
    "monday": 0,
    "tues": 1,
    "tuesday": 1,
    "weds": 2,
    "wednesday": 2,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
DAY_GROUPS = {
    "daily": EVERY_DAY,
    "weekdays": WEEKDAYS,
    "weekends": "sat-sun",
    "everyday": EVERY_DAY,
    "*": EVERY_DAY,
}
TIME = re.compile(r"^(\d{1,2})(?:[:.h]?(\d{2}))?(am|pm)?$")
MAX_TIMES = 6  # times of day one schedule may have
CHANNEL = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>$|^#([a-z0-9][a-z0-9._-]{0,79})$")


@dataclass(frozen=True, slots=True)
class Schedule:
    time_of_day: str = "08:00"  # "HH:MM" (24-hour, local to ``timezone``), or "HH:MM,HH:MM"
    days: str = WEEKDAYS  # cron day_of_week
    timezone: str = "UTC"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def times(self) -> tuple[tuple[int, int], ...]:
        """Each time of day as (hour, minute), earliest first."""
        return tuple((int(t[:2]), int(t[3:5])) for t in self.time_of_day.split(","))

    @property
    def hour(self) -> int:
        """The hour of the first time of day."""
        return self.times[0][0]

    @property
    def minute(self) -> int:
        return self.times[0][1]


# --- reading the parts ---------------------------------------------------------------


def parse_time(text: str) -> str:
    """``7:30``, ``07:30``, ``7.30``, ``7am``, ``7:30pm``, ``19h30``, ``0730`` -> ``HH:MM``."""
    m = TIME.match(text.strip().lower().replace(" ", ""))
    if not m:
        raise UsageError(f"{text!r} is not a time of day: write it like 07:30 or 7am")
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if half and not 1 <= hour <= 12:
        raise UsageError(f"{text!r} is not a time of day: with am/pm the hour is 1 to 12")
    if half:
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise UsageError(f"{text!r} is not a time of day: write it like 07:30 or 7am")
    return f"{hour:02d}:{minute:02d}"


def parse_times(text: str) -> str:
    """``08:00``, ``8am, 1pm``, ``08:00,13:00 and 17:30`` -> ``08:00,13:00,17:30`` (each once,
    earliest first; at most MAX_TIMES)."""
    pieces = [p.strip() for p in text.lower().replace(" and ", ",").split(",")]
    if not all(pieces):
        raise UsageError(f"{text!r} are not times of day: write them like 08:00,13:00")
    times = sorted({parse_time(p) for p in pieces})
    if len(times) > MAX_TIMES:
        raise UsageError(f"a briefing comes at most {MAX_TIMES} times a day, not {len(times)}")
    return ",".join(times)


def parse_days(text: str) -> str:
    """``mon-fri``, ``mon,wed,fri``, ``mon, wed and fri``, ``weekdays``, ``daily`` -> cron form."""
    raw = " ".join(text.lower().replace(",", " ").replace(" and ", " ").split())
    if raw in ("every day", "every weekday"):
        raw = "daily" if raw == "every day" else "weekdays"
    chosen: set[int] = set()
    for part in raw.split():
        if part in DAY_GROUPS:
            chosen |= day_set(DAY_GROUPS[part])
            continue
        first, _, last = part.partition("-")
        a, b = day_number(first.removesuffix("s")), day_number((last or first).removesuffix("s"))
        if a is None or b is None:
            raise UsageError(
                f"{text!r} are not days of the week: write them like mon-fri or mon,wed,fri"
            )
        chosen |= {(a + k) % 7 for k in range((b - a) % 7 + 1)}
    if not chosen:
        raise UsageError("say which days, e.g. mon-fri, mon,wed,fri or daily")
    return normalize_days(chosen)


def day_number(word: str) -> int | None:
    return _DAY_WORDS.get(word, _DAY_WORDS.get(word + "s") if word else None)


def day_set(days: str) -> frozenset[int]:
    """The weekday numbers (Monday 0) of a cron day_of_week string made by ``normalize_days``."""
    out: set[int] = set()
    for part in days.split(","):
        first, _, last = part.partition("-")
        a, b = DAYS.index(first), DAYS.index(last or first)
        out |= set(range(a, b + 1))
    return frozenset(out)


def normalize_days(days: set[int] | frozenset[int]) -> str:
    """Runs of consecutive days become ranges: {0,1,2,3,4} -> ``mon-fri``."""
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(DAYS[r[0]] if len(r) == 1 else f"{DAYS[r[0]]}-{DAYS[r[-1]]}" for r in runs)


@cache
def zone_names() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def validate_timezone(name: str) -> str:
    """The IANA name of a time zone, spelled as the tz database spells it."""
    key = zone_names().get(name.strip().lower())
    try:
        if key is None:
            raise ZoneInfoNotFoundError(name)
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"{name!r} is not a time zone I know: use a name like Europe/London or America/New_York"
        ) from None
    return key


def parse_channel(token: str) -> tuple[str | None, str | None]:
    """``<#C123|news>`` -> (``C123``, ``news``); ``<#C123>`` -> (``C123``, None); ``#news`` -> (None, ``news``)."""
    m = CHANNEL.match(token.strip())
    if not m:
        raise UsageError(f"{token!r} is not a channel: pick one as you type #")
    if m.group(3):
        return None, m.group(3)
    return m.group(1), m.group(2) or None


# --- slots -----------------------------------------------------------------------------


def slot_on(day: date, schedule: Schedule) -> datetime:
    """The (first) slot on a local calendar day, as a UTC instant."""
    return slots_on(day, schedule)[0]


def slots_on(day: date, schedule: Schedule) -> list[datetime]:
    """The slots on a local calendar day, as UTC instants, earliest first (two local times
    that the clocks going forward make one instant are one slot)."""
    return sorted(
        {
            datetime.combine(day, time(hour, minute), tzinfo=schedule.zone).astimezone(UTC)
            for hour, minute in schedule.times
        }
    )


def next_slots(schedule: Schedule, after: datetime, count: int = 1) -> list[datetime]:
    """The next ``count`` slots strictly after ``after``."""
    days = _days_of(schedule)
    day = after.astimezone(schedule.zone).date() - timedelta(days=1)
    out: list[datetime] = []
    while len(out) < count:
        if day.weekday() in days:
            out += [slot for slot in slots_on(day, schedule) if slot > after][: count - len(out)]
        day += timedelta(days=1)
    return out


def previous_slot(schedule: Schedule, at: datetime) -> datetime:
    """The latest slot at or before ``at``."""
    days = _days_of(schedule)
    day = at.astimezone(schedule.zone).date() + timedelta(days=1)
    while True:
        if day.weekday() in days and (past := [s for s in slots_on(day, schedule) if s <= at]):
            return past[-1]
        day -= timedelta(days=1)


def _days_of(schedule: Schedule) -> frozenset[int]:
    days = day_set(schedule.days)
    if not days:
        raise ValueError(f"a schedule without days: {schedule!r}")
    return days


# --- how schedules read ----------------------------------------------------------------


def describe_days(days: str) -> str:
    if days == EVERY_DAY:
        return "every day"
    return ", ".join(p.title().replace("-", "–") for p in days.split(","))


def describe_times(time_of_day: str) -> str:
    """``08:00``, ``08:00 and 13:00``, ``08:00, 12:00 and 17:30``."""
    times = time_of_day.split(",")
    return times[0] if len(times) == 1 else ", ".join(times[:-1]) + " and " + times[-1]


def describe_schedule(schedule: Schedule) -> str:
    """``08:00 Mon–Fri (Europe/London)``, ``08:00 and 13:00 every day (UTC)``."""
    return (
        f"{describe_times(schedule.time_of_day)} {describe_days(schedule.days)} "
        f"({schedule.timezone})"
    )


def describe_moment(at: datetime, zone: ZoneInfo, *, now: datetime, long: bool = False) -> str:
    """``Monday 08:00`` (``Mon 08:00`` short) within a week of ``now``, else with the date."""
    local = at.astimezone(zone)
    day = local.strftime("%A" if long else "%a")
    if abs(now - at) >= timedelta(days=6):
        day += f" {local.day} {local.strftime('%B' if long else '%b')}"
    return f"{day} {local:%H:%M}"
