"""Block Kit for briefings, status and errors, as pure functions of their values.

Slack's limits hold by construction: at most 50 blocks a message, section text at most
3000 characters, header text at most 150; a long briefing ends with "and N more stories".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.briefing.model import Briefing, CitedPoint, Story
from bot.briefing.more import more_value
from bot.briefing.mrkdwn import channel, clip, cut, date, escape, link, user
from bot.briefing.render import (
    actor_label,
    heading,
    matched_label,
    more_stories,
    point_sources,
    reading_note,
    render_text,
    sources_label,
    status_tag,
    story_matched,
)
from bot.briefing.status import ArticleStatus, TextQuality
from bot.ports import Capture, FailedLink

MAX_BLOCKS = 50
SECTION_LIMIT = 3000
HEADER_LIMIT = 150
CONTEXT_LIMIT = 2000
FALLBACK_LIMIT = 3000  # the notification text: a preview, not the briefing

Block = dict[str, Any]
Reply = tuple[list[Block], str]  # (blocks, plain-text fallback)


def header(text: str) -> Block:
    """A header from raw text (plain_text is parsed for ``<!here>`` too, so it is escaped)."""
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": cut(escape(text), HEADER_LIMIT), "emoji": True},
    }


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(mrkdwn, SECTION_LIMIT)}}


def context(mrkdwn: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": cut(mrkdwn, CONTEXT_LIMIT)}],
    }


def story_blocks(number: int, story: Story) -> list[Block]:
    tag = f"  `{status_tag(story)}`" if status_tag(story) else ""
    note = f" · _{escape(reading_note(story))}_" if reading_note(story) else ""
    headline = link(story.url, clip(story.headline, 300))
    lines = [f"*{number}. {headline}*{tag}  _{sources_label(story)}_{note}"]
    lines += [point_line(p) for p in story.points]
    blocks = [section(_fit_lines(lines))]
    who = " · ".join(escape(actor_label(a)) for a in story.actors)
    meta = " | ".join(x for x in (f"Who: {who}" if who else "", shared_line(story)) if x)
    if meta:
        blocks.append(context(meta))
    if matched := story_matched(story):  # why it is here, in small print
        blocks.append(context(escape(matched)))
    return blocks


def point_line(p: CitedPoint) -> str:
    """ "• The sentence. (<url|Outlet A>) _3 sources_": the count only when others agree."""
    count = f" _{escape(point_sources(p))}_" if point_sources(p) else ""
    return f"• {escape(p.text)} ({link(p.link, p.outlet or 'source')}){count}"


def shared_line(story: Story) -> str:
    """ "Shared by @ana, @ben in #world, Tue 09:12" (the time in each reader's own zone)."""
    shares = sorted((sh for a in story.articles for sh in a.shares), key=lambda sh: sh.shared_at)
    users = list(dict.fromkeys(user(sh.user_id) for sh in shares if user(sh.user_id)))
    if not users:
        return ""
    first = shares[0]
    where = f" in {channel(first.channel_id)}" if first.channel_id[:1] in ("C", "G") else ""
    when = date(
        int(first.shared_at.timestamp()),
        "{date_short_pretty} {time}",
        f"{first.shared_at:%a %d %b %H:%M} UTC",
    )
    more = f" and {len(users) - 5} more" if len(users) > 5 else ""
    return "Shared by " + ", ".join(users[:5]) + more + where + ", " + when


def _fit_lines(lines: list[str]) -> str:
    """Whole lines up to the section limit: a key point is never cut mid-sentence."""
    out: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > SECTION_LIMIT:
            continue  # skip only the line that does not fit; shorter ones after it may
        out.append(line)
        size += len(line) + 1
    return "\n".join(out) if out else cut(lines[0], SECTION_LIMIT)


MORE_STORIES = "briefing_more"  # the action of the "More stories" button


def briefing_blocks(briefing: Briefing, *, title: str | None = None) -> Reply:
    """(blocks, plain-text fallback) for a briefing, within Slack's limits. The stories it
    leaves out are counted, with a "More stories" button that shows them; the rest of a
    briefing (``first`` > 1) comes without the header's summary and the footer."""
    # The fallback shows in notifications: escaped too, so a hostile title cannot @channel.
    fallback = cut(escape(render_text(briefing)), FALLBACK_LIMIT)
    if briefing.is_empty:
        return [section(f"_{escape(briefing.empty_message)}_")], escape(briefing.empty_message)
    rest = briefing.first > 1
    name = title or heading(briefing).split(" · ")[0]
    blocks: list[Block] = [header(f"{name}: more stories" if rest else name)]
    blocks.append(context(escape(_rest_heading(briefing) if rest else heading(briefing))))
    footer = [] if rest else _footer(briefing)
    shown = 0
    for i, story in enumerate(briefing.stories, briefing.first):
        part = [{"type": "divider"}, *story_blocks(i, story)]
        if len(blocks) + len(part) + len(footer) + 2 > MAX_BLOCKS:
            break
        blocks += part
        shown += 1
    more = briefing.omitted_stories + len(briefing.stories) - shown
    if more:
        blocks += _more_blocks(briefing, more, briefing.first - 1 + shown)
    return blocks + footer, fallback


def _rest_heading(b: Briefing) -> str:
    """ "Stories 6–9 of 9" for the rest of a briefing."""
    last = b.first + len(b.stories) - 1
    return f"Stories {b.first}–{last} of {last + b.omitted_stories}"


def _more_blocks(briefing: Briefing, more: int, shown: int) -> list[Block]:
    """ "…and 4 more stories", and the button that shows them (when they can be asked for)."""
    value = more_value(briefing.asked, shown) if briefing.asked is not None else None
    if value is None:
        return [context(more_stories(more))]
    button = {
        "type": "button",
        "action_id": MORE_STORIES,
        "text": {"type": "plain_text", "text": "More stories"},
        "value": value,
    }
    return [context(more_stories(more)), {"type": "actions", "elements": [button]}]


def _footer(b: Briefing) -> list[Block]:
    parts = []
    if b.leading_actors:
        parts.append(
            "*Who is involved:* "
            + " · ".join(f"{escape(a.name)} ({a.articles})" for a in b.leading_actors)
        )
    if b.new_actors:
        parts.append("*New to this topic:* " + ", ".join(escape(n) for n in b.new_actors))
    if b.matched:
        parts.append("Matched: " + ", ".join(escape(matched_label(m)) for m in b.matched))
    return [{"type": "divider"}, context("\n".join(parts))] if parts else []


READ_IN_PART = {
    TextQuality.PARTIAL: " — read in part (a teaser, or a page too long to read whole)",
    TextQuality.METADATA: " — only its description could be read",
}


def status_blocks(captures: list[Capture]) -> Reply:
    if not captures:
        msg = "No links have been captured in this channel yet. Share an article link and I'll read it."
        return [section(msg)], msg
    lines = []
    for c in captures[:20]:
        mark = {
            ArticleStatus.DONE: "✅",
            ArticleStatus.PENDING: "⏳",
            ArticleStatus.FAILED: "⚠️",
        }.get(c.status, "•")
        label = c.title or c.url
        why = (
            f" — {escape(c.failure_reason)}"
            if c.status == ArticleStatus.FAILED and c.failure_reason
            else f" — {escape(c.note)}"
            if c.status == ArticleStatus.DONE and c.note
            else READ_IN_PART.get(c.quality, "")
            if c.status == ArticleStatus.DONE and c.quality is not None
            else ""
        )
        lines.append(f"{mark} {link(c.url, clip(label, 120))} {user(c.user_id)}{why}")
    failed = sum(c.status == ArticleStatus.FAILED for c in captures)
    links = f"{len(captures)} {'link' if len(captures) == 1 else 'links'}"
    head = f"*Recent captures in this channel* ({links}, {failed} failed)"
    text = cut(head + "\n" + "\n".join(lines), FALLBACK_LIMIT)
    return [section(head), section(_fit_lines(lines))], text


def error_blocks(message: str) -> Reply:
    """A user-facing error (``str(BriefbotError)``, which may quote what the user typed)."""
    text = f":warning: {escape(message)}"
    return [section(text)], text


def failure_note(url: str, reason: str | None) -> str:
    """What the person who shared a link hears when it cannot be read."""
    return (
        f"I couldn't read {link(url)}: {escape(reason or 'unknown reason')}. "
        "It won't appear in briefings."
    )


NOTE_LINKS = 20  # links one failure note lists; the rest are counted


def failure_notice(links: Sequence[FailedLink]) -> str:
    """The one note about a message's links that could not be read: each of them, and why."""
    if len(links) == 1:
        return failure_note(links[0].url, links[0].reason)
    lines = [f"• {link(f.url)}: {escape(f.reason)}" for f in links[:NOTE_LINKS]]
    if len(links) > NOTE_LINKS:
        lines.append(f"…and {len(links) - NOTE_LINKS} more")
    head = f"I couldn't read {len(links)} of the links you shared; they won't appear in briefings:"
    return cut("\n".join([head, *lines]), FALLBACK_LIMIT)
