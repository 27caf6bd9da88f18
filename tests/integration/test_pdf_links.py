"""PDF links (reports, filings, papers) read like pages: real PDFs served from 127.0.0.1,
through the real fetcher, reader and analyser, into SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.briefing.status import TextQuality
from bot.extraction.pdf import MAX_CHARS, MAX_PAGES, NO_TEXT_LAYER
from bot.services.briefing import brief
from tests.fixture_pages import (
    ANNEX_END,
    REPORT,
    REPORT_HEADER,
    REPORT_TITLE,
    annex_pdf,
    report_pdf,
)
from tests.integration import test_ingest
from tests.integration.test_embedded_articles import stored
from tests.integration.test_ingest import NOW, ingest, share
from tests.pdfs import blank_pdf, encrypted, image_pdf

pytestmark = pytest.mark.slow
app, server = test_ingest.app, test_ingest.server  # the ingestion tests' fixtures


def test_a_pdf_report_is_read_with_its_title_text_key_points_and_actors(app, server):
    url = server.add(
        "/reports/h1.pdf",
        report_pdf(title=REPORT_TITLE, author="Port of Tallinn"),
        content_type="application/pdf",
    )
    [capture] = ingest(app, [url], share())
    assert capture.record.status == "done", capture.record.failure_reason

    article = stored(app, url)
    assert article.title == REPORT_TITLE
    assert article.outlet == "127.0.0.1"
    assert article.extraction == TextQuality.FULL
    for paragraph in REPORT[:2]:
        assert paragraph in article.text, "each paragraph is one line, as the page wrote it"
    assert "reconstruction plan" in article.text, "the hyphen at the line end is gone"
    assert REPORT_HEADER not in article.text and "Page 2 of 3" not in article.text
    assert article.key_points and all(p.text in article.text for p in article.key_points)
    assert any(p.text.startswith("Chief executive Marta Kask") for p in article.key_points)
    assert "Marta Kask" in {a.name for a in article.actors}
    story = brief(store=app.store, topic="tallinn", now=NOW, since=timedelta(days=7)).stories[0]
    assert story.headline == article.title


def test_a_pdf_without_a_title_is_named_by_its_first_line_and_known_by_its_header(app, server):
    # A generic content type: the %PDF- header says what it is.
    url = server.add(
        "/download/7",
        report_pdf(title="Microsoft Word - h1_final_v3.docx"),
        content_type="application/octet-stream",
    )
    [capture] = ingest(app, [url], share())
    assert capture.record.status == "done", capture.record.failure_reason
    assert stored(app, url).title == REPORT_HEADER


@pytest.mark.parametrize(
    ("pdf", "reason"),
    [
        (blank_pdf(2), NO_TEXT_LAYER),
        (image_pdf(3), NO_TEXT_LAYER),
        (encrypted(report_pdf(), user_password="harbour"), "protected by a password"),
        (b"%PDF-1.7 not really a PDF", "the PDF is damaged"),
    ],
    ids=["blank", "scan", "password", "damaged"],
)
def test_a_pdf_with_nothing_to_read_fails_with_its_reason(app, server, pdf, reason):
    url = server.add("/scan.pdf", pdf, content_type="application/pdf")
    [capture] = ingest(app, [url], share())
    assert capture.record.status == "failed"
    assert reason in capture.record.failure_reason


def test_a_pdf_locked_only_against_editing_is_read(app, server):
    url = server.add("/locked.pdf", encrypted(report_pdf(), user_password=""))
    [capture] = ingest(app, [url], share())
    assert capture.record.status == "done", capture.record.failure_reason
    assert REPORT[0] in stored(app, url).text


def test_a_huge_pdf_is_read_up_to_its_bounds_and_stored_as_partial(app, server):
    url = server.add("/annex.pdf", annex_pdf(MAX_PAGES + 50), content_type="application/pdf")
    [capture] = ingest(app, [url], share())
    assert capture.record.status == "done", capture.record.failure_reason
    article = stored(app, url)
    assert article.extraction == TextQuality.PARTIAL
    assert MAX_CHARS // 2 < len(article.text) <= MAX_CHARS
    assert ANNEX_END not in article.text
