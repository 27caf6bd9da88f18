"""One deadline for a whole fetch: every socket operation gets only what is left of it.

httpx's timeouts bound each read, so a server that sends its headers a byte at a time
could hold a fetch for hours; here connect, TLS, every write and every read are cut to the
time left of the fetch's deadline, and fail at once when none is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx


class Deadline(threading.local):
    """The running fetch's deadline, one per thread, as the client is shared by threads."""

    at: float | None = None

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at - 0.05

    def budget(self, timeout: float | None, expired: type[Exception]) -> float | None:
        """``timeout`` cut to what is left of the deadline; ``expired`` once nothing is."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise expired("the fetch's deadline has passed")
        return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read, write and TLS handshake ends by the deadline, so a server
    that sends its headers a byte at a time cannot hold a fetch past it."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: Deadline):
        self.stream, self.deadline = stream, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, self.deadline.budget(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, self.deadline.budget(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        budget = self.deadline.budget(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(
            self.stream.start_tls(ssl_context, server_hostname, budget), self.deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend, deadline: Deadline):
        self.backend, self.deadline = backend, deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        budget = self.deadline.budget(timeout, httpcore.ConnectTimeout)
        stream = self.backend.connect_tcp(host, port, budget, local_address, socket_options)
        return DeadlineStream(stream, self.deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("the fetcher connects over TCP only")

    def sleep(self, seconds: float) -> None:
        self.backend.sleep(seconds)


def with_deadline(transport: httpx.BaseTransport, deadline: Deadline) -> httpx.BaseTransport:
    """``transport`` with its sockets bound by ``deadline``. httpx gives its transport no
    public way to take a network backend, but the httpcore pool under it does (it is read
    when each connection is made), so the backend is set there; a transport without one
    (a test's MockTransport) opens no sockets."""
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, httpcore.ConnectionPool):
        pool._network_backend = DeadlineBackend(pool._network_backend, deadline)
    elif isinstance(transport, httpx.HTTPTransport):
        raise RuntimeError("this httpx has no httpcore pool: the fetch deadline cannot be set")
    return transport
