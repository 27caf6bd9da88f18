"""``briefbot who NAME``: an actor's timeline from the stored articles."""

from __future__ import annotations

import json
import shlex
from contextlib import closing
from typing import Annotated

import typer

from bot.errors import BriefbotError

FORMATS = ("text", "markdown", "json")


def who_command(
    name: Annotated[list[str], typer.Argument(help="an actor's name or alias, e.g. Keir Starmer")],
    pick: Annotated[
        int | None, typer.Option(help="the n-th candidate of an unknown or ambiguous name")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, markdown or json")] = "text",
    limit: Annotated[int, typer.Option(help="stories shown, newest first")] = 10,
    team: Annotated[str | None, typer.Option(help="only what this Slack workspace shared")] = None,
    channel: Annotated[str | None, typer.Option(help="as seen from this channel")] = None,
) -> None:
    """Who an actor is, the stories shared about them, newest first, and who is seen with
    them. A name that is unknown or means several actors lists the candidates (exit 1)."""
    from bot.briefing.who_render import render_who_markdown, render_who_text, who_json
    from bot.entrypoints.cli import command_container
    from bot.services.who import who

    if fmt not in FORMATS:
        raise BriefbotError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if limit < 1:
        raise BriefbotError("--limit must be 1 or more")
    typed = " ".join(name)
    with closing(command_container()) as app:
        answer = who(
            store=app.store, name=typed, pick=pick, team_id=team, channel_id=channel, limit=limit
        )
    if fmt == "json":
        typer.echo(json.dumps(who_json(answer), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        typer.echo(render_who_markdown(answer), nl=False)
    else:
        scope = "".join(
            f" --{k} {shlex.quote(v)}" for k, v in (("team", team), ("channel", channel)) if v
        )
        hint = f"Choose one: briefbot who {shlex.quote(typed)}{scope} --pick N"
        typer.echo(render_who_text(answer, pick_hint=hint), nl=False)
    if answer.timeline is None:
        raise typer.Exit(1)
