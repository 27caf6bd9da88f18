"""Notice a Socket Mode connection that has gone quiet and get it back.

Some slack_sdk versions have left clients silently disconnected after a reconnect; Briefbot
checks the connection itself. After ``reconnect_after`` seconds without a connection it
reconnects; if that fails for ``give_up_after`` seconds it stops the process with an error,
so that its supervisor (systemd, Kubernetes, compose) starts a fresh one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class ConnectionWatchdog:
    def __init__(
        self,
        client: Any,
        *,
        on_give_up: Callable[[], None],
        check_every: float = 30.0,
        reconnect_after: float = 60.0,
        give_up_after: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client, self.on_give_up, self.clock = client, on_give_up, clock
        self.check_every, self.reconnect_after, self.give_up_after = (
            check_every,
            reconnect_after,
            give_up_after,
        )
        self.down_since: float | None = None
        self._stop = threading.Event()

    def check(self) -> str:
        """One look: "ok", "waiting", "reconnected", "reconnect failed" or "gave up"."""
        if self.client.is_connected():
            self.down_since = None
            return "ok"
        now = self.clock()
        if self.down_since is None:
            self.down_since = now
        down = now - self.down_since
        if down >= self.give_up_after:
            log.error(
                "Socket Mode has been disconnected for %.0f s; stopping so a fresh process starts",
                down,
            )
            self.on_give_up()
            return "gave up"
        if down < self.reconnect_after:
            return "waiting"
        try:
            self.client.connect()
        except Exception as exc:  # any failure: try again at the next check
            log.warning("Socket Mode reconnect failed (%s); trying again", exc)
            return "reconnect failed"
        log.warning("Socket Mode was disconnected for %.0f s; reconnected", down)
        self.down_since = None
        return "reconnected"

    def start(self) -> None:
        threading.Thread(target=self._loop, name="briefbot-watchdog", daemon=True).start()

    def _loop(self) -> None:
        while not self._stop.wait(self.check_every):
            self.check()

    def stop(self) -> None:
        self._stop.set()
