"""Engine and session factory; schema upgrades through Alembic."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ConfigError, StorageError

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"BRIEFBOT_DATABASE_URL is not a database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=10)


def one_line(error: object) -> str:
    """A driver's message, first line only: errors reach users as one clear line."""
    text = str(error).strip()
    return text.splitlines()[0] if text else error.__class__.__name__


class Database:
    """The engine plus a session factory; one session per unit of work."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            raise StorageError(
                f"the database is unavailable or refused the write: {one_line(exc.orig)}"
            ) from exc
        except DatabaseError as exc:
            if type(exc) is not DatabaseError:  # IntegrityError and the like: the caller's
                session.rollback()
                raise
            with suppress(DatabaseError):
                session.rollback()
            raise StorageError(unreadable(self.engine.url, exc)) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def upgrade(self) -> None:
        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(engine: Engine | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        url = engine.url.render_as_string(hide_password=False)
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser syntax
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe to run by several processes at start-up."""
    from alembic import command

    cfg = alembic_config(engine)
    before = _revision(engine)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Two processes upgrading at once would race; one waits for the other.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except OperationalError as exc:
        raise StorageError(
            f"cannot reach the database to upgrade it: {one_line(exc.orig)}"
        ) from exc
    except DatabaseError as exc:  # SQLite's "file is not a database": damaged or not ours
        raise StorageError(unreadable(engine.url, exc)) from exc
    after = _revision(engine)
    if after != before:
        log.info("database schema upgraded from %s to %s", before or "nothing", after)


def _revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except DatabaseError:
        return None  # upgrade() itself says what is wrong


def unreadable(url: URL, exc: DatabaseError) -> str:
    """The one line for a database that answers but cannot be read (a damaged file, or
    something else at its path); the driver's own words go to the log."""
    log.debug("unreadable database", exc_info=exc)
    if url.get_backend_name() == "sqlite":
        return (
            f"{url.database} is not a readable SQLite database ({one_line(exc.orig)}): "
            "restore it from a backup, or set BRIEFBOT_DATABASE_URL to another file"
        )
    where = url.render_as_string(hide_password=True)
    return f"the database at {where} cannot be read ({one_line(exc.orig)})"
