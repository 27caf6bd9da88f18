"""The layering the design promises: a pure core, and a Slack edge that never touches storage."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = (
    "slack_bolt",
    "slack_sdk",
    "sqlalchemy",
    "httpx",
    "spacy",
    "trafilatura",
    "storage",
    "handlers",
    "alembic",
    "apscheduler",
    "waitress",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def offending(path: Path, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in imported_modules(path) if m.split(".")[0] in forbidden)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "bot" / "briefing").glob("*.py")), ids=lambda p: p.name
)
def test_the_core_imports_no_framework(path: Path):
    assert offending(path, FRAMEWORKS) == []


@pytest.mark.parametrize("path", sorted((ROOT / "handlers").glob("*.py")), ids=lambda p: p.name)
def test_handlers_never_import_storage(path: Path):
    assert offending(path, ("storage", "sqlalchemy")) == []


def test_the_import_linter_contracts_hold():
    """The whole dependency rule (layers and forbidden imports, direct or indirect), as
    pyproject.toml states it. In a subprocess: import-linter reconfigures logging."""
    import subprocess
    import sys

    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
