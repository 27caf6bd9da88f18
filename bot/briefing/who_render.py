"""An actor's timeline as plain text, Markdown or JSON (Block Kit lives in handlers/who.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.briefing.model import ActorType
from bot.briefing.render import text_link, wrap
from bot.briefing.timeline import ActorProfile, Timeline, TimelineStory, WhoAnswer

TYPE_WORDS = {
    ActorType.PERSON: "person",
    ActorType.ORGANIZATION: "organisation",
    ActorType.PLACE: "place",
    ActorType.GROUP: "group",
}


def day(when: datetime) -> str:
    """ "Mon 24 Feb 2025" (UTC)."""
    return f"{when:%a} {when.day} {when:%b %Y}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe(actor: ActorProfile) -> str:
    """ "person · UK Prime Minister": the type, and the role when an article gives one."""
    return " · ".join(x for x in (TYPE_WORDS[actor.type], actor.role or "") if x)


def summary(t: Timeline) -> str:
    """ "3 articles in 2 stories, shared from Sun 23 Feb 2025 to Mon 24 Feb 2025"."""
    stories = len(t.stories) + t.omitted_stories
    counted = f"{plural(t.actor.articles, 'article')} in {plural(stories, 'story')}"
    counted = counted.replace("storys", "stories")
    if not t.stories:
        return counted
    first, last = min(s.date for s in t.stories), max(s.date for s in t.stories)
    if t.omitted_stories:
        return f"{counted}; the latest shared from {day(first)} to {day(last)}"
    when = f"on {day(first)}" if day(first) == day(last) else f"from {day(first)} to {day(last)}"
    return f"{counted}, shared {when}"


def candidate_label(c: ActorProfile) -> str:
    """ "Donald Trump (person, former President) · 5 articles"."""
    kind = ", ".join(x for x in (TYPE_WORDS[c.type], c.role or "") if x)
    return f"{c.name} ({kind}) · {plural(c.articles, 'article')}"


def not_found(answer: WhoAnswer) -> str:
    """Why there is no timeline: several answer to the name, none does, or nobody is near."""
    if answer.ambiguous:
        return f'"{answer.query}" could be more than one actor:'
    if answer.candidates:
        return f'Nobody called "{answer.query}" in what was shared here. The closest names:'
    if not answer.query:  # a button chosen from an answer, its actor gone or out of sight
        return "That actor is no longer in what was shared here."
    return f'Nobody called "{answer.query}", or close to it, in what was shared here.'


def earlier(n: int) -> str:
    return f"…and {n} earlier {'story' if n == 1 else 'stories'}"


def seen_with_label(t: Timeline) -> str:
    return " · ".join(f"{a.name} ({a.articles})" for a in t.seen_with)


def render_who_text(answer: WhoAnswer, *, width: int = 100, pick_hint: str = "") -> str:
    """The timeline, or the numbered candidates (``pick_hint``: how to choose one)."""
    t = answer.timeline
    if t is None:
        lines = [not_found(answer)]
        lines += [f"  {i}. {candidate_label(c)}" for i, c in enumerate(answer.candidates, 1)]
        if answer.candidates and pick_hint:
            lines.append(pick_hint)
        return "\n".join(lines) + "\n"
    a = t.actor
    out = [f"{a.name} · {describe(a)}"]
    if a.aliases:
        out.append("Also: " + ", ".join(a.aliases))
    out += [summary(t), ""]
    for s in t.stories:
        out.extend(_story_text(s, width))
    if t.omitted_stories:
        out += [earlier(t.omitted_stories) + ".", ""]
    if t.seen_with:
        out += wrap(f"Seen most often with: {seen_with_label(t)}", width, "", "  ")
    return "\n".join(out).rstrip() + "\n"


def _story_text(s: TimelineStory, width: int) -> list[str]:
    sources = f"  ({plural(s.sources, 'source')})" if s.sources > 1 else ""
    lines = wrap(f"{day(s.date)}  {s.headline}{sources}", width, "", "                 ")
    if s.point is not None:
        lines += wrap(f"• {s.point.text} <{text_link(s.point)}>", width, "   ", "     ")
    else:
        lines += wrap(f"<{s.url}>", width, "   ", "   ")
    return [*lines, ""]


def render_who_markdown(answer: WhoAnswer) -> str:
    t = answer.timeline
    if t is None:
        lines = [f"_{_md(not_found(answer))}_", ""]
        lines += [f"{i}. {_md(candidate_label(c))}" for i, c in enumerate(answer.candidates, 1)]
        return "\n".join(lines).rstrip() + "\n"
    a = t.actor
    out = [f"## {_md(a.name)}", "", f"_{_md(describe(a))}_" + "  "]
    if a.aliases:
        out.append("Also: " + ", ".join(_md(x) for x in a.aliases) + "  ")
    out += [_md(summary(t)), ""]
    for s in t.stories:
        sources = f" · {plural(s.sources, 'source')}" if s.sources > 1 else ""
        out.append(f"### {day(s.date)} · [{_md(s.headline)}]({s.url}){sources}")
        if s.point is not None:
            out.append(f"- {_md(s.point.text)} ([{_md(s.point.outlet)}]({s.point.link}))")
        out.append("")
    if t.omitted_stories:
        out += [f"_{earlier(t.omitted_stories)}._", ""]
    if t.seen_with:
        out.append(f"**Seen most often with:** {_md(seen_with_label(t))}")
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def who_json(answer: WhoAnswer) -> dict[str, Any]:
    def profile(p: ActorProfile) -> dict[str, Any]:
        return {
            "id": p.id,
            "name": p.name,
            "type": str(p.type),
            "role": p.role,
            "aliases": list(p.aliases),
            "articles": p.articles,
        }

    t = answer.timeline
    return {
        "query": answer.query,
        "actor": profile(t.actor) if t else None,
        "stories": [
            {
                "date": s.date.isoformat(),
                "headline": s.headline,
                "url": s.url,
                "articles": s.articles,
                "sources": s.sources,
                "key_point": (
                    {
                        "text": s.point.text,
                        "url": s.point.url,
                        "sentence_url": s.point.link if s.point.directive else None,
                        "outlet": s.point.outlet,
                    }
                    if s.point
                    else None
                ),
            }
            for s in (t.stories if t else ())
        ],
        "omitted_stories": t.omitted_stories if t else 0,
        "seen_with": [
            {"name": a.name, "type": str(a.type), "articles": a.articles, "role": a.role}
            for a in (t.seen_with if t else ())
        ],
        "candidates": [profile(c) for c in answer.candidates],
        "ambiguous": answer.ambiguous,
    }
