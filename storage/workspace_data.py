"""Everything Briefbot holds for one workspace, to hand over or to erase.

:func:`export_workspace` yields one JSON-ready record per row (its ``table`` says of which table): the workspace's
installations (without their tokens), shares, the articles it shared (with their key
points and actors), followed topics and digests, their briefing runs and the audit log.
:func:`delete_workspace` removes all of it in one transaction: the shares, every article
no other workspace shared (its key points, actor links, search row, and the actors no
other article names), the topics, runs, audit entries, processed event ids and the
workspace's installations. An Enterprise Grid org-wide installation serves other
workspaces too, so it stays; the workspace is only no longer counted among them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import MetaData, Table, bindparam, delete, select, text
from sqlalchemy.orm import Session

from storage.db import Database
from storage.installations import INSTALLATION_SECRETS
from storage.models import (
    ActorRow,
    Article,
    ArticleActor,
    AuditEntry,
    Base,
    BriefingRun,
    KeyPointRow,
    ProcessedEvent,
    Share,
    Topic,
)
from storage.workspaces import OrgWorkspace

# slack-sdk's own table definitions (migration 0009 created them); no key is needed here.
INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(
    MetaData(), SQLAlchemyInstallationStore.default_installations_table_name
)
BOTS = SQLAlchemyInstallationStore.build_bots_table(
    MetaData(), SQLAlchemyInstallationStore.default_bots_table_name
)
SLICE = 5000  # ids per IN list (SQLite binds at most 32766 parameters a statement)
_ARTICLE_FIELDS = (
    "id", "url", "canonical_url", "page_url", "title", "outlet", "author", "published_at",
    "language", "text", "extraction", "status", "failure_reason", "fetched_at",
)  # fmt: skip


def export_workspace(db: Database, team_id: str) -> Iterator[dict[str, Any]]:
    """The workspace's data, a row at a time; an article carries its key points and actors."""
    yield from _installations(db, INSTALLATIONS, team_id)
    with db.session() as s:
        org = s.get(OrgWorkspace, team_id)
        if org is not None:
            yield {"table": OrgWorkspace.__tablename__, **_columns(org)}
        for share in s.scalars(select(Share).where(Share.team_id == team_id).order_by(Share.id)):
            yield {"table": Share.__tablename__, **_columns(share)}
        ids = list(s.scalars(_shared_by(team_id)))
        for chunk in _slices(ids):
            yield from _articles(s, chunk)
        for model in (Topic, BriefingRun, AuditEntry):
            rows = s.scalars(select(model).where(model.team_id == team_id).order_by(model.id))
            for row in rows:
                yield {"table": model.__tablename__, **_columns(row)}


def delete_workspace(db: Database, team_id: str) -> dict[str, int]:
    """Erase the workspace's data; how many rows went, by what they were."""
    gone: dict[str, int] = {}
    with db.session() as s:
        shared = list(s.scalars(_shared_by(team_id)))
        gone["shares"] = _delete(s, delete(Share).where(Share.team_id == team_id))
        still = set()
        for chunk in _slices(shared):
            still |= set(s.scalars(select(Share.article_id).where(Share.article_id.in_(chunk))))
        only_here = [a for a in shared if a not in still]
        actors: set[int] = set()
        gone["articles"] = 0
        for chunk in _slices(only_here):
            actors |= set(
                s.scalars(select(ArticleActor.actor_id).where(ArticleActor.article_id.in_(chunk)))
            )
            s.execute(_SEARCH_ROWS, {"ids": chunk})
            # key points and actor links go with their article (ON DELETE CASCADE)
            gone["articles"] += _delete(s, delete(Article).where(Article.id.in_(chunk)))
        gone["actors"] = 0
        for chunk in _slices(sorted(actors)):
            named = select(ArticleActor.actor_id).where(ArticleActor.actor_id.in_(chunk))
            gone["actors"] += _delete(
                s, delete(ActorRow).where(ActorRow.id.in_(chunk), ActorRow.id.not_in(named))
            )
        for model in (BriefingRun, Topic, AuditEntry, ProcessedEvent, OrgWorkspace):
            gone[model.__tablename__] = _delete(s, delete(model).where(model.team_id == team_id))
        for table in (INSTALLATIONS, BOTS):  # every app's rows for the workspace
            gone[table.name] = _delete(s, delete(table).where(table.c.team_id == team_id))
    return gone


# article_search is the migrations' (FTS5 on SQLite); PostgreSQL's rows would cascade anyway.
_SEARCH_ROWS = text("DELETE FROM article_search WHERE rowid IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def _shared_by(team_id: str) -> Any:
    return select(Share.article_id).where(Share.team_id == team_id).distinct()


def _installations(db: Database, table: Table, team_id: str) -> Iterator[dict[str, Any]]:
    with db.engine.connect() as conn:
        for row in conn.execute(select(table).where(table.c.team_id == team_id)).mappings():
            kept = {k: _plain(v) for k, v in row.items() if k not in INSTALLATION_SECRETS}
            yield {"table": table.name, **kept}


def _articles(s: Session, ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    points: dict[int, list[dict[str, Any]]] = {}
    for p in s.scalars(
        select(KeyPointRow).where(KeyPointRow.article_id.in_(ids)).order_by(KeyPointRow.rank)
    ):
        points.setdefault(p.article_id, []).append(
            {"rank": p.rank, "text": p.text, "start": p.start, "end": p.end}
        )
    actors: dict[int, list[dict[str, Any]]] = {}
    for link, actor in s.execute(
        select(ArticleActor, ActorRow)
        .join(ActorRow, ActorRow.id == ArticleActor.actor_id)
        .where(ArticleActor.article_id.in_(ids))
    ):
        actors.setdefault(link.article_id, []).append(
            {"name": actor.name, "type": actor.type, "mentions": link.mentions, "role": link.role}
        )
    for article in s.scalars(select(Article).where(Article.id.in_(ids)).order_by(Article.id)):
        yield {
            "table": Article.__tablename__,
            **{f: _plain(getattr(article, f)) for f in _ARTICLE_FIELDS},
            "key_points": points.get(article.id, []),
            "actors": actors.get(article.id, []),
        }


def _columns(row: Base) -> dict[str, Any]:
    return {c.key: _plain(getattr(row, c.key)) for c in row.__mapper__.column_attrs}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _delete(s: Session, statement: Any) -> int:
    done = s.execute(statement.execution_options(synchronize_session=False))
    return int(done.rowcount or 0)  # type: ignore[attr-defined]  # a CursorResult


def _slices(ids: Sequence[int]) -> Iterator[list[int]]:
    for lo in range(0, len(ids), SLICE):
        yield list(ids[lo : lo + SLICE])
