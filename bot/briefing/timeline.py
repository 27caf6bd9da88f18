"""Actor timelines: who someone is, the stories the team shared about them, newest first,
and who is seen with them (pure).

The stored actor index finds the candidates for a name (``storage.actor_lookup``);
:func:`choose_actor` decides whether the name means one of them or needs the asker to
choose, and :func:`build_timeline` turns the actor's articles into dated stories with the
briefing's own grouping (``stories.group_stories``), each told by its best key point that
names the actor.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from bot.briefing.duplicates import one_per_article
from bot.briefing.fragments import key_point_directive
from bot.briefing.model import ActorCount, ActorType, ArticleView, CitedPoint
from bot.briefing.names import name_key
from bot.briefing.stories import HEADLINE_ONLY, Corpus, group_stories, words
from bot.briefing.who import rank_actors

TIMELINE_STORIES = 10  # stories shown, newest first; "and N earlier stories" after them
SEEN_WITH = 6  # the people and organisations most often in the same articles
CANDIDATES = 5  # names offered when a name is unknown or means several actors
CLOSE_ENOUGH = 0.6  # similarity below which a stored name is no candidate for a typed one
WORD_MATCH = 0.9  # one typed word that is a word of a name is this close to the name


@dataclass(frozen=True, slots=True)
class ActorProfile:
    """A stored actor as an asker may see it: ``articles`` counts only articles shared where
    they may see them."""

    id: int
    name: str
    type: ActorType
    aliases: tuple[str, ...] = ()
    role: str | None = None
    articles: int = 0


@dataclass(frozen=True, slots=True)
class TimelineStory:
    date: datetime  # when the team first shared the story
    headline: str
    url: str
    point: CitedPoint | None  # its best key point naming the actor; None when none does
    articles: int
    sources: int


@dataclass(frozen=True, slots=True)
class Timeline:
    actor: ActorProfile
    stories: tuple[TimelineStory, ...]  # newest first
    omitted_stories: int = 0  # earlier stories not shown
    seen_with: tuple[ActorCount, ...] = ()


@dataclass(frozen=True, slots=True)
class WhoAnswer:
    """``/brief who NAME``: a timeline, or the candidates to choose from (or neither)."""

    query: str
    timeline: Timeline | None = None
    candidates: tuple[ActorProfile, ...] = ()
    ambiguous: bool = False  # the candidates all answer to the name (else they are close)


def forms_of(profile: ActorProfile) -> set[str]:
    """The name keys an actor answers to: its name and aliases."""
    return {k for k in map(name_key, (profile.name, *profile.aliases)) if k}


def closeness(query: str, profile: ActorProfile) -> float:
    """0..1: how near a typed name is to an actor's nearest name or alias ("Kier Starmer"
    to "Keir Starmer", "Zelenskyy" to "Zelensky"); one typed word is also measured against
    each word of those names ("Starmr" to "Starmer", "Keir" to "Keir Starmer"), a little
    below a whole name."""
    key = name_key(query)
    best = 0.0
    for form in forms_of(profile):
        best = max(best, SequenceMatcher(None, key, form).ratio())
        if " " not in key:
            for word in form.split():
                best = max(best, WORD_MATCH * SequenceMatcher(None, key, word).ratio())
    return best


@dataclass(frozen=True, slots=True)
class Choice:
    actor: ActorProfile | None  # the one the name means, when it means one
    candidates: tuple[ActorProfile, ...] = ()  # else the names to choose from
    ambiguous: bool = False  # they all answer to the name (else they are only close)


def choose_actor(query: str, found: Sequence[ActorProfile]) -> Choice:
    """The actor ``query`` names, or the candidates to choose from.

    One actor answering to the name exactly (its name or an alias, or for a person their
    surname alone when no name or alias is the word) is the answer. Several
    make the name ambiguous: they are the candidates, most often named first. None: the
    closest names are, by closeness, then by how many articles name them. Only actors the
    asker may see (with articles they may read) count.
    """
    key = name_key(query)
    seen = [p for p in found if p.articles > 0]
    exact = [p for p in seen if key in forms_of(p)]
    if not exact and " " not in key:  # a surname alone ("Bailey") names a person too
        exact = [p for p in seen if p.type is ActorType.PERSON and _surname(p) == key]
    if len(exact) == 1:
        return Choice(exact[0])
    if exact:
        ranked = sorted(exact, key=lambda p: (-p.articles, p.name, p.id))
        return Choice(None, tuple(ranked[:CANDIDATES]), ambiguous=True)
    scored = [(round(closeness(query, p), 2), p) for p in seen]
    close = sorted(
        ((s, p) for s, p in scored if s >= CLOSE_ENOUGH),
        key=lambda sp: (-sp[0], -sp[1].articles, sp[1].name, sp[1].id),
    )
    return Choice(None, tuple(p for _, p in close[:CANDIDATES]))


def _surname(profile: ActorProfile) -> str:
    words = name_key(profile.name).split()
    return words[-1] if len(words) > 1 else ""


def build_timeline(
    profile: ActorProfile,
    articles: Sequence[ArticleView],
    *,
    limit: int = TIMELINE_STORIES,
    corpus: Corpus | None = None,
) -> Timeline:
    """The actor's stories, newest first: the articles naming them grouped as briefings
    group them (against ``corpus``, the archive's feature counts, when given), each dated
    by its first share and told by its best point naming them."""
    views = one_per_article(sorted(articles, key=lambda a: (-a.first_shared_at.timestamp(), a.id)))
    naming = _naming_pattern(profile)
    stories = [_story(group, profile, naming) for group in group_stories(views, corpus)]
    stories.sort(key=lambda s: (-s.date.timestamp(), s.headline))
    return Timeline(
        actor=_with_role(profile, views),
        stories=tuple(stories[:limit]),
        omitted_stories=max(0, len(stories) - limit),
        seen_with=seen_with(profile, views),
    )


def _story(
    group: Sequence[ArticleView], profile: ActorProfile, naming: re.Pattern[str]
) -> TimelineStory:
    by_salience = sorted(group, key=lambda a: (-_salience(a, profile), a.first_shared_at, a.id))
    lead = by_salience[0]
    return TimelineStory(
        date=min(a.first_shared_at for a in group),
        headline=lead.title or lead.url,
        url=lead.url,
        point=naming_point(by_salience, naming),
        articles=len(group),
        sources=len({a.outlet or a.url for a in group}),
    )


def naming_point(articles: Sequence[ArticleView], naming: re.Pattern[str]) -> CitedPoint | None:
    """The best-ranked key point that names the actor, from the article most about them
    among equals, leaving out one that only repeats its headline; its link opens the
    article at the sentence where it can."""
    found = [
        (point.rank, i, point)
        for i, article in enumerate(articles)
        for point in article.key_points
        if naming.search(point.text) and not _repeats(point.text, article.title)
    ]
    if not found:
        return None
    _, i, point = min(found, key=lambda f: (f[0], f[1]))
    article = articles[i]
    return CitedPoint(
        text=point.text,
        url=article.url,
        outlet=article.outlet or article.url.split("//", 1)[-1].split("/", 1)[0],
        directive=key_point_directive(article, point),
    )


def _repeats(text: str, headline: str) -> bool:
    """A point that says no more than the headline (a standfirst read with the body)."""
    said, head = set(words(text)), set(words(headline))
    return bool(said) and len(said & head) / len(said) > HEADLINE_ONLY


def _naming_pattern(profile: ActorProfile) -> re.Pattern[str]:
    """Any of the actor's names as whole words ("Starmer's" names Keir Starmer too); a
    person's surname alone counts as naming them."""
    forms = {profile.name, *profile.aliases}
    parts = profile.name.split()
    if profile.type is ActorType.PERSON and len(parts) > 1:
        forms.add(parts[-1])
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True) if f)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _salience(article: ArticleView, profile: ActorProfile) -> float:
    return max((a.salience for a in article.actors if _is(a.name, a.type, profile)), default=0.0)


def _is(name: str, kind: ActorType, profile: ActorProfile) -> bool:
    return kind is profile.type and name == profile.name


def _with_role(profile: ActorProfile, articles: Sequence[ArticleView]) -> ActorProfile:
    """The role most of the articles give the actor, else the one stored."""
    roles = Counter(
        a.role for v in articles for a in v.actors if _is(a.name, a.type, profile) and a.role
    )
    role = roles.most_common(1)[0][0] if roles else profile.role
    return ActorProfile(
        profile.id, profile.name, profile.type, profile.aliases, role, profile.articles
    )


def seen_with(profile: ActorProfile, articles: Sequence[ArticleView]) -> tuple[ActorCount, ...]:
    """The people and organisations most often named in the actor's articles, but them."""
    own = forms_of(profile)
    ranked = rank_actors(articles, SEEN_WITH + 4)
    return tuple(a for a in ranked if name_key(a.name) not in own)[:SEEN_WITH]
