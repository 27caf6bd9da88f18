"""HTML -> main text and metadata, pure over a string (trafilatura does the work).

The main text comes from trafilatura in precision mode without comments (it drops the
"related stories" and reader comments that default mode lets in). Two things can still go
wrong, and both are checked against the page's own structured copy of the article (its
JSON-LD ``articleBody``, or the paragraphs of its ``<article>`` element):

- trafilatura keeps only part of a long article (a page that splits its body over several
  containers), or only a teaser: when the structured copy is much longer and contains what
  trafilatura found (or trafilatura found under ``PARTIAL_WORDS``), it is the article;
- trafilatura finds nothing: its default and recall modes are tried, then the structured
  copy, then the page's meta description (quality ``metadata``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bot.errors import ExtractionError

FULL, PARTIAL, METADATA_ONLY = "full", "partial", "metadata"

MAX_HTML_CHARS = 5_000_000  # pages past this are cut: no article needs more, lxml's memory does
PARTIAL_WORDS = 60  # fewer words than this is a teaser, not an article
LONGER = 1.8  # a structured copy this much longer than trafilatura's text may replace it...
CONTAINED = 0.85  # ...when it holds at least this share of trafilatura's words

_JSON_LD = re.compile(
    r"<script[^>]+application/ld\+json[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    title: str
    text: str
    outlet: str
    author: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    description: str | None = None
    quality: str = FULL  # FULL, PARTIAL or METADATA_ONLY


def extract_article(html: str | bytes, url: str = "") -> ExtractedArticle:
    """Main text and metadata of an article page; raises ExtractionError when it has none."""
    html = _as_text(html)
    if "<" not in html:
        raise ExtractionError("the page is not HTML")
    meta = _metadata(html, url)
    text, quality = _main_text(html, url)
    description = _clean(getattr(meta, "description", None))
    if not text:
        if not description:
            raise ExtractionError("the page has no readable article text")
        text, quality = description, METADATA_ONLY
    title = _clean(getattr(meta, "title", None)) or text.split("\n", 1)[0][:150]
    return ExtractedArticle(
        title=title,
        text=text,
        outlet=_clean(getattr(meta, "sitename", None)) or (urlsplit(url).hostname or ""),
        author=_clean(getattr(meta, "author", None)),
        published_at=_parse_date(getattr(meta, "date", None)),
        language=_clean(getattr(meta, "language", None)),
        description=description,
        quality=quality,
    )


def _as_text(html: str | bytes) -> str:
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    if not isinstance(html, str):
        raise ExtractionError("the page is not text")
    # NUL and other C0 controls make lxml refuse the whole document.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", html[:MAX_HTML_CHARS])


def _main_text(html: str, url: str) -> tuple[str, str]:
    text = ""
    for options in (
        {"favor_precision": True},
        {},
        {"favor_recall": True},
    ):
        text = _trafilatura_text(html, url, **options)
        if text:
            break
    structured = _structured_text(html)
    if structured and (not text or _replaces(structured, text)):
        text = structured
    if not text:
        return "", METADATA_ONLY
    return text, PARTIAL if len(_WORD.findall(text)) < PARTIAL_WORDS else FULL


def _replaces(structured: str, text: str) -> bool:
    """True when ``structured`` is the whole article and ``text`` only a part of it."""
    found, whole = _words(text), _words(structured)
    size = sum(found.values())
    if sum(whole.values()) < LONGER * size:
        return False
    if size < PARTIAL_WORDS:  # a teaser or a headline: the structured copy is the article
        return True
    return sum((found & whole).values()) >= CONTAINED * size


def _trafilatura_text(html: str, url: str, **options: Any) -> str:
    import trafilatura

    try:
        text = trafilatura.extract(
            html, url=url or None, include_comments=False, deduplicate=False, **options
        )
    except Exception:  # lxml and trafilatura raise many types on hostile pages: no text then
        return ""
    return (text or "").strip()


def _metadata(html: str, url: str) -> Any:
    import trafilatura

    try:
        return trafilatura.extract_metadata(html, default_url=url or None)
    except Exception:  # as above: a page whose metadata cannot be read simply has none
        return None


def _structured_text(html: str) -> str:
    """The page's own copy of its article: JSON-LD articleBody, else its <article> text."""
    bodies = _json_ld_bodies(html)
    if bodies:
        return max(bodies, key=len)
    return _article_element_text(html)


def _json_ld_bodies(html: str) -> list[str]:
    bodies: list[str] = []
    for block in _JSON_LD.findall(html[:MAX_HTML_CHARS]):
        try:
            data = json.loads(block.strip())
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(bodies) < 20:
            item = stack.pop()
            if isinstance(item, dict):
                body = item.get("articleBody")
                if isinstance(body, str) and body.strip():
                    bodies.append(_normalise_body(body))
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
            elif isinstance(item, list):
                stack.extend(v for v in item if isinstance(v, dict | list))
    return [b for b in bodies if b]


def _normalise_body(body: str) -> str:
    if "<" in body and ">" in body:  # some sites put HTML in articleBody
        body = re.sub(r"<[^>]{0,500}>", " ", body)
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in body.splitlines())
    return "\n".join(line for line in lines if line)


def _article_element_text(html: str) -> str:
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
        articles = tree.xpath("//article[not(ancestor::article)]")
        best = ""
        for article in articles:
            for junk in article.xpath(".//script|.//style|.//figure|.//aside|.//nav|.//form"):
                junk.drop_tree()
            blocks = article.xpath(".//p|.//blockquote")
            lines = (re.sub(r"\s+", " ", b.text_content()).strip() for b in blocks)
            text = "\n".join(line for line in lines if line)
            if len(text) > len(best):
                best = text
    except Exception:  # lxml on hostile markup: no structured copy
        return ""
    return best


def _words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.casefold()))


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = re.sub(r"\s+", " ", value).strip()
    return value or None


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
