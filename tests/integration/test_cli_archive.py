"""`briefbot search`, `briefbot export` and `briefbot trend` as an operator meets them: real
subprocesses over a real SQLite file (filled through the store, without spaCy)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot.briefing.model import Actor, ActorType, Analysis, KeyPoint
from bot.clock import utcnow
from bot.ports import NewShare, PageContent
from storage.db import Database
from storage.repository import SqlStore
from tests.integration.test_cli import run

pytestmark = pytest.mark.slow
STARMER = Actor("Keir Starmer", ActorType.PERSON, ("Starmer",), 3, 0.7, "UK Prime Minister")
ARTICLES = [  # (title, text, channel, days ago, private)
    ("Ofgem lifts the price cap", "Ofgem raised the price cap by 6.4%. Bills rise in April.",
     "C0MARKETS", 1, False),
    ("Starmer on Ukraine", "Keir Starmer met Ukraine's president. A price cap on oil came up.",
     "C0WORLD", 2, False),
    ("Ukraine grid strikes", "Drones hit Ukraine's grid. Kyiv lost power.", "C0WORLD", 9, False),
    ("Ukraine in private", "Ukraine, privately. Nothing more.", "G0SECRET", 3, True),
    ("Old news", "Ukraine long ago. Before the window.", "C0WORLD", 60, False),
]  # fmt: skip


@pytest.fixture
def store_env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    db = Database(url)
    db.upgrade()
    store = SqlStore(db)
    now = utcnow()
    for n, (title, text, channel, days, private) in enumerate(ARTICLES):
        at = now - timedelta(days=days)
        link = f"https://www.capitalandgrid.example/{n}"
        share = NewShare("T0DEMO", channel, "U0ANA", f"{at.timestamp():.6f}", at, private)
        record = store.record_share(canonical_url=link, url=link, share=share)
        first = text.split(". ")[0] + "."
        store.save_analysis(
            record.article_id,
            page=PageContent(title, text, "Capital & Grid", None, now - timedelta(days=days + 1)),
            analysis=Analysis(
                (KeyPoint(first, 0, len(first), 1.0, 0),),
                (STARMER,) if "Starmer" in text or "Ukraine" in title else (),
            ),
            now=at,
        )
    db.dispose()
    return {
        "BRIEFBOT_DATA_DIR": str(tmp_path),
        "BRIEFBOT_DATABASE_URL": url,
        "BRIEFBOT_ENV_FILE": str(tmp_path / "none.env"),
    }


def test_search_finds_a_phrase_with_filters_and_pages(store_env):
    result = run("search", "price cap", "from:capitalandgrid.example", env=store_env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith('2 articles match "price cap" from:capitalandgrid.example (1-2, page 1')
    assert "Ofgem lifts the price cap" in out and "Starmer on Ukraine" in out
    assert "“A price cap on oil came up.”" in out, "the sentence that says the phrase"
    people = run(
        "search",
        "actor:Keir Starmer",
        "--channel",
        "C0WORLD",
        "--team",
        "T0DEMO",
        "--per-page",
        "1",
        "--format",
        "json",
        env=store_env,
    )
    data = json.loads(people.stdout)
    assert (data["total"], data["pages"], len(data["articles"])) == (2, 2, 1)
    assert data["articles"][0]["title"] == "Starmer on Ukraine", "the most recent first"
    bad = run("search", "after:someday", env=store_env)
    assert bad.returncode == 1 and bad.stderr.startswith("briefbot: `after:` takes a day")


def test_export_writes_jsonl_and_csv_with_dates_shares_key_points_and_actors(store_env, tmp_path):
    jsonl = run("export", "--since", "30d", "--format", "jsonl", env=store_env)
    assert jsonl.returncode == 0, jsonl.stderr
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [r["title"] for r in records] == [
        "Ukraine grid strikes",
        "Ukraine in private",
        "Starmer on Ukraine",
        "Ofgem lifts the price cap",
    ], "every article of the window, in the order of their first share"
    first = records[0]
    assert first["first_shared_at"].endswith("Z") and first["published_at"].endswith("Z")
    assert first["shares"][0]["channel"] == "C0WORLD" and first["share_count"] == 1
    assert first["key_points"] == ["Drones hit Ukraine's grid."]
    assert first["actors"][0]["name"] == "Keir Starmer"
    assert "4 articles exported" in jsonl.stderr

    out = tmp_path / "export.csv"
    public = run(
        "export",
        "--format",
        "csv",
        "--output",
        str(out),
        "--team",
        "T0DEMO",
        "--channel",
        "C0WORLD",
        env=store_env,
    )
    assert public.returncode == 0, public.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["title"] for r in rows] == [
        "Ukraine grid strikes",
        "Starmer on Ukraine",
        "Ofgem lifts the price cap",
    ], "a channel's view leaves private channels out"
    assert rows[1]["actors"] == "Keir Starmer (person)" and rows[1]["share_count"] == "1"
    assert run("export", "--format", "xml", env=store_env).returncode == 1


def test_trend_prints_the_weeks_and_draws_the_chart(store_env, tmp_path):
    png = tmp_path / "ukraine.png"
    result = run("trend", "ukraine", "--weeks", "4", "--png", str(png), env=store_env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Ukraine, 4 weeks to ") and "3 articles" in lines[0]
    weeks = [line.split() for line in lines[3:]]
    assert len(weeks) == 4 and sum(int(count) for _, count in weeks) == 3
    from matplotlib.image import imread

    pixels = imread(str(png), format="png")
    assert pixels.shape[:2] == (320, 640) and pixels[..., :3].std() > 0.05
    assert run("trend", "ukraine", "--weeks", "1", env=store_env).returncode == 1
