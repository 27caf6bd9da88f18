"""``briefbot search``, ``briefbot export`` and ``briefbot trend``: the archive from the shell.

Each reads the store as the operator (every workspace and channel) unless ``--team`` and
``--channel`` say whose view to take, as ``briefbot brief`` does.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from bot.errors import BriefbotError

if TYPE_CHECKING:
    from bot.briefing.model import ArticleView

TEAM = typer.Option(help="only what this Slack workspace shared")
CHANNEL = typer.Option(help="as seen from this channel (its own shares and public ones)")
EXPORT_FORMATS = ("jsonl", "csv")


def search(
    query: Annotated[list[str], typer.Argument(help='words, "phrases", from:, actor:, in:, ...')],
    page: Annotated[int, typer.Option(help="which page of results")] = 1,
    per_page: Annotated[int, typer.Option(help="results a page")] = 10,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    team: Annotated[str | None, TEAM] = None,
    channel: Annotated[str | None, CHANNEL] = None,
) -> None:
    """Search every stored article by words, "phrases", outlet, actor, channel and date."""
    from bot.briefing.archive import render_archive_text, snippet
    from bot.briefing.export import export_record
    from bot.clock import utcnow
    from bot.entrypoints.cli import command_container
    from bot.services.archive import search_archive

    if fmt not in ("text", "json"):
        raise BriefbotError(f"--format must be text or json, not {fmt!r}")
    if not 1 <= per_page <= 100:
        raise BriefbotError("--per-page must be between 1 and 100")
    with closing(command_container()) as app:
        found = search_archive(
            store=app.store,
            text=query_text(query),
            now=utcnow(),
            team_id=team,
            channel_id=channel,
            page=page,
            page_size=per_page,
        )
    if fmt == "json":
        out = {
            "query": found.query.describe(),
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
            "articles": [
                {**export_record(a), "snippet": snippet(a, found.query)} for a in found.articles
            ],
        }
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    typer.echo(render_archive_text(found), nl=False)


def query_text(args: list[str]) -> str:
    """The shell took the quotes off: an argument with a space in it was a phrase
    (``"price cap"``) or a filter's value (``'actor:Keir Starmer'``), and is quoted again."""
    out = []
    for arg in args:
        key, colon, value = arg.partition(":")
        if " " not in arg.strip() or '"' in arg:
            out.append(arg)
        elif colon and key.isalpha() and " " not in key:
            out.append(f'{key}:"{value}"')
        else:
            out.append(f'"{arg}"')
    return " ".join(out)


def export(
    since: Annotated[str, typer.Option(help="shared in this window: 30d, 12w, 24h")] = "30d",
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv")] = "jsonl",
    output: Annotated[Path | None, typer.Option(help="write here instead of stdout")] = None,
    team: Annotated[str | None, TEAM] = None,
    channel: Annotated[str | None, CHANNEL] = None,
) -> None:
    """Write stored articles with their dates, shares, key points and actors (JSONL or CSV)."""
    from bot.clock import utcnow
    from bot.entrypoints.cli import command_container
    from bot.services.archive import export_articles
    from bot.services.briefing import parse_since

    if fmt not in EXPORT_FORMATS:
        raise BriefbotError(f"--format must be jsonl or csv, not {fmt!r}")
    window = parse_since(since, default_days=30)
    with closing(command_container()) as app:
        articles = export_articles(
            store=app.store, since=window, now=utcnow(), team_id=team, channel_id=channel
        )
        if output is None:
            count = write_export(articles, sys.stdout, fmt)
        else:
            try:
                with open(output, "w", encoding="utf-8", newline="") as fh:
                    count = write_export(articles, fh, fmt)
            except OSError as exc:
                raise BriefbotError(f"cannot write {output}: {exc.strerror}") from None
    typer.echo(f"{count} articles exported", err=True)


def write_export(articles: Iterable[ArticleView], out: IO[str], fmt: str) -> int:
    """Each article as a JSON line or a CSV row (after the header); how many were written."""
    from bot.briefing.export import HEADER, csv_row, export_record

    count = 0
    writer = csv.writer(out) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(HEADER)
    for article in articles:
        record = export_record(article)
        if writer is not None:
            writer.writerow(csv_row(record))
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def trend(
    topic: Annotated[list[str], typer.Argument(help="the topic, e.g. ukraine")],
    weeks: Annotated[int, typer.Option(help="how many weeks, the current one last")] = 12,
    png: Annotated[Path | None, typer.Option(help="also draw the chart into this PNG file")] = None,
    team: Annotated[str | None, TEAM] = None,
    channel: Annotated[str | None, CHANNEL] = None,
) -> None:
    """How many articles on a topic were shared each week, and which actors rose."""
    from bot.briefing.trend import MAX_WEEKS, trend_line
    from bot.clock import utcnow
    from bot.entrypoints.cli import command_container
    from bot.services.archive import topic_trend

    if not 2 <= weeks <= MAX_WEEKS:
        raise BriefbotError(f"--weeks must be between 2 and {MAX_WEEKS}")
    with closing(command_container()) as app:
        found = topic_trend(
            store=app.store,
            topic=" ".join(topic),
            weeks=weeks,
            now=utcnow(),
            team_id=team,
            channel_id=channel,
        )
    typer.echo(trend_line(found))
    typer.echo("")
    typer.echo("week of      articles")
    for start, count in zip(found.weeks, found.counts, strict=True):
        typer.echo(f"{start:%Y-%m-%d}  {count:>8}")
    if png is not None:
        from bot.plotting import trend_png

        try:
            png.write_bytes(trend_png(found))
        except OSError as exc:
            raise BriefbotError(f"cannot write {png}: {exc.strerror}") from None
        typer.echo(f"chart written to {png}", err=True)
