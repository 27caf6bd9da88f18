"""One article reached through several URLs counts once in a briefing (pure).

An outlet's AMP copy, its print view, a link through another path, or the same wire copy
shared twice are stored as separate articles (each shared URL is its own row). They are
one article when the page declares the other's address (its canonical link or og:url) or
when their texts are nearly the same. :func:`one_per_article` folds each such set into one
view that keeps every share, so a story is not "2 sources" because of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.briefing.links import canonical_url
from bot.briefing.model import ArticleView
from bot.briefing.similarity import DisjointSets
from bot.briefing.status import TextQuality

# Two texts are the same article when this share of their word triples is common to both
# (Jaccard). Edited re-publications of one wire report reach 0.8-0.95; two outlets' own
# reports of one event stay far below 0.5.
SAME_TEXT = 0.8
SHINGLE = 3
# The words of a text compared: enough to tell two articles apart, bounded per article.
WORDS_COMPARED = 2000

_WORD = re.compile(r"\w+")


def one_per_article(articles: Sequence[ArticleView]) -> list[ArticleView]:
    """``articles`` with each set of copies of one article folded into one view, in the order
    of each set's first member; a view's shares are all of its copies' shares."""
    if len(articles) < 2:
        return list(articles)
    sets = DisjointSets(range(len(articles)))
    by_address: dict[str, int] = {}
    for i, a in enumerate(articles):
        for address in _addresses(a):
            j = by_address.setdefault(address, i)
            if j != i:
                sets.join(j, i)
    # Near-identical texts: copies of one text have the same headline or the same first key
    # point, so only those pairs are compared word for word.
    by_opening: dict[str, list[int]] = {}
    for i, a in enumerate(articles):
        for opening in _openings(a):
            by_opening.setdefault(opening, []).append(i)
    shingles: dict[int, frozenset[tuple[str, ...]]] = {}
    for members in by_opening.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if sets.root(i) != sets.root(j) and _same_text(articles, shingles, i, j):
                    sets.join(j, i)
    groups: dict[int, list[ArticleView]] = {}
    for i, a in enumerate(articles):
        groups.setdefault(sets.root(i), []).append(a)
    return [_fold(members) for members in groups.values()]


def _addresses(a: ArticleView) -> set[str]:
    out = {a.same_as} if a.same_as else set()
    try:
        out.add(canonical_url(a.url))
    except ValueError:
        out.add(a.url)
    return out


def _openings(a: ArticleView) -> set[str]:
    out = set()
    for text in (a.title, a.key_points[0].text if a.key_points else ""):
        key = " ".join(_WORD.findall(text.casefold()))
        if len(key) >= 20:
            out.add(key)
    return out


def _same_text(
    articles: Sequence[ArticleView],
    cache: dict[int, frozenset[tuple[str, ...]]],
    i: int,
    j: int,
) -> bool:
    a, b = (cache.setdefault(k, _shingles(articles[k].text)) for k in (i, j))
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= SAME_TEXT


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())[:WORDS_COMPARED]
    return frozenset(tuple(words[k : k + SHINGLE]) for k in range(len(words) - SHINGLE + 1))


def _fold(copies: list[ArticleView]) -> ArticleView:
    """The fullest copy (whole text over a teaser, then the longest, then the first shared)
    stands for all: it keeps every copy's shares, the strongest match and what matched."""
    if len(copies) == 1:
        return copies[0]
    best = min(
        copies,
        key=lambda a: (a.extraction is not TextQuality.FULL, -len(a.text), a.first_shared_at),
    )
    shares = sorted({s for a in copies for s in a.shares}, key=lambda s: s.shared_at)
    return replace(
        best,
        shares=tuple(shares),
        first_shared_at=min(a.first_shared_at for a in copies),
        relevance=max(a.relevance for a in copies),
        matched=tuple(dict.fromkeys(m for a in copies for m in a.matched)),
    )
