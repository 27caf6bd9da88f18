"""A waitress server on a thread of the test process, stopped without racing its loop.

``server.close()`` from another thread closes sockets while the loop thread is inside
``select()`` on them, which fails with EBADF now and then; here the loop thread itself
closes the server once asked to stop.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def running(server: Any) -> Iterator[Any]:
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(timeout=10)
