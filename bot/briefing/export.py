"""``briefbot export``: stored articles as records for a team's own analysis.

One record per article, with the shares the export may see. JSONL keeps the structure
(lists of shares, key points and actors); CSV has one row per article with the lists
joined, and guards its cells against spreadsheet formulas (a title from a page could
start with ``=``). :data:`COLUMNS` documents both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.briefing.model import ArticleView

# (column, meaning): the CSV header in this order; JSONL has the same keys (lists as lists).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "the article's id in the store"),
    ("url", "the link as it was shared"),
    ("page_url", "the address the page declares (canonical link), when it has one"),
    ("title", "the headline"),
    ("outlet", "the publication's name"),
    ("published_at", "when the outlet published it, ISO 8601 UTC, empty when unknown"),
    ("first_shared_at", "the first share the export covers, ISO 8601 UTC"),
    ("last_shared_at", "the last such share"),
    ("share_count", "how many times it was shared"),
    ("shares", "each share: channel id, user id and time (CSV: `C1 U1 2025-02-24T09:12:00Z`, '; ' between)"),
    ("key_points", "its key points, best first (CSV: one a line)"),
    ("actors", "people, organisations, places, groups: name, type, role, mentions (CSV: `Name (type)`, '; ' between)"),
    ("reading", "full, partial (a teaser or a page cut short) or metadata (its description only)"),
)  # fmt: skip
HEADER = tuple(name for name, _ in COLUMNS)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iso(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ") if at is not None else ""


def export_record(article: ArticleView) -> dict[str, Any]:
    """One article as a JSON-ready dict with the keys of :data:`COLUMNS`."""
    shares = sorted(article.shares, key=lambda sh: sh.shared_at)
    return {
        "id": article.id,
        "url": article.url,
        "page_url": article.same_as,
        "title": article.title,
        "outlet": article.outlet,
        "published_at": iso(article.published_at),
        "first_shared_at": iso(shares[0].shared_at if shares else article.first_shared_at),
        "last_shared_at": iso(shares[-1].shared_at if shares else article.first_shared_at),
        "share_count": len(shares),
        "shares": [
            {"channel": sh.channel_id, "user": sh.user_id, "shared_at": iso(sh.shared_at)}
            for sh in shares
        ],
        "key_points": [point.text for point in article.key_points],
        "actors": [
            {"name": a.name, "type": str(a.type), "role": a.role, "mentions": a.mentions}
            for a in article.actors
        ],
        "reading": str(article.extraction),
    }


def csv_row(record: dict[str, Any]) -> list[str]:
    """A record of :func:`export_record` as CSV cells in :data:`HEADER` order."""
    joined = {
        "shares": "; ".join(
            f"{sh['channel']} {sh['user']} {sh['shared_at']}" for sh in record["shares"]
        ),
        "key_points": "\n".join(record["key_points"]),
        "actors": "; ".join(f"{a['name']} ({a['type']})" for a in record["actors"]),
    }
    return [_cell(joined.get(name, record[name])) for name in HEADER]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell that starts like a formula; a leading quote shows it as text.
    return "'" + text if text.startswith(_FORMULA_START) else text
