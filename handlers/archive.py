"""`/brief search`: the archive in Slack, a page at a time, answered only to the asker.

The *Previous* and *Next* buttons carry the search and the page in their value; a click
searches again as the person who clicked, from the channel the message is in, so the
buttons can never show more than a new `/brief search` there would.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.briefing.archive import ArchivePage, clip_words, parse_archive_query, snippet
from bot.briefing.model import ArticleView
from bot.briefing.mrkdwn import channel, date, escape, link, user
from bot.errors import BriefbotError
from bot.services.archive import search_archive
from handlers.blocks import Block, Reply, context, error_blocks, section
from handlers.commands import BriefCall
from handlers.context import Deps, just_ack
from handlers.errors import reported

PAGE_ACTIONS = ("archive_page_previous", "archive_page_next")


def check_search(deps: Deps, call: BriefCall) -> None:
    """In the ack: a search that cannot be read is answered with the usage at once."""
    parse_archive_query(call.rest, now=deps.now())


def deliver_search(deps: Deps, call: BriefCall, respond: Respond, client: WebClient) -> None:
    answer_page(
        deps, respond, text=call.rest, page=1, team_id=call.team_id, channel_id=call.channel_id
    )


def answer_page(
    deps: Deps,
    respond: Respond,
    *,
    text: str,
    page: int,
    team_id: str,
    channel_id: str,
    replace: bool = False,
) -> None:
    try:
        found = search_archive(
            store=deps.store,
            text=text,
            now=deps.now(),
            team_id=team_id,
            channel_id=channel_id,
            page=page,
        )
        blocks, fallback = search_blocks(found, text)
    except BriefbotError as exc:
        blocks, fallback = error_blocks(str(exc))
    respond(blocks=blocks, text=fallback, response_type="ephemeral", replace_original=replace)


def register(app: App, deps: Deps) -> None:
    @reported
    def turn_page(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        wanted = page_of(action.get("value"))
        if wanted is None:
            return
        text, page = wanted
        where = body.get("channel") or {}
        answer_page(
            deps,
            respond,
            text=text,
            page=page,
            team_id=str((body.get("team") or {}).get("id") or body.get("team_id") or ""),
            channel_id=str(
                where.get("id") or (body.get("container") or {}).get("channel_id") or ""
            ),
            replace=True,
        )

    for action_id in PAGE_ACTIONS:
        app.action(action_id)(ack=just_ack, lazy=[turn_page])


def page_value(text: str, page: int) -> str:
    return json.dumps({"q": text, "p": page}, ensure_ascii=False, separators=(",", ":"))


def page_of(value: object) -> tuple[str, int] | None:
    """The (search, page) a button carries; None for anything Briefbot did not build."""
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    text, page = data.get("q"), data.get("p")
    if isinstance(text, str) and isinstance(page, int) and not isinstance(page, bool):
        return text, page
    return None


def search_blocks(found: ArchivePage, text: str) -> Reply:
    """The page's articles, each with where it matched and where it was shared, and the
    buttons to the pages around it."""
    asked = escape(clip_words(found.query.describe(), 200))
    if not found.total:
        msg = f"Nothing you can see here matches `{asked}`. Try fewer words, or drop a filter."
        return [section(msg)], msg
    last = found.first + len(found.articles) - 1
    head = f"*{found.total} article{'s' if found.total != 1 else ''}* match `{asked}`"
    if found.pages > 1:
        head += f" · {found.first}–{last}, page {found.page} of {found.pages}"
    blocks: list[Block] = [section(head)]
    lines = [head]
    for number, article in enumerate(found.articles, found.first):
        blocks += hit_blocks(number, article, found)
        lines.append(f"{number}. {escape(article.title or article.url)}")
    buttons = _buttons(found, text)
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return blocks, "\n".join(lines)


def hit_blocks(number: int, article: ArticleView, found: ArchivePage) -> list[Block]:
    title = link(article.url, clip_words(article.title or article.url, 250))
    said = snippet(article, found.query)
    body = f"*{number}. {title}*" + (f"\n> {escape(said)}" if said else "")
    return [section(body), context(meta_line(article))]


def meta_line(article: ArticleView) -> str:
    """ "Capital & Grid · published 25 Feb 2025 · shared by @ben in #markets, <date>" """
    parts = [escape(article.outlet)] if article.outlet else []
    if article.published_at is not None:
        parts.append(f"published {article.published_at:%d %b %Y}")
    if article.shares:
        first = min(article.shares, key=lambda sh: sh.shared_at)
        at = first.shared_at
        when = date(int(at.timestamp()), "{date_short}", f"{at:%d %b %Y}")
        who = user(first.user_id)
        by = f" by {who}" if who else ""
        more = f" (shared {len(article.shares)} times)" if len(article.shares) > 1 else ""
        parts.append(f"shared {when}{by} in {channel(first.channel_id)}{more}")
    return " · ".join(parts)


def _buttons(found: ArchivePage, text: str) -> list[Block]:
    out: list[Block] = []
    if found.has_previous:
        out.append(_button("‹ Previous", PAGE_ACTIONS[0], page_value(text, found.page - 1)))
    if found.has_next:
        out.append(_button("Next ›", PAGE_ACTIONS[1], page_value(text, found.page + 1)))
    return out


def _button(label: str, action_id: str, value: str) -> Block:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value,
    }
