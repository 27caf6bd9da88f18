"""`briefbot stories`: documents grouped into stories offline, by the code briefings use.

JSONL in: one object a line, ``{"id", "title"?, "text" | "html" + "url", "published_at"?}``.
JSONL out, in input order: ``{"id", "story"}``, where ``story`` is the id of the story's
earliest document (by ``published_at`` when given, then input order). A line that cannot
be read answers ``{"id", "story", "error"}`` and stays a story of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bot.briefing.model import Analysis, ArticleView
from bot.briefing.stories import group_stories
from bot.ports import PageReader, StreamingAnalyzer
from bot.services.analyze import analysis_input, read_row

KEEP = ("url", "published_at")
UNDATED = datetime(1970, 1, 1, tzinfo=UTC)  # documents without a date share one moment


def stories_jsonl(
    lines: Iterable[str], *, reader: PageReader, analyzer: StreamingAnalyzer
) -> Iterator[dict[str, Any]]:
    rows = [read_row(reader, i, raw, KEEP) for i, raw in enumerate(lines, 1) if raw.strip()]
    items = ((analysis_input(r), r) for r in rows)
    views: list[ArticleView] = []
    for index, (analysis, row) in enumerate(analyzer.analyze_stream(items)):
        if "error" not in row:
            views.append(_view(index, row, analysis))
    story: dict[int, str] = {}
    for group in group_stories(views):
        first = min(group, key=lambda a: (a.first_shared_at, a.id))
        for article in group:
            story[article.id] = str(rows[first.id]["id"])
    for index, row in enumerate(rows):
        doc_id = row["id"]
        if "error" in row:
            yield {"id": doc_id, "story": str(doc_id), "error": row["error"]}
        else:
            yield {"id": doc_id, "story": story[index]}


def _view(index: int, row: dict[str, Any], analysis: Analysis) -> ArticleView:
    url = str(row.get("url") or f"urn:briefbot:doc:{index}")
    when = _date(row.get("published_at"))
    return ArticleView(
        id=index,
        url=url,
        title=str(row.get("title") or ""),
        outlet=(urlsplit(url).hostname or "").removeprefix("www."),
        published_at=when,
        first_shared_at=when or UNDATED,
        key_points=analysis.key_points,
        actors=analysis.actors,
        text=str(row.get("text") or ""),
    )


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
