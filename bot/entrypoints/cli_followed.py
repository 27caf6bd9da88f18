"""``briefbot topics import|list`` and ``briefbot scheduler``."""

from __future__ import annotations

import getpass
import logging
import signal
import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.clock import utcnow
from bot.errors import BriefbotError

topics_cli = typer.Typer(
    help="Topics Briefbot follows (the Slack command is /brief follow).", no_args_is_help=True
)

log = logging.getLogger(__name__)


def _topic_store() -> Any:
    from bot.config import Settings
    from storage.db import Database
    from storage.followed_topics import SqlTopicStore

    db = Database(Settings.from_env().database_url)
    db.upgrade()
    return SqlTopicStore(db)


def read_topics_file(path: Path) -> tuple[str | None, list[dict[str, Any]]]:
    """The file's ``team`` (if it names one) and its ``topics`` entries."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise BriefbotError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise BriefbotError(f"{path} is not valid YAML: {exc}") from None
    entries = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise BriefbotError(
            f"{path} needs a `topics:` list of entries with name, channel, terms, at, days, tz"
        )
    team = data.get("team")
    return (str(team) if team else None), entries


@topics_cli.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="YAML file like seeds/topics.yaml")],
    team: Annotated[
        str | None, typer.Option(help="Slack team id (default: the file's `team:`)")
    ] = None,
) -> None:
    """Create or update topics from a YAML file; every change is audited."""
    from bot.services.followed_topics import import_topics

    file_team, entries = read_topics_file(file)
    team_id = team or file_team
    if not team_id:
        raise BriefbotError("say which Slack workspace the topics are for: --team T0123ABC")
    store = _topic_store()
    try:
        result = import_topics(
            topics=store,
            team_id=team_id,
            entries=entries,
            user_id=f"cli:{getpass.getuser()}",
            now=utcnow(),
        )
    finally:
        store.db.dispose()
    for outcome, names in result.items():
        if names:
            typer.echo(f"{outcome}: {', '.join(names)}")


@topics_cli.command("list")
def list_command(
    team: Annotated[str | None, typer.Option(help="only this Slack team id")] = None,
) -> None:
    """Each topic and digest: team, channel, schedule, next run, terms."""
    from bot.services.followed_text import listing

    store = _topic_store()
    try:
        configs = store.list_topics(team_id=team)
    finally:
        store.db.dispose()
    if not configs:
        typer.echo(
            "no topics yet: add one with `briefbot topics import FILE` or /brief follow in Slack"
        )
    now = utcnow()
    for topic in configs:
        item = listing(topic, now)
        terms = ", ".join(topic.terms) or "-"
        typer.echo(
            f"{topic.team_id}  {topic.kind:<6} {topic.name:<20} {topic.channel_id:<12} "
            f"{item.schedule:<55} terms: {terms}"
        )


def build_poster(app: Any) -> Any:
    """The Slack poster, built only when a scheduler runs: the one bot token's, or (OAuth)
    each workspace's own installation's."""
    from bot.entrypoints.installs import background_poster

    return background_poster(app)


def start_scheduler(app: Any, poster: Any) -> Any:
    """A started ``BriefingScheduler`` over the container's database (for `run` to embed)."""
    from bot.entrypoints.installs import installed_check
    from bot.entrypoints.scheduler import BriefingScheduler
    from storage.followed_topics import SqlTopicStore

    scheduler = BriefingScheduler(
        topics=SqlTopicStore(app.db),
        store=app.store,
        poster=poster,
        grace_seconds=app.settings.briefing_grace_seconds,
        installed=installed_check(app),
    )
    scheduler.start()
    return scheduler


def scheduler_command() -> None:
    """Post scheduled briefings and digests until SIGTERM or SIGINT (`briefbot scheduler`)."""
    from bot.app import build, configure_logging
    from bot.config import Settings

    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    logging.getLogger("apscheduler.executors").setLevel(
        logging.WARNING
    )  # a line per poll otherwise
    app = build(settings)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        scheduler = start_scheduler(app, build_poster(app))
        log.info("scheduler running; stop with SIGTERM or Ctrl-C")
        stop.wait()
        scheduler.shutdown()
    finally:
        app.close()
