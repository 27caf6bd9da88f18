"""Whatever people and pages write, what Briefbot sends to Slack holds no mention, channel
ping or link that Briefbot did not make itself, and no cut splits a link or an entity.

Every reply builder is fed arbitrary text (topics, terms, headlines, key points, outlets,
actor names and roles, addresses, user and channel ids, failure reasons, Slack's error words)
and every text object and fallback it returns must read, from start to end, as plain
characters (no raw ``&``, ``<``, ``>``), the three entities, and Briefbot's own sequences:
links to the web addresses it was given, ``<@U…>`` of the users who shared, ``<#C…>`` of the
channels involved, and ``<!date^…>``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse

from bot.briefing.followed import BriefingRecord, TopicConfig
from bot.briefing.model import (
    ActorCount,
    ActorType,
    ArticleView,
    Briefing,
    CitedPoint,
    ShareInfo,
    Story,
)
from bot.briefing.mrkdwn import cut, escape, link
from bot.briefing.status import ArticleStatus, RunStatus, TextQuality, TopicAction, TopicKind
from bot.ports import Capture
from bot.services.followed_text import TopicChange, listing, topics_text
from handlers.blocks import briefing_blocks, error_blocks, failure_note, section, status_blocks
from handlers.followed_commands import _topic_row
from handlers.home import story_row
from handlers.slack_errors import post_failed
from handlers.verbs import help_blocks

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
USERS = ("U0ANA", "W0BEN")
CHANNELS = ("C0NEWS", "G0TEAM")

# The attacker's alphabet: Slack's control characters, the starts of its sequences, entity
# look-alikes, and the characters a cut or a label could trip over.
_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "&",
        "|",
        "!",
        "@",
        "#",
        "<!here>",
        "<!channel>",
        "<@U0EVE>",
        "<#C0EVE|x>",
        "<https://evil.example|click>",
        "&amp;",
        "&lt;",
        "&gt",
        "&#60;",
        "a",
        "é",
        "ü",
        "*",
        "_",
        "`",
        "~",
        ":",
        "^",
        "date",
        " ",
        "\n",
    ]
)
text = st.lists(_PIECES, max_size=40).map("".join)
long_text = st.one_of(text, st.lists(_PIECES, min_size=200, max_size=1200).map("".join))
web_url = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.sampled_from(["a", "news", "o"]),
    text,
)
any_url = st.one_of(web_url, text)
user_id = st.one_of(st.sampled_from(USERS), text)
channel_id = st.one_of(st.sampled_from(CHANNELS), text)

# One unit of what may reach Slack: a plain character, an entity, or Briefbot's own sequence.
_UNIT = re.compile(
    r"[^<>&]"
    r"|&(?:amp|lt|gt);"
    r"|<(?P<url>https?://[^<>|\s]+)(?:\|[^<>|]*)?>"
    r"|<@(?P<user>[UW][A-Z0-9]+)>"
    r"|<#(?P<channel>[CG][A-Z0-9]+)>"
    r"|<!date\^\d+\^[^<>|]*\|[^<>|]*>",
    re.S,
)


def check_text(sent: str, urls: set[str]) -> None:
    """``sent`` reads unit by unit to its end, and each sequence is one Briefbot made."""
    pos = 0
    while pos < len(sent):
        unit = _UNIT.match(sent, pos)
        assert unit is not None, (
            f"unsafe Slack text at {pos}: {sent[max(0, pos - 30) : pos + 30]!r}"
        )
        if unit["url"] is not None:
            assert unquote(unit["url"]) in urls, f"a link Briefbot was not given: {unit[0]!r}"
        assert unit["user"] is None or unit["user"] in USERS, unit[0]
        assert unit["channel"] is None or unit["channel"] in CHANNELS, unit[0]
        pos = unit.end()


def slack_texts(value: Any) -> list[str]:
    """Every ``text`` string inside blocks or a view, however deep."""
    if isinstance(value, dict):
        found = [value["text"]] if isinstance(value.get("text"), str) else []
        return found + [t for v in value.values() for t in slack_texts(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in slack_texts(v)]
    return []


def check_reply(blocks: Any, fallback: str | None, urls: set[str]) -> None:
    for sent in [*slack_texts(blocks), *([fallback] if fallback is not None else [])]:
        check_text(sent, urls)


# --- the values Briefbot renders, written by anyone ---------------------------------------


@st.composite
def stories(draw: st.DrawFn) -> Story:
    url = draw(any_url)
    shares = tuple(
        ShareInfo(draw(user_id), draw(channel_id), NOW - timedelta(hours=draw(st.integers(0, 99))))
        for _ in range(draw(st.integers(0, 3)))
    )
    view = ArticleView(1, url, draw(text), draw(text), None, NOW, (), (), shares)
    points = tuple(
        CitedPoint(draw(long_text), draw(any_url), draw(text))
        for _ in range(draw(st.integers(0, 4)))
    )
    return Story(
        headline=draw(long_text),
        url=url,
        articles=(view,),
        points=points,
        actors=tuple(draw(st.lists(actor_counts(), max_size=3))),
        score=1.0,
    )


def actor_counts() -> st.SearchStrategy[ActorCount]:
    return st.builds(
        ActorCount, text, st.sampled_from(list(ActorType)), st.integers(1, 9), st.none() | text
    )


@st.composite
def briefings(draw: st.DrawFn) -> Briefing:
    found = tuple(draw(st.lists(stories(), max_size=3)))
    return Briefing(
        topic=draw(text),
        since=NOW - timedelta(days=7),
        until=NOW,
        stories=found,
        leading_actors=tuple(draw(st.lists(actor_counts(), max_size=3))),
        matched=tuple(draw(st.lists(text, max_size=3))),
        new_actors=tuple(draw(st.lists(text, max_size=3))),
        article_count=len(found),
        empty_message="" if found else draw(text),
    )


def urls_in(b: Briefing) -> set[str]:
    return {u for s in b.stories for u in (s.url, *(p.url for p in s.points))}


topics = st.builds(
    TopicConfig,
    team_id=st.just("T1"),
    name=text,
    channel_id=channel_id,
    terms=st.lists(text, max_size=3).map(tuple),
    kind=st.sampled_from(list(TopicKind)),
    silent_when_empty=st.booleans(),
    id=st.just(7),
)


CHANGES = [a for a in TopicAction if a != TopicAction.IMPORT]  # what a command can answer

# --- every reply builder ------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(briefings(), st.none() | text)
def test_briefings_their_titles_and_fallbacks(b: Briefing, title: str | None) -> None:
    blocks, fallback = briefing_blocks(b, title=title)
    check_reply(blocks, fallback, urls_in(b))


@settings(max_examples=200, deadline=None)
@given(stories())
def test_app_home_story_rows(story: Story) -> None:
    check_reply(story_row(story), None, {story.url})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(any_url, text, st.sampled_from(list(ArticleStatus)), text, user_id)))
def test_status(rows: list[tuple[str, str, ArticleStatus, str, str]]) -> None:
    captures = [
        Capture(url, title, status, reason or None, user, NOW, TextQuality.PARTIAL)
        for url, title, status, reason, user in rows
    ]
    check_reply(*status_blocks(captures), {c.url for c in captures})


@settings(max_examples=200, deadline=None)
@given(text)
def test_help_errors_and_capture_failure_notes(said: str) -> None:
    check_reply(*help_blocks(note=said), set())
    check_reply(*error_blocks(said), set())
    check_text(failure_note(said, said), {said})


@settings(max_examples=200, deadline=None)
@given(topics, st.sampled_from(CHANGES), st.sampled_from(list(RunStatus)), text)
def test_followed_topic_replies_listings_and_home_rows(
    topic: TopicConfig, action: TopicAction, status: RunStatus, error: str
) -> None:
    run = BriefingRecord(7, topic.channel_id, NOW - timedelta(hours=1), status, error=error)
    item = listing(topic, NOW, run)
    check_text(topics_text([item]), set())
    check_text(TopicChange(action, topic, topic, NOW).message, set())
    check_text(TopicChange(action, None, topic, NOW).message, set())
    check_reply(_topic_row(topic, NOW), None, set())


@settings(max_examples=200, deadline=None)
@given(text, st.sampled_from([200, 429, 500]))
def test_slacks_own_error_words(code: str, status: int) -> None:
    data = {"ok": False, "error": code}
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="",
        req_args={},
        data=data,
        headers={},
        status_code=status,
    )
    refused = post_failed(SlackApiError("refused", response))
    check_reply(*error_blocks(str(refused)), set())


# --- cuts -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(web_url, text), min_size=1, max_size=60), st.integers(5, 400))
def test_a_cut_never_splits_a_link_or_an_entity(parts: list[tuple[str, str]], limit: int) -> None:
    built = " ".join(f"{escape(words)} {link(url, words)}" for url, words in parts)
    shortened = cut(built, limit)
    assert len(shortened) <= limit
    check_text(shortened, {url for url, _ in parts})
    assert built.startswith(shortened.removesuffix("…"))


def test_a_section_cut_at_3000_characters_falls_before_the_link_it_would_split() -> None:
    url = "https://news.example/" + "p" * 80
    text = "x" * 2950 + " " + link(url, "the source & more")
    [shown] = slack_texts(section(text))
    assert len(shown) <= 3000 and shown.endswith("…") and "<https" not in shown
    check_text(shown, {url})
