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
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from bot.briefing.links import canonical_url
from bot.briefing.status import TextQuality
from bot.errors import ExtractionError
from bot.extraction.language import article_language, declared_language
from bot.extraction.pdf import PDF_TYPE, read_pdf
from bot.ports import FetchedPage, PageContent

FULL, PARTIAL, METADATA_ONLY = TextQuality.FULL, TextQuality.PARTIAL, TextQuality.METADATA

MAX_HTML_CHARS = 500_000  # markup read past scripts and styles; the rest is cut (quality partial)
# trafilatura's time and memory grow faster than the page: 5 MB of small elements took a
# minute and gigabytes; 500k characters of them take seconds and under 100 MB.
PARTIAL_WORDS = 60  # fewer words than this is a teaser, not an article
LONGER = 1.8  # a structured copy this much longer than trafilatura's text may replace it...
CONTAINED = 0.85  # ...when it holds at least this share of trafilatura's words

_WORD = re.compile(r"\w+")


class ArticleReader:
    """Implements ``bot.ports.PageReader``: a web page through :func:`extract_article`, a
    PDF through :func:`bot.extraction.pdf.read_pdf`, a plain-text file (``briefbot ingest
    notes.txt``) as its first line and the rest."""

    def read(self, page: FetchedPage) -> PageContent:
        if page.content_type == PDF_TYPE:
            return read_pdf(page.data, page.url)
        if page.content_type == "text/plain":
            return plain_text_content(page.html)
        return extract_article(page.html, page.url)


def plain_text_content(text: str) -> PageContent:
    """A text file: its first line is the title, the rest the article."""
    lines = text.strip().splitlines()
    if not lines:
        raise ExtractionError("the file is empty")
    title = lines[0].strip()[:300]
    body = "\n".join(lines[1:]).strip() or title
    return PageContent(title, body, "", language=article_language(body))


def extract_article(html: str | bytes, url: str = "") -> PageContent:
    """Main text and metadata of an article page; raises ExtractionError when it has none."""
    html, cut = _as_text(html)
    if "<" not in html:
        raise ExtractionError("the page is not HTML")
    meta = _metadata(html, url)
    text, quality = _main_text(html, url)
    if cut and quality == FULL:  # what was read may end before the article does
        quality = PARTIAL
    description = _clean(getattr(meta, "description", None))
    if not text:
        if not description:
            raise ExtractionError("the page has no readable article text")
        text, quality = description, METADATA_ONLY
    title = _clean(getattr(meta, "title", None)) or text.split("\n", 1)[0][:150]
    return PageContent(
        title=title,
        text=text,
        outlet=_clean(getattr(meta, "sitename", None)) or (urlsplit(url).hostname or ""),
        author=_clean(getattr(meta, "author", None)),
        published_at=_parse_date(getattr(meta, "date", None)),
        # trafilatura's metadata leaves the language empty: the page's declaration, checked
        # against the text (bot/extraction/language.py says which wins).
        language=article_language(text, declared_language(html)),
        description=description,
        quality=quality,
        page_url=_declared_url(html, url),
    )


def _declared_url(html: str, url: str) -> str | None:
    """The page's own address (its canonical link, else og:url), canonicalised and resolved
    against ``url``; none when it names no article (a site whose every page declares its home
    page) or is not http(s)."""
    import lxml.html

    end = html.lower().find("</head>")
    try:
        head = lxml.html.fromstring(html[: end + 7] if end > 0 else html[:200_000])
    except Exception:  # lxml on hostile markup: no declared address
        return None
    found = head.xpath(
        '//link[contains(concat(" ", translate(@rel, "CANONICAL", "canonical"), " "),'
        ' " canonical ")]/@href'
    ) + head.xpath('//meta[@property="og:url"]/@content')
    for declared in (str(d).strip() for d in found):
        if not declared:
            continue
        try:
            address = canonical_url(urljoin(url, declared) if url else declared)
        except ValueError:
            continue
        if urlsplit(address).path.strip("/"):
            return address
    return None


def _as_text(html: str | bytes) -> tuple[str, bool]:
    """The markup to read, and whether it was cut at ``MAX_HTML_CHARS``."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    if not isinstance(html, str):
        raise ExtractionError("the page is not text")
    html = _without_scripts(html)
    cut = len(html) > MAX_HTML_CHARS
    # NUL and other C0 controls make lxml refuse the whole document.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", html[:MAX_HTML_CHARS]), cut


_BULK = re.compile(r"<(script|style)\b([^<>]{0,2000})>|<!--", re.IGNORECASE)
_CLOSE = {
    "script": re.compile(r"</script\s*>", re.IGNORECASE),
    "style": re.compile(r"</style\s*>", re.IGNORECASE),
}


def _without_scripts(html: str) -> str:
    """``html`` without its comments, styles and scripts but JSON-LD, none of which holds
    article text, so that a page's inline code does not use up ``MAX_HTML_CHARS``. One pass:
    an element left open runs to the end of the page, as in a browser."""
    kept: list[str] = []
    pos = 0
    while (found := _BULK.search(html, pos)) is not None:
        if found.group(0) == "<!--":
            end = html.find("-->", found.end())
            stop = len(html) if end < 0 else end + 3
        else:
            close = _CLOSE[found.group(1).lower()].search(html, found.end())
            stop = len(html) if close is None else close.end()
            if "ld+json" in found.group(2).lower():  # the structured copy: read, so kept
                kept.append(html[pos:stop])
                pos = stop
                continue
        kept.append(html[pos : found.start()])
        pos = stop
    kept.append(html[pos:])
    return "".join(kept)


def _main_text(html: str, url: str) -> tuple[str, TextQuality]:
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


def _json_ld_blocks(html: str) -> list[str]:
    """The text of each ``<script type="application/ld+json">`` of the page."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # lxml on hostile markup: no structured copy
        return []
    scripts = tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')
    return [script.text or "" for script in scripts]


def _json_ld_bodies(html: str) -> list[str]:
    bodies: list[str] = []
    for block in _json_ld_blocks(html):
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
        body = _markup_text(body)
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
    """A page's date, aware: a bare date or time is read as UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
