"""What a log line is about, and log lines as JSON for machines.

The Slack edge says which workspace, channel and event a request is (``bot.entrypoints.
request_logs``), the ingestion workers which article they are reading and the scheduler
which channel it posts to; each does so with :func:`log_context`, and every line logged
inside carries those fields. Context variables follow the thread (and asyncio task) that
set them; :class:`ContextExecutor` hands them on to the work it runs on other threads, so
a lazy listener's lines name the request that started it.

:class:`JsonFormatter` writes one JSON object a line: ``time`` (UTC, ISO 8601), ``level``,
``logger``, ``message``, ``pid``, the context's fields that are known, and ``error`` (the
traceback) when an exception is logged.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from types import MappingProxyType
from typing import IO, Any, ParamSpec, TypeVar

FIELDS = ("workspace", "channel", "event_id", "article_id")
FORMATS = ("auto", "json", "text")

_NONE: Mapping[str, str] = MappingProxyType({})
_context: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "briefbot_log_context", default=_NONE
)
P = ParamSpec("P")
T = TypeVar("T")


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Inside the block, log lines carry these fields (None and "" are left out) besides
    those of any enclosing block."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"log_context has no field {sorted(unknown)[0]!r}")
    known = {k: str(v) for k, v in fields.items() if v is not None and v != ""}
    token = _context.set(MappingProxyType({**_context.get(), **known}))
    try:
        yield
    finally:
        _context.reset(token)


def current_fields() -> Mapping[str, str]:
    return _context.get()


class JsonFormatter(logging.Formatter):
    """One JSON object a line, with the fields of the current :func:`log_context`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
            **current_fields(),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["error"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def wants_json(fmt: str, stream: IO[str] | Any) -> bool:
    """``json``, ``text``, or ``auto``: JSON unless the stream is a terminal (a person reads
    it there; a supervisor, container runtime or journal collects it otherwise)."""
    if fmt == "auto":
        isatty = getattr(stream, "isatty", None)
        return not (callable(isatty) and isatty())
    return fmt == "json"


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run in the context they were submitted from."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        context = contextvars.copy_context()
        return super().submit(lambda: context.run(fn, *args, **kwargs))
