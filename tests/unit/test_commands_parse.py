"""Reading ``/brief`` text: which verb, then topic, public flag and time window."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import UsageError
from bot.services.briefing import MAX_TOPIC_LENGTH, parse_since, validate_topic
from handlers.commands import BriefCall, BriefRequest, parse_brief
from handlers.verbs import BRIEF_VERBS, Verb, find_verb


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        ("ukraine", BriefRequest("ukraine")),
        ("ukraine public since 3d", BriefRequest("ukraine", public=True, since="3d")),
        ("ukraine since 3d public", BriefRequest("ukraine", public=True, since="3d")),
        ("energy prices 12h", BriefRequest("energy prices", since="12h")),
        ("energy prices public", BriefRequest("energy prices", public=True)),
        ("ukraine last 2w", BriefRequest("ukraine", since="2w")),
        ("ukraine --since 3d --public", BriefRequest("ukraine", public=True, since="3d")),
        ("Energy   Prices  PUBLIC", BriefRequest("Energy Prices", public=True)),
        ("ukraine 3D", BriefRequest("ukraine", since="3D")),
        ("3d", BriefRequest("3d")),  # a lone window-like word is the topic
        ("ukraine since", BriefRequest("ukraine since")),
    ],
)
def test_parse_brief(text: str, request_: BriefRequest) -> None:
    assert parse_brief(text) == request_


@pytest.mark.parametrize(
    "text", ["!!!", "", "   ", "public", "since 3d", "x" * (MAX_TOPIC_LENGTH + 1)]
)
def test_no_topic_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError):
        parse_brief(text)


def test_usage_errors_say_what_to_do() -> None:
    with pytest.raises(UsageError, match="ukraine"):
        parse_brief("public")
    with pytest.raises(UsageError, match="'!!!' has no words"):
        parse_brief("!!!")


def test_a_bare_minutes_window_is_a_window() -> None:
    assert parse_brief("ukraine 90m") == BriefRequest("ukraine", since="90m")


@pytest.mark.parametrize(
    ("value", "window"),
    [
        ("3d", timedelta(days=3)),
        ("12h", timedelta(hours=12)),
        ("2w", timedelta(weeks=2)),
        ("90m", timedelta(minutes=90)),
        ("5", timedelta(days=5)),
        ("1.5d", timedelta(hours=36)),
        (" 3D ", timedelta(days=3)),
        ("", timedelta(days=7)),
        (None, timedelta(days=7)),
    ],
)
def test_parse_since(value: str | None, window: timedelta) -> None:
    assert parse_since(value, default_days=7) == window


def test_default_window_comes_from_settings() -> None:
    assert parse_since("", default_days=30) == timedelta(days=30)


@pytest.mark.parametrize("value", ["3y", "d", "soon", "0d", "-1d", "11000d", "inf"])
def test_unreadable_or_impossible_windows_are_usage_errors(value: str) -> None:
    with pytest.raises(UsageError, match="time window"):
        parse_since(value, default_days=7)


def test_nan_window_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        parse_since("nan", default_days=7)


WRONG_LIMIT = (
    "parse_since checks the number, not the duration, against 'a minute to ten years': "
    "'3650w' (70 years) is accepted and '5000m' (3.5 days) refused; compare the timedelta"
)


def test_a_window_beyond_ten_years_is_refused_whatever_the_unit() -> None:
    with pytest.raises(UsageError, match="ten years"):
        parse_since("3650w", default_days=7)


def test_a_few_days_in_minutes_is_accepted() -> None:
    assert parse_since("5000m", default_days=7) == timedelta(minutes=5000)


def test_validate_topic_collapses_space_and_limits_length() -> None:
    assert validate_topic("  energy \t prices\n") == "energy prices"
    assert validate_topic("x" * MAX_TOPIC_LENGTH) == "x" * MAX_TOPIC_LENGTH
    with pytest.raises(UsageError, match=f"at most {MAX_TOPIC_LENGTH}"):
        validate_topic("x" * (MAX_TOPIC_LENGTH + 1))
    with pytest.raises(UsageError):
        validate_topic("?!")


# --- the /brief verbs ------------------------------------------------------------------


@pytest.mark.parametrize("verb", BRIEF_VERBS, ids=lambda v: v.name)
def test_each_help_example_runs_the_verb_it_describes(verb: Verb) -> None:
    for line in verb.usage:
        command, word, *_ = line.example.strip("`").split()
        assert command == "/brief" and find_verb(word) is verb, line.example


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("", "help"),
        ("?", "help"),
        ("USAGE please", "help"),
        ("Status", "status"),
        ("follow energy prices daily", "follow"),
        ("topic", "briefing"),  # not `topics`: a briefing on "topic"
        ("energy prices public", "briefing"),
    ],
)
def test_the_first_word_picks_the_verb(text: str, verb: str) -> None:
    call = BriefCall(team_id="T1", channel_id="C1", user_id="U1", text=text)
    assert find_verb(call.verb).name == verb


def test_a_verb_is_given_only_what_follows_it() -> None:
    command = {
        "team_id": "T1",
        "channel_id": "C1",
        "user_id": "U1",
        "text": " unfollow  energy  prices ",
    }
    call = BriefCall.of(command)
    assert (call.verb, call.rest) == ("unfollow", "energy prices")


# --- what Slack sends: the text escaped as message text is --------------------------------


@pytest.mark.parametrize(
    ("sent", "typed"),
    [
        ("R&amp;D", "R&D"),
        ("AT&amp;T public", "AT&T public"),
        ("&lt;b&gt; tags", "<b> tags"),
        ("&amp;lt; stays typed", "&lt; stays typed"),  # the user typed "&lt;" itself
        ("rock &amp; roll since 3d", "rock & roll since 3d"),
    ],
)
def test_the_escaped_command_text_is_read_as_typed(sent: str, typed: str) -> None:
    call = BriefCall.of({"team_id": "T1", "channel_id": "C1", "user_id": "U1", "text": sent})
    assert call.text == typed


def test_a_briefing_on_r_and_d_searches_for_r_and_d() -> None:
    call = BriefCall.of({"text": "R&amp;D public since 3d"})
    assert parse_brief(call.text) == BriefRequest("R&D", public=True, since="3d")


def test_slack_references_survive_the_decoding() -> None:
    sent = "follow R&amp;D in <#C0NEWS|news> terms &lt;x&gt;, <@U0ANA|ana>"
    call = BriefCall.of({"text": sent})
    assert call.rest == "R&D in <#C0NEWS|news> terms <x>, <@U0ANA|ana>"


def test_a_text_that_is_not_text_is_no_text() -> None:
    assert BriefCall.of({"text": ["R&amp;D"]}).text == ""
