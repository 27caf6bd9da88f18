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

A page that renders its article with JavaScript has the <article> of an empty shell; its
structured copy is then the article its app is given as data (bot/extraction/embedded.py).
A page that says its article is not free (JSON-LD ``isAccessibleForFree: false``, or
``article:content_tier`` locked or metered) and shows little of it is a teaser: partial.
With nothing to read, the reader says why (``NoArticleText``) and names the page's AMP copy.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from bot.briefing.links import canonical_url
from bot.briefing.status import TextQuality
from bot.errors import ExtractionError, NoArticleText
from bot.extraction.embedded import (
    JsonLd,
    Stripped,
    hydration_body,
    read_json_ld,
    strip_scripts,
)
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
TEASER_WORDS = 350  # a page behind a paywall that shows fewer words shows only a teaser
NO_ARTICLE_TEXT, NEEDS_JAVASCRIPT = NoArticleText.NOTHING, NoArticleText.NEEDS_JAVASCRIPT
SHELL_WORDS = 40  # a page of scripts showing fewer words than this is an app's empty shell

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
    page, cut = _as_text(html)
    html = page.markup
    if "<" not in html:
        raise ExtractionError("the page is not HTML")
    meta = _metadata(html, url)
    title = _clean(getattr(meta, "title", None))
    ld = read_json_ld(html)
    text, quality = _main_text(html, url, ld, lambda: hydration_body(page.data, title))
    if (cut and quality == FULL) or _teaser(html, ld, text):
        quality = PARTIAL  # what was read may end before the article does
    description = _clean(getattr(meta, "description", None))
    amp_url = None if quality == FULL and text else _amp_url(html, url)
    if not text:
        if not description:
            raise NoArticleText(_why_nothing(html, page.scripts), amp_url=amp_url)
        text, quality = description, METADATA_ONLY
    title = title or text.split("\n", 1)[0][:150]
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
        amp_url=amp_url,
    )


def _head(html: str) -> Any:
    """The page's <head> as a tree, or None when lxml cannot read it."""
    import lxml.html

    end = html.lower().find("</head>")
    try:
        return lxml.html.fromstring(html[: end + 7] if end > 0 else html[:200_000])
    except Exception:  # lxml on hostile markup: no head
        return None


def _amp_url(html: str, url: str) -> str | None:
    """The page's AMP copy (``<link rel="amphtml">``), an http(s) address other than its own."""
    head = _head(html)
    if head is None:
        return None
    for href in head.xpath('//link[contains(concat(" ", @rel, " "), " amphtml ")]/@href'):
        address = urljoin(url, str(href).strip()) if url else str(href).strip()
        if urlsplit(address).scheme in ("http", "https") and address != url:
            return address
    return None


_LOCKED = re.compile(
    r"""<meta[^>]+(?:property|name)=["']article:content_tier["'][^>]+content=["']"""
    r"""(?:locked|metered)["']""",
    re.IGNORECASE,
)


def _teaser(html: str, ld: JsonLd, text: str) -> bool:
    """A page behind a paywall that shows less than its article: under ``TEASER_WORDS``, or
    under most of the word count it declares."""
    if not text or not (ld.paywalled or _LOCKED.search(html[:200_000])):
        return False
    words = len(_WORD.findall(text))
    return words < TEASER_WORDS or (ld.word_count is not None and words < 0.8 * ld.word_count)


_ASKS_FOR_JAVASCRIPT = re.compile(
    r"(?i)(enable|turn on|activate|allow)\s+javascript|javascript\s+(is\s+)?(required|"
    r"disabled|needed|must be enabled)|requires?\s+javascript|browser\s+(does not|doesn't)\s+"
    r"support\s+javascript"
)


def _why_nothing(html: str, scripts: int) -> str:
    """Why a page gave no text: an app's shell that its scripts fill, or no article at all."""
    body = html[html.lower().find("<body") :] if "<body" in html.lower() else html
    shown = re.sub(r"(?is)<noscript\b.*?</noscript\s*>", " ", body)
    words = len(_WORD.findall(re.sub(r"<[^>]*>", " ", shown)))
    if _ASKS_FOR_JAVASCRIPT.search(body) or (scripts and words < SHELL_WORDS):
        return NEEDS_JAVASCRIPT
    return NO_ARTICLE_TEXT


def _declared_url(html: str, url: str) -> str | None:
    """The page's own address (its canonical link, else og:url), canonicalised and resolved
    against ``url``; none when it names no article (a site whose every page declares its home
    page) or is not http(s)."""
    head = _head(html)
    if head is None:
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


def _as_text(html: str | bytes) -> tuple[Stripped, bool]:
    """The markup to read (and the page's data scripts), and whether it was cut at
    ``MAX_HTML_CHARS``."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    if not isinstance(html, str):
        raise ExtractionError("the page is not text")
    page = strip_scripts(html)
    cut = len(page.markup) > MAX_HTML_CHARS
    # NUL and other C0 controls make lxml refuse the whole document.
    markup = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", page.markup[:MAX_HTML_CHARS])
    return Stripped(markup, page.data, page.scripts), cut


def _main_text(
    html: str, url: str, ld: JsonLd, hydrated: Callable[[], str]
) -> tuple[str, TextQuality]:
    text = ""
    for options in (
        {"favor_precision": True},
        {},
        {"favor_recall": True},
    ):
        text = _trafilatura_text(html, url, **options)
        if text:
            break
    if len(_WORD.findall(text)) < PARTIAL_WORDS and _ASKS_FOR_JAVASCRIPT.search(text):
        text = ""  # the page's notice to browsers without scripts, not its article
    structured = _structured_text(html, ld, hydrated)
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


def _structured_text(html: str, ld: JsonLd, hydrated: Callable[[], str]) -> str:
    """The page's own copy of its article: JSON-LD articleBody, else its <article> text,
    else (an empty shell) the body in its app's data."""
    if ld.bodies:
        return max(ld.bodies, key=len)
    element = _article_element_text(html)
    if len(_WORD.findall(element)) >= PARTIAL_WORDS:
        return element
    return max(element, hydrated(), key=len)


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
