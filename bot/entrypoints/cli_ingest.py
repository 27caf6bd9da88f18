"""``briefbot ingest``: URLs, files and folders into the store, with progress and a summary."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.app import Container
from bot.briefing.links import canonical_url
from bot.briefing.status import ArticleStatus
from bot.clock import utcnow
from bot.entrypoints.worker import renewed_claims
from bot.errors import BriefbotError
from bot.extraction.fetch import LocalFileFetcher
from bot.ports import NewShare
from bot.services.ingest import ingest_links

DOCUMENT_SUFFIXES = {".html", ".htm", ".xhtml", ".txt", ".pdf"}
BATCH = 16


def expand_sources(sources: Sequence[str]) -> list[str]:
    """URLs as given; files as file:// URLs; folders as their HTML, text and PDF files."""
    return _expanded(sources)[0]


def _expanded(sources: Sequence[str]) -> tuple[list[str], Counter[str]]:
    """The sources to read, and why files in the folders given were left out (how many)."""
    out: list[str] = []
    skipped: Counter[str] = Counter()
    for source in sources:
        if source.lower().startswith(("http://", "https://")):
            out.append(source)
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            for p in files:
                if why := _left_out(p.relative_to(path)):
                    skipped[why] += 1
                else:
                    out.append(p.resolve().as_uri())
        elif path.is_file():
            out.append(path.resolve().as_uri())
        elif "://" in source:
            out.append(source)  # recorded as a failure with its reason
        else:
            raise BriefbotError(f"{source}: no such file or folder, and not an http(s) URL")
    return out, skipped


def _left_out(relative: Path) -> str:
    """Why a file in a folder is not read ("" when it is): hidden, or not a document."""
    if any(part.startswith(".") for part in relative.parts):
        return "hidden"
    suffix = relative.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return ""
    return suffix or "without a suffix"


def skipped_line(skipped: Counter[str]) -> str:
    """ "skipped 3 files in the folders given: 2 .png, 1 hidden (only ... files are read)" """
    total = sum(skipped.values())
    kinds = ", ".join(
        f"{n} {why}" for why, n in sorted(skipped.items(), key=lambda x: (-x[1], x[0]))
    )
    *most, last = sorted(DOCUMENT_SUFFIXES)
    return (
        f"skipped {total} {'file' if total == 1 else 'files'} in the folders given: {kinds} "
        f"(only {', '.join(most)} and {last} files are read, and no hidden ones)"
    )


def canonical_source(url: str) -> str:
    return url if url.startswith("file://") else canonical_url(url)


def _canonical_all(urls: Sequence[str]) -> list[str]:
    out = []
    for url in urls:
        try:
            out.append(canonical_source(url))
        except ValueError:
            continue  # not an address: its share fails with the reason
    return out


def run_ingest(
    app: Container, sources: Sequence[str], *, user: str, retry_failed: bool = False
) -> int:
    """Ingest everything; print one line per failure and a summary. Exit code 1 if any failed.
    With ``retry_failed`` these sources are read again if they failed before, backoff or not."""
    urls, skipped = _expanded(sources)
    console = Console(stderr=True)
    if skipped:
        console.print(skipped_line(skipped), highlight=False, soft_wrap=True)
    if retry_failed:
        again = app.store.retry_failed(now=utcnow(), canonical_urls=_canonical_all(urls))
        console.print(
            f"{again} failed {'article' if again == 1 else 'articles'} queued again",
            highlight=False,
        )
    fetcher = LocalFileFetcher(app.fetcher, max_bytes=app.settings.fetch_max_bytes)
    started = time.monotonic()
    outcome: Counter[str] = Counter()
    failures: list[tuple[str, str]] = []
    kept: list[tuple[str, str]] = []  # read, but not analysed: why
    with (
        renewed_claims(app.store) as claims,
        Progress(
            TextColumn("[bold]ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=len(urls) < 2,
        ) as progress,
    ):
        bar = progress.add_task("ingest", total=len(urls))
        for i in range(0, len(urls), BATCH):
            batch = urls[i : i + BATCH]
            share = NewShare(
                team_id="cli",
                channel_id="cli",
                user_id=user,
                message_ts=f"{time.time():.6f}",
                shared_at=utcnow(),
            )
            captures = ingest_links(
                store=app.store,
                fetcher=fetcher,
                reader=app.reader,
                analyzer=app.analyzer,
                urls=batch,
                share=share,
                now=utcnow,
                canonicalize=canonical_source,
                claims=claims,
            )
            for c in captures:
                status = c.record.status if c.record else ArticleStatus.FAILED
                reason = c.error or (c.record.failure_reason if c.record else None)
                outcome[status] += 1
                if status != ArticleStatus.DONE:
                    failures.append((c.url, reason or "unknown reason"))
                elif c.record is not None and c.record.note:
                    kept.append((c.url, c.record.note))
            progress.advance(bar, len(batch))
    for url, note in kept:
        console.print(f"[yellow]kept[/yellow] {url}: {note}, title and link only", highlight=False)
    for url, reason in failures:
        console.print(f"[red]failed[/red] {url}: {reason}", highlight=False)
    secs = time.monotonic() - started
    console.print(
        f"{len(urls)} {'source' if len(urls) == 1 else 'sources'}: {outcome['done']} read, "
        f"{len(failures)} failed, in {secs:.1f} s",
        highlight=False,
    )
    return 1 if failures else 0
