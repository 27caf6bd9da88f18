"""The same actor across articles: which stored actor a new article's actor is, cautiously.

Within one article ``bot.briefing.actors`` has already merged short forms into full names;
across articles the evidence is thinner, so an ambiguous short name stays apart rather than
join the wrong person, and different types never merge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from bot.briefing import gazetteer
from bot.briefing.model import Actor, ActorType
from bot.briefing.names import name_key as _key


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
