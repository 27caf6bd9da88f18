"""Briefbot as real processes on one PostgreSQL database, driven the way Slack drives it.

For the fault test (``tests/integration/test_faults.py``) and ``benchmarks/faults.py``:

- :func:`scratch_database` creates a database of its own on a PostgreSQL server and drops
  it afterwards, whatever happened;
- :class:`Cluster` starts ``briefbot serve --no-workers``, ``briefbot worker`` and
  ``briefbot scheduler`` processes on it, kills them (``kill -9``) and starts them again as
  a supervisor would;
- :class:`SlackDelivery` sends signed message events the way the Events API does: on a
  schedule (open loop, so a slow answer cannot hold back the next event), each attempt
  given 3 s, and an attempt without a 2xx in time retried with ``X-Slack-Retry-Num`` after
  Slack's delays (immediately, 1 minute, 5 minutes; a test may shorten them), each retry
  to another replica;
- :func:`outcome` reads back what became of every event and link.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.request import urlopen

from tests.integration.test_ingest import KYIV_PAGE
from tests.pages import PageServer
from tests.slack.signing import message_event, post, signed_event

REPO = Path(__file__).resolve().parent.parent
BRIEFBOT = str(Path(sys.executable).with_name("briefbot"))
SECRET = "cluster-signing-secret"
SLACK_TIMEOUT = 3.0  # no 2xx within this: Slack counts the delivery failed and retries
SLACK_RETRY_DELAYS = (0.0, 60.0, 300.0)  # Slack's three retries


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of a sorted, non-empty sample."""
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server ``server_url`` names; dropped at the end."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(server_url)
    name = f"bb_faults_{uuid.uuid4().hex[:10]}"
    admin = server.set(drivername="postgresql", database="postgres")
    admin_dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(drivername="postgresql", database=name).render_as_string(
            hide_password=False
        )
    finally:
        for _ in range(30):  # the server may be restarting: try for a while
            try:
                with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except psycopg.OperationalError:
                time.sleep(1)


@dataclass(eq=False)  # one process, hashable by identity
class Proc:
    role: str  # serve, worker, scheduler
    name: str  # serve-1, worker-2 ...
    popen: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """``kill -9``: nothing is finished, released or closed."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait()


class Cluster:
    """Briefbot processes on one database; ``stop()`` ends those still running."""

    def __init__(self, tmp: Path, database_url: str, api_url: str, **env: str):
        self.tmp = tmp
        self.env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-cluster",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
            "BRIEFBOT_DATABASE_URL": database_url,
            "BRIEFBOT_FETCH_ALLOWLIST": "127.0.0.1",
            "BRIEFBOT_ENV_FILE": str(tmp / "none.env"),
            "BRIEFBOT_DATA_DIR": str(tmp),
            "BRIEFBOT_WORKER_PROCESSES": "0",
            "BRIEFBOT_LOG_LEVEL": "INFO",
            # The checkout under test, whatever an older editable install maps.
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            **env,
        }
        self.procs: list[Proc] = []
        self._counts: Counter[str] = Counter()

    def upgrade(self) -> None:
        subprocess.run(
            [BRIEFBOT, "db", "upgrade"], env=self.env, check=True, capture_output=True, timeout=120
        )

    def start(self, role: str) -> Proc:
        self._counts[role] += 1
        name = f"{role}-{self._counts[role]}"
        port = free_port() if role == "serve" else None
        args = {
            "serve": ["serve", "--host", "127.0.0.1", "--port", str(port), "--no-workers"],
            "worker": ["worker", "--interval", "0.5"],
            "scheduler": ["scheduler"],
        }[role]
        log = self.tmp / f"{name}.log"
        with open(log, "ab") as out:
            popen = subprocess.Popen(
                [BRIEFBOT, *args], env=self.env, cwd=self.tmp, stdout=out, stderr=out
            )
        proc = Proc(role, name, popen, log, port)
        self.procs.append(proc)
        return proc

    def running(self, role: str) -> list[Proc]:
        return [p for p in self.procs if p.role == role and p.alive]

    def wait_ready(self, procs: Sequence[Proc], timeout: float = 180) -> None:
        """serve answers /readyz; a worker and a scheduler have said they are waiting."""
        deadline = time.monotonic() + timeout
        for proc in procs:
            while not self._ready(proc):
                if not proc.alive:
                    raise AssertionError(f"{proc.name} exited:\n{proc.log_text()[-3000:]}")
                if time.monotonic() > deadline:
                    raise AssertionError(f"{proc.name} not ready:\n{proc.log_text()[-3000:]}")
                time.sleep(0.2)

    def _ready(self, proc: Proc) -> bool:
        if proc.role == "serve":
            try:
                with urlopen(proc.url + "/readyz", timeout=2) as answer:
                    return bool(answer.status == 200)
            except OSError:
                return False
        said = "waiting for articles" if proc.role == "worker" else "scheduler running"
        return said in proc.log_text()

    def stop(self) -> dict[str, int | None]:
        """SIGTERM to each live process, as a supervisor stops them; their exit codes."""
        for proc in self.procs:
            if proc.alive:
                proc.popen.send_signal(signal.SIGTERM)
        codes: dict[str, int | None] = {}
        for proc in self.procs:
            try:
                codes[proc.name] = proc.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.popen.kill()
                codes[proc.name] = proc.popen.wait()
        return codes


# ------------------------------------------------------------------------- the load


def article_page(i: int) -> str:
    """A short news page of its own (one spaCy pass each, as a real share costs)."""
    return KYIV_PAGE.replace("Strikes cut power in Kyiv", f"Kyiv grid report {i}").replace(
        "400,000 homes", f"{400_000 + i:,} homes"
    )


@dataclass
class Delivery:
    """One message event sharing one link, and each attempt to deliver it."""

    index: int
    event_id: str
    channel: str
    ts: str
    url: str
    attempts: list[tuple[float, float, int]] = field(default_factory=list)  # (sent, s, status)
    acked: bool = False
    gave_up: bool = False

    @property
    def path(self) -> str:
        return "/" + self.url.split("/", 3)[3]


def deliveries(pages: PageServer, count: int, channels: int, run: str) -> list[Delivery]:
    """``count`` events over ``channels`` channels, each sharing a new page."""
    out = []
    base = int(time.time()) - 3600
    for i in range(count):
        url = pages.add(f"/news/{run}/{i}", article_page(i))
        out.append(
            Delivery(
                index=i,
                event_id=f"Ev{run}{i:06d}",
                channel=f"C0LOAD{i % channels:02d}",
                ts=f"{base + i}.{i % 1_000_000:06d}",
                url=url,
            )
        )
    return out


class SlackDelivery:
    """Delivers events the way Slack's Events API does (see the module docstring)."""

    def __init__(
        self,
        replicas: Sequence[str],
        *,
        retry_delays: Sequence[float] = SLACK_RETRY_DELAYS,
        threads: int = 48,
    ):
        self.replicas = list(replicas)
        self.retry_delays = tuple(retry_delays)
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="slack-delivery")
        self._lock = threading.Lock()
        self._open = 0
        self._done = threading.Event()
        self._timers: list[threading.Timer] = []

    def run(
        self,
        items: Sequence[Delivery],
        seconds: float,
        on_tick: Callable[[float], None] | None = None,
    ) -> float:
        """Send every event on schedule over ``seconds``; returns when the last is sent.
        ``on_tick(elapsed)`` is called about every 0.1 s (for faults at chosen moments)."""
        start = time.monotonic()
        gap = seconds / max(1, len(items))
        with self._lock:
            self._open += len(items)
        next_tick = start
        for item in items:
            due = start + item.index * gap
            while (now := time.monotonic()) < due:
                if on_tick is not None and now >= next_tick:
                    on_tick(now - start)
                    next_tick = now + 0.1
                time.sleep(min(0.01, due - now))
            self.pool.submit(self._attempt, item, 0)
        return time.monotonic() - start

    def _attempt(self, item: Delivery, number: int) -> None:
        event = message_event(
            f"Worth a read <{item.url}>", channel=item.channel, ts=item.ts, user="U0ALICE"
        )
        body, headers = signed_event(
            SECRET, event, event_id=item.event_id, retry_num=number or None
        )
        replica = self.replicas[(item.index + number) % len(self.replicas)]
        sent = time.monotonic()
        try:
            status, _, _ = post(replica + "/slack/events", body, headers, timeout=SLACK_TIMEOUT)
        except OSError:  # refused, reset, or no answer within the 3 s
            status = 0
        took = time.monotonic() - sent
        with self._lock:
            item.attempts.append((sent, took, status))
        if 200 <= status < 300 and took <= SLACK_TIMEOUT:
            item.acked = True
            self._close()
        elif number < len(self.retry_delays):
            timer = threading.Timer(
                self.retry_delays[number], lambda: self.pool.submit(self._attempt, item, number + 1)
            )
            timer.daemon = True
            with self._lock:
                self._timers.append(timer)
            timer.start()
        else:
            item.gave_up = True
            self._close()

    def _close(self) -> None:
        with self._lock:
            self._open -= 1
            if self._open == 0:
                self._done.set()

    def wait(self, timeout: float) -> bool:
        """Until every event is acknowledged or Slack gave up on it; False on timeout."""
        return self._done.wait(timeout)

    def shutdown(self) -> None:
        with self._lock:
            timers = list(self._timers)
        for timer in timers:
            timer.cancel()
        self.pool.shutdown(wait=False, cancel_futures=True)


# ------------------------------------------------------------------------- what became of it


def wait_drained(database_url: str, timeout: float) -> float:
    """Seconds until no article is pending (every link read or failed for good)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    started = time.monotonic()
    try:
        while time.monotonic() - started < timeout:
            with suppress(Exception), engine.connect() as conn:
                pending = conn.execute(
                    text("SELECT count(*) FROM articles WHERE status = 'pending'")
                ).scalar_one()
                if pending == 0:
                    return time.monotonic() - started
            time.sleep(0.5)
    finally:
        engine.dispose()
    raise AssertionError(f"articles still pending after {timeout:.0f} s")


def claims_of(database_url: str, pid: int) -> list[int]:
    """Articles a process (by pid, in its claim token) holds unfinished now."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id FROM articles WHERE status = 'pending' AND claimed_by LIKE :mine"),
                {"mine": f"%:{pid}:%"},
            )
            return [int(r[0]) for r in rows]
    finally:
        engine.dispose()


@dataclass
class Outcome:
    events: int
    acked: int
    gave_up: int  # Slack stopped retrying: lost at the door
    lost_shares: int  # acknowledged events whose share is not stored
    unread: int  # links whose article did not end read
    duplicate_shares: int
    duplicate_reactions: int  # reactions.add asked again for a message
    refetched: dict[str, int]  # path -> fetches beyond the first
    attempts_by_status: dict[int, int]
    retried_events: int
    ack_seconds: list[float]

    @property
    def lost(self) -> int:
        return self.gave_up + self.lost_shares + self.unread

    @property
    def duplicated(self) -> int:
        return self.duplicate_shares + self.duplicate_reactions


def outcome(
    items: Sequence[Delivery], database_url: str, pages: PageServer, reactions: Sequence[Any]
) -> Outcome:
    """What became of every event: stored once, read once, reacted to once."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        shares = Counter(
            (r[0], r[1]) for r in conn.execute(text("SELECT channel_id, message_ts FROM shares"))
        )
        status = {r[0]: r[1] for r in conn.execute(text("SELECT url, status FROM articles"))}
    engine.dispose()
    # Slack answers a second reactions.add already_reacted: count the attempts.
    reacted = Counter((c.params.get("channel"), c.params.get("timestamp")) for c in reactions)
    attempts = [a for item in items for a in item.attempts]
    return Outcome(
        events=len(items),
        acked=sum(i.acked for i in items),
        gave_up=sum(i.gave_up or not i.acked for i in items),
        lost_shares=sum(1 for i in items if i.acked and shares[(i.channel, i.ts)] == 0),
        unread=sum(1 for i in items if status.get(i.url) != "done"),
        duplicate_shares=sum(n - 1 for n in shares.values() if n > 1),
        duplicate_reactions=sum(n - 1 for n in reacted.values() if n > 1),
        refetched={i.path: pages.hits[i.path] - 1 for i in items if pages.hits[i.path] > 1},
        attempts_by_status=dict(Counter(a[2] for a in attempts)),
        retried_events=sum(1 for i in items if len(i.attempts) > 1),
        ack_seconds=[a[1] for a in attempts if a[2]],
    )
