"""`briefbot who NAME` as an operator meets it: a real subprocess over a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.briefing.model import Actor, ActorType
from storage.db import Database
from storage.repository import SqlStore
from tests.integration.test_cli import run
from tests.integration.test_who import STARMER, save

pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'who.sqlite3'}"
    db = Database(url)
    db.upgrade()
    store = SqlStore(db)
    macron = Actor("Emmanuel Macron", ActorType.PERSON, ("Macron",), salience=0.7)
    save(
        store,
        "trip",
        "Macron and Starmer head to Washington",
        ["Starmer will follow Macron to Washington on Thursday, officials said."],
        [macron, STARMER],
    )
    save(
        store,
        "budget",
        "Defence spending to rise to 2.5% of GDP",
        ["Keir Starmer told MPs that defence spending would reach 2.5% of GDP by 2027."],
        [STARMER],
        days_ago=12,
    )
    save(
        store,
        "jordan",
        "Jordan hosts talks",
        ["Michael Jordan watched as Jordan hosted regional talks in Amman on Monday."],
        [
            Actor("Michael Jordan", ActorType.PERSON, ("Jordan",), salience=0.5),
            Actor("Jordan", ActorType.PLACE, salience=0.6),
        ],
    )
    db.dispose()
    return {
        "BRIEFBOT_DATA_DIR": str(tmp_path),
        "BRIEFBOT_DATABASE_URL": url,
        "BRIEFBOT_ENV_FILE": str(tmp_path / "none.env"),
    }


def test_who_prints_the_timeline_newest_first(env):
    result = run("who", "Keir", "Starmer", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Keir Starmer · person · Prime Minister",
        "Also: Starmer",
        lines[2],
    ] and lines[2].startswith("2 articles in 2 stories, shared from ")
    out = result.stdout
    assert out.index("Macron and Starmer head to Washington") < out.index("Defence spending")
    assert "<https://ledger.example/trip#:~:text=Starmer%20will%20follow%20Macron" in out
    assert "Seen most often with: Emmanuel Macron (1)" in out


def test_an_ambiguous_name_is_a_numbered_list_and_pick_chooses(env):
    result = run("who", "Jordan", env=env)
    assert result.returncode == 1 and not result.stderr.strip()
    assert result.stdout.splitlines() == [
        '"Jordan" could be more than one actor:',
        "  1. Jordan (place) · 1 article",
        "  2. Michael Jordan (person) · 1 article",
        "Choose one: briefbot who Jordan --pick N",
    ]
    picked = run("who", "Jordan", "--pick", "2", "--format", "json", env=env)
    assert picked.returncode == 0, picked.stderr
    data = json.loads(picked.stdout)
    assert data["actor"]["name"] == "Michael Jordan"
    assert data["stories"][0]["headline"] == "Jordan hosts talks" and data["stories"][0]["date"]


def test_unknown_names_and_bad_options_are_one_line_or_the_closest(env):
    close = run("who", "Kier", "Starmr", env=env)
    assert close.returncode == 1
    assert "  1. Keir Starmer (person, Prime Minister) · 2 articles" in close.stdout
    nobody = run("who", "--team", "T9", "Keir Starmer", env=env)
    assert nobody.returncode == 1 and "Nobody called" in nobody.stdout, "another workspace"
    bad = run("who", "Jordan", "--pick", "7", env=env)
    assert (
        bad.returncode == 1
        and bad.stderr.strip() == "briefbot: there is no candidate 7 for 'Jordan'"
    )
