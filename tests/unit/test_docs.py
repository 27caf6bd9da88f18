"""The documents a new admin reads first stay true to the code."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.config import settings_table

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_in_the_readme_configuration_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [env for env, _, _ in settings_table() if f"| `{env}` |" not in readme]
    assert not missing, f"README configuration table lacks {missing}"


def test_the_manifest_asks_for_what_briefbot_uses_and_no_more():
    manifest = yaml.safe_load((ROOT / "deploy" / "slack-manifest.yaml").read_text(encoding="utf-8"))
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "app_mentions:read",
        "channels:history",
        "channels:read",
        "chat:write",
        "commands",
        "files:write",
        "reactions:write",
        "users:read",
    }
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/brief"]
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"message.channels", "app_mention", "app_home_opened"} <= events
    assert manifest["settings"]["socket_mode_enabled"] is True


def test_the_readme_commands_are_the_ones_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/pytest"
    assert test_command in readme and test_command in ci
    assert (
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/briefbot demo" in readme
    )


def _architecture_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]


def test_the_readme_architecture_names_only_what_exists():
    section = _architecture_section()
    rooms = re.findall(r"^((?:bot|handlers|storage)/[\w/]*(?:\.py)?)", section, re.MULTILINE)
    files = re.findall(r"\b([a-z_]+\.py)\b", section)
    assert rooms, "the Architecture section lists no folders"
    assert [r for r in rooms if not (ROOT / r).exists()] == []
    folders = ("bot", "handlers", "storage", "tests")
    known = {p.name for d in folders for p in (ROOT / d).rglob("*.py")}
    assert sorted(set(files) - known) == []


def test_the_readme_architecture_covers_every_room_and_top_level_module():
    section = _architecture_section()
    bot = ROOT / "bot"
    rooms = [f"bot/{p.name}/" for p in bot.iterdir() if (p / "__init__.py").exists()]
    modules = [f"bot/{p.name}" for p in bot.glob("*.py") if p.name != "__init__.py"]
    missing = [r for r in rooms if r not in section]
    missing += [m for m in modules if m not in section and m.removeprefix("bot/") not in section]
    assert missing == []
