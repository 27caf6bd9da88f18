"""Briefbot's own ingestion workers: fetching and analysis never run on Bolt's threads.

The queue is the ``articles`` table itself: a pending row is a job, claimed with a short
lease that a heartbeat renews while the process lives, retried with backoff after a
transient failure. Any number of processes (``briefbot run``, ``briefbot worker``) can
share one database: a claim is an atomic UPDATE, so an article is processed once however
many workers see it, and each is saved as soon as it is read.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime

from bot.app import Container
from bot.clock import utcnow
from bot.ports import Analyzer, ArticleTask, Fetcher, PageReader, ShareRecord, Store
from bot.services.claims import HEARTBEAT_SECONDS, LEASE_SECONDS, Claims
from bot.services.ingest import process_articles

log = logging.getLogger(__name__)

Notify = Callable[[ArticleTask, ShareRecord], None]
# Every article of one submission, or of one sweep, once they all ended: so that the person
# who shared six dead links in one message hears of them in one note, not six.
Outcomes = Callable[[list[tuple[ArticleTask, ShareRecord]]], None]
# After SIGTERM, pages still arriving get this long; then their claims are released, so
# the process exits well inside the ten seconds a supervisor allows.
DRAIN_SECONDS = 3.0


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


class Heartbeat:
    """Renews this process's claims every ``every`` seconds while the process lives; when
    it dies (even by SIGKILL) the beats stop and its claims run out within the lease."""

    def __init__(self, claims: Claims, now: Callable[[], datetime], every: float):
        self.claims, self.now, self.every = claims, now, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="briefbot-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.claims.renew(now=self.now())
            except Exception as exc:  # the database away for a moment: the next beat retries
                log.warning("renewing this worker's claims failed (%s); retrying", exc)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)


@contextmanager
def renewed_claims(store: Store, now: Callable[[], datetime] = utcnow) -> Iterator[Claims]:
    """Claims kept alive by a heartbeat for the block; what is still held at its end (an
    interrupted `briefbot ingest`) is released."""
    claims = Claims(store)
    heartbeat = Heartbeat(claims, now, HEARTBEAT_SECONDS)
    heartbeat.start()
    try:
        yield claims
    finally:
        heartbeat.stop()
        claims.release()


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
        interval: float = 1.0,
        lease_seconds: int = LEASE_SECONDS,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ):
        self.store, self.fetcher, self.reader = store, fetcher, reader
        self.analyzer, self.now = analyzer, now
        self.max_attempts, self.interval = max_attempts, interval
        self.enabled = enabled  # False: leave the queue to `briefbot worker` processes
        self.executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="briefbot-ingest"
        )
        self.claims = Claims(store, lease_seconds=lease_seconds)
        self.heartbeat = Heartbeat(self.claims, now, heartbeat_seconds)
        if enabled:
            self.heartbeat.start()
        self._stop = threading.Event()  # set by stop(): no more claims, waits end
        self._stopped_at: float | None = None
        self._until: Callable[[], bool] = lambda: False
        self.on_done: Notify | None = None  # each swept article, as it ends
        self.on_swept: Outcomes | None = None  # the articles of a sweep, all at its end

    def submit(
        self, article_ids: Sequence[int], notify: Outcomes | None = None
    ) -> Future[list[ShareRecord]] | None:
        """Process these articles soon; ``notify`` hears how they ended, all at once."""
        if not self.enabled:
            return None
        return self.executor.submit(self._run, list(article_ids), notify)

    def _run(self, article_ids: list[int], notify: Outcomes | None) -> list[ShareRecord]:
        pending = iter(article_ids)
        lock = threading.Lock()

        def next_task() -> ArticleTask | None:  # claimed when a fetch thread is free
            with lock:
                for article_id in pending:
                    if self.stopping:
                        return None
                    if (task := self.claims.claim(article_id, now=self.now())) is not None:
                        return task
            return None

        ended: list[tuple[ArticleTask, ShareRecord]] = []
        try:
            records = self._process(next_task, lambda task, record: ended.append((task, record)))
        except Exception:
            log.exception("ingestion of articles %s failed", article_ids)
            raise
        _tell(notify, ended)
        return records

    def sweep_once(self) -> int:
        """Read due articles until none is due and none is in hand; how many were read."""
        self.store.give_up_exhausted(now=self.now(), max_attempts=self.max_attempts)
        ended: list[tuple[ArticleTask, ShareRecord]] = []

        def done(task: ArticleTask, record: ShareRecord) -> None:
            ended.append((task, record))
            if self.on_done is not None:
                self.on_done(task, record)

        try:
            return len(self._process(self._next_due, done))
        finally:
            _tell(self.on_swept, ended)

    def _next_due(self) -> ArticleTask | None:
        """For a free fetch thread: the next due article, claimed one at a time so that
        several workers share a burst. While others are still in hand it waits for more
        instead of ending the sweep (a slow page never idles the other threads)."""
        while not (self.stopping or self._until()):
            tasks = self.claims.claim_due(now=self.now(), limit=1)
            if tasks:
                return tasks[0]
            if not self.claims.held:
                return None
            self._stop.wait(self.interval)
        return None

    def _process(
        self, tasks: Callable[[], ArticleTask | None], notify: Notify
    ) -> list[ShareRecord]:
        return process_articles(
            store=self.store,
            fetcher=self.fetcher,
            reader=self.reader,
            analyzer=self.analyzer,
            tasks=tasks,
            now=self.now,
            max_attempts=self.max_attempts,
            on_done=notify,
            abandon=self._drained,
            claims=self.claims,
        )

    def _drained(self) -> bool:
        """After stop(), pages still arriving get DRAIN_SECONDS; then they are left."""
        stopped = self._stopped_at
        return stopped is not None and time.monotonic() - stopped > DRAIN_SECONDS

    def run_until(self, stop: Callable[[], bool], *, interval: float) -> None:
        """`briefbot worker`: sweep the queue until ``stop()``; wait ``interval`` when empty.
        A failed sweep (the database away for a moment) is logged and tried again."""
        self._until, self.interval = stop, interval
        while not stop():
            try:
                busy = self.sweep_once()
            except Exception:
                log.exception("sweeping due articles failed; trying again in %.0f s", interval)
                busy = 0
            if not busy:
                self._stop.wait(interval)

    def stop(self) -> None:
        """Take no more work (safe from a signal handler); what is in hand is finished, or
        after DRAIN_SECONDS left and released."""
        if self._stopped_at is not None:  # a second signal inside the first's set()
            return
        self._stopped_at = time.monotonic()
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def shutdown(self, wait: bool = True) -> None:
        self.stop()
        self.executor.shutdown(wait=wait, cancel_futures=not wait)
        self.heartbeat.stop()
        try:
            released = self.claims.release()
        except Exception as exc:  # the database away: the leases run out by themselves
            log.warning("could not release this worker's claims (%s)", exc)
            return
        if released:
            log.info("released %d article(s) not finished, for another worker", released)


def _tell(listener: Outcomes | None, ended: list[tuple[ArticleTask, ShareRecord]]) -> None:
    """Hand the outcomes on; a listener that fails (Slack away) costs a note, not the run."""
    if listener is None or not ended:
        return
    try:
        listener(ended)
    except Exception:
        log.exception("telling sharers how %d article(s) ended failed", len(ended))
