"""``briefbot ...``: operator, scripting and server commands."""

from __future__ import annotations

import getpass
import json
import logging
import os
import sys
import time
from contextlib import closing as _closing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.entrypoints.cli_archive import export, search, trend
from bot.entrypoints.cli_followed import scheduler_command, topics_cli
from bot.entrypoints.cli_serve import run, serve, worker
from bot.entrypoints.cli_who import who_command
from bot.entrypoints.cli_workspace import keys_cli, workspace_cli
from bot.entrypoints.doctor import doctor
from bot.errors import BriefbotError
from bot.logs import quiet_libraries

if TYPE_CHECKING:
    from bot.app import Container
    from bot.config import Settings

cli = typer.Typer(
    help="Briefbot: sourced team briefings from the article links your Slack team shares.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Click's own help layout, for this command and every subcommand: Typer's Rich panels
    # print a "<bool>" type beside every flag (--help included), as if it took a value.
    rich_markup_mode=None,
)
db_cli = typer.Typer(help="Database schema commands.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(topics_cli, name="topics")
cli.add_typer(keys_cli, name="keys")
cli.add_typer(workspace_cli, name="workspace")
cli.command("scheduler")(scheduler_command)
cli.command()(doctor)
for _archive in (search, export, trend):  # the archive and trends (cli_archive.py)
    cli.command()(_archive)
cli.command("who")(who_command)  # actor timelines (cli_who.py)

FORMATS = ("text", "markdown", "json")


def _settings() -> Settings:
    from bot.config import Settings

    return Settings.from_env()


def command_container(upgrade: bool = True) -> Container:
    from bot.app import build, configure_logging

    settings = _settings()
    level = "WARNING" if settings.log_level.upper() == "INFO" else settings.log_level
    configure_logging(level, settings.log_format)
    return build(settings, upgrade=upgrade)


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest revision."""
    from storage.db import Database

    settings = _settings()
    db = Database(settings.database_url)
    db.upgrade()
    typer.echo(f"database is up to date ({db.engine.url.render_as_string(hide_password=True)})")


@cli.command()
def ingest(
    sources: Annotated[
        list[str], typer.Argument(help="URLs, HTML, text or PDF files, or folders of them")
    ],
    retry_failed: Annotated[
        bool,
        typer.Option(
            "--retry-failed",
            help="read these again if they failed before, however recently (others wait for "
            "their backoff)",
        ),
    ] = False,
) -> None:
    """Fetch, read and analyse articles into the store."""
    from bot.entrypoints.cli_ingest import run_ingest

    with _closing(command_container()) as app:
        code = run_ingest(app, sources, user=getpass.getuser(), retry_failed=retry_failed)
    raise typer.Exit(code)


@cli.command()
def brief(
    topic: Annotated[list[str], typer.Argument(help="what the briefing is about, e.g. ukraine")],
    since: Annotated[
        str, typer.Option(help="window counted from when articles were shared: 3d, 12h, 2w")
    ] = "",
    fmt: Annotated[str, typer.Option("--format", help="text, markdown or json")] = "text",
    team: Annotated[str | None, typer.Option(help="only what this Slack workspace shared")] = None,
    channel: Annotated[str | None, typer.Option(help="as seen from this channel")] = None,
    max_stories: Annotated[
        int, typer.Option(help="stories to show; the rest are counted at the end")
    ] = 5,
) -> None:
    """Print the briefing on a topic from the stored articles."""
    from bot.briefing.render import briefing_json, render_markdown, render_text
    from bot.clock import utcnow
    from bot.services.briefing import brief as brief_service
    from bot.services.briefing import parse_since

    if fmt not in FORMATS:
        raise BriefbotError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if max_stories < 1:
        raise BriefbotError(f"--max-stories must be 1 or more, not {max_stories}")
    with _closing(command_container()) as app:
        window = parse_since(since, default_days=app.settings.default_since_days)
        briefing = brief_service(
            store=app.store,
            topic=" ".join(topic),
            now=utcnow(),
            since=window,
            team_id=team,
            channel_id=channel,
            max_stories=max_stories,
        )
    if fmt == "json":
        typer.echo(json.dumps(briefing_json(briefing), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        typer.echo(render_markdown(briefing), nl=False)
    else:
        typer.echo(render_text(briefing), nl=False)


@cli.command()
def analyze(
    source: Annotated[
        str | None, typer.Argument(help="an HTML or text file, or - for stdin")
    ] = None,
    jsonl: Annotated[
        Path | None, typer.Option(help="JSONL file: one {id,text} or {id,html,url} a line")
    ] = None,
    processes: Annotated[
        int, typer.Option(help="spaCy processes for --jsonl (0: one per core, at most 4)")
    ] = 0,
) -> None:
    """Key points and actors of documents, without storing anything."""
    from bot.extraction.html import ArticleReader
    from bot.extraction.nlp import SpacyAnalyzer
    from bot.services.analyze import analyze_jsonl

    settings = _settings()
    if processes < 0:
        raise BriefbotError("--processes must be 0 (automatic) or more")
    workers = processes or min(4, os.cpu_count() or 1)
    analyzer = SpacyAnalyzer(
        settings.spacy_model,
        models=settings.spacy_models,
        n_process=workers if jsonl is not None else 1,
    )
    if jsonl is not None:
        if not jsonl.is_file():
            raise BriefbotError(f"cannot read {jsonl}: no such file")
        with open(jsonl, encoding="utf-8", errors="replace") as fh, _closing(analyzer):
            for out in analyze_jsonl(fh, reader=ArticleReader(), analyzer=analyzer):
                sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return
    if source is None:
        raise BriefbotError("give a file to analyze, - for stdin, or --jsonl FILE")
    raw = _document_text(sys.stdin.buffer.read() if source == "-" else _read_bytes(source), source)
    key = "html" if raw.lstrip()[:1] == "<" else "text"
    line = json.dumps({"id": source, key: raw, "url": ""})
    for out in analyze_jsonl([line], reader=ArticleReader(), analyzer=analyzer):
        if "error" in out:
            raise BriefbotError(out["error"])
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))


@cli.command()
def stories(
    jsonl: Annotated[
        Path,
        typer.Option(help="JSONL file: {id, title?, text | html+url, published_at?} a line"),
    ],
) -> None:
    """Group documents into stories as briefings do; prints {"id", "story"} a line."""
    from bot.extraction.html import ArticleReader
    from bot.extraction.nlp import SpacyAnalyzer
    from bot.services.offline_stories import stories_jsonl

    if not jsonl.is_file():
        raise BriefbotError(f"cannot read {jsonl}: no such file")
    settings = _settings()
    analyzer = SpacyAnalyzer(
        settings.spacy_model,
        models=settings.spacy_models,
        n_process=min(4, os.cpu_count() or 1),
    )
    with open(jsonl, encoding="utf-8", errors="replace") as fh, _closing(analyzer):
        for out in stories_jsonl(fh, reader=ArticleReader(), analyzer=analyzer):
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise BriefbotError(f"cannot read {path}: {exc.strerror}") from None


def _document_text(data: bytes, source: str) -> str:
    """The text of an HTML or text document; anything else (an image, a PDF, an archive)
    is refused rather than analysed as garbage."""
    name = "the input" if source == "-" else source
    if data.startswith(b"%PDF-"):
        raise BriefbotError(
            f"{name} is a PDF: analyze reads HTML and text (briefbot ingest reads PDFs)"
        )
    text = data.decode("utf-8", errors="replace")
    head = text[:8192]
    odd = sum(1 for c in head if c == "\ufffd" or (c < " " and c not in "\t\n\r\f"))
    if "\x00" in head or odd > len(head) // 20:
        raise BriefbotError(f"{name} is not HTML or text (binary data): nothing to analyse")
    return text


@cli.command()
def demo(
    topic: Annotated[str, typer.Option(help="the topic to brief on")] = "ukraine",
    seeds: Annotated[
        Path | None, typer.Option(help="seeds folder (default: the bundled seeds/)")
    ] = None,
    keep: Annotated[Path | None, typer.Option(help="keep the demo database in this folder")] = None,
) -> None:
    """Ingest the seed articles from a local web server and print a briefing. No Slack needed."""
    from bot.entrypoints.demo import run_demo

    run_demo(topic=topic, seeds=seeds, keep=keep)


for _role in (run, serve, worker):  # the long-running roles (cli_serve.py)
    cli.command()(_role)


def main() -> None:
    """Every error is one line on stderr and a non-zero exit, never a traceback; the full
    error goes to the log at DEBUG (BRIEFBOT_LOG_LEVEL=DEBUG shows it)."""
    started = time.monotonic()
    quiet_libraries()  # before any command imports them (some need no logging set up)
    try:
        cli()
    except BriefbotError as exc:
        _fail(str(exc), exc)
    except KeyboardInterrupt:
        typer.echo(f"briefbot: interrupted after {time.monotonic() - started:.0f} s", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug or an error nobody foresaw: still one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        _fail(
            f"unexpected error ({exc.__class__.__name__}: {first}); "
            "BRIEFBOT_LOG_LEVEL=DEBUG logs where it happened",
            exc,
        )


def _fail(message: str, exc: BaseException) -> None:
    logging.getLogger("bot.entrypoints.cli").debug("briefbot stopped: %s", message, exc_info=exc)
    typer.echo(f"briefbot: {message}", err=True)
    sys.exit(1)


if __name__ == "__main__":  # `python -m bot.entrypoints.cli`: how serve and run start workers
    main()
