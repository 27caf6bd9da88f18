"""Stories: articles about the same event, from one or several outlets, shared close together."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.briefing.clustering import attach_strays, average_link
from bot.briefing.corroboration import corroborations
from bot.briefing.fragments import key_point_directive
from bot.briefing.model import Actor, ActorType, ArticleView, CitedPoint, KeyPoint

STORY_WINDOW = timedelta(days=4)
# Two groups of articles are one story when their mean TF-IDF cosine is at least this.
# Set on the ECB+ dev topics; benchmarks/fit_stories.py checks it and the constants below
# on split halves (held out, 0.15-0.25 do about as well: benchmarks/RESULTS.md, Quality).
SAME_STORY = 0.20
SALIENCE_BASE = 0.25  # an actor weighs by this plus its salience: incidental names add little
W_ACTOR = 3  # a named actor counts as this many words: names identify an event best
MEMBER_FLOOR = 0.5  # every member of a merged group is this close (x SAME_STORY) to the other
STRAY = 0.5  # an article left alone joins a story it is this close to, relative to SAME_STORY
STRAY_MARGIN = 1.5  # ...and at least this many times closer than to anything else
PROTAGONIST = 0.5  # salience from which a person is what an article is about
OTHER_PROTAGONISTS = 0.5  # similarity kept when each names a protagonist the other never does
KEY_POINTS_READ = 5  # the first key points carry the event; later ones wander
SAME_POINT = 0.5  # word overlap above which two key points say the same thing
HEADLINE_ONLY = 0.8  # share of a point's words in the headline above which it adds nothing

_NUMBER = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b")
_WORD = re.compile(r"[^\W\d_]{3,}|\d+(?:[.,]\d+)?%?", re.UNICODE)
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "that",
        "with",
        "this",
        "from",
        "have",
        "has",
        "had",
        "was",
        "were",
        "are",
        "will",
        "would",
        "could",
        "should",
        "their",
        "they",
        "them",
        "there",
        "than",
        "then",
        "its",
        "his",
        "her",
        "she",
        "him",
        "who",
        "whom",
        "which",
        "what",
        "when",
        "where",
        "why",
        "how",
        "not",
        "but",
        "also",
        "been",
        "being",
        "into",
        "over",
        "after",
        "before",
        "about",
        "more",
        "most",
        "some",
        "such",
        "only",
        "other",
        "said",
        "says",
        "say",
        "new",
        "one",
        "two",
        "three",
        "year",
        "years",
        "week",
        "weeks",
        "day",
        "days",
        "time",
        "just",
        "our",
        "your",
        "you",
        "all",
        "any",
        "can",
        "may",
        "might",
        "must",
        "per",
        "via",
        "upon",
        "while",
        "during",
        "between",
        "against",
        "under",
        "within",
    ]
)


def words(text: str) -> list[str]:
    return [w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in _STOP]


CORPUS_SIZE_TERM = "#"  # the stored count of articles, beside the features' own counts
MAX_TERM = 200  # characters of a feature: a longer name is cut (and still identifies)


@dataclass(frozen=True, slots=True)
class Corpus:
    """The archive the weights are learnt from: how many articles it holds and how many of
    them have each feature (see :func:`feature_bag`). A briefing's few matches on one topic
    are no corpus: among them every article says "quake", and "quake" would weigh no more
    than "said"; against the team's whole archive it weighs what it should."""

    documents: int
    frequency: Mapping[str, int]


def feature_bag(
    title: str, key_points: Sequence[KeyPoint], actors: Sequence[Actor]
) -> dict[str, float]:
    """What identifies an article's event: its words (the headline twice, then its first
    key points), the people, organisations and places it names, and its numbers."""
    bag: defaultdict[str, float] = defaultdict(float)
    texts = [title, *(kp.text for kp in key_points[:KEY_POINTS_READ])]
    for w in words(title):
        bag["w:" + w] += 2
    for kp in key_points[:KEY_POINTS_READ]:
        for w in words(kp.text):
            bag["w:" + w] += 1
    for actor in actors:
        weight = W_ACTOR * (SALIENCE_BASE + actor.salience)
        if actor.type is not ActorType.GROUP and weight > 0:
            bag["a:" + actor.name.lower()] += weight
    for text in texts:
        for n in _NUMBER.findall(text):
            bag["n:" + n] += 1
    return {k[:MAX_TERM]: v for k, v in bag.items()}


def feature_terms(articles: Sequence[ArticleView]) -> set[str]:
    """Every feature of ``articles``: what a :class:`Corpus` is asked about."""
    return {k for a in articles for k in _features(a)}


def _features(article: ArticleView) -> dict[str, float]:
    return feature_bag(article.title, article.key_points, article.actors)


def _weighted(
    bags: Sequence[Mapping[str, float]], corpus: Corpus | None = None
) -> list[dict[str, float]]:
    """TF-IDF, unit length: what many articles say weighs little beside what few say (an
    event's names, places, numbers). Frequencies are the corpus's when it is given and at
    least as large as the articles at hand (which it holds), else theirs."""
    df: Counter[str] = Counter(k for bag in bags for k in bag)
    n = len(bags)
    if corpus is not None and corpus.documents >= n:
        n = corpus.documents
        for k in df:
            df[k] = max(df[k], corpus.frequency.get(k, 0))
    out = []
    for bag in bags:
        vec = {k: _tf(v) * _idf(n, df[k]) for k, v in bag.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        out.append({k: x / norm for k, x in vec.items()})
    return out


def similarity(a: ArticleView, b: ArticleView) -> float:
    """0..1: how alike two articles read as reports of one event, weighed as a pair."""
    va, vb = _weighted([_features(a), _features(b)])
    return sum(x * vb[k] for k, x in va.items() if k in vb)


def story_similarities(
    articles: Sequence[ArticleView], corpus: Corpus | None = None
) -> dict[tuple[int, int], float]:
    """``(i, j) -> similarity`` for the pairs (``i < j``) that can be one story: shared
    within STORY_WINDOW and sharing a feature (the same link counts as identical).

    Pairs that share no feature have similarity 0, so they are found through an inverted
    index while the dot products accumulate: a briefing over hundreds of matches compares
    far fewer pairs than all of them.
    """
    vectors = _weighted([_features(a) for a in articles], corpus)
    leads = [_protagonists(a) for a in articles]
    named = [_forms(a) for a in articles]
    postings: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
    same_url: defaultdict[str, list[int]] = defaultdict(list)
    out: dict[tuple[int, int], float] = {}
    for i, (a, vec) in enumerate(zip(articles, vectors, strict=True)):
        dots: defaultdict[int, float] = defaultdict(float)
        for key, weight in vec.items():
            for j, other in postings[key]:
                dots[j] += weight * other
            postings[key].append((i, weight))
        for j in same_url[a.url]:
            dots[j] = 1.0
        same_url[a.url].append(i)
        for j, dot in dots.items():
            if abs(a.first_shared_at - articles[j].first_shared_at) > STORY_WINDOW:
                continue
            if dot < 1.0 and _other_protagonists(leads[i], named[i], leads[j], named[j]):
                dot *= OTHER_PROTAGONISTS
            out[(j, i)] = min(1.0, dot)
    return out


def _other_protagonists(
    leads_a: set[str], named_a: set[str], leads_b: set[str], named_b: set[str]
) -> bool:
    """Each article is about someone the other never names: two events, however alike
    their words (one player's injury and another's, one boxer's two fights)."""
    return bool(leads_a - named_b) and bool(leads_b - named_a)


def _protagonists(article: ArticleView) -> set[str]:
    """The surnames of the people an article is most about."""
    people = sorted(
        (a for a in article.actors if a.type is ActorType.PERSON and a.salience >= PROTAGONIST),
        key=lambda a: -a.salience,
    )
    return {a.name.lower().split()[-1] for a in people[:3]}


def _forms(article: ArticleView) -> set[str]:
    """Every surname-like word of every name the article gives its actors."""
    return {
        form.lower().split()[-1]
        for a in article.actors
        for form in (a.name, *a.aliases)
        if form.strip()
    }


def group_stories(
    articles: Sequence[ArticleView], corpus: Corpus | None = None
) -> list[list[ArticleView]]:
    """Articles that read as one event, grouped by average link (see ``clustering``): a
    story never grows by chaining through one article that resembles two events. Features
    are weighed against ``corpus`` (the archive) when given, else against ``articles``.

    Groups keep the input order of their first member; members keep input order too.
    """
    similar = story_similarities(articles, corpus)
    group = attach_strays(
        average_link(len(articles), similar, SAME_STORY, MEMBER_FLOOR),
        similar,
        STRAY * SAME_STORY,
        STRAY_MARGIN,
    )
    groups: dict[int, list[ArticleView]] = {}
    for i, a in enumerate(articles):  # a group's key is first set by its first member
        groups.setdefault(group[i], []).append(a)
    return list(groups.values())


def story_key(articles: Sequence[ArticleView]) -> str:
    """Stable across briefings: the id of the story's earliest-shared article."""
    return str(min(articles, key=lambda a: (a.first_shared_at, a.id)).id)


def best_points(
    articles: Sequence[ArticleView], limit: int = 3, headline: str = ""
) -> list[CitedPoint]:
    """Key points across a story's articles, best first, never the same fact twice.

    Takes the articles' points in rounds (each article's best, then their second best...)
    so that a story told by several outlets shows more than one of them. A point that only
    repeats the headline (a standfirst extracted with the body) is left out. Each point
    carries how many of the story's outlets state its fact (``corroboration``).
    """
    chosen: list[CitedPoint] = []
    chosen_words: list[set[str]] = []
    headline_words = set(words(headline))
    depth = max((len(a.key_points) for a in articles), default=0)
    for rank in range(depth):
        for article in articles:
            if rank >= len(article.key_points) or len(chosen) >= limit:
                continue
            text = article.key_points[rank].text
            ws = set(words(text))
            if any(_overlap(ws, other) > SAME_POINT for other in chosen_words):
                continue
            if ws and len(ws & headline_words) / len(ws) > HEADLINE_ONLY:
                continue  # says no more than the headline above it
            chosen.append(
                CitedPoint(
                    text=text,
                    url=article.url,
                    outlet=article.outlet or _host(article.url),
                    directive=key_point_directive(article, article.key_points[rank]),
                )
            )
            chosen_words.append(ws)
    counts = corroborations(chosen, articles)
    return [replace(p, sources=n) for p, n in zip(chosen, counts, strict=True)]


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _host(url: str) -> str:
    host = url.split("//", 1)[-1].split("/", 1)[0]
    return host.removeprefix("www.")


IDF_FLOOR = 1.0
BACKGROUND = 200


def _tf(count: float) -> float:
    """Sublinear above one (a word said ten times is not ten times the evidence); a
    fractional weight (a name of low salience) counts as it is."""
    return 1.0 + math.log(count) if count >= 1 else count


def _idf(n: int, df: int) -> float:
    return math.log((n + BACKGROUND + 1) / (df + 1)) + IDF_FLOOR
