"""Several briefings a day: `at 08:00,13:00` read, described, and each time its own slot,
across daylight-saving changes, as APScheduler fires them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.briefing.commands import parse_digest, parse_follow
from bot.briefing.schedule import (
    Schedule,
    describe_schedule,
    next_slots,
    parse_times,
    previous_slot,
)
from bot.errors import UsageError

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("text", "times"),
    [
        ("ukraine at 08:00,13:00", "08:00,13:00"),
        ("ukraine at 13:00, 08:00 daily", "08:00,13:00"),
        ("ukraine at 8am, 1pm and 6:30pm in <#C1|news>", "08:00,13:00,18:30"),
        ("ukraine at 7 am and 7 pm", "07:00,19:00"),
        ("ukraine at 08:00 and 08:00", "08:00"),
        ("war and peace at 9 terms war", "09:00"),
    ],
)
def test_several_times_a_day_are_read_in_any_spelling(text, times):
    request = parse_follow(text)
    assert request.time_of_day == times
    assert request.topic in ("ukraine", "war and peace")


def test_a_digest_may_come_twice_a_day_too():
    assert parse_digest("daily at 09:00,17:00").time_of_day == "09:00,17:00"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("ukraine at 08:00,25:00", "not a time of day"),
        ("ukraine at 1,2,3,4,5,6,7", "at most 6 times a day"),
        ("ukraine at 08:00 at 13:00", "given twice"),
    ],
)
def test_impossible_times_are_refused_with_an_example(text, complaint):
    with pytest.raises(UsageError) as err:
        parse_follow(text)
    assert complaint in str(err.value) and "at 08:00,13:00" in str(err.value)


def test_parse_times_keeps_each_once_earliest_first():
    assert parse_times("17:30, 8am and 13:00") == "08:00,13:00,17:30"
    with pytest.raises(UsageError, match="times of day"):
        parse_times("08:00,")


def test_each_time_is_its_own_slot_and_reads_as_one_schedule():
    schedule = Schedule("08:00,13:00", "mon-fri", "Europe/London")
    friday_noon = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert next_slots(schedule, friday_noon, 3) == [
        datetime(2026, 11, 27, 13, 0, tzinfo=UTC),
        datetime(2026, 11, 30, 8, 0, tzinfo=UTC),  # Monday: the weekend has none
        datetime(2026, 11, 30, 13, 0, tzinfo=UTC),
    ]
    assert previous_slot(schedule, friday_noon) == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    assert previous_slot(schedule, friday_noon + timedelta(hours=1)) == datetime(
        2026, 11, 27, 13, 0, tzinfo=UTC
    )
    assert describe_schedule(schedule) == "08:00 and 13:00 Mon–Fri (Europe/London)"
    assert describe_schedule(Schedule("08:00,12:00,17:30", "mon-sun", "UTC")) == (
        "08:00, 12:00 and 17:30 every day (UTC)"
    )


def test_the_cron_job_fires_at_every_time_as_the_slots_say_across_a_clock_change():
    from bot.entrypoints.scheduler import cron_trigger

    schedule = Schedule("01:30,13:00", "mon-sun", "Europe/London")  # clocks go back 25 Oct
    start = datetime(2026, 10, 24, 0, tzinfo=UTC)
    trigger, previous, now, fires = cron_trigger(schedule), None, start, []
    for _ in range(6):
        previous = trigger.get_next_fire_time(previous, now)
        fires.append(previous.astimezone(UTC))
        now = previous + timedelta(seconds=1)
    assert fires == next_slots(schedule, start, 6)
    assert [f.astimezone(LONDON).strftime("%a %H:%M") for f in fires] == [
        "Sat 01:30",
        "Sat 13:00",
        "Sun 01:30",
        "Sun 13:00",
        "Mon 01:30",
        "Mon 13:00",
    ]
