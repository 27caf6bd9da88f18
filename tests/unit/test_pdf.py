"""The PDF reader on small PDFs written byte by byte: text, paragraphs and bounds."""

from __future__ import annotations

import pytest

from bot.briefing.status import TextQuality
from bot.errors import ExtractionError
from bot.extraction.pdf import MAX_PAGES, looks_like_pdf, read_pdf
from tests.pdfs import image_pdf, text_pdf, wrapped

FINDINGS = [
    "Inspectors found that nine of the twelve ferries on the island routes had life rafts "
    "past their service date, and that two had no working emergency lighting on deck.",
    "The operator said all rafts would be replaced by the end of the month and that the "
    "lighting had been repaired the day after the inspection.",
]


def test_paragraphs_are_one_line_each_and_the_page_furniture_is_gone():
    pages = [
        ["Maritime Safety Board", "Ferry inspections 2026", "", *wrapped(FINDINGS), "", "1"],
        ["Maritime Safety Board", *wrapped(FINDINGS[::-1]), "", "2"],
        ["Maritime Safety Board", *wrapped(FINDINGS), "", "3"],
    ]
    article = read_pdf(text_pdf(pages), "https://board.example/reports/ferries.pdf")
    lines = article.text.split("\n")
    assert lines[0] == "Ferry inspections 2026"
    assert lines[1:3] == FINDINGS
    assert "Maritime Safety Board" not in article.text
    assert article.title == "Maritime Safety Board", "no metadata title: the first line"
    assert article.outlet == "board.example"


def test_a_word_broken_at_a_line_end_is_joined_unless_the_document_hyphenates_it():
    lines = [
        "The board asked the operator for a well-known kind of safety drill and a re-",
        "placement schedule for the rafts, to be approved by a well-",
        "known inspector before the summer timetable begins on the island routes.",
    ]
    article = read_pdf(text_pdf([lines]))
    assert "a replacement schedule" in article.text
    assert "by a well-known inspector" in article.text


def test_metadata_gives_title_author_and_date_and_a_file_name_is_no_title():
    body = wrapped(FINDINGS)
    dated = read_pdf(
        text_pdf([body], title="Ferry inspections", author="M. Board", creation_date="D:20260301")
    )
    assert (dated.title, dated.author) == ("Ferry inspections", "M. Board")
    assert dated.published_at is not None and dated.published_at.year == 2026
    assert read_pdf(text_pdf([body], title="inspections_final.docx")).title == body[0]


def test_a_short_pdf_is_partial_and_a_long_one_full():
    assert read_pdf(text_pdf([wrapped(FINDINGS[:1])])).quality == TextQuality.PARTIAL
    assert read_pdf(text_pdf([wrapped(FINDINGS)] * 3)).quality == TextQuality.FULL


def test_pages_past_the_bound_are_not_read():
    pages = [
        [f"Finding {n}: the raft on deck {n} was past its date."] for n in range(MAX_PAGES + 5)
    ]
    article = read_pdf(text_pdf(pages))
    assert article.quality == TextQuality.PARTIAL
    assert f"deck {MAX_PAGES - 1} " in article.text and f"deck {MAX_PAGES} " not in article.text


@pytest.mark.parametrize("pdf", [image_pdf(2), text_pdf([["", "   "]])], ids=["scan", "spaces"])
def test_no_text_layer_says_so(pdf):
    with pytest.raises(ExtractionError, match=r"no text layer \(a scan\?\)"):
        read_pdf(pdf)


def test_the_header_is_known_within_the_first_kilobyte():
    assert looks_like_pdf(b"\n\n%PDF-1.7\n")
    assert not looks_like_pdf(b"<html><body>PDF files</body></html>")


def test_a_pdf_file_given_to_briefbot_ingest_is_read_as_a_pdf(tmp_path):
    from bot.extraction.fetch import LocalFileFetcher, SafeFetcher
    from bot.extraction.html import ArticleReader

    path = tmp_path / "inspections.pdf"
    path.write_bytes(text_pdf([wrapped(FINDINGS)], title="Ferry inspections"))
    web = SafeFetcher()
    try:
        page = LocalFileFetcher(web, max_bytes=1_000_000).fetch(path.as_uri())
    finally:
        web.close()
    assert page.content_type == "application/pdf"
    article = ArticleReader().read(page)
    assert article.title == "Ferry inspections" and FINDINGS[1] in article.text
