"""Reading `/brief follow ...` and `/brief digest ...` (pure).

The topic comes first; every other part is optional and may come in any order:
``at 07:30`` (or several times a day, ``at 08:00,13:00``), ``on mon-fri`` (or ``daily``, ``weekdays``, ``every day``), ``tz Europe/London``
(or ``in Europe/London``), ``in #news`` (Slack sends ``<#C123|news>``), ``terms a, b`` (or
``matching a, b``) and ``silent`` / ``not silent``. A word that does not start a valid part
belongs to the topic ("war on drugs", "energy in europe").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bot.briefing.schedule import (
    CHANNEL,
    DAY_GROUPS,
    MAX_TIMES,
    TIME,
    day_number,
    parse_channel,
    parse_days,
    parse_times,
    validate_timezone,
    zone_names,
)
from bot.errors import UsageError

FOLLOW_EXAMPLE = (
    "`/brief follow energy prices at 07:30 on mon-fri tz Europe/London in #news "
    "terms gas, electricity, ofgem` (several times a day: `at 08:00,13:00`)"
)
UNFOLLOW_EXAMPLE = (
    "`/brief unfollow energy prices` (in its channel), `/brief unfollow energy prices in #news` "
    "or `/brief unfollow energy prices everywhere`"
)
DIGEST_EXAMPLE = (
    "`/brief digest daily`, `/brief digest weekly on fri at 16:00` or `/brief digest off`"
)


@dataclass(frozen=True, slots=True)
class FollowRequest:
    """What `/brief follow` asked for; ``None`` means "not said" (defaults apply)."""

    topic: str
    terms: tuple[str, ...] | None = None
    channel_id: str | None = None
    channel_name: str | None = None
    time_of_day: str | None = None
    days: str | None = None
    timezone: str | None = None
    silent_when_empty: bool | None = None


@dataclass(frozen=True, slots=True)
class UnfollowRequest:
    """What `/brief unfollow` asked for: a topic, and which channel (None: not said)."""

    topic: str
    channel_id: str | None = None
    channel_name: str | None = None
    everywhere: bool = False


@dataclass(frozen=True, slots=True)
class DigestRequest:
    period: str  # daily, weekly or off
    time_of_day: str | None = None
    days: str | None = None
    timezone: str | None = None


# --- reading whole commands ----------------------------------------------------------


def parse_follow(text: str) -> FollowRequest:
    """The text after `/brief follow`: a topic, then optional parts in any order."""
    with _example(FOLLOW_EXAMPLE):
        return _parse_follow(text)


def parse_unfollow(text: str) -> UnfollowRequest:
    """The text after `/brief unfollow`: a topic, then ``in #channel`` or ``everywhere``."""
    tokens = text.split()
    channel: tuple[str | None, str | None] = (None, None)
    everywhere = bool(tokens) and tokens[-1].lower() == "everywhere"
    if everywhere:
        tokens.pop()
    elif tokens and CHANNEL.match(tokens[-1]):
        channel = parse_channel(tokens.pop())
        if tokens and tokens[-1].lower() in ("in", "from"):
            tokens.pop()
    topic = " ".join(tokens)
    if not topic:
        raise UsageError(f"say which topic to stop following. For example: {UNFOLLOW_EXAMPLE}")
    return UnfollowRequest(topic, channel[0], channel[1], everywhere)


def parse_digest(text: str) -> DigestRequest:
    """The text after `/brief digest`: daily, weekly or off, then optional time, days, zone."""
    with _example(DIGEST_EXAMPLE):
        return _parse_digest(text)


@contextmanager
def _example(example: str) -> Iterator[None]:
    """Every complaint about a command ends with a command that works."""
    try:
        yield
    except UsageError as exc:
        if example in str(exc):
            raise
        raise UsageError(f"{exc}. For example: {example}") from None


def _parse_follow(text: str) -> FollowRequest:
    tokens = text.split()
    start = next((i for i in range(len(tokens)) if _clause(tokens, i) is not None), len(tokens))
    topic = " ".join(tokens[:start])
    if not topic:
        raise UsageError(f"say which topic to follow, e.g. {FOLLOW_EXAMPLE}")
    parts = _clauses(tokens, start, FOLLOW_EXAMPLE)
    channel = parts.get("channel", (None, None))
    return FollowRequest(
        topic=topic,
        terms=parts.get("terms"),
        channel_id=channel[0],
        channel_name=channel[1],
        time_of_day=parts.get("time"),
        days=parts.get("days"),
        timezone=parts.get("timezone"),
        silent_when_empty=parts.get("silent"),
    )


def _parse_digest(text: str) -> DigestRequest:
    tokens = text.split()
    period = tokens[0].lower() if tokens else ""
    if period not in ("daily", "weekly", "off"):
        raise UsageError(f"say how often: {DIGEST_EXAMPLE}")
    parts = _clauses(tokens, 1, DIGEST_EXAMPLE)
    if set(parts) - {"time", "days", "timezone"} or (period == "off" and parts):
        raise UsageError(f"a digest takes a time, days and a time zone only: {DIGEST_EXAMPLE}")
    return DigestRequest(period, parts.get("time"), parts.get("days"), parts.get("timezone"))


def _clauses(tokens: list[str], start: int, example: str) -> dict[str, Any]:
    """Kind -> value: str for time, days and timezone, tuples for terms and channel, bool for silent."""
    parts: dict[str, Any] = {}
    i = start
    while i < len(tokens):
        found = _clause(tokens, i)
        if found is None:
            raise UsageError(f"I did not understand {tokens[i]!r}. For example: {example}")
        kind, value, i = found
        if kind in parts:
            raise UsageError(f"the {kind} is given twice. For example: {example}")
        parts[kind] = value
    return parts


def _clause(tokens: list[str], i: int) -> tuple[str, object, int] | None:
    """The part of the command starting at ``tokens[i]``: (kind, value, next index), or None."""
    word, nxt = tokens[i].lower(), (tokens[i + 1] if i + 1 < len(tokens) else "")
    if CHANNEL.match(tokens[i]):
        return "channel", parse_channel(tokens[i]), i + 1
    if word in ("in", "to") and CHANNEL.match(nxt):
        return "channel", parse_channel(nxt), i + 2
    if word in ("tz", "tz:", "timezone", "timezone:") and nxt:
        return "timezone", validate_timezone(nxt), i + 2
    if word == "in" and ("/" in nxt or nxt.upper() == "UTC") and nxt.lower() in zone_names():
        return "timezone", validate_timezone(nxt), i + 2
    if word == "at" and nxt:
        return _time_clause(tokens, i)
    if word in DAY_GROUPS or (word == "every" and nxt.lower() in ("day", "weekday")):
        end = i + (1 if word in DAY_GROUPS else 2)
        return "days", parse_days(" ".join(tokens[i:end])), end
    if word == "on":
        return _days_clause(tokens, i + 1)
    if word.rstrip(":") in ("terms", "matching"):
        return _terms_clause(tokens, i + 1)
    if word == "silent":
        return "silent", True, i + 1
    if word == "not" and nxt.lower() == "silent":
        return "silent", False, i + 2
    return None


def _time_clause(tokens: list[str], i: int) -> tuple[str, object, int] | None:
    """``at 07:30``, ``at 7 am``, and several times a day: ``at 08:00,13:00``, ``at 8am, 1pm
    and 6pm`` (the run of words after ``at`` that can be times)."""
    end = i + 1
    while end < len(tokens) and end < i + 1 + 3 * MAX_TIMES and _time_word(tokens[end]):
        end += 1
    while end > i + 1 and tokens[end - 1].lower() in ("and", ","):
        end -= 1  # "at 8 and ..." leaves "and" to what follows
    if end == i + 1:
        return None
    return "time", parse_times(" ".join(tokens[i + 1 : end])), end


def _time_word(word: str) -> bool:
    """A word that can be part of a list of times: ``08:00,``, ``7``, ``am``, ``and``."""
    lowered = word.lower()
    return lowered in ("am", "pm", "and", ",") or all(
        TIME.match(p) for p in lowered.strip(",").split(",") if p
    )


def _days_clause(tokens: list[str], j: int) -> tuple[str, object, int] | None:
    end = j
    while end < len(tokens):
        words = [w for w in tokens[end].lower().replace(",", " ").split() if w != "and"]
        if tokens[end].lower() != "and" and not all(_is_day_word(w) for w in words):
            break
        end += 1
    if end == j:
        return None
    return "days", parse_days(" ".join(tokens[j:end])), end


def _is_day_word(word: str) -> bool:
    if word in DAY_GROUPS:
        return True
    first, _, last = word.partition("-")
    return all(day_number(w.removesuffix("s")) is not None for w in (first, last or first))


def _terms_clause(tokens: list[str], j: int) -> tuple[str, object, int]:
    end = j
    while end < len(tokens) and _clause(tokens, end) is None:
        end += 1
    terms = tuple(t for t in (" ".join(p.split()) for p in " ".join(tokens[j:end]).split(",")) if t)
    if not terms:
        raise UsageError(
            f"list the terms after `terms`, separated by commas. For example: {FOLLOW_EXAMPLE}"
        )
    return "terms", terms, end
