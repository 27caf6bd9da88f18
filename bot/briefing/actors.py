"""Actors of an article: the people, organisations, places and groups it is about.

:func:`resolve_actors` turns the tagger's raw mentions into canonical actors of ONE
article: surface forms are cleaned (titles, possessives, a leading "the"), short forms join
their full names ("Trump" -> "Donald Trump"), acronyms join their long forms, and each
actor's type is the majority of all its mentions, so a name is never both a person and an
organisation in one article. ``bot.briefing.actor_matching`` does the cautious matching
across articles that storage needs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from bot.briefing import gazetteer
from bot.briefing.gazetteer import PARTICLES, word_set
from bot.briefing.layout import caps_lines, layout_mentions, overlaps
from bot.briefing.model import Actor, ActorType, AnnotatedText, Mention, Token
from bot.briefing.names import (
    HONORIFICS,
    TITLES,
    clean_name,
    is_event,
    is_junk,
    name_key,
    split_entity,
)
from bot.briefing.similarity import DisjointSets

LABEL_TYPES: dict[str, ActorType] = {
    "PERSON": ActorType.PERSON,
    "ORG": ActorType.ORGANIZATION,
    "GPE": ActorType.PLACE,
    "LOC": ActorType.PLACE,
    "FAC": ActorType.PLACE,
    "NORP": ActorType.GROUP,
}

LEAD_SENTENCES = 3


@dataclass
class _Cluster:
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

    def add(self, other: _Cluster) -> None:
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


def resolve_actors(doc: AnnotatedText) -> tuple[Actor, ...]:
    """Canonical actors of one article, most salient first."""
    clusters: dict[str, _Cluster] = {}
    caps = caps_lines(doc.text)
    for mention in _join_particle_names(doc):
        trusted = not overlaps(caps, mention.start, mention.end)
        for part in split_entity(mention.text):
            _collect(doc, mention, part, clusters, trusted=trusted)
    tagged = sorted((m.start, m.end) for m in doc.mentions if m.label in LABEL_TYPES)
    for mention, weight in layout_mentions(doc):
        counted = not overlaps(tagged, mention.start, mention.end)
        _collect(doc, mention, mention.text, clusters, weight=weight, counted=counted)
    actors = []
    for c in _link_clusters(clusters):
        atype = _settled_type(c) if c.trusted else None
        if atype is not None:
            actors.append(_to_actor(doc, c, atype))
    return tuple(sorted(actors, key=lambda a: -a.salience))


_PARTICLE_TAIL = re.compile(rf"[ \t]+((?:(?:{'|'.join(sorted(PARTICLES))})[ \t]+)*[A-Z][\w'’-]+)")


def _join_particle_names(doc: AnnotatedText) -> list[Mention]:
    """Mend names the tagger cut at a particle: "Ursula von der" + "Leyen"."""
    out: list[Mention] = []
    skip_until = -1
    for m in sorted(doc.mentions, key=lambda m: m.start):
        if m.start < skip_until:
            continue
        tail = _PARTICLE_TAIL.match(doc.text, m.end) if m.label == "PERSON" else None
        ends_in_particle = m.text.rsplit(" ", 1)[-1] in PARTICLES
        if tail and (ends_in_particle or tail.group(1).split()[0] in PARTICLES):
            end = tail.end(1)
            m = Mention(doc.text[m.start : end], m.label, m.start, end, m.sentence)
            skip_until = end
        out.append(m)
    return out


def _collect(
    doc: AnnotatedText,
    mention: Mention,
    part: str,
    clusters: dict[str, _Cluster],
    *,
    weight: int = 1,
    counted: bool = True,
    trusted: bool = True,
) -> None:
    label = mention.label
    atype = LABEL_TYPES.get(label)
    if atype is None or (weight == 1 and _is_title_fragment(doc, mention)):
        return
    name, title = clean_name(part, label)
    if is_junk(name) or is_event(name) or name.casefold() in PORTFOLIOS:
        return
    country = gazetteer.country_of(name) if gazetteer.is_country_name(name) else None
    key = name_key(country.name if country else name)
    cluster = clusters.setdefault(key, _Cluster(first=mention.start))
    if country is not None:
        cluster.canonical = country.name
    cluster.forms[name] += counted
    cluster.trusted = cluster.trusted or trusted
    cluster.sentences.add(mention.sentence)
    cluster.first = min(cluster.first, mention.start)
    cluster.votes[atype] += weight
    if weight > 1:
        cluster.layout[atype] += weight
    else:
        _weigh_context(doc, cluster, mention, part)
    if title and title.split()[0].casefold().rstrip(".") in HONORIFICS:
        cluster.strong = ActorType.PERSON
    _weigh_name(cluster, name, is_country=country is not None)
    if atype is ActorType.PERSON:
        role = _role(doc, mention, title)
        if role:
            cluster.roles.append(role)


def _weigh_name(cluster: _Cluster, name: str, *, is_country: bool) -> None:
    """What the gazetteer and the words of the name itself say about its type."""
    if is_country:
        cluster.strong = ActorType.PLACE
    elif gazetteer.country_of_demonym(name):
        cluster.strong = ActorType.GROUP
    elif gazetteer.org_long_form(name) or gazetteer.is_known_organization(name):
        cluster.strong = ActorType.ORGANIZATION
    elif gazetteer.is_known_place(name):
        cluster.known_place = True
    elif " " in name:
        first, *_, last = (w.casefold().rstrip(".") for w in name.split())
        if last in gazetteer.ORG_SUFFIXES:
            cluster.votes[ActorType.ORGANIZATION] += 2
        elif last in gazetteer.PLACE_SUFFIXES or first in gazetteer.PLACE_PREFIXES:
            cluster.votes[ActorType.PLACE] += 2
    if cluster.strong is not None or cluster.known_place:
        cluster.trusted = True


# Nouns after a name that make it a product, not a person: "the Claude chatbot".
PRODUCT_NOUNS = word_set(
    """chatbot chatbots app apps model models software platform device phone phones assistant
    browser console tablet laptop brand drug vaccine"""
)


def _weigh_context(doc: AnnotatedText, cluster: _Cluster, mention: Mention, part: str) -> None:
    """Where the mention stands: opening a sentence as a common noun, or naming a product."""
    if mention.sentence >= len(doc.sentences):
        return
    start = mention.start + max(0, mention.text.find(part))
    tokens = doc.sentences[mention.sentence].tokens
    i = next((n for n, t in enumerate(tokens) if t.start >= start), len(tokens))
    line_start = doc.text.rfind("\n", 0, start) + 1
    opens_line = not any(ch.isalnum() for ch in doc.text[line_start:start])
    if not opens_line and any(ch.isalnum() for t in tokens[:i] for ch in t.text):
        cluster.inner += 1
    elif i < len(tokens) and tokens[i].end >= start + len(part.strip()):
        cluster.common += _reads_as_common_noun(doc, tokens[i])
    after = _token_after(doc, mention)
    if after is not None and after.text.casefold().rstrip(".") in PRODUCT_NOUNS:
        cluster.product = True


def _reads_as_common_noun(doc: AnnotatedText, tok: Token) -> bool:
    """A capitalised sentence opener the tagger calls a noun (here or in another sentence),
    or that the text also writes in lower case ("Bias in ..." where "bias" occurs too)."""
    if tok.text.isupper():
        return tok.pos in _COMMON_POS
    if tok.pos in _COMMON_POS or any(
        t.text == tok.text and t.pos in _COMMON_POS for s in doc.sentences for t in s.tokens
    ):
        return True
    return re.search(rf"\b{re.escape(tok.text.lower())}\b", doc.text) is not None


_COMMON_POS = frozenset({"NOUN", "ADJ", "VERB", "ADV"})


def _token_after(doc: AnnotatedText, mention: Mention) -> Token | None:
    if mention.sentence >= len(doc.sentences):
        return None
    tokens = doc.sentences[mention.sentence].tokens
    return next((t for t in tokens if t.start >= mention.end and not t.text.isspace()), None)


# A government portfolio alone ("Trade will be on the agenda", "Energy Secretary") is a
# subject or part of a title, never an actor by itself.
PORTFOLIOS = word_set(
    """defense defence foreign interior finance health justice energy trade education
    transport agriculture economy environment culture science technology housing"""
)
# Government titles: the portfolio before or after one is part of the title, not an
# organisation ("Energy Secretary Ed Miliband", "Secretary of Defense Peter Hegseth").
GOVERNMENT_TITLES = word_set("secretary minister commissioner secretary-general undersecretary")


def _is_title_fragment(doc: AnnotatedText, mention: Mention) -> bool:
    if mention.label != "ORG":
        return False
    name, _ = clean_name(mention.text)
    words = name.split()
    if not words or gazetteer.org_long_form(name) or gazetteer.is_known_organization(name):
        return False
    if words[-1].casefold() in gazetteer.ORG_SUFFIXES:
        return False
    after = _token_after(doc, mention)
    if (
        after is not None
        and len(words) <= 2
        and after.text[:1].isupper()
        and after.text.casefold() in GOVERNMENT_TITLES
    ):
        return True
    before = _tokens_before(doc, mention, limit=2)
    return (
        len(before) == 2
        and before[1].text.casefold() in {"of", "for"}
        and before[0].text.casefold() in GOVERNMENT_TITLES
    )


def _settled_type(c: _Cluster) -> ActorType | None:
    """The type of a resolved cluster, or None when a one-word name is no actor at all.

    A one-word name never seen in a longer form is checked against its use: opening
    sentences as a common noun ("Schools", "Campaigners") it is dropped; as a "person" it
    may be a product ("the Claude chatbot": dropped); as a person or an unknown place it may
    be a brand ("OpenAI", "Cop29", "Rosatom", "ScotRail": an organisation).
    """
    atype = c.type
    # A nationality word opens sentences as an adjective ("European industry"): still a group.
    if c.strong is not None or c.known_place or c.canonical or atype is ActorType.GROUP:
        return atype
    if any(" " in f for f in c.forms):
        return atype
    if c.inner == 0 and c.common > 0 and not c.layout:
        return None
    if atype is ActorType.ORGANIZATION:
        return atype
    if c.product and atype is ActorType.PERSON:
        return None
    if _looks_like_brand(max(c.forms, key=c.forms.__getitem__)):
        return ActorType.ORGANIZATION
    return atype


_NAME_PREFIX = re.compile(r"^(?:Mc|Mac|O'|O’|D'|De|Di|Da|Du|Le|La)(?=[A-Z])")


def _looks_like_brand(name: str) -> bool:
    """Inner capitals ("OpenAI"), digits ("Cop29") or a company-like ending ("Rosatom")."""
    inner_caps = re.search(r"[a-z][A-Z]", _NAME_PREFIX.sub("", name)) is not None
    digits = any(ch.isdigit() for ch in name)
    return inner_caps or digits or name.casefold().endswith(gazetteer.ORG_NAME_ENDINGS)


def _role(doc: AnnotatedText, mention: Mention, title: str) -> str:
    """Title words and a nationality just before a person's name: "French President"."""
    if title and title.split()[0].casefold().rstrip(".") not in HONORIFICS:
        return title
    tokens = _tokens_before(doc, mention, limit=8)
    i = len(tokens) - 1
    words: list[str] = []
    while i >= 0 and (
        _is_title_token(tokens[i])
        or (words and i > 0 and tokens[i].text in {"of", "for"} and _is_title_token(tokens[i - 1]))
    ):
        words.insert(0, tokens[i].text)
        i -= 1
    if not words:
        return ""
    if i >= 0 and tokens[i].ent_label in {"NORP", "GPE"} and tokens[i].text[:1].isupper():
        words.insert(0, tokens[i].text)
    return " ".join(words)


def _tokens_before(doc: AnnotatedText, mention: Mention, *, limit: int) -> list[Token]:
    """Up to ``limit`` word tokens before a mention, crossing one sentence boundary."""
    out: list[Token] = []
    for si in range(
        min(mention.sentence, len(doc.sentences) - 1), max(-1, mention.sentence - 2), -1
    ):
        tokens = doc.sentences[si].tokens
        i = bisect_right([t.start for t in tokens], mention.start - 1)
        for t in reversed(tokens[max(0, i - limit) : i]):
            if t.end <= mention.start and not t.text.isspace():
                out.append(t)
        if len(out) >= limit:
            break
    return out[:limit][::-1]


def _is_title_token(tok: Token) -> bool:
    key = tok.text.casefold().rstrip(".")
    return key in TITLES and (tok.text[:1].isupper() or key in {"former", "ex"})


def _link_clusters(clusters: dict[str, _Cluster]) -> list[_Cluster]:
    """Join short forms to full names and acronyms to long forms; the rest stay apart."""
    sets = DisjointSets(clusters)
    people = _link_short_names(clusters, sets)
    _link_acronyms(clusters, sets)
    _link_org_heads(clusters, sets)
    merged: dict[str, _Cluster] = {}
    for k, c in clusters.items():
        root = sets.root(k)
        target = merged.setdefault(root, _Cluster(first=c.first))
        target.add(c)
    for root in people:
        # "Trump" tagged ORG ten times is still Donald Trump once he is named in full.
        if root in merged and merged[root].strong is None:
            merged[root].strong = ActorType.PERSON
    return list(merged.values())


def _link_short_names(clusters: dict[str, _Cluster], sets: DisjointSets[str]) -> set[str]:
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


def _link_org_heads(clusters: dict[str, _Cluster], sets: DisjointSets[str]) -> None:
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


def _link_acronyms(clusters: dict[str, _Cluster], sets: DisjointSets[str]) -> None:
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


def _display(form: str) -> str:
    """ALL-CAPS headline forms read better in title case; short acronyms stay."""
    if form.isupper() and len(form.replace(".", "")) > 4:
        return " ".join(
            w.capitalize() if w.casefold() not in PARTICLES else w.lower() for w in form.split()
        )
    return form


def _canonical(c: _Cluster) -> str:
    if c.canonical:
        return c.canonical

    def rank(form: str) -> tuple[int, int, int, int]:
        return (len(form.split()), not form.isupper(), c.forms[form], len(form))

    return _display(max(c.forms, key=rank))


def _to_actor(doc: AnnotatedText, c: _Cluster, atype: ActorType) -> Actor:
    name = _canonical(c)
    aliases = tuple(f for f in sorted(c.forms, key=lambda f: -c.forms[f]) if f != name)
    country = gazetteer.country_of_demonym(name) if atype is ActorType.GROUP else None
    role = Counter(c.roles).most_common(1)[0][0] if c.roles and atype is ActorType.PERSON else None
    return Actor(
        name=name,
        type=atype,
        aliases=aliases,
        mentions=c.count,
        salience=_salience(doc, c, name),
        role=role,
        country=country,
    )


def _salience(doc: AnnotatedText, c: _Cluster, name: str) -> float:
    title = doc.title.casefold()
    in_title = bool(title) and any(f.casefold() in title for f in (name, *c.forms))
    in_lead = any(s < LEAD_SENTENCES for s in c.sentences)
    frequency = min(1.0, c.count / 5)
    score = 0.4 * in_title + 0.3 * in_lead + 0.3 * frequency
    return round(min(1.0, score), 4)
