"""Corroboration: how many of a story's outlets state the fact a key point states.

A fact that several outlets report on their own is stronger evidence than one outlet's line,
so a briefing may show "3 sources" beside such a key point. An outlet states a point's fact
when one of its sentences (its key points, or the sentences of its text when the text is at
hand) repeats most of the point's content words, and the same number when the point gives
one: "killed 40" and "killed 14" are two facts however alike the rest reads.

Pure: CitedPoint and ArticleView in, counts out. Wiring (stories.best_points, the rendering)
is the caller's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.briefing.model import ArticleView, CitedPoint

SAME_FACT = 0.5  # share of the point's content words a sentence must repeat to state it
MIN_COMMON = 3  # and at least this many of them, so a short point is not matched by chance
SHOWN_FROM = 2  # a count worth showing beside a point: more than the outlet it came from

_WORD = re.compile(r"[^\W\d_]{3,}|\d+(?:[.,]\d+)*", re.UNICODE)
_NUMBER = re.compile(r"\d")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"'“‘(]?[A-Z0-9])|\n+")
_STOP_WORDS = """the and for that with this from have has had was were are will would could should
    their they them there than then his her she him who whom which what when where why
    how not but also been being into over its after before about more most some such only other
    said says say told tells according just our your you all any can may might must per via
    upon while during between against under within one two three new"""
_STOP = frozenset(_STOP_WORDS.split())


def content_words(text: str) -> frozenset[str]:
    """Case-folded words of three letters or more and numbers, without function words."""
    found = (m.group(0).casefold().replace(",", "") for m in _WORD.finditer(text))
    return frozenset(w for w in found if w not in _STOP)


def outlet_of(article: ArticleView) -> str:
    """The outlet's name, or the link's host when the outlet is not known."""
    if article.outlet:
        return article.outlet
    host = article.url.split("//", 1)[-1].split("/", 1)[0]
    return host.removeprefix("www.")


def states(point: str, sentence: str) -> bool:
    """True when ``sentence`` states the fact of ``point`` (see the module's docstring)."""
    return _states(content_words(point), content_words(sentence))


def _states(point: frozenset[str], sentence: frozenset[str]) -> bool:
    if not point or not sentence:
        return False
    numbers = {w for w in point if _NUMBER.match(w)}
    if numbers and not numbers & sentence:
        return False
    common = len(point & sentence)
    return common >= min(MIN_COMMON, len(point)) and common / len(point) >= SAME_FACT


def _sentences(article: ArticleView) -> Iterable[str]:
    yield from (kp.text for kp in article.key_points)
    if article.text:
        yield from (s for s in _SENTENCE_END.split(article.text) if s.strip())


def outlets_stating(point: CitedPoint, articles: Sequence[ArticleView]) -> frozenset[str]:
    """The outlets among ``articles`` that state ``point``'s fact; its own always among them."""
    wanted = content_words(point.text)
    found = {point.outlet} if point.outlet else set()
    for article in articles:
        outlet = outlet_of(article)
        if article.url == point.url:
            found.add(point.outlet or outlet)
        elif outlet not in found and any(
            _states(wanted, content_words(s)) for s in _sentences(article)
        ):
            found.add(outlet)
    return frozenset(found)


def corroborations(points: Sequence[CitedPoint], articles: Sequence[ArticleView]) -> list[int]:
    """For each point, how many distinct outlets of the story state its fact (at least 1).

    Show the count beside a point only from SHOWN_FROM up ("3 sources"); a point that one
    outlet alone reports says nothing more than its link does.
    """
    return [max(1, len(outlets_stating(p, articles))) for p in points]
