"""The fetch threads of a processing run: each claims an article, reads its page and hands
it to the run's one analysing thread through a bounded queue.

A page that holds less than its article (an app's empty shell, a summary, a teaser) and
declares an AMP copy is read through that copy as well, fetched like any link (the same
address checks), and the fuller of the two is kept. A page with nothing to read at all is
stored from what Slack's unfurl of the link showed (its title and summary), if it showed
anything."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from bot.briefing.status import TextQuality
from bot.errors import BriefbotError, ExtractionError, NoArticleText
from bot.log_context import log_context
from bot.ports import ArticleTask, Fetcher, PageContent, PageReader

log = logging.getLogger(__name__)

READY_BACKLOG = 16  # pages read and waiting for analysis; fetching waits beyond it
FULLER = {TextQuality.METADATA: 0, TextQuality.PARTIAL: 1, TextQuality.FULL: 2}
Read = tuple[ArticleTask, PageContent | BriefbotError]


def one_at_a_time(tasks: Sequence[ArticleTask]) -> Callable[[], ArticleTask | None]:
    remaining = iter(list(tasks))
    lock = threading.Lock()

    def next_task() -> ArticleTask | None:
        with lock:
            return next(remaining, None)

    return next_task


def read_page(
    fetcher: Fetcher, reader: PageReader, task: ArticleTask
) -> PageContent | BriefbotError:
    with log_context(article_id=task.article_id):
        try:
            return read_article(fetcher, reader, task.url)
        except NoArticleText as exc:
            return _from_preview(task, exc)
        except BriefbotError as exc:
            return exc
        except Exception as exc:  # a page must never take the worker down
            log.exception("unexpected error reading %s", task.url)
            return ExtractionError(f"the page could not be read ({exc.__class__.__name__})")


def read_article(fetcher: Fetcher, reader: PageReader, url: str) -> PageContent:
    """The article behind a link: its page, or the page's AMP copy when that holds more."""
    try:
        content = reader.read(fetcher.fetch(url))
    except NoArticleText as exc:
        copy = _amp_copy(fetcher, reader, exc.amp_url)
        if copy is None:
            raise
        return copy
    if content.quality == TextQuality.FULL:
        return content
    copy = _amp_copy(fetcher, reader, content.amp_url)
    if copy is None or FULLER[copy.quality] <= FULLER[content.quality]:
        return content
    return replace(copy, page_url=copy.page_url or content.page_url)


def _from_preview(task: ArticleTask, error: NoArticleText) -> PageContent | BriefbotError:
    preview = task.preview
    if preview is None:
        return error
    return PageContent(
        title=preview.title,
        text=preview.description or preview.title,
        outlet=urlsplit(task.url).hostname or "",
        quality=TextQuality.METADATA,
    )


def _amp_copy(fetcher: Fetcher, reader: PageReader, url: str | None) -> PageContent | None:
    if url is None:
        return None
    try:
        copy = reader.read(fetcher.fetch(url))
    except BriefbotError as exc:
        log.info("the AMP copy %s could not be read either: %s", url, exc)
        return None
    return replace(copy, amp_url=None)  # a copy's own AMP link is not followed


class Fetching:
    """``threads`` fetch threads feeding one bounded queue of read pages: the pages read
    together are analysed together, and fetching waits while the analysis catches up."""

    def __init__(
        self,
        next_task: Callable[[], ArticleTask | None],
        fetcher: Fetcher,
        reader: PageReader,
        threads: int,
    ):
        self.next_task, self.fetcher, self.reader = next_task, fetcher, reader
        self.ready: queue.Queue[Read | None] = queue.Queue(maxsize=READY_BACKLOG)
        self.halt = threading.Event()
        self.running = threads  # threads that have not said they are done (None queued)
        for _ in range(threads):  # daemon: one stuck past a stop is left behind
            threading.Thread(target=self._fetch, name="briefbot-fetch", daemon=True).start()

    @property
    def over(self) -> bool:
        return self.running == 0

    def take(self, wait: float = 0.2) -> list[Read]:
        """The pages read so far (at most a batch), waiting up to ``wait`` for the first."""
        batch: list[Read] = []
        try:
            item = self.ready.get(timeout=wait)
            while True:
                if item is None:
                    self.running -= 1
                else:
                    batch.append(item)
                if len(batch) >= READY_BACKLOG:
                    break
                item = self.ready.get_nowait()
        except queue.Empty:
            pass
        return batch

    def stop(self) -> None:
        self.halt.set()

    def _fetch(self) -> None:
        try:
            while not self.halt.is_set() and (task := self.next_task()) is not None:
                self._put((task, read_page(self.fetcher, self.reader, task)))
        except Exception:  # claiming failed (the database away): the next sweep tries again
            log.exception("claiming the next article failed")
        self._put(None)

    def _put(self, item: Read | None) -> None:
        while not self.halt.is_set():
            try:  # a full backlog: the analysis is behind
                self.ready.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
