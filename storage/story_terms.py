"""The archive's story features: counted as articles are stored, read for each briefing.

``story_terms`` (migration 0013) holds, for each feature of ``bot.briefing.stories``
(headline and key-point words, named actors, numbers), how many stored articles have it;
the term ``#`` holds how many articles were counted. A briefing asks only for the features
its matches have, in slices, so what it reads grows with the briefing, never the archive.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.briefing.stories import CORPUS_SIZE_TERM, Corpus
from storage.models import StoryTerm

SLICE = 2000  # terms read per statement (SQLite binds at most 32766 parameters)


def count_terms(s: Session, terms: Iterable[str]) -> None:
    """Add one article with ``terms`` to the counts (inside the article's write). Terms are
    written in sorted order, so two writers touching the same rows never deadlock."""
    rows = [{"term": t, "articles": 1} for t in sorted({*terms, CORPUS_SIZE_TERM})]
    insert = postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert
    for lo in range(0, len(rows), SLICE // 2):
        stmt = insert(StoryTerm).values(rows[lo : lo + SLICE // 2])
        s.execute(
            stmt.on_conflict_do_update(
                index_elements=[StoryTerm.term], set_={"articles": StoryTerm.articles + 1}
            )
        )


def corpus(s: Session, terms: Collection[str]) -> Corpus:
    """The counts of ``terms`` and the number of articles counted."""
    wanted = sorted({*terms, CORPUS_SIZE_TERM})
    found: dict[str, int] = {}
    for lo in range(0, len(wanted), SLICE):
        rows = s.execute(
            select(StoryTerm.term, StoryTerm.articles).where(
                StoryTerm.term.in_(wanted[lo : lo + SLICE])
            )
        )
        found.update((term, count) for term, count in rows)
    documents = found.pop(CORPUS_SIZE_TERM, 0)
    return Corpus(documents, found)
