"""Ingesting links: record the shares, then fetch, read and analyse the articles."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.briefing.links import LinkPreview, canonical_url
from bot.briefing.model import Analysis
from bot.briefing.status import ArticleStatus
from bot.errors import (
    BriefbotError,
    ExtractionError,
    NoArticleText,
    RefusedURL,
    TransientFetchError,
)
from bot.log_context import log_context
from bot.metrics import ARTICLES
from bot.ports import (
    AnalysisInput,
    Analyzer,
    ArticleTask,
    Fetcher,
    NewShare,
    PageContent,
    PageReader,
    ShareRecord,
    Store,
)
from bot.services.claims import UNRENEWED_LEASE_SECONDS, Claims
from bot.services.reading import Fetching, Read, one_at_a_time

log = logging.getLogger(__name__)

MAX_TOPIC_LENGTH = 200


@dataclass(frozen=True, slots=True)
class LinkCapture:
    url: str
    canonical: str | None
    record: ShareRecord | None
    error: str | None = None  # why the link was not recorded


def record_links(
    *,
    store: Store,
    urls: Iterable[str],
    share: NewShare,
    canonicalize: Callable[[str], str] = canonical_url,
    now: datetime | None = None,
    previews: Mapping[str, LinkPreview] | None = None,
) -> list[LinkCapture]:
    """Record each link's share and its pending article; nothing is fetched here. A link
    that failed before is queued again when its backoff is over at ``now``. ``previews``
    (canonical URL -> what Slack's unfurl showed, in this message or an edit of it) are kept
    with their articles, and one whose page had nothing to read is queued again to be
    stored from its preview (an unfurl often arrives after the link was read)."""
    out = []
    seen: set[str] = set()
    for url in urls:
        try:
            canonical = canonicalize(url)
        except ValueError as exc:
            out.append(LinkCapture(url, None, None, str(exc)))
            continue
        if canonical in seen:
            continue
        seen.add(canonical)
        out.append(
            LinkCapture(
                url,
                canonical,
                store.record_share(canonical_url=canonical, url=url, share=share, now=now),
            )
        )
    for canonical, preview in (previews or {}).items():
        again = store.record_preview(
            canonical_url=canonical, preview=preview, retry_reasons=NoArticleText.REASONS
        )
        if again is not None:
            known = [i for i, c in enumerate(out) if c.canonical == canonical]
            if known:
                out[known[0]] = replace(out[known[0]], record=again)
            else:
                out.append(LinkCapture(canonical, canonical, again))
    return out


MAX_RESHARE_DELAY = timedelta(days=1)


def retry_delay(attempts: int) -> timedelta:
    """Back off 2, 8, 32 minutes... after the first, second, third failed attempt."""
    return timedelta(minutes=2 * 4 ** max(0, min(attempts, 10) - 1))


def reshare_delay(attempts: int) -> timedelta:
    """How long a failed link waits before a new share of it tries once more: the same
    backoff, growing with every attempt, at most a day."""
    return min(retry_delay(attempts), MAX_RESHARE_DELAY)


def process_articles(
    *,
    store: Store,
    fetcher: Fetcher,
    reader: PageReader,
    analyzer: Analyzer,
    tasks: Sequence[ArticleTask] | Callable[[], ArticleTask | None],
    now: Callable[[], datetime],
    max_attempts: int = 3,
    fetch_threads: int = 4,
    on_done: Callable[[ArticleTask, ShareRecord], None] | None = None,
    abandon: Callable[[], bool] = lambda: False,
    claims: Claims | None = None,
) -> list[ShareRecord]:
    """Fetch claimed articles in parallel and save each as soon as it is read, so a slow
    page delays only itself: the pages read meanwhile are analysed together, one batch.

    ``tasks`` is the claimed articles, or a function (called from several threads) that
    claims the next one and answers None when there are no more. Once ``abandon()`` is
    true the pages still being fetched are not waited for. With ``claims``, each article
    is let go as it is saved, and at the end those taken and not saved (abandoned, or an
    error stopped the run) are released for another worker.
    """
    handed_out: set[int] = set()
    take = tasks if callable(tasks) else one_at_a_time(tasks)

    def next_task() -> ArticleTask | None:
        task = take()
        if task is not None:
            handed_out.add(task.article_id)
        return task

    def finished(task: ArticleTask, record: ShareRecord) -> None:
        handed_out.discard(task.article_id)
        if claims is not None:
            claims.finished(task.article_id)
        if on_done is not None:
            on_done(task, record)

    threads = fetch_threads if callable(tasks) else min(fetch_threads, len(tasks))
    fetching = Fetching(next_task, fetcher, reader, threads)
    results: list[ShareRecord] = []
    try:
        while not fetching.over and not abandon():
            batch = fetching.take()
            if batch:
                results += _finish(store, analyzer, batch, now, max_attempts, finished)
    finally:
        fetching.stop()
        if claims is not None and handed_out:
            claims.release(set(handed_out))
    return results


def _finish(
    store: Store,
    analyzer: Analyzer,
    batch: list[Read],
    now: Callable[[], datetime],
    max_attempts: int,
    on_done: Callable[[ArticleTask, ShareRecord], None] | None,
) -> list[ShareRecord]:
    """Analyse the readable pages in one batch, then save each article's outcome."""
    readable = [p for _, p in batch if isinstance(p, PageContent)]
    analyses = iter(analyze_all(analyzer, [(p.title, p.text, p.language) for p in readable]))
    results = []
    for task, page in batch:
        analysis = next(analyses) if isinstance(page, PageContent) else None
        with log_context(article_id=task.article_id):
            results.append(_save(store, task, page, analysis, now, max_attempts, on_done))
    return results


def _save(
    store: Store,
    task: ArticleTask,
    page: PageContent | BriefbotError,
    analysis: Analysis | None,
    now: Callable[[], datetime],
    max_attempts: int,
    on_done: Callable[[ArticleTask, ShareRecord], None] | None,
) -> ShareRecord:
    """One article's outcome, saved (and told to ``on_done``)."""
    if isinstance(page, PageContent) and analysis is not None:
        store.save_analysis(task.article_id, page=page, analysis=analysis, now=now())
    else:
        error = (
            page
            if isinstance(page, BriefbotError)
            else ExtractionError("the article's text could not be analysed")
        )
        _save_failure(store, task, error, now, max_attempts)
    record = store.article_record(task.article_id)
    assert record is not None
    ARTICLES.labels("retry" if record.status == ArticleStatus.PENDING else record.status).inc()
    if on_done is not None:
        on_done(task, record)
    return record


def _save_failure(
    store: Store,
    task: ArticleTask,
    error: BriefbotError,
    now: Callable[[], datetime],
    max_attempts: int,
) -> None:
    transient = isinstance(error, TransientFetchError) and task.attempts < max_attempts
    retry_at = now() + retry_delay(task.attempts) if transient else None
    # A refused link (a private address, not http) is refused again however often shared.
    reshare_at = None if isinstance(error, RefusedURL) else now() + reshare_delay(task.attempts)
    store.save_failure(
        task.article_id, reason=str(error), retry_at=retry_at, now=now(), reshare_at=reshare_at
    )
    log.info("article %s failed (%s)%s", task.url, error, " - will retry" if retry_at else "")


def analyze_all(analyzer: Analyzer, items: Sequence[AnalysisInput]) -> list[Analysis | None]:
    """One batch; if the batch fails, each text alone, so one bad text fails only itself."""
    if not items:
        return []
    try:
        return list(analyzer.analyze_batch(items))
    except Exception:
        log.exception("analysing a batch of %d failed; analysing one by one", len(items))
    out: list[Analysis | None] = []
    for item in items:
        try:
            out.append(analyzer.analyze_batch([item])[0])
        except Exception:
            log.exception("analysing %r failed", item[0][:80])
            out.append(None)
    return out


def ingest_links(
    *,
    store: Store,
    fetcher: Fetcher,
    reader: PageReader,
    analyzer: Analyzer,
    urls: Sequence[str],
    share: NewShare,
    now: Callable[[], datetime],
    max_attempts: int = 1,
    on_done: Callable[[ArticleTask, ShareRecord], None] | None = None,
    canonicalize: Callable[[str], str] = canonical_url,
    claims: Claims | None = None,
) -> list[LinkCapture]:
    """Record shares, then fetch and analyse the new articles now (the CLI path). Give
    ``claims`` whose leases a heartbeat renews; without, the claims last five minutes."""
    captures = record_links(
        store=store, urls=urls, share=share, canonicalize=canonicalize, now=now()
    )
    claims = claims or Claims(store, lease_seconds=UNRENEWED_LEASE_SECONDS)
    pending = iter(
        [
            c.record.article_id
            for c in captures
            if c.record and c.record.status == ArticleStatus.PENDING
        ]
    )
    lock = threading.Lock()

    def next_task() -> ArticleTask | None:  # claimed only when a fetch thread is free
        with lock:
            for article_id in pending:
                if (task := claims.claim(article_id, now=now())) is not None:
                    return task
        return None

    process_articles(
        store=store,
        fetcher=fetcher,
        reader=reader,
        analyzer=analyzer,
        tasks=next_task,
        now=now,
        max_attempts=max_attempts,
        on_done=on_done,
        claims=claims,
    )
    return [
        LinkCapture(c.url, c.canonical, store.article_record(c.record.article_id))
        if c.record
        else c
        for c in captures
    ]
