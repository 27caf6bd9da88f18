"""Shared fixtures: real SQLite files, a real PostgreSQL schema, the spaCy analyzer, and
local web servers for article pages."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pages import PageServer
from tests.slack.fixtures import slack_emulator_fixture, socket_server_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    return os.environ.get("BRIEFBOT_TEST_POSTGRES_URL", DEFAULT_PG)


def _postgres_reachable(url: str) -> str | None:
    """None when reachable, else why not."""
    try:
        import psycopg

        with psycopg.connect(
            url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3
        ):
            return None
    except Exception as exc:  # any failure means: no server for these tests
        return f"{exc.__class__.__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    url = postgres_url()
    why = _postgres_reachable(url)
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests must run in CI but {url} is unreachable ({why})")
        pytest.skip(f"no PostgreSQL server at {url} ({why}); set BRIEFBOT_TEST_POSTGRES_URL")
    return url


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh schema on the test server, dropped afterwards."""
    import psycopg

    schema = f"bb_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in pg_server_url else "?"
    yield f"{pg_server_url}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'briefbot.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using it runs once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'briefbot.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def analyzer():  # type: ignore[no-untyped-def]
    from bot.extraction.nlp import SpacyAnalyzer

    return SpacyAnalyzer()


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    with PageServer(SEEDS / "articles") as server:
        yield server
