"""Logging for every `briefbot` command: one format, and libraries kept to what matters.

Some libraries speak in lines Briefbot already says better: trafilatura (and the helpers
it brings) warns about each page it cannot read, and pypdf about each flaw of a damaged
PDF, which Briefbot stores as the article's reason and reports once; Alembic announces
every step of an upgrade at INFO, which ``storage.db`` sums up in one line; APScheduler
says how it files each job, which the scheduler logs in its own words. They are heard
again at DEBUG.
"""

from __future__ import annotations

import logging
import sys

from bot.log_context import JsonFormatter, wants_json

QUIET = {
    "trafilatura": logging.ERROR,
    "htmldate": logging.ERROR,
    "courlan": logging.ERROR,
    "justext": logging.ERROR,
    "pypdf": logging.ERROR,
    "alembic": logging.WARNING,
    "apscheduler.scheduler": logging.WARNING,
}
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def level_of(name: str) -> int:
    level = logging.getLevelName(name.upper())
    return level if isinstance(level, int) else logging.INFO


def quiet_libraries(level: int = logging.INFO) -> None:
    """Below DEBUG, hold the chatty libraries to their floor."""
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(level if level <= logging.DEBUG else floor)


def configure_logging(level: str, fmt: str = "auto") -> None:
    """Lines to stderr at ``level``; ``fmt`` (BRIEFBOT_LOG_FORMAT) json, text, or auto: JSON
    unless stderr is a terminal (``bot.log_context``)."""
    resolved = level_of(level)
    logging.basicConfig(level=resolved, format=FORMAT)
    if wants_json(fmt, sys.stderr):
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    quiet_libraries(resolved)
