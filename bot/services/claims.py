"""The claims one process holds on the ingestion queue, all under one token.

A claim is a lease on a pending article: it runs out after ``LEASE_SECONDS`` unless the
process renews it, which a live process does every ``HEARTBEAT_SECONDS`` (the heartbeat
thread is the entry point's). So a worker killed with SIGKILL leaves its articles free
again within the lease, and a live worker's slow page is never fetched a second time.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Collection, Iterable
from datetime import datetime

from bot.ports import ArticleTask, Store

log = logging.getLogger(__name__)

LEASE_SECONDS = 20
HEARTBEAT_SECONDS = 5  # renewing four times a lease: a beat or two may be late or fail
# For callers that renew nothing (a one-off script): long enough for a batch to finish.
UNRENEWED_LEASE_SECONDS = 300


def claimer_token() -> str:
    """Unique to this process: the host and pid say who, the random part that it is this
    life of the process (a pid comes round again)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


class Claims:
    """The articles this process claimed and has not finished. Safe across threads."""

    def __init__(
        self, store: Store, *, lease_seconds: int = LEASE_SECONDS, token: str | None = None
    ):
        self.store, self.lease_seconds = store, lease_seconds
        self.token = token or claimer_token()
        self._held: set[int] = set()
        self._lock = threading.Lock()

    @property
    def held(self) -> frozenset[int]:
        with self._lock:
            return frozenset(self._held)

    def claim(self, article_id: int, *, now: datetime) -> ArticleTask | None:
        task = self.store.claim_article(
            article_id, now=now, lease_seconds=self.lease_seconds, claimer=self.token
        )
        if task is not None:
            self._hold([task.article_id])
        return task

    def claim_due(self, *, now: datetime, limit: int) -> list[ArticleTask]:
        tasks = self.store.claim_due(
            now=now, lease_seconds=self.lease_seconds, limit=limit, claimer=self.token
        )
        self._hold(t.article_id for t in tasks)
        return tasks

    def _hold(self, article_ids: Iterable[int]) -> None:
        with self._lock:
            self._held.update(article_ids)

    def finished(self, article_id: int) -> None:
        """Its outcome is saved (which ended the claim in the store too)."""
        with self._lock:
            self._held.discard(article_id)

    def renew(self, *, now: datetime) -> int:
        """The heartbeat: extend every held lease; a claim another process took over
        (this one stalled past its lease) is no longer renewed, and is said so."""
        held = self.held
        renewed = self.store.renew_claims(
            held, claimer=self.token, now=now, lease_seconds=self.lease_seconds
        )
        if renewed < len(held):  # or finished meanwhile: a hint for whoever debugs a stall
            log.debug("renewed %d of %d claims", renewed, len(held))
        return renewed

    def release(self, article_ids: Collection[int] | None = None) -> int:
        """Give back claims not finished (all held when None): free for others at once."""
        with self._lock:
            ids = set(self._held if article_ids is None else article_ids) & self._held
            self._held -= ids
        return self.store.release_claims(ids, claimer=self.token) if ids else 0
