"""Main-text extraction on small pages built like real ones."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest

from bot.errors import ExtractionError
from bot.extraction.html import FULL, METADATA_ONLY, PARTIAL, extract_article

PARAGRAPHS = [
    "The harbour authority approved a plan on Tuesday to rebuild the old northern pier, which "
    "storms damaged beyond repair two winters ago, at a cost of twelve million euros.",
    "Work is due to start in the spring and to last about eighteen months, the authority said "
    "in a statement, adding that ferries would use a temporary landing stage meanwhile.",
    "Fishermen, who have moored at the southern quay since the storms, welcomed the decision "
    "but asked for berths to be set aside for small boats once the new pier opens.",
    "The regional government will pay two thirds of the cost and the town the rest, according "
    "to the plan, which councillors are expected to confirm at their next meeting.",
]
BODY = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
NAV = "Home World Business Sport Weather Subscribe"
RELATED = "Ten beaches to visit this summer"


def page(body: str = BODY, head: str = "", article_attrs: str = "") -> str:
    jsonld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Harbour authority approves rebuilding of the northern pier",
        "datePublished": "2024-03-05T09:30:00+00:00",
        "author": {"@type": "Person", "name": "Maria Keller"},
        "publisher": {"@type": "Organization", "name": "Coast Gazette"},
    }
    return f"""<!DOCTYPE html><html lang="en"><head>
<meta charset="utf-8">
<title>Harbour authority approves rebuilding of the northern pier | Coast Gazette</title>
<meta property="og:site_name" content="Coast Gazette">
<meta property="og:title" content="Harbour authority approves rebuilding of the northern pier">
<meta name="description" content="The old northern pier will be rebuilt for twelve million euros.">
<script type="application/ld+json">{json.dumps(jsonld)}</script>
{head}
</head><body>
<header><nav><ul>{"".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in NAV.split())}
</ul></nav></header>
<main><article{article_attrs}>
<h1>Harbour authority approves rebuilding of the northern pier</h1>
<div class="byline">By <a href="/authors/maria-keller">Maria Keller</a>,
<time datetime="2024-03-05T09:30:00Z">5 March 2024</time></div>
{body}
</article>
<aside class="related"><h2>Related stories</h2><ul>
<li><a href="/travel/beaches">{RELATED}</a></li>
<li><a href="/news/ferry">Ferry timetable changes from April</a></li></ul></aside>
</main>
<footer><p>© 2024 Coast Gazette. All rights reserved.</p></footer>
</body></html>"""


def test_a_news_page_gives_its_body_title_outlet_and_date():
    art = extract_article(page(), "https://coastgazette.example/news/pier")
    for p in PARAGRAPHS:
        assert p in art.text
    assert RELATED not in art.text
    assert "Weather" not in art.text
    assert "All rights reserved" not in art.text
    assert art.title == "Harbour authority approves rebuilding of the northern pier"
    assert art.outlet == "Coast Gazette"
    assert art.published_at is not None
    assert art.published_at.date() == datetime(2024, 3, 5).date()
    assert art.author == "Maria Keller"
    assert art.quality == FULL


def test_a_page_with_only_a_meta_description_is_metadata_only():
    html = (
        "<html><head><title>Pier plan</title>"
        '<meta name="description" content="The old northern pier will be rebuilt.">'
        "</head><body><div id='app'></div></body></html>"
    )
    art = extract_article(html, "https://coastgazette.example/news/pier")
    assert art.quality == METADATA_ONLY
    assert art.text == "The old northern pier will be rebuilt."


def test_json_ld_article_body_when_the_page_renders_no_text():
    body = " ".join(PARAGRAPHS)
    head = (
        '<script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "articleBody": body})
        + "</script>"
    )
    art = extract_article(page(body="<div id='root'></div>", head=head), "https://x.example/a")
    assert art.text == body
    assert art.quality == FULL


def test_a_body_split_over_many_containers_is_kept_whole():
    # Some sites cut the body into sibling "article__body" blocks with ad rows between them;
    # trafilatura then keeps the first block only, while <article> holds the whole text.
    chunks = [
        [f"{p} It is note {i}{j} of the plan." for j, p in enumerate(PARAGRAPHS)] for i in "123"
    ]
    grid = '<div class="grid"><div class="body article__body">{}</div></div>'
    ad = '<div class="row full-bleed-ad"><div class="ad">Advertisement</div></div>'
    body = ad.join(grid.format("".join(f"<p>{p}</p>" for p in c)) for c in chunks)
    art = extract_article(page(body=body), "https://x.example/a")
    for p in (p for c in chunks for p in c):
        assert p in art.text
    assert "Advertisement" not in art.text


def test_a_short_text_is_partial():
    art = extract_article(page(body=f"<p>{PARAGRAPHS[0]}</p>"), "https://x.example/a")
    assert PARAGRAPHS[0] in art.text
    assert art.quality == PARTIAL


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html><head></head><body></body></html>",
        os.urandom(20_000).decode("latin-1"),
        os.urandom(20_000),
        "<div>" * 50_000,
        '<script type="application/ld+json">{"articleBody": ' + "[" * 50_000 + "</script>",
    ],
    ids=["empty", "blank", "no-text", "junk", "junk-bytes", "deep", "bad-json-ld"],
)
def test_pages_without_an_article_raise_extraction_error(html):
    with pytest.raises(ExtractionError):
        extract_article(html, "https://x.example/a")
