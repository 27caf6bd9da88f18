"""Ingesting links: record the shares, then fetch, read and analyse the articles."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.briefing.links import canonical_url
from bot.briefing.model import Analysis
from bot.briefing.status import ArticleStatus
from bot.errors import BriefbotError, ExtractionError, TransientFetchError
from bot.metrics import ARTICLES
from bot.ports import (
    Analyzer,
    ArticleTask,
    Fetcher,
    NewShare,
    PageContent,
    PageReader,
    ShareRecord,
    Store,
)

log = logging.getLogger(__name__)

LEASE_SECONDS = 300
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
) -> list[LinkCapture]:
    """Record each link's share and its pending article; nothing is fetched here."""
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
                url, canonical, store.record_share(canonical_url=canonical, url=url, share=share)
            )
        )
    return out


def retry_delay(attempts: int) -> timedelta:
    """Back off 2, 8, 32 minutes... after the first, second, third failed attempt."""
    return timedelta(minutes=2 * 4 ** max(0, attempts - 1))


def process_articles(
    *,
    store: Store,
    fetcher: Fetcher,
    reader: PageReader,
    analyzer: Analyzer,
    tasks: Sequence[ArticleTask],
    now: Callable[[], datetime],
    max_attempts: int = 3,
    fetch_threads: int = 4,
    on_done: Callable[[ArticleTask, ShareRecord], None] | None = None,
) -> list[ShareRecord]:
    """Fetch (in parallel), extract and analyse claimed articles, analysing in one batch."""
    if not tasks:
        return []

    def fetch_one(task: ArticleTask) -> PageContent | BriefbotError:
        try:
            return reader.read(fetcher.fetch(task.url))
        except BriefbotError as exc:
            return exc
        except Exception as exc:  # a page must never take the worker down
            log.exception("unexpected error reading %s", task.url)
            return ExtractionError(f"the page could not be read ({exc.__class__.__name__})")

    with ThreadPoolExecutor(max_workers=max(1, min(fetch_threads, len(tasks)))) as pool:
        pages = list(pool.map(fetch_one, tasks))
    readable = [p for p in pages if isinstance(p, PageContent)]
    analyses = iter(analyze_all(analyzer, [(p.title, p.text) for p in readable]))
    results = []
    for task, page in zip(tasks, pages, strict=True):
        analysis = next(analyses) if isinstance(page, PageContent) else None
        if isinstance(page, PageContent) and analysis is None:
            page = ExtractionError("the article's text could not be analysed")
        if isinstance(page, PageContent) and analysis is not None:
            store.save_analysis(task.article_id, page=page, analysis=analysis, now=now())
        else:
            transient = isinstance(page, TransientFetchError) and task.attempts < max_attempts
            retry_at = now() + retry_delay(task.attempts) if transient else None
            store.save_failure(task.article_id, reason=str(page), retry_at=retry_at, now=now())
            log.info(
                "article %s failed (%s)%s", task.url, page, " - will retry" if retry_at else ""
            )
        record = store.article_record(task.article_id)
        assert record is not None
        ARTICLES.labels("retry" if record.status == ArticleStatus.PENDING else record.status).inc()
        results.append(record)
        if on_done is not None:
            on_done(task, record)
    return results


def analyze_all(analyzer: Analyzer, items: Sequence[tuple[str, str]]) -> list[Analysis | None]:
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
) -> list[LinkCapture]:
    """Record shares, then fetch and analyse the new articles now (the CLI path)."""
    captures = record_links(store=store, urls=urls, share=share, canonicalize=canonicalize)
    tasks = [
        t
        for c in captures
        if c.record is not None and c.record.status == ArticleStatus.PENDING
        for t in [store.claim_article(c.record.article_id, now=now(), lease_seconds=LEASE_SECONDS)]
        if t is not None
    ]
    process_articles(
        store=store,
        fetcher=fetcher,
        reader=reader,
        analyzer=analyzer,
        tasks=tasks,
        now=now,
        max_attempts=max_attempts,
        on_done=on_done,
    )
    return [
        LinkCapture(c.url, c.canonical, store.article_record(c.record.article_id))
        if c.record
        else c
        for c in captures
    ]
