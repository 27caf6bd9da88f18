"""`briefbot analyze`: run extraction and analysis over documents, no database involved.

JSONL in: one object per line, ``{"id", "text"}`` or ``{"id", "html", "url"}`` (an optional
``"title"`` too, and ``"language"`` for a text: without, it is told from the words; a page's
comes from its declaration and text). JSONL out, in input order::

    {"id", "title", "text", "key_points": [{"text", "start", "end", "score"}],
     "actors": [{"name", "type", "aliases", "mentions"}]}

A line that cannot be read answers ``{"id", "error"}`` and the run goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from bot.briefing.model import Analysis
from bot.errors import BriefbotError
from bot.ports import AnalysisInput, FetchedPage, PageReader, StreamingAnalyzer

LANGUAGE = "language"  # carried in a read row to the analyser, never written out


def read_row(
    reader: PageReader, line_no: int, raw: str, keep: tuple[str, ...] = ()
) -> dict[str, Any]:
    """One input line as ``{"id", "title", "text"}`` (or ``{"id", "error"}``), with the
    ``keep`` fields of the line carried over as they are."""
    try:
        row = json.loads(raw)
        if not isinstance(row, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:
        return {"id": str(line_no), "error": f"line {line_no}: not valid JSON ({exc})"}
    doc_id = row.get("id", str(line_no))
    extra = {k: row[k] for k in keep if k in row}
    return {**_body(reader, line_no, doc_id, row), **extra}


def _body(reader: PageReader, line_no: int, doc_id: Any, row: dict[str, Any]) -> dict[str, Any]:
    title = str(row.get("title") or "")
    if isinstance(row.get("html"), str):
        try:
            page = FetchedPage(str(row.get("url") or ""), 200, "text/html", row["html"])
            art = reader.read(page)
        except BriefbotError as exc:
            return {"id": doc_id, "title": title, "text": "", "error": str(exc)}
        return {"id": doc_id, "title": title or art.title, "text": art.text, LANGUAGE: art.language}
    if isinstance(row.get("text"), str):
        language = row.get(LANGUAGE) if isinstance(row.get(LANGUAGE), str) else None
        return {"id": doc_id, "title": title, "text": row["text"], LANGUAGE: language}
    return {"id": doc_id, "error": f'line {line_no}: needs a "text" or an "html" field'}


def analysis_input(row: dict[str, Any]) -> AnalysisInput:
    """What the analyser reads of a row; its language is taken out of the row."""
    language = row.pop(LANGUAGE, None)
    return (str(row.get("title", "")), "" if "error" in row else row["text"], language)


def analysis_json(analysis: Analysis) -> dict[str, Any]:
    return {
        "key_points": [
            {"text": k.text, "start": k.start, "end": k.end, "score": round(k.score, 4)}
            for k in analysis.key_points
        ],
        "actors": [
            {
                "name": a.name,
                "type": str(a.type),
                "aliases": list(a.aliases),
                "mentions": a.mentions,
            }
            for a in analysis.actors
        ],
    }


def analyze_jsonl(
    lines: Iterable[str], *, reader: PageReader, analyzer: StreamingAnalyzer
) -> Iterator[dict[str, Any]]:
    """Stream answers for JSONL lines, in order, through one spaCy pipe (batched, and in
    several processes when the analyzer has them). Unreadable lines pass through as errors."""
    rows = (read_row(reader, i, raw) for i, raw in enumerate(lines, 1) if raw.strip())
    items = ((analysis_input(r), r) for r in rows)
    for analysis, row in analyzer.analyze_stream(items):
        yield row if "error" in row else {**row, **analysis_json(analysis)}
