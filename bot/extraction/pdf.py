"""PDF -> main text and metadata, pure over bytes (pypdf does the parsing).

A PDF has no markup that says where its article is, only lines placed on pages, so the
text is rebuilt: lines that repeat at the top or bottom of most pages (running heads,
footers, page numbers) are dropped, a word hyphenated across a line end is joined again,
and lines are joined into paragraphs, a paragraph ending on a short line that closes a
sentence. The work is bounded: at most ``MAX_PAGES`` pages, ``MAX_CHARS`` characters and
``MAX_SECONDS`` of extraction are read, and what is cut is stored as partial.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bot.briefing.status import TextQuality
from bot.errors import ExtractionError
from bot.ports import PageContent

PDF_TYPE = "application/pdf"
PDF_MAGIC = b"%PDF-"
MAX_PAGES = 200
MAX_CHARS = 300_000
MAX_SECONDS = 30.0
MAX_PAGE_STREAM = 2_000_000  # decompressed bytes of one page's drawing instructions
SHORT_LINE = 0.8  # a line shorter than this share of the usual width ends its paragraph
GAP = 1.4  # a step down this many times the usual line spacing separates paragraphs
PAGE_BREAK = "\f"
PARTIAL_WORDS = 60  # as for a web page: fewer words than this is no whole article
NO_TEXT_LAYER = "the PDF has no text layer (a scan?)"
ENCRYPTED = "the PDF is protected by a password, so it cannot be read"
DAMAGED = "the PDF is damaged and cannot be read"

_WORD = re.compile(r"\w+")
_PAGE_NUMBER = re.compile(
    r"(?i)^[\s\-–—|]*(page\s+)?\d{1,4}(\s*(of|/)\s*\d{1,4})?[\s\-–—|]*$"
    r"|^[\s\-–—]*[ivxlc]{1,6}[\s\-–—]*$"
)
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st"})
_SENTENCE_END = tuple(".!?:;\"'”’)»")
_LIST_ITEM = re.compile(r"^([•◦▪●■\-–—*]\s|\d{1,2}(\.\d{1,2})*\.?\s+[A-Z(]|\(?[a-z0-9]\)\s)")
_LEADERS = re.compile(r"(\s?\.){6,}\s*\d*\s*$")  # a table of contents' dotted lines
# Titles that authoring tools write for the author (a file name, a template's name).
_TOOL_TITLE = re.compile(
    r"(?i)^(microsoft (word|powerpoint|excel) - |untitled\b|document\d*$|title$|slide \d+$)"
    r"|\.(docx?|pdf|pptx?|xlsx?|indd|tex|dvi|rtf|odt|qxd|p65)$"
)


def looks_like_pdf(body: bytes) -> bool:
    """The PDF header within the first kilobyte, where readers look for it."""
    return PDF_MAGIC in body[:1024]


def read_pdf(data: bytes, url: str = "") -> PageContent:
    """Main text and metadata of a PDF; raises ExtractionError when it holds no text."""
    reader = _open(data)
    pages, cut = _page_texts(reader)
    text = _assemble(pages)
    if len(text) > MAX_CHARS:
        text, cut = text[:MAX_CHARS].rsplit("\n", 1)[0] or text[:MAX_CHARS], True
    if len(_WORD.findall(text)) < 3:
        raise ExtractionError(NO_TEXT_LAYER)
    info = _info(reader)
    title = _title(info.get("title")) or _first_line(pages) or text.split("\n", 1)[0]
    short = len(_WORD.findall(text)) < PARTIAL_WORDS
    return PageContent(
        title=title,
        text=text,
        outlet=urlsplit(url).hostname or "",
        author=_clean(info.get("author")),
        published_at=_aware(info.get("created")),
        language=_language(reader),
        quality=TextQuality.PARTIAL if cut or short else TextQuality.FULL,
    )


def _open(data: bytes) -> Any:
    import pypdf
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _unlocked(reader):
            raise ExtractionError(ENCRYPTED)
        reader.pages  # noqa: B018 (reading the page tree is where a broken file shows)
    except ExtractionError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ExtractionError(DAMAGED) from exc
    return reader


def _unlocked(reader: Any) -> bool:
    """An encrypted PDF opens when it needs no password to be read (only to be edited)."""
    from pypdf.errors import PyPdfError

    try:
        return bool(reader.decrypt(""))
    except (PyPdfError, NotImplementedError, ValueError):  # an unknown cipher: as locked
        return False


def _page_texts(reader: Any) -> tuple[list[list[str]], bool]:
    """Each page's lines, and whether anything was left unread (over a bound)."""
    started, chars, cut = time.monotonic(), 0, len(reader.pages) > MAX_PAGES
    pages: list[list[str]] = []
    for page in reader.pages[:MAX_PAGES]:
        if chars > MAX_CHARS or time.monotonic() - started > MAX_SECONDS:
            return pages, True
        try:
            if _stream_size(page) > MAX_PAGE_STREAM:  # drawings, or a page built to be slow
                cut = True
                continue
            lines = _page_lines(page)
        except Exception:  # pypdf on a damaged page raises many types: that page is skipped
            lines = []
        pages.append(lines)
        chars += sum(map(len, lines))
    return pages, cut


def _page_lines(page: Any) -> list[str]:
    """A page's lines in reading order, with an empty line where the page leaves a gap
    (pypdf's text has none) and ``PAGE_BREAK`` where the text moves up (a new column)."""
    pieces: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: object) -> None:
        pieces.append((text, tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))  # its height on the page

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(piece for piece, _ in pieces) != text:
        pieces = [(text, 0.0)]  # pieces that do not add up: the text without its gaps
    placed: list[tuple[str, float | None]] = []
    line, height = "", None
    for piece, at in pieces:
        for n, part in enumerate(piece.split("\n")):
            if n:
                placed.append((line, height))
                line, height = "", None
            if part.strip() and height is None:
                height = at
            line += part
    placed.append((line, height))
    return _with_gaps([(_tidy(line), height) for line, height in placed])


def _tidy(line: str) -> str:
    line = line.translate(_LIGATURES).replace("\xad", "")
    return re.sub(r"\s+", " ", line).strip()


def _with_gaps(placed: list[tuple[str, float | None]]) -> list[str]:
    lines = [(line, height) for line, height in placed if line]
    steps = [
        above - below
        for (_, above), (_, below) in itertools.pairwise(lines)
        if above is not None and below is not None and above > below
    ]
    leading = statistics.median(steps) if steps else 0.0
    out: list[str] = []
    previous: float | None = None
    for line, height in lines:
        if previous is not None and height is not None and leading:
            if height > previous + leading:
                out.append(PAGE_BREAK)
            elif previous - height > GAP * leading:
                out.append("")
        out.append(line)
        previous = height if height is not None else previous
    return out


def _first_line(pages: list[list[str]]) -> str:
    """The document's first line of words, running head or not (it often is the title)."""
    for line in (line for page in pages for line in page):
        if line != PAGE_BREAK and _WORD.search(line) and not _PAGE_NUMBER.match(line):
            return line[:150]
    return ""


def _stream_size(page: Any) -> int:
    contents = page.get_contents()
    return 0 if contents is None else len(contents.get_data())


def _assemble(pages: list[list[str]]) -> str:
    """The article's paragraphs, one a line, from the pages' lines."""
    widths = [len(line) for page in pages for line in page if len(line) >= 20]
    typical = statistics.median(widths) if widths else 60.0
    furniture = _running_lines(pages, typical)
    lines: list[str] = []
    for page in pages:
        lines.extend(
            line
            for line in _without_edges(page, furniture)
            if not _PAGE_NUMBER.match(line) and not _LEADERS.search(line)
        )
        lines.append(PAGE_BREAK)
    return "\n".join(_paragraphs(lines, typical, _hyphenated_words(lines)))


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.casefold()).strip()


def _edges(page: list[str]) -> list[int]:
    """Where running heads and footers sit: the first two and last two lines of text."""
    filled = [i for i, line in enumerate(page) if line and line != PAGE_BREAK]
    return sorted(set(filled[:2] + filled[-2:]))


def _running_lines(pages: list[list[str]], typical: float) -> set[str]:
    """Lines shorter than the text's width that (numbers aside) open or close most pages."""
    if len(pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_shape(page[i]) for i in _edges(page) if len(page[i]) < SHORT_LINE * typical})
    return {shape for shape, n in seen.items() if shape and n >= max(3, 0.6 * len(pages))}


def _without_edges(page: list[str], furniture: set[str]) -> list[str]:
    dropped = {i for i in _edges(page) if _shape(page[i]) in furniture}
    return [line for i, line in enumerate(page) if i not in dropped]


def _hyphenated_words(lines: list[str]) -> set[str]:
    """Every hyphenated word written within a line, so ``well-`` / ``known`` keeps its
    hyphen when the document writes "well-known" elsewhere."""
    return {m.group(0).casefold() for line in lines for m in re.finditer(r"\w+-\w+", line)}


def _paragraphs(lines: list[str], typical: float, hyphenated: set[str]) -> Iterator[str]:
    current, previous, gap = "", "", ""
    for line in lines:
        if not line or line == PAGE_BREAK:
            gap = gap or line or "blank"
            continue
        if current and previous.endswith("-") and line[:1].islower():
            current = _join_hyphenated(current, line, hyphenated)
        elif current and _ends_paragraph(previous, line, typical, gap):
            yield current
            current = line
        else:
            current = f"{current} {line}" if current else line
        previous, gap = line, ""
    if current:
        yield current


def _ends_paragraph(previous: str, following: str, typical: float, gap: str) -> bool:
    """Whether a paragraph ends between two lines: never before a lower-case word; at a
    blank line or before a list item or numbered heading; at a page break or a new column
    when a sentence ended; after a line that stops short."""
    if following[:1].islower():
        return False
    if gap == "blank" or _LIST_ITEM.match(following):
        return True
    if gap == PAGE_BREAK:
        return previous.endswith(_SENTENCE_END)
    return len(previous) < SHORT_LINE * typical


def _join_hyphenated(current: str, line: str, hyphenated: set[str]) -> str:
    head = re.search(r"(\w+)-$", current)
    tail = re.match(r"\w+", line)
    if head and tail and f"{head.group(1)}-{tail.group(0)}".casefold() in hyphenated:
        return current + line
    return current[:-1] + line


def _info(reader: Any) -> dict[str, Any]:
    try:
        meta = reader.metadata
        if meta is None:
            return {}
        return {"title": meta.title, "author": meta.author, "created": meta.creation_date}
    except Exception:  # a damaged information dictionary: no metadata then
        return {}


def _title(value: object) -> str | None:
    title = _clean(value)
    if not title or len(title) < 4 or len(title) > 300 or _TOOL_TITLE.search(title):
        return None
    return title if _WORD.search(title) else None


def _language(reader: Any) -> str | None:
    try:
        lang = reader.trailer["/Root"].get("/Lang")
    except Exception:  # no catalog language
        return None
    declared = _clean(str(lang)) if lang else None
    return declared[:16] if declared else None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = re.sub(r"\s+", " ", value).strip()
    return value or None


def _aware(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
