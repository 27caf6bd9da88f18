"""Actors of an article: the people, organisations, places and groups it is about.

:func:`resolve_actors` turns the tagger's raw mentions into canonical actors of ONE
article: surface forms are cleaned (titles, possessives, a leading "the"), short forms join
their full names ("Trump" -> "Donald Trump"), acronyms join their long forms, and each
actor's type is the majority of all its mentions, so a name is never both a person and an
organisation in one article. :func:`match_existing_actor` and :func:`merge_actor` do the
cautious matching ACROSS articles that storage needs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from bot.briefing import gazetteer
from bot.briefing.gazetteer import PARTICLES, word_set
from bot.briefing.layout import caps_lines, layout_mentions, overlaps
from bot.briefing.model import Actor, ActorType, AnnotatedText, Mention, Token

LABEL_TYPES: dict[str, ActorType] = {
    "PERSON": ActorType.PERSON,
    "ORG": ActorType.ORGANIZATION,
    "GPE": ActorType.PLACE,
    "LOC": ActorType.PLACE,
    "FAC": ActorType.PLACE,
    "NORP": ActorType.GROUP,
}

# Words that precede a name as a title, stripped from person names and kept as a role.
TITLES = word_set(
    """president vice prime minister mr mrs ms miss dr sir dame lord lady king queen prince
    princess pope general gen col colonel capt captain sen senator rep representative gov
    governor chancellor secretary former ex deputy chief judge justice rev reverend sheikh
    ayatollah mayor ambassador commissioner chairman chairwoman chair leader premier coach
    manager professor prof minister foreign defence defense interior finance state home
    health trade speaker envoy officer director executive ceo head"""
)
# Honorifics that make a mention a person whatever the tagger said.
HONORIFICS = word_set("mr mrs ms miss dr sir dame")
PRONOUNS = word_set(
    "i me he she it we they him her us them his its their our you this that these those who one"
)
# Capitalised words of dates and of results tables that are never actors.
NOT_NAMES = word_set(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
    friday saturday sunday today attendance extras scorers result results standings total
    totals halftime note avg pct points table"""
)
# Acronyms of things, not actors: "AI laws", "VAT", "GDP".
NOT_NAMES |= word_set("ai gdp gnp cpi vat lng lpg ev evs ipo")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_EDGE_PUNCT = " \t\n,;:!?\"'“”‘’()[]{}-–—*/"
# A final dot belongs to "U.S." or "Inc.", not to "Leicestershire.".
_KEEP_DOT = re.compile(r"(?:^|[\s.])[A-Za-z]\.$|\b(?:Inc|Co|Corp|Ltd|Jr|Sr|Bros)\.$")
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


def clean_name(surface: str, label: str = "") -> tuple[str, str]:
    """Strip a leading "the", titles (for people), possessives and edge punctuation.

    Returns ``(name, title)``: ``("Keir Starmer", "Prime Minister")`` for
    "Prime Minister Keir Starmer's"; the name is "" when nothing is left.
    """
    text = _strip_edges(_POSSESSIVE.sub("", _strip_edges(" ".join(surface.split()))))
    words = text.split(" ")
    if words and words[0].casefold() == "the" and len(words) > 1:
        words = words[1:]
    title: list[str] = []
    strip_all = label == "PERSON"
    while len(words) > 1:
        key = words[0].casefold().rstrip(".")
        if key in HONORIFICS or (strip_all and key in TITLES):
            title.append(words.pop(0))
        elif strip_all and title and key in {"of", "for"}:
            title.append(words.pop(0))
            while len(words) > 2 and words[0].casefold() in TITLES | _MINISTRIES:
                title.append(words.pop(0))
        else:
            break
    return _strip_edges(" ".join(words)), " ".join(title)


def _strip_edges(text: str) -> str:
    text = text.strip(_EDGE_PUNCT).lstrip(".")
    while text.endswith(".") and not _KEEP_DOT.search(text):
        text = text[:-1].rstrip(_EDGE_PUNCT)
    return text


_MINISTRIES = word_set(
    """the state defense defence foreign affairs interior finance health treasury justice
    homeland security energy commerce trade education labor labour transport agriculture
    economy environment war"""
)


# Tagged spans often swallow a score, a dash or a bracket of a results line
# ("Leicestershire 296", "Romania - Cosmin Contra", "Scott Draper (Australia"): split there.
_SEPARATOR = re.compile(r"\n|\s[-–—]+\s|[()\[\],;:|]|\s[-+]?\d[\d.,:/-]*(?=\s|$)|^\d[\d.,:/-]*\s")
_CONNECTOR = re.compile(r"\s(?:at|in|vs?\.?|beats?)\s")
_CAPS_CONNECTOR = re.compile(r"\s(?:AT|IN|VS?\.?|BEATS?)\s")


def split_entity(surface: str) -> list[str]:
    """The name-like parts of a tagged span, cut at scores, dashes, brackets and commas."""
    parts = []
    for chunk in _SEPARATOR.split(surface):
        connector = _CAPS_CONNECTOR if chunk.isupper() else _CONNECTOR
        parts.extend(connector.split(chunk))
    return [p for p in (x.strip() for x in parts) if p]


def _is_event(name: str) -> bool:
    return " " in name and name.rsplit(" ", 1)[1].casefold() in gazetteer.EVENT_SUFFIXES


def is_junk(name: str) -> bool:
    """Dates, numbers, pronouns, lower-case phrases, single characters, punctuation."""
    letters = sum(ch.isalpha() for ch in name)
    pronoun = name.casefold() in PRONOUNS and not name.isupper()  # "US" is a country
    if letters < 2 or pronoun or name.casefold() in NOT_NAMES:
        return True
    if sum(ch.isdigit() for ch in name) > letters:
        return True
    return not any(w[:1].isupper() for w in name.split() if w.casefold() not in PARTICLES)


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
    if is_junk(name) or _is_event(name) or name.casefold() in PORTFOLIOS:
        return
    country = gazetteer.country_of(name) if gazetteer.is_country_name(name) else None
    key = _key(country.name if country else name)
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


def _key(name: str) -> str:
    return " ".join(name.casefold().replace("’", "'").split())


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
    parent: dict[str, str] = {k: k for k in clusters}
    people = _link_short_names(clusters, parent)
    _link_acronyms(clusters, parent)
    merged: dict[str, _Cluster] = {}
    for k, c in clusters.items():
        root = _find(parent, k)
        target = merged.setdefault(root, _Cluster(first=c.first))
        target.add(c)
    for root in people:
        # "Trump" tagged ORG ten times is still Donald Trump once he is named in full.
        if root in merged and merged[root].strong is None:
            merged[root].strong = ActorType.PERSON
    return list(merged.values())


def _link_short_names(clusters: dict[str, _Cluster], parent: dict[str, str]) -> set[str]:
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
            parent[k] = max(found, key=lambda o: (clusters[o].count, -clusters[o].first))
            taken.add(parent[k])
    return taken


def _link_acronyms(clusters: dict[str, _Cluster], parent: dict[str, str]) -> None:
    longs: dict[str, str] = {}
    for k, c in clusters.items():
        long = gazetteer.org_long_form(k)
        if long is not None:
            longs.setdefault(_key(long), k)
        words = [w for w in max(c.forms, key=c.forms.__getitem__).split() if w[:1].isupper()]
        if len(words) >= 2 and c.type is ActorType.ORGANIZATION:
            longs.setdefault("".join(w[0] for w in words).casefold(), k)
    for k, c in clusters.items():
        target = longs.get(_key(gazetteer.org_long_form(k) or k))
        if target is None and c.type is ActorType.ORGANIZATION and " " not in k:
            target = longs.get(k)
        if target is not None and target != k and parent[k] == k and parent[target] == target:
            parent[k] = target


def _find(parent: dict[str, str], k: str) -> str:
    while parent[k] != k:
        k = parent[k]
    return k


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


# --- across articles -------------------------------------------------------------------


def _names(actor: Actor) -> set[str]:
    return {_key(n) for n in (actor.name, *actor.aliases)}


def match_existing_actor(candidates: Sequence[Actor], actor: Actor) -> int | None:
    """Index of the stored actor that ``actor`` (from a new article) is, or None.

    Same type only. An exact name wins, then a full (multi-word) alias, then for places a
    shared country and for organisations a shared acronym. A surname alone ("Trump") joins
    a stored person only when exactly one stored person bears it: an ambiguous short name
    stays apart rather than join the wrong person.
    """
    same = [(i, c) for i, c in enumerate(candidates) if c.type is actor.type]
    name = _key(actor.name)
    for i, c in same:
        if _key(c.name) == name:
            return i
    full = {n for n in _names(actor) if " " in n}
    hits = [i for i, c in same if full & {n for n in _names(c) if " " in n}]
    if len(hits) == 1:
        return hits[0]
    if hits:
        return None
    hits = [i for i, c in same if _same_entity(c, actor)]
    return hits[0] if len(hits) == 1 else None


def _same_entity(stored: Actor, actor: Actor) -> bool:
    a, b = _key(stored.name), _key(actor.name)
    if actor.type is ActorType.PERSON:
        short, long = (a, b) if len(a.split()) < len(b.split()) else (b, a)
        return " " not in short and long.split()[-1] == short
    if actor.type is ActorType.PLACE:
        ca, cb = gazetteer.country_of(a), gazetteer.country_of(b)
        return (
            ca is not None
            and ca == cb
            and gazetteer.is_country_name(a)
            and (gazetteer.is_country_name(b))
        )
    if actor.type is ActorType.ORGANIZATION:
        la = gazetteer.org_long_form(a)
        return la is not None and la == gazetteer.org_long_form(b)
    if actor.type is ActorType.GROUP:
        return actor.country is not None and actor.country == stored.country
    return False


def merge_aliases(*groups: Iterable[str], name: str = "") -> tuple[str, ...]:
    """Union of alias lists in first-seen order, case-insensitively, without ``name``."""
    seen = {_key(name)} if name else set()
    out: list[str] = []
    for group in groups:
        for alias in group:
            key = _key(alias)
            if key and key not in seen:
                seen.add(key)
                out.append(alias)
    return tuple(out)


def merge_actor(stored: Actor, incoming: Actor) -> Actor:
    """The stored actor updated with a new article's view of it; the longer name wins."""
    name = stored.name
    if len(incoming.name.split()) > len(name.split()):
        name = incoming.name
    return replace(
        stored,
        name=name,
        aliases=merge_aliases(
            (stored.name,), stored.aliases, (incoming.name,), incoming.aliases, name=name
        ),
        mentions=stored.mentions + incoming.mentions,
        salience=max(stored.salience, incoming.salience),
        role=incoming.role or stored.role,
        country=stored.country or incoming.country,
    )
