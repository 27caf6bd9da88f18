"""The actor-name index: how a new article's actor finds its stored candidates without a scan.

One row per (actor, kind, normalised form): kind ``name`` for the stored name and each alias,
kind ``surname`` for the last word of a multi-word name. A new actor looks up its own forms
(name, aliases and, for an organisation, its acronym and long form) among the ``name`` rows
and its last word among the ``surname`` rows, with indexed equality: the candidate set the
``LIKE`` scan over ``actors`` used to find, case-folded alike on every backend. Migration
0005 creates the table and fills it for actors stored before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import ForeignKey, Index, String, delete, insert, select, union
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql import Select

from bot.briefing import gazetteer
from bot.briefing.actor_matching import match_existing_actor, merge_actor, merge_aliases
from bot.briefing.model import Actor, ActorType
from bot.briefing.names import name_key
from storage.models import ActorRow, Base

NAME, SURNAME = "name", "surname"
# An ambiguous common name could match hundreds of stored actors; matching needs a few.
MAX_CANDIDATES = 50


class ActorName(Base):
    __tablename__ = "actor_names"
    __table_args__ = (Index("ix_actor_names_lookup", "type", "kind", "key", "actor_id"),)

    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    type: Mapped[str] = mapped_column(String(16))  # the actor's, so a lookup stays in one type


def stored_keys(name: str, aliases: tuple[str, ...] | list[str]) -> set[tuple[str, str]]:
    """The ``(kind, key)`` rows a stored actor with this name and these aliases has."""
    keys = {(NAME, k) for k in map(name_key, (name, *aliases)) if k}
    words = name_key(name).split()
    if len(words) > 1:
        keys.add((SURNAME, words[-1]))
    return {(kind, key[:300]) for kind, key in keys}


def lookup_forms(actor: Actor) -> tuple[set[str], str]:
    """The name keys and the last word a new ``actor`` is looked up by."""
    forms = {actor.name, *actor.aliases}
    if actor.type is ActorType.ORGANIZATION and (long := gazetteer.org_long_form(actor.name)):
        forms |= {long, gazetteer.org_acronym(long) or long}  # "EU" and "European Union"
    words = name_key(actor.name).split()
    return {name_key(f)[:300] for f in forms if name_key(f)}, (words[-1][:300] if words else "")


def matches(actor: Actor, keys: set[tuple[str, str]]) -> bool:
    """Whether a stored actor with ``keys`` is among ``actor``'s candidates."""
    names, last = lookup_forms(actor)
    return any((NAME, n) in keys for n in names) or (SURNAME, last) in keys


def candidates_query(actor: Actor) -> Select[ActorRow]:
    """Stored actors of the type sharing a name, an alias or a surname with ``actor``.

    Two index searches joined by UNION: an OR of the two would let the planner use only the
    ``type`` prefix of the index.
    """
    names, last = lookup_forms(actor)
    of_type = select(ActorName.actor_id).where(ActorName.type == actor.type.value)
    ids = union(
        of_type.where(ActorName.kind == NAME, ActorName.key.in_(sorted(names))),
        of_type.where(ActorName.kind == SURNAME, ActorName.key == last),
    )
    return select(ActorRow).where(ActorRow.id.in_(ids)).order_by(ActorRow.id).limit(MAX_CANDIDATES)


def write_keys(s: Session, actor_id: int, actor_type: str, keys: set[tuple[str, str]]) -> None:
    """Replace the index rows of one stored actor."""
    s.execute(delete(ActorName).where(ActorName.actor_id == actor_id))
    if keys:
        s.execute(
            insert(ActorName),
            [
                {"actor_id": actor_id, "kind": kind, "key": key, "type": actor_type}
                for kind, key in sorted(keys)
            ],
        )


class ActorChanged(Exception):
    """A stored actor was renamed by another writer since it was matched: match again."""


@dataclass
class Planned:
    """A stored actor as this save leaves it: ``row_id`` None for a new one."""

    row_id: int | None
    actor: Actor
    seen_name: str = ""  # its name when matched: renamed since means match again
    changed: bool = False


def _stored(row: ActorRow) -> Planned:
    actor = Actor(row.name, ActorType(row.type), tuple(row.aliases or ()))
    return Planned(row.id, replace(actor, role=row.role, country=row.country), row.name)


def plan_actors(s: Session, actors: Sequence[Actor]) -> tuple[list[Planned], list[int]]:
    """Match an article's actors to stored ones (reads only, before the write transaction).

    Returns the stored actors touched and, for each of ``actors``, the index of its own among
    them; an actor matches stored ones and those earlier in the same article alike.
    """
    touched: list[Planned] = []
    picks: list[int] = []
    for actor in actors:
        cands = [t for t in touched if matches(actor, stored_keys(t.actor.name, t.actor.aliases))]
        cands = [t for t in cands if t.actor.type is actor.type]
        known = {t.row_id for t in touched}
        cands += [_stored(r) for r in s.scalars(candidates_query(actor)) if r.id not in known]
        index = match_existing_actor([c.actor for c in cands], actor)
        if index is None:
            target = Planned(None, replace(actor, mentions=1, salience=0.0), changed=True)
        else:
            target = cands[index]
            _merge_into(target, actor, taken={c.actor.name for c in cands})
        if all(t is not target for t in touched):
            touched.append(target)
        picks.append(next(i for i, t in enumerate(touched) if t is target))
    return touched, picks


def _merge_into(target: Planned, actor: Actor, *, taken: set[str]) -> None:
    stored = target.actor
    merged = merge_actor(stored, actor)
    # "Trump" stored first becomes "Donald Trump" once named in full, unless that is taken.
    name = merged.name if merged.name == stored.name or merged.name not in taken else stored.name
    new = replace(
        stored,
        name=name,
        aliases=tuple(a for a in merged.aliases if a != name),
        role=stored.role or actor.role,
        country=stored.country or actor.country,
    )
    target.changed = target.changed or new != stored
    target.actor = new


def write_actors(s: Session, touched: Sequence[Planned]) -> list[int]:
    """Store the planned actors; their row ids in order. Raises ``IntegrityError`` when
    another writer stored one of the new ones first, ``ActorChanged`` when one was renamed:
    the caller matches again."""
    ids: list[int] = []
    for t in touched:
        a = t.actor
        if t.row_id is None:
            row = ActorRow(
                name=a.name,
                type=a.type.value,
                aliases=list(a.aliases),
                country=a.country,
                role=a.role,
            )
            s.add(row)
            s.flush()
            t.row_id = row.id
            write_keys(s, row.id, row.type, stored_keys(row.name, row.aliases))
        elif t.changed:
            # The one read here: the row about to change, locked, so no alias is lost.
            row = s.get_one(ActorRow, t.row_id, with_for_update=True)
            if row.name != t.seen_name:
                raise ActorChanged(t.seen_name)
            row.name = a.name
            row.aliases = list(merge_aliases(a.aliases, row.aliases or (), name=a.name))
            row.role, row.country = row.role or a.role, row.country or a.country
            s.flush()
            write_keys(s, row.id, row.type, stored_keys(row.name, row.aliases))
        ids.append(t.row_id)
    return ids
