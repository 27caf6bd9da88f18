"""The article as data inside its page: schema.org JSON-LD, and the scripts apps hydrate from.

A page built by a JavaScript framework may render nothing until its scripts run, yet carry
its article as data: JSON-LD (``articleBody``, ``isAccessibleForFree``), or the state the
app starts from (Next.js's ``<script id="__NEXT_DATA__">``, ``application/json`` scripts,
``window.__INITIAL_STATE__ = {...}``). The state holds many strings (menus, teasers of
other stories, settings); the article is the longest run of prose in it, preferring one
filed under a headline like the page's own. Pure over strings, and bounded: at most
``MAX_DATA_CHARS`` of data is kept and ``MAX_NODES`` values looked at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_DATA_CHARS = 4_000_000  # of data scripts, all together
MAX_NODES = 300_000  # JSON values looked at, all blobs together
MIN_BODY_WORDS = 40  # fewer words than this is a summary or a label, not an article body
MIN_STRING = 200  # characters: shorter strings are titles, captions and labels
HEADLINE_MATCH = 0.6  # share of a headline's words the page's title must have to be its own

_BULK = re.compile(r"<(script|style)\b([^<>]{0,2000})>|<!--", re.IGNORECASE)
_CLOSE = {
    "script": re.compile(r"</script\s*>", re.IGNORECASE),
    "style": re.compile(r"</style\s*>", re.IGNORECASE),
}
_DATA_IDS = re.compile(r"""id\s*=\s*["']?(__NEXT_DATA__|__NUXT_DATA__|__APOLLO_STATE__)""", re.I)
_STATE = re.compile(r"^\s*(?:window|self)\.__[A-Z_]+__\s*=\s*(?=[{\[])")
_WORD = re.compile(r"\w+")
_BLOCK_END = re.compile(r"(?i)</(p|div|h[1-6]|li|blockquote|section)\s*>|<br\s*/?>")
_TEXT_KEYS = ("text", "content", "html", "value", "body", "plaintext", "markup")
_LINK_KEYS = frozenset({"url", "href", "link", "slug", "permalink", "canonical_url", "path"})
_TITLE_KEY = re.compile(r"(?i)headline|title")


@dataclass(frozen=True, slots=True)
class Stripped:
    """A page without its comments, styles and scripts (but JSON-LD, kept to be read)."""

    markup: str
    data: list[str] = field(default_factory=list)  # the JSON its data scripts hold
    scripts: int = 0  # scripts of code it runs (an app that renders the page itself)


@dataclass(frozen=True, slots=True)
class JsonLd:
    """What a page's JSON-LD says of its article."""

    bodies: list[str] = field(default_factory=list)  # articleBody, normalised
    paywalled: bool = False  # isAccessibleForFree false, for the article or a part of it
    word_count: int | None = None  # wordCount, when it is given


def strip_scripts(html: str) -> Stripped:
    """``html`` without comments, styles and scripts, none of which holds article text, so
    that inline code does not use up the reader's budget; the data scripts are kept aside.
    One pass: an element left open runs to the end of the page, as in a browser."""
    kept: list[str] = []
    data: list[str] = []
    scripts = 0
    room = MAX_DATA_CHARS
    pos = 0
    while (found := _BULK.search(html, pos)) is not None:
        if found.group(0) == "<!--":
            end = html.find("-->", found.end())
            stop = len(html) if end < 0 else end + 3
        else:
            close = _CLOSE[found.group(1).lower()].search(html, found.end())
            stop, inner = (len(html), len(html)) if close is None else (close.end(), close.start())
            attrs = found.group(2)
            if "ld+json" in attrs.lower():  # the structured copy: read, so kept
                kept.append(html[pos:stop])
                pos = stop
                continue
            if found.group(1).lower() == "script":
                blob = _data_blob(attrs, html[found.end() : inner])
                if blob is None:
                    scripts += 1
                elif len(blob) <= room:
                    data.append(blob)
                    room -= len(blob)
        kept.append(html[pos : found.start()])
        pos = stop
    kept.append(html[pos:])
    return Stripped("".join(kept), data, scripts)


def _data_blob(attrs: str, content: str) -> str | None:
    """The JSON a script holds as data, or None for a script of code."""
    lowered = attrs.lower()
    if "application/json" in lowered or _DATA_IDS.search(attrs):
        return content.strip()
    state = _STATE.match(content)
    if state is not None and "src=" not in lowered:
        return content[state.end() :].strip().rstrip(";")
    return None


def read_json_ld(html: str) -> JsonLd:
    bodies: list[str] = []
    paywalled, word_count = False, None
    for block in _json_ld_blocks(html):
        try:
            data = json.loads(block.strip())
        except (ValueError, RecursionError):
            continue
        for item in _dicts(data, limit=2_000):
            body = item.get("articleBody")
            if isinstance(body, str) and body.strip() and len(bodies) < 20:
                bodies.append(normalise_body(body))
            paywalled = paywalled or _not_free(item.get("isAccessibleForFree"))
            count = item.get("wordCount")
            if word_count is None and isinstance(count, int | str) and str(count).isdigit():
                word_count = int(count)
    return JsonLd([b for b in bodies if b], paywalled, word_count)


def _not_free(value: object) -> bool:
    if isinstance(value, bool):
        return not value
    return isinstance(value, str) and value.strip().lower() in ("false", "no", "0")


def _json_ld_blocks(html: str) -> list[str]:
    """The text of each ``<script type="application/ld+json">`` of the page."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # lxml on hostile markup: no structured copy
        return []
    scripts = tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')
    return [script.text or "" for script in scripts]


def _dicts(data: object, *, limit: int) -> Iterator[dict[str, Any]]:
    """Every object inside ``data``, at most ``limit`` values looked at (no recursion)."""
    stack = [data]
    while stack and limit > 0:
        limit -= 1
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))


def normalise_body(body: str) -> str:
    """A body as lines of text: markup read as text, one paragraph a line."""
    if "<" in body and ">" in body:  # some sites put HTML in articleBody
        body = _markup_text(_BLOCK_END.sub("\n", body))
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in body.splitlines())
    return "\n".join(line for line in lines if line)


def _markup_text(fragment: str) -> str:
    """The text of an HTML fragment, its tags read as spaces (line breaks stay as written)."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # not markup after all: keep it as it is
        return fragment
    return " ".join(root.itertext())


def hydration_body(data: Sequence[str], title: str | None) -> str:
    """The article body in a page's data scripts: the longest prose, preferring one filed
    under a headline like ``title``; "" when there is none."""
    budget = [MAX_NODES]
    found: list[tuple[str, bool]] = []
    for blob in data:
        try:
            value = json.loads(blob)
        except (ValueError, RecursionError):
            continue
        found.extend(_bodies(value, _words(title or ""), budget))
        if budget[0] <= 0:
            break
    own = [text for text, under_title in found if under_title]
    return max(own or [text for text, _ in found], key=len, default="")


def _bodies(value: object, title: set[str], budget: list[int]) -> Iterator[tuple[str, bool]]:
    """(prose, filed under the page's headline) for each string or list of pieces that
    reads as an article body, outside the teasers of other stories."""
    stack: list[tuple[object, bool]] = [(value, False)]
    while stack and budget[0] > 0:
        budget[0] -= 1
        item, under_title = stack.pop()
        if isinstance(item, dict):
            if not under_title:
                under_title = _headline_of(item, title)
                if not under_title and _LINK_KEYS & item.keys() and _headline_of(item, None):
                    continue  # a link to another story, with its headline and summary
            stack.extend((v, under_title) for v in item.values() if not isinstance(v, int))
        elif isinstance(item, list):
            text = _joined(item)
            if text:
                yield text, under_title
            stack.extend((v, under_title) for v in item if isinstance(v, dict | list | str))
        elif isinstance(item, str) and len(item) >= MIN_STRING:
            text = normalise_body(item)
            if _prose(text):
                yield text, under_title


def _headline_of(item: dict[str, Any], title: set[str] | None) -> bool:
    """Whether ``item`` has a headline; with ``title``, one like the page's own title."""
    for key, value in item.items():
        if isinstance(value, str) and _TITLE_KEY.search(key) and 0 < len(value) < 300:
            if title is None:
                return True
            words = _words(value)
            if title and words and len(words & title) >= HEADLINE_MATCH * len(words):
                return True
    return False


def _joined(items: list[Any]) -> str:
    """A list of paragraphs (strings, or blocks holding their text) as one body, "" when
    it is no body: fewer than two pieces, or a list of links (other stories)."""
    if len(items) < 2 or len(items) > 5_000:
        return ""
    blocks = [i for i in items if isinstance(i, dict)]
    if blocks and sum(1 for b in blocks if _LINK_KEYS & b.keys()) > len(blocks) / 2:
        return ""
    pieces = [p for p in (_piece_text(i, 3) for i in items) if p]
    if len(pieces) < 2:
        return ""
    text = normalise_body("\n".join(pieces))
    return text if _prose(text) else ""


def _piece_text(item: object, depth: int) -> str:
    if isinstance(item, str):
        return item
    if depth <= 0:
        return ""
    if isinstance(item, dict):
        for key in _TEXT_KEYS:
            if isinstance(item.get(key), str):
                return str(item[key])
        inner = [v for k, v in item.items() if isinstance(v, dict | list) and k != "attrs"]
        glue = "" if "children" in item else " "  # rich-text spans carry their own spaces
        return glue.join(_piece_text(v, depth - 1) for v in inner).strip()
    if isinstance(item, list):
        return "".join(_piece_text(v, depth - 1) for v in item[:200])
    return ""


def _prose(text: str) -> bool:
    """Whether ``text`` reads as sentences a person wrote, not code, data or a list of names."""
    words = _WORD.findall(text)
    if len(words) < MIN_BODY_WORDS or len(re.findall(r"[.!?][\"'”’)]?(\s|$)", text)) < 2:
        return False
    letters = sum(ch.isalpha() for ch in text)
    visible = sum(not ch.isspace() for ch in text)
    code = sum(text.count(mark) for mark in "{}<>=|\\")
    long_tokens = sum(1 for w in text.split() if len(w) > 30)
    return letters >= 0.75 * visible and code < 0.01 * visible and long_tokens < 0.02 * len(words)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if len(w) > 2}
