"""The archive: what ``/brief search`` asks for, and the pages of articles it answers with.

A search is words and quoted phrases (all must appear) narrowed by filters::

    "price cap" ofgem from:capitalandgrid.example actor:"Keir Starmer" in:#markets
    after:2025-02-01 before:2025-03-01 since:30d

``from:`` takes an outlet's domain (its subdomains too) or part of its name, ``in:`` a channel
(Slack sends ``<#C123|markets>`` when it is picked from the list), ``actor:`` a stored actor's
name or alias; several ``from:`` or ``in:`` widen the search, several ``actor:`` narrow it.
Dates are days in UTC and count from when an article was *shared*, as briefings do.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.briefing.model import ArticleView
from bot.errors import UsageError

MAX_QUERY_LENGTH = 500  # it travels in a button's value (Slack: at most 2000 characters)
MAX_TERMS = 12
PAGE_SIZE = 5
SNIPPET_LENGTH = 280
SEARCH_EXAMPLE = '`/brief search "price cap" from:reuters.com in:#markets since:30d`'

_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»＂"})
_TOKEN = re.compile(
    r'(?P<key>[A-Za-z]+):(?:"(?P<quoted>[^"]*)"|(?P<value><[^<>]*>|\S+))?'
    r'|"(?P<phrase>[^"]*)"'
    r"|(?P<ref><[^<>]*>)"
    r"|(?P<word>\S+)"
)
_CHANNEL_REF = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{1,40}")
_RELATIVE = re.compile(r"(\d{1,5})([hdw]?)")
_UNITS = {"h": "hours", "d": "days", "w": "weeks", "": "days"}
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n")
FILTERS = ("from", "in", "actor", "after", "before", "since")


@dataclass(frozen=True, slots=True)
class ArchiveQuery:
    phrases: tuple[str, ...] = ()  # each must appear, its words in this order
    words: tuple[str, ...] = ()  # each must appear, anywhere
    outlets: tuple[str, ...] = ()  # any of them: a domain or part of an outlet's name
    actors: tuple[str, ...] = ()  # all of them
    channels: tuple[str, ...] = ()  # channel ids: shared in any of them
    after: datetime | None = None  # shared at or after
    before: datetime | None = None  # shared before

    @property
    def terms(self) -> tuple[str, ...]:
        """What the full-text index must find: the phrases, then the single words."""
        return self.phrases + self.words

    def describe(self) -> str:
        """The query as a person would read it back: ``"price cap" from:reuters.com``."""
        parts = [f'"{p}"' for p in self.phrases] + list(self.words)
        parts += [f"from:{o}" for o in self.outlets]
        parts += [f'actor:"{a}"' if " " in a else f"actor:{a}" for a in self.actors]
        parts += [f"in:{c}" for c in self.channels]
        if self.after is not None:
            parts.append(f"after:{self.after:%Y-%m-%d %H:%M}".removesuffix(" 00:00"))
        if self.before is not None:
            parts.append(f"before:{self.before:%Y-%m-%d}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class ArchivePage:
    query: ArchiveQuery
    articles: tuple[ArticleView, ...]  # this page, best first (most recently shared first
    # when the query has no words)
    total: int  # every match this asker may see
    page: int  # 1-based
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def first(self) -> int:
        """The 1-based number of this page's first article."""
        return (self.page - 1) * self.page_size + 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def parse_archive_query(text: str, *, now: datetime) -> ArchiveQuery:
    """Read what follows ``/brief search``; a filter that cannot be read raises UsageError."""
    text = " ".join(text.translate(_QUOTES).split())
    if not text:
        raise UsageError(f"say what to look for, e.g. {SEARCH_EXAMPLE}")
    if len(text) > MAX_QUERY_LENGTH:
        raise UsageError(f"a search is at most {MAX_QUERY_LENGTH} characters")
    if text.count('"') % 2:
        text += '"'  # a phrase left open runs to the end
    found: dict[str, list[str]] = {key: [] for key in ("phrase", "word", *FILTERS)}
    for m in _TOKEN.finditer(text):
        key = (m.group("key") or "").lower()
        if key in FILTERS:
            found[key].append((m.group("quoted") or m.group("value") or "").strip())
        elif m.group("phrase") is not None:
            found["phrase"].append(m.group("phrase"))
        elif m.group("ref") is not None:
            found["in"].append(_channel_of(m.group("ref")))
        else:
            found["word"].append(m.group(0))
    after, before = _dates(found, now)
    query = ArchiveQuery(
        phrases=_terms(found["phrase"]),
        words=_terms(w.strip('"') for w in found["word"]),
        outlets=tuple(dict.fromkeys(_outlet(v) for v in found["from"])),
        actors=tuple(dict.fromkeys(_needed(v, "actor") for v in found["actor"])),
        channels=tuple(dict.fromkeys(_channel_of(v) for v in found["in"])),
        after=after,
        before=before,
    )
    if len(query.terms) > MAX_TERMS:
        raise UsageError(f"a search takes at most {MAX_TERMS} words and phrases")
    if query == ArchiveQuery():
        raise UsageError(f"say what to look for, e.g. {SEARCH_EXAMPLE}")
    return query


def _terms(values: Iterable[str]) -> tuple[str, ...]:
    """Words or phrases that hold something to search for, each once, spacing collapsed."""
    out = (" ".join(v.split()) for v in values)
    return tuple(dict.fromkeys(v for v in out if any(c.isalnum() for c in v)))


def _needed(value: str, key: str) -> str:
    if not any(c.isalnum() for c in value):
        raise UsageError(f"`{key}:` needs a value, e.g. {SEARCH_EXAMPLE}")
    return " ".join(value.split())


def _outlet(value: str) -> str:
    """``from:https://www.Reuters.com/world`` is ``reuters.com``; ``from:baltic`` stays a name."""
    value = _needed(value, "from").lower()
    host = value.split("://", 1)[-1].split("/", 1)[0].removeprefix("www.")
    return host if "." in host else value


def _channel_of(value: str) -> str:
    m = _CHANNEL_REF.fullmatch(value)
    if m:
        return m.group(1)
    if _CHANNEL_ID.fullmatch(value):
        return value
    if value.startswith("<"):
        raise UsageError(
            f"search for words, phrases in quotes and filters, not {value!r}: {SEARCH_EXAMPLE}"
        )
    raise UsageError(
        f"I cannot tell which channel {value!r} is: pick it from the list Slack offers as you "
        "type # (or give its id, C0123ABC)"
    )


def _dates(found: dict[str, list[str]], now: datetime) -> tuple[datetime | None, datetime | None]:
    starts = [_day(v, "after") for v in found["after"]]
    starts += [now - _relative(v) for v in found["since"]]
    ends = [_day(v, "before") for v in found["before"]]
    after = max(starts) if starts else None  # several limits: the narrowest holds
    before = min(ends) if ends else None
    if after is not None and before is not None and after >= before:
        raise UsageError("nothing can be shared after that start and before that end")
    return after, before


def _day(value: str, key: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise UsageError(f"`{key}:` takes a day as 2025-02-24, not {value!r}") from None


def _relative(value: str) -> timedelta:
    m = _RELATIVE.fullmatch(value.lower())
    if not m:
        raise UsageError(f"`since:` takes a window as 12h, 30d or 8w, not {value!r}")
    window = timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
    if window > timedelta(days=3650):
        raise UsageError("`since:` reaches back ten years at most")
    return window


def snippet(article: ArticleView, query: ArchiveQuery, limit: int = SNIPPET_LENGTH) -> str:
    """Why the article matched, in its own words: the best key point that says a search
    term (or names an actor searched for), else the sentence around the first term the text
    says, else its best key point."""
    terms = [t.casefold() for t in query.terms]
    wanted = {a.casefold() for a in query.actors}
    for actor in article.actors:  # a search by actor: where the article names them
        names = {actor.name, *actor.aliases}
        if wanted & {n.casefold() for n in names}:
            terms += [n.casefold() for n in sorted(names, key=len, reverse=True)]
    title = article.title.casefold().strip(" .")
    # A point that only repeats the headline, shown above it, says nothing new.
    points = [p for p in article.key_points if p.text.casefold().strip(" .") != title]
    for point in points:
        if any(t in point.text.casefold() for t in terms):
            return clip_words(point.text, limit)
    folded = article.text.casefold()
    after_title = len(title) if title and folded.startswith(title) else 0  # text may repeat it
    hits = [i for i in (folded.find(t, after_title) for t in terms) if i >= 0]
    if hits:
        return _sentence_around(article.text, min(hits), limit)
    shown = points or article.key_points
    return clip_words(shown[0].text, limit) if shown else ""


def _sentence_around(text: str, at: int, limit: int) -> str:
    """The sentence of ``text`` holding offset ``at`` (from its start when it is short
    enough, else from a little before ``at``), at most ``limit`` characters."""
    ends = list(_SENTENCE_END.finditer(text, max(0, at - 2 * limit), at))
    start = ends[-1].end() if ends else max(0, at - 2 * limit)
    if at - start > limit // 2:  # a long sentence: from a few words before the match
        start = text.rfind(" ", 0, at - limit // 4) + 1
        return "…" + clip_words(text[start : start + limit + 40], limit - 1)
    stop = _SENTENCE_END.search(text, at)
    end = stop.start() + 1 if stop else len(text)
    return clip_words(text[start:end] if end - start <= limit else text[start:], limit)


def clip_words(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a space and ending in "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"


def render_archive_text(found: ArchivePage, *, width: int = 100) -> str:
    """A page of results for a terminal: headline, outlet and shares, where it matched, link."""
    asked = found.query.describe()
    if not found.total:
        return f"Nothing matches {asked}.\n"
    last = found.first + len(found.articles) - 1
    plural = "s" if found.total != 1 else ""
    lines = [
        f"{found.total} article{plural} match {asked} "
        f"({found.first}-{last}, page {found.page} of {found.pages})",
        "",
    ]
    for number, article in enumerate(found.articles, found.first):
        lines.append(f"{number}. {article.title or article.url}")
        meta = [article.outlet] if article.outlet else []
        if article.published_at is not None:
            meta.append(f"published {article.published_at:%d %b %Y}")
        if article.shares:
            first = min(article.shares, key=lambda sh: sh.shared_at)
            times = f", {len(article.shares)} shares" if len(article.shares) > 1 else ""
            meta.append(
                f"shared {first.shared_at:%d %b %Y %H:%M} UTC in {first.channel_id} "
                f"by {first.user_id}{times}"
            )
        lines.append("   " + " · ".join(meta))
        said = snippet(article, found.query)
        if said:
            lines += textwrap.wrap(
                f"“{said}”", width, initial_indent="   ", subsequent_indent="    "
            )
        lines += [f"   <{article.url}>", ""]
    return "\n".join(lines)
