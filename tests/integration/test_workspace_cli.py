"""`briefbot keys` and `briefbot workspace` as an operator runs them: real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from storage.db import Database
from storage.workspaces import SqlWorkspaceDirectory
from tests.integration.test_cli import run
from tests.integration.test_installations import (
    CLIENT,
    install,
    store,
    workspaces_with_data,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "BRIEFBOT_DATA_DIR": str(tmp_path),
        "BRIEFBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'ops.sqlite3'}",
        "BRIEFBOT_ENV_FILE": str(tmp_path / "none.env"),
        "SLACK_CLIENT_ID": CLIENT,
        "SLACK_CLIENT_SECRET": "client-secret",
    }


@pytest.fixture
def db(env: dict[str, str]):  # type: ignore[no-untyped-def]
    database = Database(env["BRIEFBOT_DATABASE_URL"])
    database.upgrade()
    yield database
    database.dispose()


def test_keys_generate_prints_a_fernet_key():
    done = run("keys", "generate")
    assert done.returncode == 0, done.stderr
    Fernet(done.stdout.strip().encode())  # a valid key, or this raises


def test_oauth_mode_without_a_key_stops_in_one_line(env: dict[str, str]):
    for args in (("serve", "--no-workers"), ("keys", "rotate"), ("scheduler",)):
        done = run(*args, env={**env, "SLACK_SIGNING_SECRET": "s"}, timeout=60)
        assert done.returncode == 1, args
        assert done.stderr.startswith("briefbot: BRIEFBOT_ENCRYPTION_KEY is not set"), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_malformed_key_is_named_and_not_echoed(env: dict[str, str]):
    done = run("keys", "rotate", env={**env, "BRIEFBOT_ENCRYPTION_KEY": "not-a-key"})
    assert done.returncode == 1
    assert "BRIEFBOT_ENCRYPTION_KEY must be Fernet keys" in done.stderr
    assert "not-a-key" not in done.stderr


def test_keys_rotate_moves_every_token_to_the_first_key(env: dict[str, str], db: Database):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    store(db, old).save(install("T0AAA", "xoxb-aaa"))
    done = run("keys", "rotate", env={**env, "BRIEFBOT_ENCRYPTION_KEY": f"{new},{old}"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "3 stored token(s) re-encrypted with the first key; the other 1 key(s) can now be removed"
    )
    assert SqlWorkspaceDirectory(db, store(db, new)).bot_for("T0AAA").bot_token == "xoxb-aaa"
    missing = run("keys", "rotate", env={**env, "BRIEFBOT_ENCRYPTION_KEY": old})
    assert missing.returncode == 1 and "nothing was re-encrypted" in missing.stderr


def test_workspace_export_then_delete(env: dict[str, str], db: Database):
    workspaces_with_data(db)
    exported = run("workspace", "export", "T0AAA", env=env)
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert {r["table"] for r in rows} == {
        "slack_installations",
        "shares",
        "articles",
        "topics",
        "audit_log",
    }
    assert exported.stderr.startswith("exported T0AAA: 1 slack_installations, 2 shares, 2 articles")
    refused = run("workspace", "delete", "T0AAA", env=env)
    assert refused.returncode == 1 and "run again with --yes" in refused.stderr
    assert len(run("workspace", "export", "T0AAA", env=env).stdout.splitlines()) == len(rows)
    deleted = run("workspace", "delete", "T0AAA", "--yes", env=env)
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout.startswith("deleted T0AAA: 2 shares, 1 articles")
    assert run("workspace", "export", "T0AAA", env=env).stdout == ""
    assert run("workspace", "export", "T0BBB", env=env).stdout.count('"table": "shares"') == 2
    bad = run("workspace", "delete", "everyone", "--yes", env=env)
    assert bad.returncode == 1 and "is not a Slack workspace id" in bad.stderr
