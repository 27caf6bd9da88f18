"""The `briefbot` command as an operator meets it: real subprocesses, real files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_ingest import KYIV_PAGE, RATES_PAGE
from tests.pages import PageServer

pytestmark = pytest.mark.slow
BRIEFBOT = str(Path(sys.executable).with_name("briefbot"))


def run(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: int = 240
):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [BRIEFBOT, *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        timeout=timeout,
    )


@pytest.fixture
def store_env(tmp_path: Path) -> dict[str, str]:
    return {
        "BRIEFBOT_DATA_DIR": str(tmp_path),
        "BRIEFBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "BRIEFBOT_FETCH_ALLOWLIST": "127.0.0.1",
        "BRIEFBOT_ENV_FILE": str(tmp_path / "none.env"),
    }


def test_demo_prints_a_ukraine_briefing_with_its_people_once_each(tmp_path):
    result = run(
        "demo", env={"BRIEFBOT_DATA_DIR": str(tmp_path), "BRIEFBOT_ENV_FILE": str(tmp_path / "x")}
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Ukraine · ")
    for person in (
        "Emmanuel Macron",
        "Keir Starmer",
        "Donald Trump",
        "Volodymyr Zelensky",
        "Vladimir Putin",
    ):
        assert person in out, f"{person} missing from the briefing"
    who_lines = re.findall(r"Who: (.*?)(?:\n\n|\n\d+\.|\Z)", out, re.S)
    first_story_people = [name.strip() for name in " ".join(who_lines[0].split()).split(" · ")]
    for short in ("Macron", "Starmer", "Trump", "Zelensky", "Putin"):
        assert short not in first_story_people, f"{short} listed under a short name"
    # Every key point is followed by its source link, most of them opening at the sentence.
    points = re.findall(r"• (.*?)(?=\n   [•WM]|\n\n)", out, re.S)
    link = r"<http://127\.0\.0\.1:\d+/[\w.-]+\.html(#:~:text=[\w%.,'~!*:;/?@$=-]+)?>$"
    found = [re.search(link, p.strip()) for p in points]
    assert points and all(found)
    assert sum(bool(f and f.group(1)) for f in found) > len(points) / 2
    assert "2 sources" in out, "the two outlets' Washington reports are one story"
    assert out.count('\n   Matched: "Ukraine"') >= 2, "each story says why it matched"


def test_ingest_then_brief_in_all_formats(store_env, tmp_path):
    with PageServer() as pages:
        kyiv, rates = pages.add("/kyiv", KYIV_PAGE), pages.add("/rates", RATES_PAGE)
        result = run("ingest", kyiv, rates, env=store_env)
        assert result.returncode == 0, result.stderr
        assert "2 sources: 2 read, 0 failed" in result.stderr
        again = run("ingest", kyiv, env=store_env)
        assert pages.hits["/kyiv"] == 1, "a known URL is not fetched again"
        assert "1 read" in again.stderr
    text = run("brief", "ukraine", env=store_env)
    assert (
        text.returncode == 0 and "Strikes cut power in Kyiv" in text.stdout and kyiv in text.stdout
    )
    md = run("brief", "bank", "of", "england", "--format", "markdown", env=store_env)
    assert md.stdout.startswith("## ") and f"]({rates})" in md.stdout
    data = json.loads(
        run("brief", "kyiv", "--format", "json", "--since", "2d", env=store_env).stdout
    )
    assert data["stories"][0]["key_points"][0]["url"] == kyiv
    empty = run("brief", "volcanoes", env=store_env)
    assert (
        empty.returncode == 0
        and empty.stdout.strip() == "Nothing on volcanoes was shared in the last 7 days."
    )


def test_ingest_reports_failures_in_one_line_each_and_exits_non_zero(store_env, tmp_path):
    html = tmp_path / "local.html"
    html.write_text(KYIV_PAGE, encoding="utf-8")
    result = run(
        "ingest", str(html), "ftp://example.org/x", "http://10.0.0.7/intranet", env=store_env
    )
    assert result.returncode == 1
    assert "only http and https" in result.stderr and "private or local address" in result.stderr
    assert "3 sources: 1 read, 2 failed" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("brief", "ukraine", "--since", "3x"), {}, "cannot read the time window"),
        (("brief", "ukraine", "--format", "pdf"), {}, "--format must be one of"),
        (
            ("brief", "ukraine"),
            {"BRIEFBOT_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
            "cannot reach the database",
        ),
        (
            ("brief", "ukraine"),
            {"BRIEFBOT_WORKERS": "many"},
            "BRIEFBOT_WORKERS='many' is not a valid int",
        ),
        (("analyze", "no-such-file.html"), {}, "cannot read no-such-file.html"),
        (("ingest", "no-such-folder"), {}, "no such file or folder"),
    ],
)
def test_errors_are_one_clear_line_and_a_non_zero_exit(store_env, args, env, message):
    result = run(*args, env={**store_env, **env})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_analyze_jsonl_answers_every_line_in_order(tmp_path):
    rows = [
        {
            "id": "a",
            "text": "Volodymyr Zelensky met Emmanuel Macron in Paris on Monday to discuss air defence. "
            "Zelensky said Ukraine needed more systems before winter, and Macron agreed to help.",
        },
        "not json at all",
        {"id": "c", "html": KYIV_PAGE, "url": "https://harbour.example/kyiv"},
        {"id": "d"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    result = run("analyze", "--jsonl", str(path), env={"BRIEFBOT_ENV_FILE": str(tmp_path / "x")})
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "2", "c", "d"]
    assert "error" in out[1] and "error" in out[3]
    a, c = out[0], out[2]
    assert {"id", "title", "text", "key_points", "actors"} <= set(a)
    for kp in a["key_points"] + c["key_points"]:
        source = a["text"] if kp in a["key_points"] else c["text"]
        assert source[kp["start"] : kp["end"]] == kp["text"]
    people = {x["name"] for x in a["actors"] if x["type"] == "person"}
    assert {"Volodymyr Zelensky", "Emmanuel Macron"} <= people and "Zelensky" not in people
    assert (
        c["title"].startswith("Strikes cut power in Kyiv")
        and "All rights reserved" not in c["text"]
    )


def test_db_upgrade_is_idempotent(store_env):
    for _ in range(2):
        result = run("db", "upgrade", env=store_env)
        assert result.returncode == 0 and "up to date" in result.stdout


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_damaged_database_file_is_one_line_saying_what_to_do(store_env, tmp_path):
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"not a database at all " * 500)
    env = {**store_env, "BRIEFBOT_DATABASE_URL": f"sqlite:///{damaged}"}
    for args in (("brief", "ukraine"), ("db", "upgrade"), ("topics", "list"), ("worker",)):
        result = run(*args, env=env)
        assert result.returncode == 1, (args, result.stderr)
        line = one_line(result.stderr)
        assert f"{damaged} is not a readable SQLite database (file is not a database)" in line
        assert "restore it from a backup" in line


@pytest.mark.parametrize("command", ["run", "serve"])
def test_slack_unreachable_at_start_up_is_one_line(store_env, command):
    from tests.slack.test_scheduled_e2e import free_port

    nowhere = f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there
    env = {
        **store_env,
        "SLACK_BOT_TOKEN": "xoxb-unreachable",
        "SLACK_APP_TOKEN": "xapp-unreachable",
        "SLACK_SIGNING_SECRET": "unreachable",
        "SLACK_API_URL": nowhere,
    }
    result = run(command, "--no-workers", env=env, timeout=120)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert f"cannot reach Slack at {nowhere}" in line and "Connection refused" in line


def test_an_unreadable_page_fails_in_one_line_without_the_readers_warnings(store_env, tmp_path):
    nested = tmp_path / "nested.html"
    nested.write_text(f"<html><body>{'<div>' * 3000}Hello</body></html>", encoding="utf-8")
    result = run("ingest", str(nested), env=store_env)
    assert result.returncode == 1
    said = "".join(result.stderr.split())  # rich wraps long lines where it likes
    assert said.startswith(f"failed{nested.as_uri()}:thepagehasnoreadablearticletext1source:")
    assert "WARNING" not in said and "trafilatura." not in said and "discarding" not in said


def test_stories_jsonl_groups_reports_of_one_event_and_keeps_others_apart(tmp_path):
    strike = (
        "Dock workers in Rotterdam walked out on Monday over pay, halting container traffic "
        "at Europe's largest port. The FNV union said 4,000 members joined the strike."
    )
    strike_again = (
        "Container ships queued outside Rotterdam as 4,000 dock workers struck over wages. "
        "The FNV union called the walkout after talks with port employers failed."
    )
    fire = (
        "A wildfire near Marseille forced 1,200 people from their homes on Tuesday. "
        "Firefighters said strong mistral winds pushed the flames toward the coast."
    )
    fire_again = (
        "Firefighters battled a blaze north of Marseille as mistral winds spread it. "
        "About 1,200 residents were evacuated, the Bouches-du-Rhone prefecture said."
    )
    rows = [
        {"id": "s1", "title": "Rotterdam dock workers strike over pay", "text": strike},
        {"id": "f1", "title": "Wildfire near Marseille forces evacuations", "text": fire},
        "not json",
        {"id": "s2", "title": "Strike halts Rotterdam port", "text": strike_again},
        {"id": "f2", "title": "Mistral winds spread Marseille fire", "text": fire_again},
        {
            "id": "s3",
            "title": "Rotterdam dock workers strike over pay",
            "text": strike,
            "published_at": "2025-03-20T08:00:00Z",  # the same words, a month later
        },
    ]
    for row in rows[:2] + rows[3:5]:
        assert isinstance(row, dict)
        row["published_at"] = "2025-02-17T08:00:00Z"
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    result = run("stories", "--jsonl", str(path), env={"BRIEFBOT_ENV_FILE": str(tmp_path / "x")})
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["s1", "f1", "3", "s2", "f2", "s3"]
    story = {o["id"]: o["story"] for o in out}
    assert story["s1"] == story["s2"] == "s1"
    assert story["f1"] == story["f2"] == "f1"
    assert story["s3"] == "s3", "the same event a month later is another story"
    assert "error" in out[2] and story["3"] == "3"
