"""The work of the `/brief` verbs; ``handlers.verbs`` says which verb runs when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.briefing.compose import MAX_STORIES
from bot.briefing.mrkdwn import escape
from bot.errors import BriefbotError, PostFailed
from bot.services.briefing import brief, parse_since, validate_topic
from handlers.blocks import Reply, briefing_blocks, error_blocks, status_blocks
from handlers.context import Deps
from handlers.ports import TopicVerb

ALL_STORIES = 1000  # `/brief ukraine all`: every story (Slack's block limit pages the rest)


@dataclass(frozen=True, slots=True)
class BriefRequest:
    topic: str
    public: bool = False
    since: str = ""
    every_story: bool = False

    @property
    def max_stories(self) -> int:
        return ALL_STORIES if self.every_story else MAX_STORIES


def parse_brief(text: str) -> BriefRequest:
    """``ukraine``, ``energy prices public``, ``ukraine since 3d``, ``ukraine public 12h``,
    ``ukraine all`` (every story, not only the first five)."""
    words = text.split()
    public, since, every = False, "", False
    while words:
        last = words[-1].lower()
        if last in ("public", "--public"):
            public = True
            words.pop()
        elif last == "all" and len(words) > 1:
            every = True
            words.pop()
        elif len(words) >= 2 and words[-2].lower() in ("since", "--since", "last"):
            since = words.pop()
            words.pop()
        elif _looks_like_window(last) and len(words) > 1:
            since = words.pop()
        else:
            break
    return BriefRequest(
        topic=validate_topic(" ".join(words)), public=public, since=since, every_story=every
    )


def _looks_like_window(word: str) -> bool:
    return len(word) >= 2 and word[-1] in "mhdw" and word[:-1].isdigit()


# Slack sends a command's text escaped as it escapes messages: "&", "<" and ">" typed by
# the user arrive as "&amp;", "&lt;" and "&gt;". Its own references (<#C123|news>, <@U123>,
# <https://...>) arrive as raw brackets, so decoding the three entities leaves them alone.
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
_ENTITY = re.compile("|".join(_ENTITIES))


def command_text(text: object) -> str:
    """What the user typed after the command: ``R&amp;D`` is ``R&D``, in one pass."""
    if not isinstance(text, str):
        return ""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], text)


@dataclass(frozen=True, slots=True)
class BriefCall:
    """One `/brief`: who asked where, and its text with the spacing collapsed."""

    team_id: str
    channel_id: str
    user_id: str
    text: str

    @classmethod
    def of(cls, command: dict[str, Any]) -> BriefCall:
        return cls(
            team_id=str(command.get("team_id") or ""),
            channel_id=str(command.get("channel_id") or ""),
            user_id=str(command.get("user_id") or ""),
            text=" ".join(command_text(command.get("text")).split()),
        )

    @property
    def verb(self) -> str:
        return self.text.partition(" ")[0].lower()

    @property
    def rest(self) -> str:
        """What follows the verb."""
        return self.text.partition(" ")[2]


def status_reply(deps: Deps, call: BriefCall) -> Reply:
    captures = deps.store.channel_captures(team_id=call.team_id, channel_id=call.channel_id)
    return status_blocks(captures)


def check_briefing(deps: Deps, call: BriefCall) -> None:
    """In the ack: a topic or window that cannot be read raises UsageError at once."""
    request = parse_brief(call.text)
    parse_since(request.since, default_days=deps.settings.default_since_days)


def deliver_briefing(deps: Deps, call: BriefCall, respond: Respond, client: WebClient) -> None:
    """After the ack: the text passed ``check_briefing``, so reading it again succeeds."""
    request = parse_brief(call.text)
    window = parse_since(request.since, default_days=deps.settings.default_since_days)
    try:
        briefing = brief(
            store=deps.store,
            topic=request.topic,
            now=deps.now(),
            since=window,
            team_id=call.team_id,
            channel_id=call.channel_id,
            max_stories=request.max_stories,
        )
    except BriefbotError as exc:
        blocks, fallback = error_blocks(str(exc))
        respond(blocks=blocks, text=fallback, response_type="ephemeral")
        return
    if request.public:
        try:
            deps.poster.post_briefing(
                team_id=call.team_id, channel_id=call.channel_id, briefing=briefing
            )
            return
        except PostFailed as exc:  # the poster logged Slack's error; the user hears what it means
            why = escape(str(exc))
            note = f":warning: I couldn't post it in this channel. {why} Here it is just for you:"
            respond(text=note, response_type="ephemeral")
    blocks, fallback = briefing_blocks(briefing)
    respond(blocks=blocks, text=fallback, response_type="ephemeral")


def run_topic_verb(verb: TopicVerb, call: BriefCall, respond: Respond, client: WebClient) -> None:
    """After the ack (admin checks ask Slack): the answer, or what was wrong, just for the asker."""
    try:
        reply = verb(
            team_id=call.team_id,
            user_id=call.user_id,
            channel_id=call.channel_id,
            text=call.rest,
            client=client,
        )
    except BriefbotError as exc:
        reply = f":warning: {escape(str(exc))}"
    respond(text=reply, response_type="ephemeral")
