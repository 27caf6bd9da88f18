"""The composition root: builds everything from Settings. Nothing runs at import time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import metrics
from bot.config import Settings
from bot.extraction.fetch import SafeFetcher
from bot.extraction.html import ArticleReader
from bot.extraction.nlp import SpacyAnalyzer
from bot.logs import configure_logging
from storage.db import Database
from storage.repository import SqlStore


@dataclass
class Container:
    settings: Settings
    db: Database
    store: SqlStore
    fetcher: SafeFetcher
    reader: ArticleReader
    analyzer: SpacyAnalyzer
    extras: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        for extra in self.extras.values():
            stop = getattr(extra, "shutdown", None) or getattr(extra, "close", None)
            if callable(stop):
                stop()
        self.fetcher.close()
        self.analyzer.close()
        self.db.dispose()


__all__ = ["Container", "build", "configure_logging"]  # configure_logging: from bot.logs

_metrics_served: list[object] = []  # one metrics server per process, however often build runs


def build(settings: Settings, *, upgrade: bool = True) -> Container:
    db = Database(settings.database_url)
    if upgrade:
        db.upgrade()
    store = SqlStore(db)
    metrics.watch_queue(store.counts)
    if settings.metrics_port and not _metrics_served:
        _metrics_served.append(metrics.serve_metrics(settings.metrics_port))
    return Container(
        settings=settings,
        db=db,
        store=store,
        fetcher=SafeFetcher(
            allowlist=settings.fetch_allowlist,
            timeout=settings.fetch_timeout,
            max_bytes=settings.fetch_max_bytes,
        ),
        reader=ArticleReader(),
        analyzer=SpacyAnalyzer(settings.spacy_model, models=settings.spacy_models),
    )
