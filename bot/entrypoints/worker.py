"""Briefbot's own ingestion workers: fetching and analysis never run on Bolt's threads.

The queue is the ``articles`` table itself: a pending row is a job, claimed with a lease,
retried with backoff after a transient failure. Any number of processes (``briefbot run``,
``briefbot worker``) can share one database: a claim is an atomic UPDATE, so an article
is processed once however many workers see it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from bot.app import Container
from bot.clock import utcnow
from bot.ports import Analyzer, ArticleTask, Fetcher, PageReader, ShareRecord, Store
from bot.services.ingest import LEASE_SECONDS, process_articles

log = logging.getLogger(__name__)

Notify = Callable[[ArticleTask, ShareRecord], None]


def ingestion_pool(container: Container, *, enabled: bool = True) -> IngestionPool:
    """The pool for this process's store, fetcher, reader and analyzer, as configured."""
    s = container.settings
    return IngestionPool(
        store=container.store,
        fetcher=container.fetcher,
        reader=container.reader,
        analyzer=container.analyzer,
        now=utcnow,
        workers=s.workers,
        max_attempts=s.max_attempts,
        enabled=enabled,
    )


class IngestionPool:
    def __init__(
        self,
        *,
        store: Store,
        fetcher: Fetcher,
        reader: PageReader,
        analyzer: Analyzer,
        now: Callable[[], datetime],
        workers: int = 2,
        max_attempts: int = 3,
        enabled: bool = True,
    ):
        self.store, self.fetcher, self.reader = store, fetcher, reader
        self.analyzer, self.now = analyzer, now
        self.max_attempts = max_attempts
        self.enabled = enabled  # False: leave the queue to `briefbot worker` processes
        self.executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="briefbot-ingest"
        )
        self._stop = threading.Event()  # set by shutdown(): ends run_until's waits
        self.on_done: Notify | None = None  # called for swept articles

    def submit(
        self, article_ids: Sequence[int], notify: Notify | None = None
    ) -> Future[list[ShareRecord]] | None:
        """Process these articles soon; ``notify`` hears how each one ended."""
        if not self.enabled:
            return None
        return self.executor.submit(self._run, list(article_ids), notify)

    def _run(self, article_ids: list[int], notify: Notify | None) -> list[ShareRecord]:
        tasks = [
            t
            for i in article_ids
            if (t := self.store.claim_article(i, now=self.now(), lease_seconds=LEASE_SECONDS))
            is not None
        ]
        try:
            return self._process(tasks, notify)
        except Exception:
            log.exception("ingestion of articles %s failed", article_ids)
            raise

    def sweep_once(self) -> int:
        self.store.give_up_exhausted(now=self.now(), max_attempts=self.max_attempts)
        tasks = self.store.claim_due(now=self.now(), lease_seconds=LEASE_SECONDS, limit=32)
        if tasks:
            self._process(tasks, self.on_done)
        return len(tasks)

    def _process(self, tasks: list[ArticleTask], notify: Notify | None) -> list[ShareRecord]:
        return process_articles(
            store=self.store,
            fetcher=self.fetcher,
            reader=self.reader,
            analyzer=self.analyzer,
            tasks=tasks,
            now=self.now,
            max_attempts=self.max_attempts,
            on_done=notify,
        )

    def run_until(self, stop: Callable[[], bool], *, interval: float) -> None:
        """`briefbot worker`: sweep the queue until ``stop()``; wait ``interval`` when empty.
        A failed sweep (the database away for a moment) is logged and tried again."""
        while not stop():
            try:
                busy = self.sweep_once()
            except Exception:
                log.exception("sweeping due articles failed; trying again in %.0f s", interval)
                busy = 0
            if not busy:
                self._stop.wait(interval)

    def stop(self) -> None:
        """Take no more work (safe from a signal handler); the batch in hand finishes."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def shutdown(self, wait: bool = True) -> None:
        self._stop.set()
        self.executor.shutdown(wait=wait, cancel_futures=not wait)
