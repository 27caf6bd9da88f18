"""Mentions of one actor while an article's actors are resolved, and how they join.

A :class:`Cluster` gathers the mentions of one name with the evidence about its type;
:func:`link_clusters` joins short forms to full names ("Trump" -> "Donald Trump"), acronyms
to long forms and "the Bank" to "the Bank of England".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.briefing import gazetteer
from bot.briefing.gazetteer import PARTICLES
from bot.briefing.model import ActorType
from bot.briefing.names import name_key
from bot.briefing.similarity import DisjointSets


@dataclass
class Cluster:
    """Mentions that name one actor, while resolution is under way."""

    forms: Counter[str] = field(default_factory=Counter)  # cleaned surface -> count
    votes: Counter[ActorType] = field(default_factory=Counter)
    first: int = 0  # offset of the first mention
    sentences: set[int] = field(default_factory=set)
    roles: list[str] = field(default_factory=list)
    strong: ActorType | None = None  # a type the gazetteer or an honorific insists on
    trusted: bool = False  # seen outside ALL-CAPS lines, or backed by layout or gazetteer
    canonical: str = ""  # the gazetteer's name for it, when it knows one
    known_place: bool = False  # a city, region or river the gazetteer knows
    layout: Counter[ActorType] = field(default_factory=Counter)  # votes from table layout
    inner: int = 0  # mentions that do not open a sentence
    common: int = 0  # sentence-opening mentions that read as common nouns ("Schools")
    product: bool = False  # named as a product: "the Claude chatbot"
    plain: int = 0  # mentions inside a sentence and outside quotes: a name used as one
    unquoted: int = 0  # mentions outside quoted remarks
    mentions_seen: int = 0  # tagged mentions whose context was read

    def add(self, other: Cluster) -> None:
        self.forms.update(other.forms)
        self.votes.update(other.votes)
        self.first = min(self.first, other.first)
        self.sentences |= other.sentences
        self.roles.extend(other.roles)
        self.strong = self.strong or other.strong
        self.trusted = self.trusted or other.trusted
        self.canonical = self.canonical or other.canonical
        self.known_place = self.known_place or other.known_place
        self.layout.update(other.layout)
        self.inner += other.inner
        self.common += other.common
        self.product = self.product or other.product
        self.plain += other.plain
        self.unquoted += other.unquoted
        self.mentions_seen += other.mentions_seen

    @property
    def type(self) -> ActorType:
        if self.strong is not None:
            return self.strong
        # A known city is a place even when one tag says otherwise ("Kyiv said"), unless a
        # results table shows it is a team.
        if self.known_place and not self.layout[ActorType.ORGANIZATION]:
            return ActorType.PLACE
        return max(self.votes, key=lambda t: (self.votes[t], -_TYPE_ORDER.index(t)))

    @property
    def count(self) -> int:
        return max(1, sum(self.forms.values()))


_TYPE_ORDER = (ActorType.PERSON, ActorType.PLACE, ActorType.ORGANIZATION, ActorType.GROUP)


def link_clusters(clusters: dict[str, Cluster]) -> list[Cluster]:
    """Join short forms to full names and acronyms to long forms; the rest stay apart."""
    sets = DisjointSets(clusters)
    _link_middle_names(clusters, sets)
    people = _link_short_names(clusters, sets)
    _link_acronyms(clusters, sets)
    _link_org_heads(clusters, sets)
    merged: dict[str, Cluster] = {}
    for k, c in clusters.items():
        root = sets.root(k)
        target = merged.setdefault(root, Cluster(first=c.first))
        target.add(c)
    for root in people:
        # "Trump" tagged ORG ten times is still Donald Trump once he is named in full.
        if root in merged and merged[root].strong is None:
            merged[root].strong = ActorType.PERSON
    return list(merged.values())


def _link_middle_names(clusters: dict[str, Cluster], sets: DisjointSets[str]) -> None:
    """ "Owen Dempsey" is the "Owen John Dempsey" of the same article: a person's name joins
    the one longer name that keeps its first and last words and adds middle ones."""
    people = [k for k, c in clusters.items() if c.type is ActorType.PERSON and " " in k]
    for k in people:
        words = k.split()
        longer = [o for o in people if len(o.split()) > len(words) and _adds_middle(words, o)]
        if len(longer) == 1 and sets.is_root(k):
            sets.attach(k, longer[0])


def _adds_middle(words: list[str], longer: str) -> bool:
    other = longer.split()
    if other[0] != words[0] or other[-1] != words[-1]:
        return False
    rest = iter(other[1:-1])
    return all(w in rest for w in words[1:-1])


def _link_short_names(clusters: dict[str, Cluster], sets: DisjointSets[str]) -> set[str]:
    """A surname ("Trump") or a lone first name joins the full name of a person it ends or
    starts, whatever its own tags say, unless it is a known place; when several people
    share it, the one mentioned most takes it. Returns the full names that took one."""
    surnames: dict[str, list[str]] = {}
    first_names: dict[str, list[str]] = {}
    for k, c in clusters.items():
        words = k.split()
        if c.type is not ActorType.PERSON or len(words) < 2:
            continue
        for n in range(1, len(words)):
            surnames.setdefault(" ".join(words[n:]), []).append(k)
        if words[0] not in PARTICLES and not words[0].endswith("."):
            first_names.setdefault(words[0], []).append(k)
    taken: set[str] = set()
    for k, c in clusters.items():
        if (c.strong is not None and c.strong is not ActorType.PERSON) or c.known_place:
            continue
        found = [o for o in surnames.get(k, ()) if o != k]
        other = sum(c.votes.values()) - c.votes[ActorType.PERSON]
        if not found and (other <= 1 or c.votes[ActorType.PERSON] > 0):
            # A first word is weaker evidence: "Pirelli", never tagged as a person, is not
            # the "Pirelli Cables" the tagger took for one.
            found = [o for o in first_names.get(k, ()) if o != k]
        if found:
            full = max(found, key=lambda o: (clusters[o].count, -clusters[o].first))
            sets.attach(k, full)
            taken.add(full)
    return taken


def _link_org_heads(clusters: dict[str, Cluster], sets: DisjointSets[str]) -> None:
    """ "the Bank" after "the Bank of England", "the Commission" after "the European
    Commission": a one-word organisation that opens or ends exactly one longer organisation
    named in the article is that organisation."""
    heads: dict[str, list[str]] = {}
    for k, c in clusters.items():
        words = k.split()
        if c.type is ActorType.ORGANIZATION and len(words) >= 2:
            for word in {words[0], words[-1]}:
                heads.setdefault(word, []).append(k)
    for k, c in clusters.items():
        if c.type is not ActorType.ORGANIZATION or " " in k or not sets.is_root(k) or c.known_place:
            continue
        found = [o for o in heads.get(k, ()) if o != k]
        if len(found) == 1:
            sets.attach(k, found[0])


def _link_acronyms(clusters: dict[str, Cluster], sets: DisjointSets[str]) -> None:
    longs: dict[str, str] = {}
    for k, c in clusters.items():
        long = gazetteer.org_long_form(k)
        if long is not None:
            longs.setdefault(name_key(long), k)
        words = [w for w in max(c.forms, key=c.forms.__getitem__).split() if w[:1].isupper()]
        if len(words) >= 2 and c.type is ActorType.ORGANIZATION:
            longs.setdefault("".join(w[0] for w in words).casefold(), k)
    for k, c in clusters.items():
        target = longs.get(name_key(gazetteer.org_long_form(k) or k))
        if target is None and c.type is ActorType.ORGANIZATION and " " not in k:
            target = longs.get(k)
        if target is not None and target != k and sets.is_root(k) and sets.is_root(target):
            sets.attach(k, target)
