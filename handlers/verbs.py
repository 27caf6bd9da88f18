"""`/brief` and its verbs: one registry drives dispatch, the help and App Home's "How to use".

A verb answers inside the ack when it can (help, status, a topic that cannot be read);
otherwise the ack goes back empty and its ``later`` answers through ``respond``, in a Bolt
lazy listener.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.briefing.mrkdwn import escape
from bot.errors import UsageError
from handlers.archive import check_search, deliver_search
from handlers.blocks import Block, Reply, context, section
from handlers.commands import (
    BriefCall,
    check_briefing,
    deliver_briefing,
    run_topic_verb,
    status_reply,
)
from handlers.context import Deps
from handlers.errors import reported
from handlers.ports import FollowedTopics, TopicVerb
from handlers.poster import ReplyPath
from handlers.stats import stats_later
from handlers.trend import check_trend, deliver_trend
from handlers.who import check_who, deliver_who


class Usage(NamedTuple):
    example: str
    summary: str  # one line


Answer = Callable[[Deps, BriefCall], Reply | None]  # None: ``later`` answers after the ack
Later = Callable[[Deps, BriefCall, Respond, WebClient], None]


@dataclass(frozen=True, slots=True)
class Verb:
    name: str
    usage: tuple[Usage, ...]  # shown in the help and App Home, in registry order
    answer: Answer
    later: Later | None = None
    aliases: tuple[str, ...] = ()


def _after_the_ack(deps: Deps, call: BriefCall) -> None:
    return None


def _help(deps: Deps, call: BriefCall) -> Reply:
    return help_blocks()


def _topic_verb(pick: Callable[[FollowedTopics], TopicVerb]) -> Later:
    def later(deps: Deps, call: BriefCall, respond: Respond, client: WebClient) -> None:
        run_topic_verb(pick(deps.topics), call, respond, client)

    return later


TOPIC_BRIEFING = Verb(  # any first word that is not a verb starts a topic
    "briefing",
    (
        Usage("`/brief ukraine`", "a briefing on a topic, just for you (last 7 days)"),
        Usage("`/brief ukraine public`", "the same, posted in this channel"),
        Usage("`/brief ukraine since 3d`", "another window: 12h, 3d, 2w"),
        Usage("`/brief ukraine all`", "every story, not only the first five"),
    ),
    check_briefing,
    deliver_briefing,
)
BRIEF_VERBS = (
    TOPIC_BRIEFING,
    Verb("help", (), _help, aliases=("?", "usage", "")),  # "": `/brief` alone
    Verb(
        "status",
        (Usage("`/brief status`", "links captured in this channel lately, and any that failed"),),
        status_reply,
    ),
    Verb(
        "stats",
        (Usage("`/brief stats`", "admins: links, failures, topics and briefings here"),),
        _after_the_ack,
        stats_later,
    ),
    Verb(
        "search",
        (
            Usage(
                '`/brief search "price cap" from:reuters.com in:#markets since:30d`',
                "every article shared here: words, phrases, outlet, `actor:`, channel, "
                "`after:`/`before:` days",
            ),
        ),
        check_search,
        deliver_search,
    ),
    Verb(
        "trend",
        (Usage("`/brief trend ukraine 12w`", "a chart of the topic's articles per week, here"),),
        check_trend,
        deliver_trend,
    ),
    Verb(
        "who",
        (Usage("`/brief who Keir Starmer`", "an actor's timeline: the stories shared about them"),),
        check_who,
        deliver_who,
    ),
    Verb(
        "topics",
        (Usage("`/brief topics`", "topics the team follows, with their schedules"),),
        _after_the_ack,
        _topic_verb(lambda topics: topics.topics),
    ),
    Verb(
        "follow",
        (
            Usage(
                "`/brief follow energy prices at 07:30,13:00 on mon-fri tz Europe/London in #news`",
                "admins: a scheduled briefing, at one or more times (`daily` for every day)",
            ),
        ),
        _after_the_ack,
        _topic_verb(lambda topics: topics.follow),
    ),
    Verb(
        "unfollow",
        (
            Usage(
                "`/brief unfollow energy prices in #news`",
                "admins: stop a scheduled briefing there (`everywhere`: in every channel)",
            ),
        ),
        _after_the_ack,
        _topic_verb(lambda topics: topics.unfollow),
    ),
    Verb(
        "digest",
        (
            Usage(
                "`/brief digest daily|weekly|off`", "admins: a digest of what this channel shared"
            ),
        ),
        _after_the_ack,
        _topic_verb(lambda topics: topics.digest),
    ),
)
MENTION = Usage("`@Briefbot ukraine`", "ask in a thread, the answer stays there")
_BY_WORD = {
    word: verb
    for verb in BRIEF_VERBS
    if verb is not TOPIC_BRIEFING
    for word in (verb.name, *verb.aliases)
}


def find_verb(word: str) -> Verb:
    return _BY_WORD.get(word.lower(), TOPIC_BRIEFING)


def usage() -> list[Usage]:
    return [line for verb in BRIEF_VERBS for line in verb.usage] + [MENTION]


def help_blocks(note: str = "") -> Reply:
    """The usage, after ``note`` (raw text: an error may quote what the user typed)."""
    text = "\n".join(f"{line.example}  {line.summary}" for line in usage())
    intro = "*Briefbot* turns the links your team shares into sourced briefings."
    said = f"{escape(note)}\n" if note else ""
    blocks: list[Block] = [section(said + intro)]
    blocks.append(section(text))
    blocks.append(
        context("Every key point links to the article it comes from. Nothing leaves your servers.")
    )
    return blocks, said + text


ANSWER_LATER = "brief_answer_later"  # set in the ack; Bolt copies the context to the lazy run


def register(app: App, deps: Deps) -> None:
    def ack_brief(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        call = BriefCall.of(command)
        verb = find_verb(call.verb)
        try:
            reply = verb.answer(deps, call)
        except UsageError as exc:
            reply = help_blocks(note=f"{exc}.")
        if reply is None:
            context[ANSWER_LATER] = True
            ack()
            return
        blocks, fallback = reply
        ack(blocks=blocks, text=fallback, response_type="ephemeral")

    @reported
    def answer_brief(
        body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        call = BriefCall.of(body)  # a slash command's body is the command
        later = find_verb(call.verb).later
        if context.get(ANSWER_LATER) and later is not None:
            path = ReplyPath(respond, client, channel_id=call.channel_id, user_id=call.user_id)
            later(deps, call, path, client)

    app.command("/brief")(ack=ack_brief, lazy=[answer_brief])
