"""``briefbot demo``: the whole pipeline on the seed articles, with no Slack account.

The seed pages are served by a web server on 127.0.0.1 so the real, safe fetch path runs;
the shares in ``seeds/shares.yaml`` are recorded as Slack would record them, hours ago;
the store is a throw-away SQLite file.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import typer
import yaml

from bot.app import build
from bot.briefing.render import render_text
from bot.briefing.status import ArticleStatus
from bot.clock import utcnow
from bot.config import Settings
from bot.errors import BriefbotError
from bot.ports import NewShare
from bot.services.briefing import brief, validate_topic
from bot.services.ingest import process_articles, record_links


def find_seeds(given: Path | None = None) -> Path:
    candidates = (
        [given] if given else [Path.cwd() / "seeds", Path(__file__).resolve().parents[2] / "seeds"]
    )
    for path in candidates:
        if path and (path / "shares.yaml").is_file():
            return path
    raise BriefbotError("cannot find the seeds folder (with shares.yaml): pass --seeds DIR")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 on a free port; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def load_shares(seeds: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load((seeds / "shares.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BriefbotError(f"cannot read {seeds / 'shares.yaml'}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("shares"), list):
        raise BriefbotError(f"{seeds / 'shares.yaml'} has no list of shares")
    return data


def run_demo(*, topic: str, seeds: Path | None, keep: Path | None) -> None:
    topic = validate_topic(topic)  # before ingesting: a topic that cannot be briefed stops now
    seeds = find_seeds(seeds)
    plan = load_shares(seeds)
    channels = plan.get("channels") or {}
    team = str(plan.get("team", "T0DEMO"))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="briefbot-demo-") as tmp:
        folder = keep or Path(tmp)
        settings = Settings.from_env(
            {},
            data_dir=folder,
            database_url=f"sqlite:///{folder / 'demo.sqlite3'}",
            fetch_allowlist=("127.0.0.1",),
        )
        app = build(settings)
        try:
            with serve_folder(seeds / "articles") as base:
                now = utcnow()
                for row in plan["shares"]:
                    shared_at = now - timedelta(hours=float(row["hours_ago"]))
                    share = NewShare(
                        team_id=team,
                        channel_id=str(row["channel"]),
                        user_id=str(row["user"]),
                        message_ts=f"{shared_at.timestamp():.6f}",
                        shared_at=shared_at,
                        channel_private=bool(
                            (channels.get(row["channel"]) or {}).get("private", False)
                        ),
                    )
                    record_links(store=app.store, urls=[base + str(row["page"])], share=share)
                tasks = app.store.claim_due(now=utcnow(), lease_seconds=600, limit=10_000)
                records = process_articles(
                    store=app.store,
                    fetcher=app.fetcher,
                    reader=app.reader,
                    analyzer=app.analyzer,
                    tasks=tasks,
                    now=utcnow,
                    max_attempts=1,
                )
                failed = [r for r in records if r.status != ArticleStatus.DONE]
                for r in failed:
                    typer.echo(
                        f"could not read article {r.article_id}: {r.failure_reason}", err=True
                    )
                counts = app.store.counts()
                briefing = brief(
                    store=app.store,
                    topic=topic,
                    now=utcnow(),
                    since=timedelta(days=7),
                    team_id=team,
                )
        finally:
            app.close()
        typer.echo(
            f"Ingested {_count(counts['articles'], 'article')} ({_count(counts['shares'], 'share')}, "
            f"{_count(counts['actors'], 'actor')}) from a local web server in "
            f"{time.monotonic() - started:.1f} s.\n",
            err=True,
        )
        typer.echo(f"$ /brief {topic}\n", err=True)
        typer.echo(render_text(briefing), nl=False)
        if failed:
            raise BriefbotError(f"{_count(len(failed), 'seed article')} could not be read")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
