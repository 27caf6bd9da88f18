"""Actors of an article: the people, organisations, places and groups it is about.

:func:`resolve_actors` turns the tagger's raw mentions into canonical actors of ONE
article: surface forms are cleaned (titles, possessives, a leading "the"), short forms join
their full names ("Trump" -> "Donald Trump"), acronyms join their long forms, and each
actor's type is the majority of all its mentions, so a name is never both a person and an
organisation in one article. ``actor_clusters`` holds the mentions of one name and joins
them, ``actor_context`` reads the words around a mention; ``bot.briefing.actor_matching`` does the cautious matching
across articles that storage needs.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.briefing import gazetteer
from bot.briefing.actor_clusters import Cluster, link_clusters
from bot.briefing.actor_context import (
    PORTFOLIOS,
    PRODUCT_NOUNS,
    is_title_fragment,
    person_role,
    quote_spans,
    reads_as_common_noun,
    token_after,
    tokens_before,
    used_in_lower_case,
)
from bot.briefing.gazetteer import PARTICLES, word_set
from bot.briefing.layout import caps_lines, layout_mentions, overlaps
from bot.briefing.model import Actor, ActorType, AnnotatedText, Mention
from bot.briefing.names import clean_name, is_event, is_honorific, is_junk, name_key, split_entity

LABEL_TYPES: dict[str, ActorType] = {
    "PERSON": ActorType.PERSON,
    "ORG": ActorType.ORGANIZATION,
    "GPE": ActorType.PLACE,
    "LOC": ActorType.PLACE,
    "FAC": ActorType.PLACE,
    "NORP": ActorType.GROUP,
}

LEAD_SENTENCES = 3


def resolve_actors(doc: AnnotatedText) -> tuple[Actor, ...]:
    """Canonical actors of one article, most salient first."""
    clusters: dict[str, Cluster] = {}
    caps = caps_lines(doc.text)
    quotes = quote_spans(doc.text)
    for mention in _join_particle_names(doc):
        trusted = not overlaps(caps, mention.start, mention.end)
        quoted = overlaps(quotes, mention.start, mention.end)
        for part in split_entity(mention.text, mention.label):
            _collect(doc, mention, part, clusters, trusted=trusted, quoted=quoted)
    tagged = sorted((m.start, m.end) for m in doc.mentions if m.label in LABEL_TYPES)
    for mention, weight in layout_mentions(doc):
        counted = not overlaps(tagged, mention.start, mention.end)
        _collect(doc, mention, mention.text, clusters, weight=weight, counted=counted)
    actors = []
    for c in link_clusters(clusters):
        atype = _settled_type(doc, c) if c.trusted else None
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
    clusters: dict[str, Cluster],
    *,
    weight: int = 1,
    counted: bool = True,
    trusted: bool = True,
    quoted: bool = False,
) -> None:
    label = mention.label
    atype = LABEL_TYPES.get(label)
    if atype is None or (weight == 1 and is_title_fragment(doc, mention)):
        return
    name, title = clean_name(part, label, doc.language)
    if label == "PERSON":
        name, title = _shed_description(doc, name, title)
    if is_junk(name) or is_event(name) or name.casefold() in PORTFOLIOS:
        return
    country = gazetteer.country_of(name) if gazetteer.is_country_name(name) else None
    key = name_key(country.name if country else name)
    cluster = clusters.setdefault(key, Cluster(first=mention.start))
    if country is not None:
        cluster.canonical = country.name
    cluster.forms[name] += counted
    cluster.trusted = cluster.trusted or trusted
    cluster.sentences.add(mention.sentence)
    cluster.first = min(cluster.first, mention.start)
    if weight == 1 and atype is ActorType.PERSON and _after_locative(doc, mention):
        atype = ActorType.PLACE  # "in Banda Aceh", "near Bireun": nobody is in a person
    cluster.votes[atype] += weight
    if weight > 1:
        cluster.layout[atype] += weight
    else:
        _weigh_context(doc, cluster, mention, part, quoted=quoted)
    if title and is_honorific(title.split()[0], doc.language):
        cluster.strong = ActorType.PERSON
    _weigh_name(cluster, name, is_country=country is not None)
    if atype is ActorType.PERSON:
        found = person_role(doc, mention, title)
        if found:
            cluster.roles.append(found)


# Words after which a name is where something happens, whatever the tagger says: "in
# Banda Aceh", "the provincial capital Banda Aceh", "the province of Papua", "320
# kilometres from Banda Aceh". Nobody is in or near a person, nor its capital. ("off" and
# "toward" are left out: "a homer off Chad Ogea", "biased toward Yandarbiyev".)
LOCATIVES = frozenset({"in", "near", "outside", "across", "around"})
PLACE_NOUNS = word_set("capital city town village province region district island port")
DISTANCES = word_set("km kilometres kilometers miles metres meters")


def _after_locative(doc: AnnotatedText, mention: Mention) -> bool:
    """A mention placed by the words before it (see LOCATIVES), not a possessive ("in
    Smith's view") and within its sentence."""
    before = [t.text.casefold() for t in tokens_before(doc, mention, limit=2)]
    sentence = doc.sentences[mention.sentence] if mention.sentence < len(doc.sentences) else None
    if not before or (sentence is not None and mention.start - sentence.start < 3):
        return False
    last, prev = before[-1], before[0] if len(before) == 2 else ""
    placed = (
        last in LOCATIVES
        or last in PLACE_NOUNS
        or (last == "of" and prev in PLACE_NOUNS)
        or (last == "from" and prev in DISTANCES)
    )
    return placed and doc.text[mention.end : mention.end + 1] not in {"'", "’"}


def _shed_description(doc: AnnotatedText, name: str, title: str) -> tuple[str, str]:
    """A word before a person's first and last names that is a nationality or an ordinary
    word of the text is a description: "American Dennis Mitchell", "Fullback Andre Joubert"
    (where the text also says "fullback"). It becomes part of the title."""
    words = name.split()
    if len(words) < 3 or words[1].casefold() in PARTICLES:
        return name, title
    first = words[0]
    if gazetteer.country_of_demonym(first):
        return " ".join(words[1:]), title
    if used_in_lower_case(doc, first):
        return " ".join(words[1:]), f"{title} {first}".strip()
    return name, title


def _weigh_name(cluster: Cluster, name: str, *, is_country: bool) -> None:
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


def _weigh_context(
    doc: AnnotatedText, cluster: Cluster, mention: Mention, part: str, *, quoted: bool
) -> None:
    """Where the mention stands: opening a sentence as a common noun, inside a quoted
    remark, inside a sentence as a name, or naming a product."""
    cluster.mentions_seen += 1
    cluster.unquoted += not quoted
    if mention.sentence >= len(doc.sentences):
        return
    start = mention.start + max(0, mention.text.find(part))
    tokens = doc.sentences[mention.sentence].tokens
    i = next((n for n, t in enumerate(tokens) if t.start >= start), len(tokens))
    line_start = doc.text.rfind("\n", 0, start) + 1
    opens_line = not any(ch.isalnum() for ch in doc.text[line_start:start])
    if not opens_line and any(ch.isalnum() for t in tokens[:i] for ch in t.text):
        cluster.inner += 1
        cluster.plain += not quoted
    elif i < len(tokens) and tokens[i].end >= start + len(part.strip()):
        cluster.common += reads_as_common_noun(doc, tokens[i])
    after = token_after(doc, mention)
    if after is not None and after.text.casefold().rstrip(".") in PRODUCT_NOUNS:
        cluster.product = True


def _used_as_a_name(doc: AnnotatedText, c: Cluster) -> bool:
    """A one-word "person" is no name when the text also writes it in lower case ("Lung",
    "Duvet"), or when it stands inside a quote and never inside a sentence outside one."""
    if c.layout:
        return True
    if any(used_in_lower_case(doc, f) for f in c.forms):
        return False
    quoted = c.unquoted < c.mentions_seen
    return c.plain > 0 or not quoted


def _settled_type(doc: AnnotatedText, c: Cluster) -> ActorType | None:
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
    if atype is ActorType.PERSON and (c.product or not _used_as_a_name(doc, c)):
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


def _display(form: str) -> str:
    """ALL-CAPS headline forms read better in title case; short acronyms stay."""
    if form.isupper() and len(form.replace(".", "")) > 4:
        return " ".join(
            w.capitalize() if w.casefold() not in PARTICLES else w.lower() for w in form.split()
        )
    return form


def _canonical(c: Cluster) -> str:
    if c.canonical:
        return c.canonical

    def rank(form: str) -> tuple[int, int, int, int]:
        return (len(form.split()), not form.isupper(), c.forms[form], len(form))

    return _display(max(c.forms, key=rank))


def _to_actor(doc: AnnotatedText, c: Cluster, atype: ActorType) -> Actor:
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


def _salience(doc: AnnotatedText, c: Cluster, name: str) -> float:
    """From the title, the lead and the mention count; 0 for a name that only ever occurs
    inside quoted remarks ("think Donald Trump rather than Barack Obama"): no protagonist."""
    if c.unquoted == 0 and not c.layout and not _in_title(doc, c, name):
        return 0.0
    in_title = _in_title(doc, c, name)
    in_lead = any(s < LEAD_SENTENCES for s in c.sentences)
    frequency = min(1.0, c.count / 5)
    score = 0.4 * in_title + 0.3 * in_lead + 0.3 * frequency
    return round(min(1.0, score), 4)


def _in_title(doc: AnnotatedText, c: Cluster, name: str) -> bool:
    title = doc.title.casefold()
    return bool(title) and any(f.casefold() in title for f in (name, *c.forms))
