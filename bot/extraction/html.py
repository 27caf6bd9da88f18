"""HTML -> main text and metadata, pure over a string (trafilatura does the work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from bot.errors import ExtractionError

FULL, PARTIAL, METADATA_ONLY = "full", "partial", "metadata"


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    title: str
    text: str
    outlet: str
    author: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    description: str | None = None
    quality: str = FULL  # FULL, PARTIAL or METADATA_ONLY


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def extract_article(html: str, url: str = "") -> ExtractedArticle:
    """Main text and metadata of an article page; raises ExtractionError when it has none."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True)
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    meta = trafilatura.extract_metadata(html, default_url=url or None)
    title = (getattr(doc, "title", None) or getattr(meta, "title", None) or "").strip()
    description = (getattr(meta, "description", None) or "").strip() or None
    outlet = (getattr(meta, "sitename", None) or urlsplit(url).hostname or "").strip()
    quality = FULL
    if not text:
        if not description:
            raise ExtractionError("the page has no readable article text")
        text, quality = description, METADATA_ONLY
    elif len(text.split()) < 60:
        quality = PARTIAL
    return ExtractedArticle(
        title=title or text.split("\n", 1)[0][:150],
        text=text,
        outlet=outlet,
        author=(getattr(meta, "author", None) or None),
        published_at=_parse_date(getattr(meta, "date", None)),
        language=(getattr(doc, "language", None) or None),
        description=description,
        quality=quality,
    )
