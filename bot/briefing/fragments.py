"""Links to the very sentence: URL text fragments for key points (pure).

A key point's link may end in a text directive (the WICG Text Fragments specification),
``#:~:text=textStart,textEnd``: a browser that supports them opens the article scrolled to
the sentence and highlights it; one that does not opens the article as before. The
article's own URL is always the link's prefix.

The directive is built from what is stored (the key point, its offsets into the article's
text, the title, how much of the article was read), since a page is never fetched again.
It is left out when the sentence would likely not be found on the page as served:

- the link is not http(s), or is a PDF (its path ends in ``.pdf``, or its text holds the
  form feeds the PDF reader puts between pages): PDF viewers do not follow text fragments,
  and a PDF's text is rebuilt from lines, not read from the page;
- the article was not read in full: ``partial`` text is a teaser or a cut page, and
  ``metadata`` text is the page's description, which lives in its head, not its body;
- the stored offsets do not give back the key point's text;
- the sentence runs over a line break of the stored text: those lines are the page's
  blocks (paragraphs, headings, list items), and a term never matches across two blocks;
- the sentence is not plain prose: it holds control or format characters (soft hyphens,
  zero-width spaces, direction marks), a space other than the plain one, the ``|`` the
  reader writes between a table's cells, or opens with the marker it writes before a list
  item; none of these stands in the page's text as stored.

What the stored text cannot tell: a page whose JSON-LD carries the article while its HTML
shows only part of it. Such a link opens the page at its top, as a plain link does.

The terms are the page's own words. A sentence that does not open its paragraph gets the
last ``PREFIX_WORDS`` words before it as a prefix, which places it even where the page
holds more than was stored (a standfirst that opens with the same words as the lead). A
sentence of at most ``WHOLE_WORDS`` words is the textStart whole; a longer one is
textStart,textEnd of its first and last few words, ``MIN_TERM_WORDS`` each at first and
more while the title or an earlier sentence holds a match first (compared as browsers
compare: case aside, whole words, any run of spaces as one). Each term is percent-encoded
as the specification says: everything but ASCII letters, digits and a few marks, so '-',
',' and '&' (the directive's own syntax) never stand bare.
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from bot.briefing.status import TextQuality

if TYPE_CHECKING:  # the model imports sentence_link from here
    from bot.briefing.model import ArticleView, KeyPoint

WHOLE_WORDS = 10  # a sentence this short is matched whole
MIN_TERM_WORDS = 4  # a few words each for textStart and textEnd: distinctive, still short
PREFIX_WORDS = 3  # words before the sentence in its paragraph, the prefix that places it
DIRECTIVE = ":~:text="
# Left bare: ASCII letters and digits and marks the specification allows unencoded, less
# those other syntaxes read (parentheses end a Markdown link, "+" is a space to some tools).
_BARE = frozenset(string.ascii_letters + string.digits + "._~!*':;/?@$=")
_LIST_MARKER = re.compile(r"^(?:[-*•◦▪–—]|\d{1,3}[.)])\s")
_PAGE_BREAK = "\f"


def encode_term(term: str) -> str:
    """``term`` percent-encoded for a text directive, as UTF-8 bytes (``Kyiv, 6-7 March`` is
    ``Kyiv%2C%206%2D7%20March``)."""
    return "".join(
        ch if ch in _BARE else "".join(f"%{b:02X}" for b in ch.encode("utf-8")) for ch in term
    )


def sentence_link(url: str, directive: str) -> str:
    """``url`` opening at the directive's text; ``url`` itself when there is none. The
    directive follows any fragment the URL already has, as the specification allows."""
    if not directive:
        return url
    return f"{url}{'' if '#' in url else '#'}{DIRECTIVE}{directive}"


def key_point_directive(article: ArticleView, point: KeyPoint) -> str:
    """The text directive (without ``:~:text=``) that finds ``point`` on its article's
    page, or "" when it would likely not be found there (the rules are the module's)."""
    if not _linkable(article):
        return ""
    text = article.text
    if not (0 <= point.start < point.end <= len(text)) or text[point.start : point.end] != (
        point.text
    ):
        return ""
    if "\n" in point.text or not plain_prose(point.text):
        return ""
    return directive_for(point.text, point.start, point.end, text=text, title=article.title)


def _linkable(article: ArticleView) -> bool:
    parts = urlsplit(article.url)
    if parts.scheme.lower() not in ("http", "https") or DIRECTIVE in article.url:
        return False
    if parts.path.lower().endswith(".pdf") or _PAGE_BREAK in article.text:
        return False
    return article.extraction is TextQuality.FULL


def plain_prose(sentence: str) -> bool:
    """True when every character of ``sentence`` stands in a page's text as it does here."""
    if "|" in sentence or _LIST_MARKER.match(sentence):
        return False
    for ch in sentence:
        kind = unicodedata.category(ch)
        if kind[0] == "C" or (kind[0] == "Z" and ch != " "):
            return False
    return True


def directive_for(sentence: str, start: int, end: int, *, text: str, title: str = "") -> str:
    """Terms that select ``text[start:end]`` (``sentence``) first in the title and text: a
    prefix of the words before it in its paragraph (the page may hold more than was
    stored, a standfirst that opens with the same words), then its first and last words."""
    words = sentence.split()
    if not words:
        return ""
    prefix = _prefix(text, start)
    context = f"{encode_term(prefix)}-," if prefix else ""
    if len(words) <= WHOLE_WORDS:
        return context + encode_term(" ".join(words))
    page = f"{title}\n{text}"
    begin, finish = start + len(title) + 1, end + len(title) + 1
    head = tail = MIN_TERM_WORDS
    while head + tail <= len(words):
        first = find_start(prefix, " ".join(words[:head]), page)
        if first is None:
            return ""  # not even in the stored text: the offsets were wrong
        if first[0] != begin:
            head += 1
            continue
        last = find_term(" ".join(words[-tail:]), page, first[1])
        if last is None:
            return ""
        if last[1] != finish:
            tail += 1
            continue
        return (
            f"{context}{encode_term(' '.join(words[:head]))},{encode_term(' '.join(words[-tail:]))}"
        )
    # The first and last words repeat too often to tell this sentence apart: match it whole
    # (its first match is this sentence or another copy of the same words).
    return context + encode_term(" ".join(words))


def _prefix(text: str, start: int) -> str:
    """The last words before ``start`` in its paragraph, but a list item's marker, which the
    page does not show as text, and none beside a table's cells (each is a block)."""
    before = _LIST_MARKER.sub("", text[text.rfind("\n", 0, start) + 1 : start], count=1)
    if not plain_prose(before):
        return ""
    return " ".join(before.split()[-PREFIX_WORDS:])


def find_start(prefix: str, term: str, page: str, pos: int = 0) -> tuple[int, int] | None:
    """Where a browser's textStart match lies: the first ``term`` that follows ``prefix``
    after nothing but white space (any ``term`` when there is no prefix)."""
    if not prefix:
        return find_term(term, page, pos)
    both = find_term(f"{prefix} {term}", page, pos)
    return None if both is None else find_term(term, page, both[0] + len(prefix))


def find_term(term: str, page: str, pos: int) -> tuple[int, int] | None:
    """Where a browser finds ``term`` in ``page`` from ``pos``: case aside, at word
    boundaries, a run of spaces for each space, never across a line (a block)."""
    words = term.split()
    if not words:
        return None
    pattern = r"[^\S\n]+".join(re.escape(w) for w in words)
    if words[0][0].isalnum() or words[0][0] == "_":
        pattern = r"(?<!\w)" + pattern
    if words[-1][-1].isalnum() or words[-1][-1] == "_":
        pattern += r"(?!\w)"
    found = re.compile(pattern, re.IGNORECASE).search(page, pos)
    return (found.start(), found.end()) if found else None


def parse_directive(directive: str) -> tuple[str, str, str, str]:
    """``(prefix, textStart, textEnd, suffix)`` of a directive, percent-decoded, read as the
    specification reads one: split at commas, a term ending in "-" is the prefix and one
    starting with "-" the suffix. For tests and for reading links back."""
    tokens = directive.split(",")
    prefix = suffix = ""
    if len(tokens) > 1 and tokens[0].endswith("-"):
        prefix = tokens.pop(0)[:-1]
    if len(tokens) > 1 and tokens[-1].startswith("-"):
        suffix = tokens.pop()[1:]
    if len(tokens) not in (1, 2) or any(not t or "-" in t or "&" in t for t in tokens):
        raise ValueError(f"not a text directive: {directive!r}")
    start, end = tokens[0], tokens[1] if len(tokens) == 2 else ""
    return unquote(prefix), unquote(start), unquote(end), unquote(suffix)
