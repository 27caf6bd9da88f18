"""A scheduler process for the two-process test: ``python -m tests.integration.scheduler_proc
DATABASE_URL POSTS_FILE START_EPOCH``. It posts through a poster that appends one line per post
to POSTS_FILE, starts its scheduler at START_EPOCH (so that both processes race for the slot),
and stops a few seconds later."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime

from bot.briefing.model import Briefing
from bot.entrypoints.scheduler import BriefingScheduler
from storage.db import Database
from storage.followed_topics import SqlTopicStore
from storage.repository import SqlStore


class FilePoster:
    def __init__(self, path: str):
        self.path = path

    def _post(self, channel_id: str, what: str) -> str:
        ts = f"{time.time():.6f}"
        with open(self.path, "a", encoding="utf-8") as fh:  # one short append per post
            fh.write(f"{os.getpid()} {channel_id} {ts} {what}\n")
        return ts

    def post_briefing(
        self, *, team_id: str, channel_id: str, briefing: Briefing, title: str, slot_key: str = ""
    ) -> str:
        return self._post(channel_id, "briefing")

    def post_text(self, *, team_id: str, channel_id: str, text: str, slot_key: str = "") -> str:
        return self._post(channel_id, "text")

    def find_slot_post(
        self, *, team_id: str, channel_id: str, slot_key: str, since: datetime
    ) -> str | None:
        return None


def main(url: str, posts: str, start: float) -> None:
    db = Database(url)
    scheduler = BriefingScheduler(
        topics=SqlTopicStore(db),
        store=SqlStore(db),
        poster=FilePoster(posts),
        name=f"proc-{os.getpid()}",
    )
    time.sleep(max(0.0, start - time.time()))
    scheduler.start()
    time.sleep(3)
    scheduler.shutdown()
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
