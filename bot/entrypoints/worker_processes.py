"""Ingestion in child processes: spaCy never shares a process with Slack's requests.

``briefbot serve`` and ``briefbot run`` start ``BRIEFBOT_WORKER_PROCESSES`` children, each a
``briefbot worker``; their own threads only record shares and acknowledge Slack. The
children read the queue (the ``articles`` table) like any other worker, so nothing is
handed over in memory and nothing is lost if one dies: a child that exits is started
again (after a pause that grows while it keeps failing), and a claimed article it held
is taken over once its lease runs out. Each child watches its parent and stops when the
parent is gone, so a parent killed with SIGKILL leaves no orphans behind.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

log = logging.getLogger(__name__)

PARENT_ENV = "BRIEFBOT_PARENT_PID"  # a child stops when its parent is no longer this process
POLL_SECONDS = 1.0  # how often a child looks at the queue when it is empty
RESTART_PAUSE = (1.0, 60.0)  # first and longest pause before a dead child is started again
# SIGTERM, then this long to finish, then SIGKILL. A child releases what it cannot finish
# well inside it (bot.entrypoints.worker.DRAIN_SECONDS).
STOP_SECONDS = 8.0
# Children run at a lower CPU priority: on a busy machine the kernel gives the process that
# answers Slack the CPU first, and reading articles waits (it has minutes, an ack has 3 s).
CHILD_NICENESS = 10


def worker_command(poll_seconds: float = POLL_SECONDS) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bot.entrypoints.cli",
        "worker",
        "--interval",
        f"{poll_seconds:g}",
    ]


class WorkerProcesses:
    """Starts, restarts and stops ``count`` ingestion children."""

    def __init__(self, count: int, *, command: Sequence[str] | None = None):
        self.count = count
        self.command = list(command or worker_command())
        self.children: list[subprocess.Popen[bytes] | None] = [None] * count
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        self._lock = threading.Lock()
        self._told: set[int] = set()  # children sent SIGTERM

    def start(self) -> None:
        for i in range(self.count):
            self._spawn(i)
        if self.count:
            self._watcher = threading.Thread(
                target=self._watch, name="briefbot-children", daemon=True
            )
            self._watcher.start()
            log.info("started %d ingestion process(es)", self.count)

    def pids(self) -> list[int]:
        return [c.pid for c in self.children if c is not None and c.poll() is None]

    def _spawn(self, index: int) -> None:
        env = {**os.environ, PARENT_ENV: str(os.getpid()), "BRIEFBOT_METRICS_PORT": "0"}
        with self._lock:
            if self._stopping.is_set():
                return
            self.children[index] = subprocess.Popen(
                self.command, env=env, stdin=subprocess.DEVNULL, preexec_fn=_lower_priority
            )

    def _watch(self) -> None:
        pauses = [RESTART_PAUSE[0]] * self.count
        while not self._stopping.wait(0.5):
            for i, child in enumerate(self.children):
                if child is None or child.poll() is None:
                    continue
                log.warning(
                    "ingestion process %d exited with %s; starting it again in %.0f s",
                    child.pid,
                    child.returncode,
                    pauses[i],
                )
                if self._stopping.wait(pauses[i]):
                    return
                pauses[i] = min(RESTART_PAUSE[1], pauses[i] * 2)
                self._spawn(i)

    def terminate(self) -> None:
        """Ask every child to finish what it holds (SIGTERM), without waiting: the parent
        closes its own things meanwhile. Safe from a signal handler (takes no lock)."""
        self._stopping.set()
        for child in self.children:
            if child is not None and child.pid not in self._told and child.poll() is None:
                self._told.add(child.pid)  # once: its handler acts on the first anyway
                child.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Ask every child to finish what it holds (SIGTERM); kill what is left at the end."""
        with self._lock:
            self._stopping.set()
        alive = [c for c in self.children if c is not None and c.poll() is None]
        self.terminate()
        deadline = time.monotonic() + timeout
        for child in alive:
            try:
                child.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning(
                    "ingestion process %d did not stop in %.0f s: killed", child.pid, timeout
                )
                child.kill()
                child.wait()
        if self._watcher is not None:
            self._watcher.join(timeout=2)

    shutdown = stop  # Container.close() stops what it holds through shutdown()


def _lower_priority() -> None:  # runs in the child between fork and exec
    os.nice(CHILD_NICENESS)


def parent_gone() -> bool:
    """In a child: True once the process that started it has exited."""
    expected = os.environ.get(PARENT_ENV)
    return bool(expected) and str(os.getppid()) != expected
