"""The long-running roles: ``briefbot run``, ``serve`` and ``worker``, and how they stop.

SIGTERM (containers, systemd) or Ctrl-C: each takes no more work, finishes or releases what
it holds and exits 0 within ten seconds; a SIGTERM while it is still starting just exits 0.
A Slack that cannot be reached, or that refuses a token, at start-up is one line.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import closing as _closing
from contextlib import contextmanager, suppress
from functools import partial
from typing import TYPE_CHECKING, Annotated

import typer

from bot.errors import BriefbotError, ConfigError

if TYPE_CHECKING:
    from bot.app import Container


WorkerProcessesOption = Annotated[
    int | None,
    typer.Option(
        "--worker-processes",
        help="ingestion processes to start beside this one (default BRIEFBOT_WORKER_PROCESSES)",
    ),
]
NoWorkersOption = Annotated[
    bool, typer.Option("--no-workers", help="start none: `briefbot worker` reads the queue")
]


def _start_children(container: Container, count: int | None, none: bool) -> None:
    """Ingestion children for `serve` and `run`; Container.close() stops them."""
    from bot.entrypoints.worker_processes import WorkerProcesses

    wanted = 0 if none else container.settings.worker_processes if count is None else count
    if wanted < 0:
        raise BriefbotError("--worker-processes must be 0 or more")
    children = WorkerProcesses(wanted)
    container.extras["worker processes"] = children
    children.start()


def _exit_quietly(*_: object) -> None:
    raise SystemExit(0)  # waitress and the waits below end cleanly; `with` blocks close


def _on_sigterm(container: Container | None, then: Callable[[], None]) -> None:
    """SIGTERM (containers, systemd): the ingestion children are told at once, so they
    finish or release their articles while this process closes its own things.

    Only the first SIGTERM acts. A second one can arrive while the first's handler holds
    a lock (Event.set takes one), and Python would run the handler again inside it, on the
    same thread: it would wait for that lock for ever.
    """
    fired: list[bool] = []

    def stop(*_: object) -> None:
        if fired:
            return
        fired.append(True)  # before anything that takes a lock
        children = container.extras.get("worker processes") if container else None
        if children is not None:
            children.terminate()
        then()

    signal.signal(signal.SIGTERM, stop)


def run(
    worker_processes: WorkerProcessesOption = None, no_workers: NoWorkersOption = False
) -> None:
    """Everything for one team: Socket Mode, ingestion processes and the scheduler."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.entrypoints.cli_followed import start_scheduler
    from bot.entrypoints.slack_app import build_slack
    from bot.entrypoints.watchdog import ConnectionWatchdog

    _on_sigterm(None, _exit_quietly)  # while starting: nothing to finish yet
    container = _command_container()
    if not container.settings.slack_app_token:
        raise BriefbotError(
            "SLACK_APP_TOKEN is not set: the app-level token (xapp-...) for Socket Mode"
        )
    with _closing(container):
        with _slack_errors(container.settings.api_url):
            app, deps = build_slack(container, http=False, ingest_here=False)
        _start_children(container, worker_processes, no_workers)
        container.extras["scheduler"] = start_scheduler(container, deps.poster)
        handler = SocketModeHandler(app, container.settings.slack_app_token)
        with _slack_errors(container.settings.api_url, token="SLACK_APP_TOKEN"):
            handler.connect()
        watchdog = ConnectionWatchdog(
            handler.client, on_give_up=lambda: os.kill(os.getpid(), signal.SIGTERM)
        )
        watchdog.start()
        typer.echo("briefbot: connected in Socket Mode; Ctrl-C stops", err=True)
        stop = threading.Event()
        _on_sigterm(container, stop.set)
        with suppress(KeyboardInterrupt):
            stop.wait()
        watchdog.stop()
        handler.close()
        if watchdog.down_since is not None:
            raise BriefbotError("the Socket Mode connection was lost and could not be restored")


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 3000,
    threads: Annotated[int, typer.Option(help="HTTP worker threads")] = 8,
    worker_processes: WorkerProcessesOption = None,
    no_workers: NoWorkersOption = False,
    scheduler: Annotated[
        bool, typer.Option(help="also post scheduled briefings from this process")
    ] = False,
) -> None:
    """HTTP mode: Slack events, commands and interactivity at /slack/events."""
    from bot.entrypoints.cli_followed import start_scheduler
    from bot.entrypoints.http_server import serve as serve_http
    from bot.entrypoints.slack_app import build_slack

    _on_sigterm(None, _exit_quietly)
    container = _command_container()
    with _closing(container):
        with _slack_errors(container.settings.api_url):
            app, deps = build_slack(container, http=True, ingest_here=False)
        _start_children(container, worker_processes, no_workers)
        if scheduler:
            container.extras["scheduler"] = start_scheduler(container, deps.poster)
        typer.echo(f"briefbot: serving Slack at http://{host}:{port}/slack/events", err=True)
        _on_sigterm(container, _exit_quietly)
        serve_http(
            app,
            container.db,
            signing_secret=container.settings.slack_signing_secret,
            host=host,
            port=port,
            threads=threads,
            metrics_address=container.settings.metrics_address,
        )


def worker(
    interval: Annotated[float, typer.Option(help="seconds between looks at the queue")] = 2.0,
) -> None:
    """Ingestion workers only: fetch and analyse the articles other processes queued."""
    from bot.entrypoints.worker import ingestion_pool
    from bot.entrypoints.worker_processes import parent_gone

    _on_sigterm(None, _exit_quietly)  # while starting: nothing to finish yet
    container = _command_container()
    with _closing(container):
        s = container.settings
        pool = ingestion_pool(container)
        if s.slack_bot_token or s.oauth:  # tell people in Slack when a link could not be read
            from bot.entrypoints.installs import background_poster
            from handlers.capture import tell_sharers_of_failure

            poster = background_poster(container)  # OAuth: each sharer's workspace's token
            pool.on_swept = partial(tell_sharers_of_failure, container.store, poster)
        typer.echo("briefbot: worker waiting for articles; Ctrl-C stops", err=True)
        # SIGTERM: take no more, finish what is in hand or release it, exit 0.
        _on_sigterm(None, pool.stop)
        try:
            pool.run_until(lambda: pool.stopping or parent_gone(), interval=interval)
        finally:
            pool.shutdown()
    _exit_at_once()


def _exit_at_once() -> None:
    """Everything is saved, released and closed: skip tearing down spaCy's objects, CPU
    work that a child at low priority on a busy machine could wait seconds for."""
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(0)


@contextmanager
def _slack_errors(api_url: str, token: str = "SLACK_BOT_TOKEN") -> Iterator[None]:
    """Slack unreachable or refusing a token at start-up: one line saying what to check."""
    from http.client import HTTPException

    from slack_sdk.errors import SlackApiError

    sdk = logging.getLogger("slack_sdk")
    before = sdk.level
    sdk.setLevel(logging.CRITICAL)  # its line per failed try would repeat the one below
    try:
        yield
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else exc
        raise ConfigError(f"{token} was refused by Slack ({error})") from exc
    except (OSError, HTTPException) as exc:  # URLError, refused, reset, timed out
        reason = getattr(exc, "reason", None) or exc
        raise BriefbotError(
            f"cannot reach Slack at {api_url} ({reason}): check the network, any proxy, "
            "and SLACK_API_URL"
        ) from exc
    finally:
        sdk.setLevel(before)


def _command_container() -> Container:
    from bot.entrypoints.cli import command_container  # the CLI's own set-up, loaded first

    return command_container()
