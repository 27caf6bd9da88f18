"""A Briefing as plain text, Markdown or JSON (Block Kit lives in handlers/blocks.py)."""

from __future__ import annotations

import textwrap
from typing import Any

from bot.briefing.corroboration import SHOWN_FROM
from bot.briefing.model import ActorCount, Briefing, CitedPoint, Story
from bot.briefing.status import AnalysisStatus, TextQuality

# A key point's link keeps its text fragment in text output while the whole link is at most
# this long (two 80-column lines): text goes to terminals, files and mail, where a longer
# link is the kind that copying by hand and re-wrapping break. The article's plain URL,
# which a longer one falls back to, opens the same article, only not at the sentence.
TEXT_LINK_LIMIT = 160
MATCHED_PER_STORY = 6


def heading(b: Briefing) -> str:
    if b.is_empty:
        return b.topic.capitalize() if b.topic.islower() else b.topic
    stories = b.first - 1 + len(b.stories) + b.omitted_stories
    days = max(1, round((b.until - b.since).total_seconds() / 86400))
    return (
        f"{title_case(b.topic)} · {stories} {'story' if stories == 1 else 'stories'} from "
        f"{b.article_count} {'article' if b.article_count == 1 else 'articles'} shared in the last "
        f"{'day' if days == 1 else f'{days} days'}"
    )


def title_case(topic: str) -> str:
    return topic[:1].upper() + topic[1:] if topic.islower() else topic


def actor_label(a: ActorCount) -> str:
    """ "Emmanuel Macron (French President)", or the bare name when no article gives a role."""
    return a.name + (f" ({a.role})" if a.role else "")


def matched_label(term: str) -> str:
    """Search terms are lower-case and shown quoted; actor names are shown as they are."""
    return f'"{term[:1].upper()}{term[1:]}"' if term.islower() else term


def text_link(p: CitedPoint) -> str:
    """The point's link for text output: at the sentence when it is short enough."""
    return p.link if len(p.link) <= TEXT_LINK_LIMIT else p.url


def story_matched(s: Story) -> str:
    """ "Matched: "Ukraine", Volodymyr Zelensky": why this story is in the briefing."""
    if not s.matched:
        return ""
    return "Matched: " + ", ".join(matched_label(m) for m in s.matched[:MATCHED_PER_STORY])


def more_stories(n: int) -> str:
    return f"…and {n} more {'story' if n == 1 else 'stories'}"


def status_tag(s: Story) -> str:
    return s.status.upper()


def sources_label(s: Story) -> str:
    return f"{s.sources} source{'s' if s.sources != 1 else ''}"


def point_sources(p: CitedPoint) -> str:
    """ "3 sources" when other outlets state the point's fact too; "" when only its own does."""
    return f"{p.sources} sources" if p.sources >= SHOWN_FROM else ""


def reading_note(s: Story) -> str:
    """What the reader is missing when no article of the story could be read in full, or
    analysed: in a language without a pipeline it has no key points and no actors."""
    if s.articles and all(a.analysis is not AnalysisStatus.ANALYSED for a in s.articles):
        languages = ", ".join(sorted({a.language or "unknown" for a in s.articles}))
        return s.articles[0].analysis.note(languages)
    several = len(s.articles) > 1
    if s.reading is TextQuality.PARTIAL:
        return f"read in part: the full {'articles' if several else 'article'} could not be read"
    if s.reading is TextQuality.METADATA:
        return "headlines and summaries only" if several else "headline and summary only"
    return ""


def render_text(b: Briefing, *, width: int = 100) -> str:
    """The briefing as plain text, ending with a newline like every line of it."""
    if b.is_empty:
        return b.empty_message + "\n"
    out = [heading(b), ""]
    for i, s in enumerate(b.stories, b.first):
        out.extend(_story_text(i, s, width))
        out.append("")
    if b.omitted_stories:
        out.extend([f"{more_stories(b.omitted_stories)}.", ""])
    out.extend(_footer(b, width))
    return "\n".join(out).rstrip() + "\n"


def _story_text(number: int, s: Story, width: int) -> list[str]:
    tag = f"  [{status_tag(s)}]" if status_tag(s) else ""
    lines = [f"{number}. {s.headline}{tag}  ({sources_label(s)})"]
    if note := reading_note(s):  # beside the headline, or whole on the line below it
        if len(lines[-1]) + len(note) + 4 <= width:
            lines[-1] += f"  ({note})"
        else:
            lines.extend(wrap(f"({note})", width, "   ", "    "))
    for p in s.points:
        count = f" ({point_sources(p)})" if point_sources(p) else ""
        lines.extend(wrap(f"• {p.text}{count} <{text_link(p)}>", width, "   ", "     "))
    if s.actors:
        who = " · ".join(actor_label(a) for a in s.actors)
        lines.extend(wrap(f"Who: {who}", width, "   ", "        "))
    if matched := story_matched(s):
        lines.extend(wrap(matched, width, "   ", "            "))
    return lines


def wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """Wrapped lines that never break a link or a hyphenated name."""
    return textwrap.wrap(
        text,
        width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _footer(b: Briefing, width: int) -> list[str]:
    lines = []
    if b.leading_actors:
        who = " · ".join(f"{a.name} ({a.articles})" for a in b.leading_actors)
        lines += wrap(f"Who is involved: {who}", width, "", "  ")
    if b.new_actors:
        lines.append("New to this topic: " + ", ".join(b.new_actors))
    if b.matched:
        lines.append("Matched: " + ", ".join(matched_label(m) for m in b.matched))
    return lines


def render_markdown(b: Briefing) -> str:
    if b.is_empty:
        return f"_{b.empty_message}_\n"
    out = [f"## {heading(b)}", ""]
    for i, s in enumerate(b.stories, b.first):
        tag = f" **{status_tag(s)}**" if status_tag(s) else ""
        note = f" · _{reading_note(s)}_" if reading_note(s) else ""
        out.append(f"### {i}. [{_md(s.headline)}]({s.url}){tag} · {sources_label(s)}{note}")
        for p in s.points:
            count = f" _{point_sources(p)}_" if point_sources(p) else ""
            out.append(f"- {_md(p.text)} ([{_md(p.outlet)}]({p.link})){count}")
        if s.actors:
            out.append(f"\n*Who:* {' · '.join(_md(actor_label(a)) for a in s.actors)}")
        if matched := story_matched(s):
            out.append(f"\n_{_md(matched)}_")
        out.append("")
    if b.omitted_stories:
        out.extend([f"_{more_stories(b.omitted_stories)}._", ""])
    if b.leading_actors:
        out.append(
            "**Who is involved:** "
            + " · ".join(f"{_md(a.name)} ({a.articles})" for a in b.leading_actors)
        )
    if b.new_actors:
        out.append("\n**New to this topic:** " + ", ".join(_md(n) for n in b.new_actors))
    if b.matched:
        out.append("\n_Matched: " + ", ".join(_md(matched_label(m)) for m in b.matched) + "_")
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def briefing_json(b: Briefing) -> dict[str, Any]:
    def actor(a: ActorCount) -> dict[str, Any]:
        return {"name": a.name, "type": str(a.type), "articles": a.articles, "role": a.role}

    return {
        "topic": b.topic,
        "since": b.since.isoformat(),
        "until": b.until.isoformat(),
        "article_count": b.article_count,
        "empty_message": b.empty_message or None,
        "stories": [
            {
                "headline": s.headline,
                "url": s.url,
                "status": s.status or None,
                "sources": s.sources,
                "reading": str(s.reading),
                "reading_note": reading_note(s) or None,
                "articles": [
                    {
                        "id": a.id,
                        "url": a.url,
                        "title": a.title,
                        "outlet": a.outlet,
                        "published_at": a.published_at.isoformat() if a.published_at else None,
                        "first_shared_at": a.first_shared_at.isoformat(),
                        "matched": list(a.matched),
                    }
                    for a in s.articles
                ],
                "key_points": [
                    {
                        "text": p.text,
                        "url": p.url,
                        "sentence_url": p.link if p.directive else None,
                        "outlet": p.outlet,
                        "sources": p.sources,
                    }
                    for p in s.points
                ],
                "matched": list(s.matched),
                "actors": [actor(a) for a in s.actors],
                "shared_by": list(s.shared_by),
            }
            for s in b.stories
        ],
        "omitted_stories": b.omitted_stories,
        "leading_actors": [actor(a) for a in b.leading_actors],
        "new_actors": list(b.new_actors),
        "matched": list(b.matched),
    }
