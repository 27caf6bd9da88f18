"""`briefbot doctor` names each broken set-up: a missing or refused token, a missing scope,
a schema behind the code, a database that does not answer, a pipeline that is not
installed, unreadable settings and a dangerous allowlist. A sound set-up is all ok.

The set-ups are real: a SQLite file migrated to an older revision, the Slack Web API
emulator on 127.0.0.1 refusing a token or granting fewer scopes, a port nobody listens on.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.entrypoints.doctor import diagnose
from bot.entrypoints.doctor_report import Finding, Outcome
from bot.entrypoints.doctor_slack import manifest_scopes
from storage.db import Database, upgrade
from storage.health import head_revision

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
BRIEFBOT = str(Path(sys.executable).with_name("briefbot"))
MANIFEST_SCOPES = manifest_scopes(None)


@pytest.fixture
def env(slack_emulator, tmp_path: Path) -> dict[str, str]:
    """A sound set-up: a migrated SQLite file, a bot token the emulator accepts, HTTP mode."""
    url = f"sqlite:///{tmp_path / 'briefbot.sqlite3'}"
    Database(url).upgrade()
    slack_emulator.bot_scopes = ",".join(sorted(MANIFEST_SCOPES))
    return {
        "BRIEFBOT_ENV_FILE": str(tmp_path / "none.env"),
        "BRIEFBOT_DATA_DIR": str(tmp_path),
        "BRIEFBOT_DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-doctor",
        "SLACK_SIGNING_SECRET": "doctor-secret",
        "SLACK_API_URL": slack_emulator.api_url,
    }


def problems(found: list[Finding]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in found:
        if f.outcome == Outcome.PROBLEM:
            out.setdefault(f.check, []).append(f.text)
    return out


def only_problem(found: list[Finding], check: str) -> str:
    """The one problem found, which must be ``check``'s."""
    wrong = problems(found)
    assert list(wrong) == [check] and len(wrong[check]) == 1, wrong
    return wrong[check][0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_sound_set_up_is_all_ok(env, slack_emulator):
    found = diagnose(env)
    assert problems(found) == {}
    by_check = {f.check: f for f in found}
    assert "U0BOT" in by_check["slack auth"].text and "T0TEST" in by_check["slack auth"].text
    assert by_check["slack scopes"].outcome == Outcome.OK
    assert by_check["migrations"].text == f"the schema is at {head_revision()}, the newest"
    assert by_check["spacy"].outcome == Outcome.OK
    assert [c.method for c in slack_emulator.calls] == ["auth.test"], "the doctor only asks"


def test_no_token(env):
    del env["SLACK_BOT_TOKEN"]
    found = diagnose(env)
    assert "SLACK_BOT_TOKEN is not set" in only_problem(found, "slack tokens")
    assert {f.check: f.outcome for f in found}["slack auth"] == Outcome.SKIPPED


def test_a_token_slack_refuses(env):
    env["SLACK_BOT_TOKEN"] = "xoxb-invalid"  # the emulator answers invalid_auth
    text = only_problem(diagnose(env), "slack auth")
    assert "refused SLACK_BOT_TOKEN (invalid_auth)" in text and "OAuth & Permissions" in text


def test_a_scope_the_manifest_asks_for_and_the_token_lacks(env, slack_emulator):
    slack_emulator.bot_scopes = ",".join(sorted(MANIFEST_SCOPES - {"reactions:write"}))
    text = only_problem(diagnose(env), "slack scopes")
    assert "lacks reactions:write" in text and "reinstall" in text


def test_extra_scopes_are_no_problem_and_a_manifest_of_ones_own_counts(
    env, slack_emulator, tmp_path
):
    slack_emulator.bot_scopes = ",".join(sorted(MANIFEST_SCOPES | {"groups:history"}))
    assert problems(diagnose(env)) == {}
    private = (ROOT / "deploy" / "slack-manifest.yaml").read_text(encoding="utf-8")
    private = private.replace("# - groups:history", "- groups:history")
    private = private.replace("# - groups:read", "- groups:read")
    mine = tmp_path / "manifest.yaml"
    mine.write_text(private, encoding="utf-8")
    assert "lacks groups:read" in only_problem(diagnose(env, manifest=mine), "slack scopes")


def test_the_built_in_scopes_are_the_manifests():
    assert manifest_scopes(ROOT / "deploy" / "slack-manifest.yaml") == MANIFEST_SCOPES


def test_oauth_mode_needs_no_token_of_its_own_but_its_credentials(env):
    del env["SLACK_BOT_TOKEN"]
    env |= {"SLACK_CLIENT_ID": "123.456", "SLACK_CLIENT_SECRET": "shh"}
    text = only_problem(diagnose(env), "slack tokens")
    assert text.startswith("BRIEFBOT_ENCRYPTION_KEY is not set")
    from cryptography.fernet import Fernet

    env["BRIEFBOT_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    found = diagnose(env)
    assert problems(found) == {}
    assert {f.check: f.outcome for f in found}["slack auth"] == Outcome.SKIPPED


def test_a_database_behind_the_newest_migration(env, tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = Database(url)
    upgrade(old.engine, "0006")
    old.dispose()
    env["BRIEFBOT_DATABASE_URL"] = url
    text = only_problem(diagnose(env), "migrations")
    assert f"at 0006 and this Briefbot needs {head_revision()}" in text
    assert "briefbot db upgrade" in text


def test_a_database_nobody_created(env, tmp_path):
    env["BRIEFBOT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'never.sqlite3'}"
    assert "briefbot db upgrade" in only_problem(diagnose(env), "database")
    assert not (tmp_path / "never.sqlite3").exists(), "the doctor created the file"


def test_an_unreachable_database(env):
    env["BRIEFBOT_DATABASE_URL"] = f"postgresql://briefbot@127.0.0.1:{free_port()}/briefbot"
    found = diagnose(env)
    text = only_problem(found, "database")
    assert "cannot reach the database at postgresql" in text and "BRIEFBOT_DATABASE_URL" in text
    assert {f.check: f.outcome for f in found}["migrations"] == Outcome.SKIPPED


def test_an_unknown_spacy_model(env):
    env["BRIEFBOT_SPACY_MODEL"] = "xx_no_such_pipeline"
    text = only_problem(diagnose(env), "spacy")
    assert text.startswith("xx_no_such_pipeline (BRIEFBOT_SPACY_MODEL) does not load")


def test_every_bad_setting_is_its_own_line_and_the_rest_still_runs(env):
    env |= {
        "BRIEFBOT_WORKERS": "0",
        "BRIEFBOT_FETCH_TIMEOUT": "soon",
        "BRIEFBOT_METRICS_ADDRESS": "x",
    }
    found = diagnose(env)
    lines = problems(found)["settings"]
    assert len(lines) == 3
    assert any(line.startswith("BRIEFBOT_WORKERS must be at least 1") for line in lines)
    assert any(line.startswith("BRIEFBOT_FETCH_TIMEOUT='soon'") for line in lines)
    assert any(line.startswith("BRIEFBOT_METRICS_ADDRESS must be host:port") for line in lines)
    outcomes = {f.check: f.outcome for f in found}  # the rest ran on what could be read
    assert outcomes["migrations"] == outcomes["slack scopes"] == Outcome.OK


def test_an_allowlist_that_opens_too_much_or_cannot_mean_anything(env):
    env["BRIEFBOT_FETCH_ALLOWLIST"] = "0.0.0.0/0,http://news.intranet/,169.254.0.0/16,8.8.8.0/24"
    lines = problems(diagnose(env))["fetch allowlist"]
    assert len(lines) == 4
    assert "every private address" in lines[0]
    assert "neither a host name" in lines[1]
    assert "metadata" in lines[2]
    assert "does nothing" in lines[3]
    env["BRIEFBOT_FETCH_ALLOWLIST"] = "news.intranet.example,10.20.0.0/16,127.0.0.1"
    assert problems(diagnose(env)) == {}


def test_the_command_prints_one_line_a_check_and_exits_1_on_a_problem(env, tmp_path):
    env["SLACK_BOT_TOKEN"] = "xoxb-invalid"
    run = subprocess.run(
        [BRIEFBOT, "doctor"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [
        "ok",
        "ok",
        "problem",
        "skipped",
        "skipped",
        "ok",
        "ok",
        "ok",
        "ok",
    ]
    assert lines[2].startswith("problem  slack auth: Slack refused SLACK_BOT_TOKEN (invalid_auth)")
    assert run.stderr.strip() == "1 problem(s) found"


def test_socket_mode_with_a_working_app_token_exits_0(env, slack_emulator, tmp_path):
    slack_emulator.socket_url = "ws://127.0.0.1:9/socket"  # answered, never connected to
    del env["SLACK_SIGNING_SECRET"]
    env["SLACK_APP_TOKEN"] = "xapp-doctor"
    run = subprocess.run(
        [BRIEFBOT, "doctor"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok       socket mode: SLACK_APP_TOKEN may open Socket Mode connections" in run.stdout
    assert "ready for Socket Mode" in run.stdout
    env["SLACK_APP_TOKEN"] = "xapp-invalid"
    found = diagnose(env)
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in only_problem(found, "socket mode")
