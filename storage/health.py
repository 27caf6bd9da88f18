"""What `briefbot doctor` asks of the database: does it answer, and is its schema current.

Nothing here writes: a SQLite file that is not there yet is reported, not created, and the
schema is read, never migrated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from bot.errors import StorageError
from storage.db import alembic_config, one_line

CONNECT_TIMEOUT = 5  # seconds: a host that drops packets must not hang the doctor


@dataclass(frozen=True, slots=True)
class SchemaState:
    where: str  # the URL, password hidden
    current: str | None  # Alembic's revision in the database; None: no schema yet
    head: str  # the newest revision this Briefbot ships

    @property
    def behind(self) -> bool:
        return self.current != self.head and self.current in self.known

    @property
    def known(self) -> tuple[str | None, ...]:
        """Revisions this Briefbot knows, oldest first, None (no schema) before them."""
        return (None, *_revisions())


def _revisions() -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return tuple(reversed([r.revision for r in script.walk_revisions()]))


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return str(heads[0]) if len(heads) == 1 else ", ".join(sorted(heads))


def _engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not Path(url.database).is_file():
            raise StorageError(
                f"there is no database file at {url.database} yet: run `briefbot db upgrade`"
                " (or start `briefbot run`/`serve`, which create it), or fix BRIEFBOT_DATABASE_URL"
            )
        return create_engine(url, connect_args={"timeout": CONNECT_TIMEOUT})
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT})


def schema_state(database_url: str) -> SchemaState:
    """The database's revision beside the newest one; StorageError (one line) when the
    database cannot be reached or read."""
    from alembic.migration import MigrationContext

    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise StorageError(f"BRIEFBOT_DATABASE_URL is not a database URL ({exc})") from None
    where = url.render_as_string(hide_password=True)
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise StorageError(
            f"cannot reach the database at {where} ({one_line(exc.orig)}): check that the "
            "server is up and that BRIEFBOT_DATABASE_URL names the right host, port, user "
            "and password"
        ) from exc
    except DatabaseError as exc:
        raise StorageError(
            f"the database at {where} cannot be read ({one_line(exc.orig)}): restore it from "
            "a backup or point BRIEFBOT_DATABASE_URL elsewhere"
        ) from exc
    finally:
        engine.dispose()
    return SchemaState(where=where, current=current, head=head_revision())
