"""Who a story is about: its actors across articles, each once, most salient first (pure).

Each article has resolved its own actors; across the articles of a story (or a briefing)
the same person may be "Owen John Dempsey" in one and "Owen Dempsey" or "Dempsey" in
another, and a name the tagger typed a person in one article may be an organisation in
another. :func:`rank_actors` joins those, decides the type by the articles that use each,
and ranks by how many articles name an actor, then by its salience in them. A name that
only ever occurs inside quoted remarks (salience 0) is no protagonist and is left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from bot.briefing.model import ActorCount, ActorType, ArticleView
from bot.briefing.names import name_key

# Among actors named by as many articles, salience orders them, and each mention adds this
# much (so a name said ten times outranks one said once at equal salience).
W_MENTION = 0.02
PLACE_SHARE = 4  # see _Entry.placed
WHO_TYPES = frozenset({ActorType.PERSON, ActorType.ORGANIZATION})


@dataclass
class _Entry:
    names: Counter[str] = field(default_factory=Counter)
    types: Counter[ActorType] = field(default_factory=Counter)
    articles: set[int] = field(default_factory=set)
    weight: float = 0.0
    roles: Counter[str] = field(default_factory=Counter)
    salient: bool = False

    def add(self, other: _Entry) -> None:
        self.names.update(other.names)
        self.types.update(other.types)
        self.articles |= other.articles
        self.weight += other.weight
        self.roles.update(other.roles)
        self.salient = self.salient or other.salient

    @property
    def name(self) -> str:
        """The fullest name any article gives, the most used among equals."""
        return max(self.names, key=lambda n: (len(n.split()), self.names[n], n))

    @property
    def placed(self) -> bool:
        """A name a quarter or more of its articles read as a place ("Banda Aceh", typed a
        person here and an organisation there): too doubtful to name as a protagonist."""
        return self.types[ActorType.PLACE] * PLACE_SHARE >= sum(self.types.values())

    @property
    def type(self) -> ActorType:
        return max(self.types, key=lambda t: (self.types[t], t is ActorType.PERSON))


def rank_actors(
    articles: Sequence[ArticleView], limit: int, kinds: Collection[ActorType] = WHO_TYPES
) -> tuple[ActorCount, ...]:
    """At most ``limit`` actors of ``kinds`` across articles, each once: by articles naming
    them, then salience; the role most articles give (their own words)."""
    entries: dict[str, _Entry] = {}
    for article in articles:
        for actor in article.actors:
            e = entries.setdefault(_key(actor.name), _Entry())
            e.names[actor.name] += 1
            e.types[actor.type] += 1
            e.articles.add(article.id)
            e.weight += actor.salience + W_MENTION * actor.mentions
            e.salient = e.salient or actor.salience > 0
            if actor.role:
                e.roles[actor.role] += 1
    merged = [
        e
        for e in _join_variants(entries)
        if e.salient and e.type in kinds and (ActorType.PLACE in kinds or not e.placed)
    ]
    merged.sort(key=lambda e: (-len(e.articles), -e.weight, e.name))
    return tuple(
        ActorCount(
            e.name,
            e.type,
            len(e.articles),
            e.roles.most_common(1)[0][0] if e.roles and e.type is ActorType.PERSON else None,
        )
        for e in merged[:limit]
    )


def _key(name: str) -> str:
    """Spellings of one name alike: case and spacing aside, and "U.S." as "US"."""
    return re.sub(r"\b([A-Za-z])\.", r"\1", name_key(name))


def _join_variants(entries: dict[str, _Entry]) -> list[_Entry]:
    """A person's shorter names join the one fuller name they fit: "Owen Dempsey" and
    "Dempsey" join "Owen John Dempsey", even where one article took a lone surname for an
    organisation; a one-word body joins the one longer body it opens or ends; an ambiguous
    short name stays apart."""
    people = [k for k, e in entries.items() if ActorType.PERSON in e.types]
    surnames = [k for k, e in entries.items() if " " not in k and ActorType.PLACE not in e.types]
    into: dict[str, str] = {}
    for k in sorted({*people, *surnames}, key=lambda k: len(k.split())):
        fuller = [o for o in people if len(o.split()) > len(k.split()) and _fits(k, o)]
        if len(fuller) == 1:
            into[k] = fuller[0]
        elif fuller and all(_fits(a, b) or _fits(b, a) for a in fuller for b in fuller):
            into[k] = max(fuller, key=lambda o: len(o.split()))
    orgs = [k for k, e in entries.items() if e.type is ActorType.ORGANIZATION]
    for k in orgs:
        # "Commission" beside "European Commission": the one longer body it opens or ends.
        heads = [o for o in orgs if " " in o and k in (o.split()[0], o.split()[-1])]
        if " " not in k and len(heads) == 1 and k not in into:
            into[k] = heads[0]
    out: dict[str, _Entry] = {}
    for k, e in entries.items():
        root = k
        while root in into:
            root = into[root]
        out.setdefault(root, _Entry()).add(e)
    return list(out.values())


def _fits(short: str, full: str) -> bool:
    """A surname alone, or the same first and last names with fewer middle ones."""
    s, f = short.split(), full.split()
    if len(s) == 1:
        return f[-1] == s[0]
    if s[0] != f[0] or s[-1] != f[-1]:
        return False
    rest = iter(f[1:-1])
    return all(w in rest for w in s[1:-1])
