"""``briefbot keys generate|rotate`` and ``briefbot workspace export|delete`` (operators)."""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from bot.errors import BriefbotError

if TYPE_CHECKING:
    from storage.db import Database

keys_cli = typer.Typer(
    help="The keys Slack tokens are stored with (OAuth mode, BRIEFBOT_ENCRYPTION_KEY).",
    no_args_is_help=True,
)
workspace_cli = typer.Typer(
    help="Everything Briefbot holds for one Slack workspace: export it, delete it.",
    no_args_is_help=True,
)
TeamArgument = Annotated[str, typer.Argument(help="the workspace's Slack id, e.g. T0123ABC")]


@keys_cli.command("generate")
def generate_key() -> None:
    """Print a new key. Put it first in BRIEFBOT_ENCRYPTION_KEY, then `keys rotate`."""
    from storage.token_cipher import new_key

    typer.echo(new_key())


@keys_cli.command("rotate")
def rotate_keys() -> None:
    """Re-encrypt every stored token with the first key of BRIEFBOT_ENCRYPTION_KEY."""
    from bot.config import Settings
    from bot.entrypoints.installs import check_oauth
    from storage.installations import EncryptedInstallationStore
    from storage.token_cipher import TokenCipher

    settings = Settings.from_env()
    check_oauth(settings)
    db = _database(settings.database_url)
    try:
        store = EncryptedInstallationStore(
            client_id=settings.slack_client_id, db=db, cipher=TokenCipher(settings.encryption_keys)
        )
        changed = store.rotate_keys()
    finally:
        db.dispose()
    others = len(settings.encryption_keys) - 1
    after = f"; the other {others} key(s) can now be removed" if others else ""
    typer.echo(f"{changed} stored token(s) re-encrypted with the first key{after}")


@workspace_cli.command("export")
def export_command(team: TeamArgument) -> None:
    """Write the workspace's data to stdout as JSON lines (its tokens are never written)."""
    from storage.workspace_data import export_workspace

    db = _database(_database_url())
    counts: dict[str, int] = {}
    try:
        for record in export_workspace(db, _team(team)):
            sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            counts[record["table"]] = counts.get(record["table"], 0) + 1
    finally:
        db.dispose()
    sys.stdout.flush()
    typer.echo(f"exported {team}: {_summary(counts)}", err=True)


@workspace_cli.command("delete")
def delete_command(
    team: TeamArgument,
    yes: Annotated[bool, typer.Option("--yes", help="really delete: there is no undo")] = False,
) -> None:
    """Delete the workspace's shares, the articles only it shared, its topics, runs,
    audit log and installation. `workspace export` first keeps a copy."""
    from storage.workspace_data import delete_workspace

    team = _team(team)
    if not yes:
        raise BriefbotError(
            f"this deletes everything Briefbot holds for {team}, for good: run again with --yes "
            f"(`briefbot workspace export {team} > {team}.jsonl` keeps a copy first)"
        )
    db = _database(_database_url())
    try:
        gone = delete_workspace(db, team)
    finally:
        db.dispose()
    typer.echo(f"deleted {team}: {_summary(gone)}")


def _team(team: str) -> str:
    if not re.fullmatch(r"T[A-Z0-9]{2,31}", team):
        raise BriefbotError(f"{team!r} is not a Slack workspace id (they look like T0123ABC)")
    return team


def _database_url() -> str:
    from bot.config import Settings

    return Settings.from_env().database_url


def _database(url: str) -> Database:
    from storage.db import Database

    db = Database(url)
    db.upgrade()
    return db


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing"
