"""Reading `/brief follow` and `/brief digest`, and when briefings fall (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.briefing.commands import FollowRequest, parse_digest, parse_follow
from bot.briefing.followed import TopicConfig
from bot.briefing.schedule import (
    Schedule,
    describe_moment,
    describe_schedule,
    next_slots,
    parse_days,
    parse_time,
    previous_slot,
)
from bot.errors import UsageError
from bot.services.followed_text import TopicChange, listing, topics_text

LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")


def test_the_documented_follow_command_is_understood():
    got = parse_follow("energy prices at 07:30 on mon-fri tz Europe/London in #news")
    assert got == FollowRequest(
        topic="energy prices",
        channel_name="news",
        time_of_day="07:30",
        days="mon-fri",
        timezone="Europe/London",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ukraine", FollowRequest(topic="ukraine")),
        ("Ukraine daily", FollowRequest(topic="Ukraine", days="mon-sun")),
        (
            "energy prices terms gas, electricity, ofgem at 7am",
            FollowRequest(
                topic="energy prices", terms=("gas", "electricity", "ofgem"), time_of_day="07:00"
            ),
        ),
        (
            "energy matching price cap,  gas in <#C123|markets>",
            FollowRequest(
                topic="energy",
                terms=("price cap", "gas"),
                channel_id="C123",
                channel_name="markets",
            ),
        ),
        (
            "climate <#C0WORLD> at 5:15pm on mon, wed and fri timezone america/new_york",
            FollowRequest(
                topic="climate",
                channel_id="C0WORLD",
                time_of_day="17:15",
                days="mon,wed,fri",
                timezone="America/New_York",
            ),
        ),
        (
            "war on drugs in Europe/Paris silent",
            FollowRequest(topic="war on drugs", timezone="Europe/Paris", silent_when_empty=True),
        ),
        ("energy in europe", FollowRequest(topic="energy in europe")),
        (
            "rates every day at 19h30 not silent",
            FollowRequest(
                topic="rates", days="mon-sun", time_of_day="19:30", silent_when_empty=False
            ),
        ),
    ],
)
def test_every_part_after_the_topic_is_optional_and_in_any_order(text, expected):
    assert parse_follow(text) == expected


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "say which topic"),
        ("at 07:30 on mon-fri", "say which topic"),
        ("ukraine at 25:00", "not a time of day"),
        ("ukraine tz Europe/Londres", "not a time zone"),
        ("ukraine at 07:30 please", "did not understand 'please'"),
        ("ukraine at 07:30 at 08:00", "given twice"),
        ("ukraine terms", "list the terms"),
    ],
)
def test_a_malformed_follow_command_is_refused_with_an_example(text, complaint):
    with pytest.raises(UsageError) as err:
        parse_follow(text)
    assert complaint in str(err.value)
    assert "/brief follow" in str(err.value), "the user is shown a command that works"


def test_digest_commands():
    assert parse_digest("daily").period == "daily"
    weekly = parse_digest("weekly on fri at 16:00 tz Europe/London")
    assert (weekly.period, weekly.days, weekly.time_of_day, weekly.timezone) == (
        "weekly",
        "fri",
        "16:00",
        "Europe/London",
    )
    for bad in ("", "hourly", "off at 08:00", "daily terms gas"):
        with pytest.raises(UsageError, match="/brief digest"):
            parse_digest(bad)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", "mon-fri"),
        ("weekdays", "mon-fri"),
        ("daily", "mon-sun"),
        ("every day", "mon-sun"),
        ("mon,tue,wed", "mon-wed"),
        ("Mondays and Thursdays", "mon,thu"),
        ("fri-mon", "mon,fri-sun"),
        ("weekends", "sat-sun"),
        ("sun, sat", "sat-sun"),
    ],
)
def test_days_are_normalised_to_cron_form(text, days):
    assert parse_days(text) == days


@pytest.mark.parametrize(
    ("text", "hhmm"),
    [
        ("7:30", "07:30"),
        ("0730", "07:30"),
        ("12am", "00:00"),
        ("12pm", "12:00"),
        ("11.05pm", "23:05"),
        ("8", "08:00"),
    ],
)
def test_times_of_day(text, hhmm):
    assert parse_time(text) == hhmm


def test_describe_schedule():
    assert (
        describe_schedule(Schedule("08:00", "mon-fri", "Europe/London"))
        == "08:00 Mon–Fri (Europe/London)"
    )
    assert describe_schedule(Schedule("09:00", "mon,wed,fri", "UTC")) == "09:00 Mon, Wed, Fri (UTC)"
    assert (
        describe_schedule(Schedule("17:00", "mon-sun", "Asia/Tokyo"))
        == "17:00 every day (Asia/Tokyo)"
    )


# --- slots across daylight-saving changes --------------------------------------------------


def local(slots, zone):
    return [s.astimezone(zone).strftime("%a %d %b %H:%M") for s in slots]


def test_london_briefings_stay_at_eight_local_across_both_dst_changes():
    schedule = Schedule("08:00", "mon-fri", "Europe/London")
    spring = next_slots(
        schedule, datetime(2026, 3, 26, 12, tzinfo=UTC), 3
    )  # clocks go forward Sun 29 Mar
    assert local(spring, LONDON) == ["Fri 27 Mar 08:00", "Mon 30 Mar 08:00", "Tue 31 Mar 08:00"]
    assert [s.hour for s in spring] == [8, 7, 7], "08:00 GMT, then 08:00 BST = 07:00 UTC"
    autumn = next_slots(schedule, datetime(2026, 10, 23, 12, tzinfo=UTC), 2)  # back on Sun 25 Oct
    assert local(autumn, LONDON) == ["Mon 26 Oct 08:00", "Tue 27 Oct 08:00"]
    assert [s.hour for s in autumn] == [8, 8]


def test_new_york_briefings_across_dst_and_the_hour_that_does_not_exist():
    schedule = Schedule("08:30", "mon-sun", "America/New_York")
    slots = next_slots(schedule, datetime(2026, 3, 7, 0, tzinfo=UTC), 3)  # forward on Sun 8 Mar
    assert local(slots, NEW_YORK) == ["Sat 07 Mar 08:30", "Sun 08 Mar 08:30", "Mon 09 Mar 08:30"]
    assert [s.hour for s in slots] == [13, 12, 12]
    skipped_hour = Schedule("02:30", "mon-sun", "America/New_York")
    [gap] = next_slots(skipped_hour, datetime(2026, 3, 8, 0, tzinfo=UTC))
    assert gap == datetime(2026, 3, 8, 7, 30, tzinfo=UTC), (
        "02:30 does not exist that day: 03:30 EDT"
    )
    twice = Schedule(
        "01:30", "mon-sun", "America/New_York"
    )  # back on Sun 1 Nov: 01:30 happens twice
    assert next_slots(twice, datetime(2026, 11, 1, 4, tzinfo=UTC), 2) == [
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        datetime(2026, 11, 2, 6, 30, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    "schedule",
    [
        Schedule("08:00", "mon-fri", "Europe/London"),
        Schedule("01:30", "mon-sun", "Europe/London"),
        Schedule("02:30", "mon-sun", "America/New_York"),
        Schedule("09:00", "mon,wed,fri", "Australia/Sydney"),
    ],
)
def test_slots_are_the_instants_apscheduler_fires_at(schedule):
    """A year of slots equals CronTrigger's fire times, except the repeated hour's second firing,
    which the scheduler maps back to the slot already claimed."""
    trigger = CronTrigger(
        day_of_week=schedule.days,
        hour=schedule.hour,
        minute=schedule.minute,
        timezone=schedule.zone,
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ours = set(next_slots(schedule, start, 300))
    fires: set[datetime] = set()
    now = start
    while len(fires) < 300:
        fire = trigger.get_next_fire_time(None, now).astimezone(UTC)
        if fire < now:  # CronTrigger 3.x can answer the repeated hour again, in the past
            now += timedelta(hours=1)
            continue
        fires.add(fire)
        now = fire + timedelta(seconds=1)
    end = min(max(ours), max(fires))
    extra = {f for f in fires if f <= end} - ours
    assert {s for s in ours if s <= end} <= fires
    assert all(previous_slot(schedule, f) in ours for f in extra)
    assert len(extra) <= 1


def test_previous_slot_is_what_a_restart_catches_up():
    schedule = Schedule("08:00", "mon-fri", "Europe/London")
    monday = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 08:00 BST
    assert previous_slot(schedule, monday) == monday
    assert previous_slot(schedule, monday + timedelta(minutes=40)) == monday
    assert previous_slot(schedule, monday - timedelta(seconds=1)) == datetime(
        2026, 3, 27, 8, 0, tzinfo=UTC
    )


def test_how_moments_and_topics_read():
    now = datetime(2026, 11, 25, 9, tzinfo=UTC)  # a Wednesday
    monday = datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert describe_moment(monday, LONDON, now=now, long=True) == "Monday 08:00"
    assert describe_moment(monday - timedelta(days=14), LONDON, now=now) == "Mon 9 Nov 08:00"
    topic = TopicConfig(
        team_id="T1",
        name="energy prices",
        channel_id="C1",
        time_of_day="07:30",
        timezone="Europe/London",
        terms=("gas", "ofgem"),
        id=1,
    )
    text = topics_text([listing(topic, now)])
    assert (
        "*energy prices* (matching gas, ofgem) in <#C1>: 07:30 Mon–Fri (Europe/London), next Thu 07:30"
        in text
    )
    assert TopicChange("follow", topic, None, now).message.startswith(
        "Now following *energy prices*"
    )
    assert "no longer follow *energy prices*" in TopicChange("unfollow", None, topic, now).message
    assert "I follow no topics yet" in topics_text([])


def test_the_repeated_hour_fires_once_and_the_trigger_moves_on():
    from bot.entrypoints.scheduler import cron_trigger

    schedule = Schedule("01:30", "mon-sun", "Europe/London")  # clocks go back on Sun 25 Oct 2026
    trigger, previous, now, fires = (
        cron_trigger(schedule),
        None,
        datetime(2026, 10, 23, 12, tzinfo=UTC),
        [],
    )
    for _ in range(4):
        previous = trigger.get_next_fire_time(previous, now)
        fires.append(previous.astimezone(UTC))
        now = previous + timedelta(seconds=1)
    assert fires == next_slots(schedule, datetime(2026, 10, 23, 12, tzinfo=UTC), 4)
    assert local(fires, LONDON) == [
        "Sat 24 Oct 01:30",
        "Sun 25 Oct 01:30",
        "Mon 26 Oct 01:30",
        "Tue 27 Oct 01:30",
    ]
