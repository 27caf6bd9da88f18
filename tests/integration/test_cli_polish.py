"""What an operator notices at the command line: `brief --max-stories`, counts that agree in
number, help without types beside flags, the empty answer ending its line, the demo refusing
an impossible topic before it ingests, folders saying what they skipped, and `analyze`
refusing what is not a document. Real subprocesses and files."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from bot.briefing.model import Actor, ActorType, Analysis, KeyPoint
from bot.clock import utcnow
from bot.entrypoints.cli import cli
from bot.ports import NewShare, PageContent
from storage.db import Database
from storage.repository import SqlStore
from tests.integration.test_cli import run, store_env  # noqa: F401 (fixture)
from tests.integration.test_ingest import KYIV_PAGE

pytestmark = pytest.mark.slow
EVENTS = [
    ("Harbour cranes stall as dockers strike", "Mara Quist", "dockers"),
    ("Harbour ferry fire forces an evacuation", "Ivo Brandt", "ferry"),
    ("Harbour wind farm cable approved", "Lena Ostrova", "turbines"),
    ("Harbour fishing quota cut for herring", "Tomas Reyes", "herring"),
    ("Harbour naval drill closes the channel", "Petra Holm", "frigates"),
    ("Harbour storm surge floods the market", "Oskar Lind", "surge"),
    ("Harbour container rates climb", "Yusuf Adler", "containers"),
]


def seven_stories(env: dict[str, str]) -> None:
    db = Database(env["BRIEFBOT_DATABASE_URL"])
    db.upgrade()
    store = SqlStore(db)
    for n, (title, person, word) in enumerate(EVENTS):
        at = utcnow() - timedelta(hours=1 + n)
        url = f"https://www.harbour-times.example/{n}"
        record = store.record_share(
            canonical_url=url,
            url=url,
            share=NewShare("T1", "C1", "U1", f"{at.timestamp():.6f}", at),
        )
        point = f"{person} said the {word} in the harbour were the talk of the quay."
        store.save_analysis(
            record.article_id,
            page=PageContent(title, f"{point} Nothing more about the {word}.", f"Outlet {n}"),
            analysis=Analysis(
                (KeyPoint(point, 0, len(point), 1.0, 0),),
                (Actor(person, ActorType.PERSON, (), 2, 0.8),),
            ),
            now=at,
        )
    db.dispose()


def story_numbers(out: str) -> list[int]:
    return [int(n) for n in re.findall(r"^(\d+)\. Harbour", out, re.M)]


def test_brief_max_stories_shows_that_many_and_counts_the_rest(store_env):  # noqa: F811
    seven_stories(store_env)
    usual = run("brief", "harbour", env=store_env)
    assert story_numbers(usual.stdout) == [1, 2, 3, 4, 5] and "…and 2 more stories." in usual.stdout
    six = run("brief", "harbour", "--max-stories", "6", env=store_env)
    assert story_numbers(six.stdout) == [1, 2, 3, 4, 5, 6] and "…and 1 more story." in six.stdout
    every = run("brief", "harbour", "--max-stories", "50", "--format", "markdown", env=store_env)
    assert (
        len(re.findall(r"^### \d+\. ", every.stdout, re.M)) == 7 and "more stor" not in every.stdout
    )
    none = run("brief", "harbour", "--max-stories", "0", env=store_env)
    assert none.returncode == 1
    assert none.stderr.strip() == "briefbot: --max-stories must be 1 or more, not 0"


def test_an_empty_briefing_ends_its_line(store_env):  # noqa: F811
    empty = run("brief", "volcanoes", env=store_env)
    assert empty.returncode == 0
    assert empty.stdout == "Nothing on volcanoes was shared in the last 7 days.\n"


def every_command(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [path]
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group (Typer's own Click, not necessarily ours)
            out += every_command(command, (*path, name))
        else:
            out.append((*path, name))
    return out


def test_no_help_shows_a_type_beside_a_flag():
    commands = every_command(get_command(cli))
    assert ("ingest",) in commands and ("topics", "import") in commands
    runner = CliRunner()
    for path in commands:
        shown = runner.invoke(cli, [*path, "--help"])
        assert shown.exit_code == 0, (path, shown.output)
        assert "<bool>" not in shown.output, f"briefbot {' '.join(path)} --help"
        assert "--help" in shown.output
    real = run("ingest", "--help")
    assert "--retry-failed  " in real.stdout and "<bool>" not in real.stdout


def test_demo_refuses_an_impossible_topic_before_it_ingests(tmp_path):
    kept = tmp_path / "demo"
    env = {"BRIEFBOT_DATA_DIR": str(tmp_path), "BRIEFBOT_ENV_FILE": str(tmp_path / "none")}
    for topic, why in (("!!!", "has no words to search for"), ("x" * 201, "at most 200")):
        started = time.monotonic()
        refused = run("demo", "--topic", topic, "--keep", str(kept), env=env)
        assert refused.returncode == 1 and why in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
        assert "Ingested" not in refused.stderr and not (kept / "demo.sqlite3").exists(), (
            "refused before a single seed article was read"
        )
        assert time.monotonic() - started < 8


def test_ingest_of_a_folder_says_what_it_skipped_and_why(store_env, tmp_path):  # noqa: F811
    folder = tmp_path / "clippings"
    (folder / ".drafts").mkdir(parents=True)
    (folder / "kyiv.html").write_text(KYIV_PAGE, encoding="utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x01")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / "README").write_text("about these clippings", encoding="utf-8")
    (folder / ".drafts" / "draft.html").write_text(KYIV_PAGE, encoding="utf-8")
    result = run("ingest", str(folder), env=store_env)
    assert result.returncode == 0, result.stderr
    assert (
        "skipped 5 files in the folders given: 2 .png, 1 .docx, 1 hidden, 1 without a suffix "
        "(only .htm, .html, .pdf, .txt and .xhtml files are read, and no hidden ones)"
    ) in result.stderr
    assert "1 source: 1 read, 0 failed" in result.stderr, "one source, in the singular"


def test_analyze_refuses_a_file_that_is_not_a_document(tmp_path: Path):
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    for path, why in ((png, "is not HTML or text (binary data)"), (pdf, "is a PDF")):
        refused = run("analyze", str(path))
        assert refused.returncode == 1 and refused.stdout == ""
        [line] = refused.stderr.strip().splitlines()
        assert line.startswith(f"briefbot: {path} ") and why in line
    binary_stdin = run("analyze", "-", stdin="\x00\x01\x02 not text")
    assert binary_stdin.returncode == 1 and "the input is not HTML or text" in binary_stdin.stderr
    text = tmp_path / "note.txt"
    text.write_text("Keir Starmer met Emmanuel Macron in Paris on Monday.", encoding="latin-1")
    assert run("analyze", str(text)).returncode == 0, "a text file is still analysed"
