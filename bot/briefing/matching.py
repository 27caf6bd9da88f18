"""Topic matching: which articles are about a topic, how strongly, and why (pure)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.briefing.gazetteer import expand_topic
from bot.briefing.model import ArticleView


@dataclass(frozen=True, slots=True)
class TopicQuery:
    topic: str
    terms: tuple[str, ...]  # lower-case words or phrases to look for
    actors: tuple[str, ...] = ()  # actor names that count as the topic
    parts: tuple[str, ...] = ()  # single words of a several-word topic: weak on their own


def _expand(term: str) -> set[str]:
    return {t.lower() for t in expand_topic(term)} | {term}


def _without_plurals(terms: set[str]) -> tuple[str, ...]:
    """Drop "ukrainians" when "ukrainian" is there: a term's pattern takes its plural."""
    kept = {t for t in terms if not (t.endswith("s") and t[:-1] in terms)}
    return tuple(sorted(kept, key=lambda t: (-len(t), t)))


def topic_query(topic: str, extra_terms: Iterable[str] = ()) -> TopicQuery:
    """The topic's own words plus what they imply ("ukraine" -> "ukrainian", "kyiv")."""
    base = " ".join(topic.lower().split())
    terms: set[str] = set()
    for term in [base, *(t.lower().strip() for t in extra_terms)]:
        if term:
            terms |= _expand(term)
    parts: set[str] = set()
    words = base.split()
    if len(words) > 1:  # "energy prices": the words count too, but only together
        for w in words:
            if len(w) > 2:
                parts |= _expand(w)
    parts -= terms
    return TopicQuery(
        topic=topic.strip(), terms=_without_plurals(terms), parts=_without_plurals(parts)
    )


def _pattern(term: str) -> re.Pattern[str]:
    return re.compile(
        r"(?<!\w)" + re.escape(term).replace(r"\ ", r"\s+") + r"(?:'s|s)?(?!\w)", re.I
    )


def score_article(query: TopicQuery, article: ArticleView) -> tuple[float, tuple[str, ...]]:
    """Relevance 0..1 and the terms or actors that made the article match, strongest first
    (a term in the headline before one only in the body)."""
    weights: dict[str, float] = {}
    for term in query.terms:
        if found := _term_score(term, article):
            weights[term] = found
    part_scores = {p: s for p in query.parts if (s := _term_score(p, article))}
    if len(part_scores) >= 2:  # "energy" and "prices", not "prices" alone
        weights.update({p: 0.5 * s for p, s in part_scores.items()})
    names = {n.lower() for n in query.actors}
    for actor in article.actors:
        forms = {actor.name.lower(), *(a.lower() for a in actor.aliases)}
        if forms & names or (actor.country and actor.country.lower() in query.terms):
            name = actor.name if actor.name.lower() not in weights else actor.name.lower()
            weights[name] = weights.get(name, 0.0) + 1.0 + 2.0 * actor.salience
    score = sum(weights.values())
    relevance = 1.0 - 1.0 / (1.0 + score / 4.0) if score else 0.0
    return relevance, tuple(sorted(weights, key=lambda m: -weights[m]))


def _term_score(term: str, article: ArticleView) -> float:
    pat = _pattern(term)
    in_title = len(pat.findall(article.title))
    in_points = sum(len(pat.findall(k.text)) for k in article.key_points)
    in_body = len(pat.findall(article.text)) if article.text else 0
    return 3.0 * min(in_title, 1) + 1.0 * min(in_points, 3) + 0.3 * min(in_body, 10)


def related_actors(
    articles: Sequence[ArticleView],
    totals: Mapping[str, int],
    *,
    min_articles: int = 2,
    specificity: float = 0.6,
    limit: int = 8,
) -> list[str]:
    """People and organisations central to, and specific to, articles that match a topic.

    Used to widen a topic: an article that names Volodymyr Zelensky is about Ukraine even
    when it never says "Ukraine". An actor counts when it is salient in several matches and
    most articles naming it at all are matches (``totals``: articles per actor name), so
    that someone in every story (a head of state) does not drag every story in.
    """
    weight: dict[str, float] = {}
    seen: Counter[str] = Counter()
    for article in articles:
        for actor in article.actors:
            if actor.type.value in ("person", "organization") and actor.salience >= 0.5:
                weight[actor.name] = weight.get(actor.name, 0.0) + actor.salience
                seen[actor.name] += 1
    return [
        n
        for n in sorted(weight, key=lambda name: -weight[name])
        if seen[n] >= min_articles and seen[n] >= specificity * totals.get(n, seen[n])
    ][:limit]
