"""Pages whose article is not in their HTML body: in JSON-LD, in an app's hydration data, in
an AMP copy; a teaser behind a paywall; an app with nothing to read. Each page is served
from 127.0.0.1 and goes through the real fetcher, reader, analyser and store (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.briefing.render import render_text
from bot.briefing.status import TextQuality
from bot.services.briefing import brief
from tests.integration import test_ingest
from tests.integration.test_ingest import NOW, ingest, share

pytestmark = pytest.mark.slow
app, server = test_ingest.app, test_ingest.server  # the ingestion tests' fixtures

HEADLINE = "Lighthouse keepers return to Rathlin after forty years"
PARAGRAPHS = [
    "Two keepers moved back into the lighthouse on Rathlin Island on Monday, forty years after "
    "the last crew left when the light was automated, the Commissioners of Irish Lights said.",
    "The keepers will look after a new weather station and a visitor centre, which the "
    "commissioners expect to draw twenty thousand people a year to the island off County Antrim.",
    "Islanders, who number about 150, welcomed the move but asked the ferry operator to add "
    "sailings in the summer months, when the boats are already full by mid-morning.",
    "Mary Doherty, who chairs the island's development association, said the keepers would be "
    "the first new residents to arrive on Rathlin in more than a decade.",
]
RELATED = (
    "Puffin numbers on the cliffs of the west of the island rose again this year, counters from "
    "the bird charity said, after two poor seasons in which storms washed many of the nests away."
)

# The shell a client-side app serves: nothing to read until its scripts run.
SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title>{head}</head>
<body><div id="{root}"></div><noscript>You need to enable JavaScript to run this app.</noscript>
<script src="/static/js/main.3f9a1c.js"></script>{body}</body></html>"""

AMP_PAGE = f"""<!doctype html><html amp lang="en"><head><meta charset="utf-8">
<title>{HEADLINE} | North Coast News</title>
<link rel="canonical" href="/news/rathlin-keepers">
<meta property="og:site_name" content="North Coast News"></head>
<body><header>North Coast News</header><article><h1>{HEADLINE}</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</article></body></html>"""


def shell(title: str = HEADLINE, head: str = "", root: str = "root", body: str = "") -> str:
    return SHELL.format(title=title, head=head, root=root, body=body)


def stored(app, url):  # type: ignore[no-untyped-def]
    since = NOW - timedelta(days=7)
    [article] = [
        a
        for a in app.store.recent_articles(team_id="T1", channel_id="C1", since=since)
        if a.url == url
    ]
    return article


def read_one(app, url):  # type: ignore[no-untyped-def]
    [capture] = ingest(app, [url], share())
    return capture.record


def test_an_app_shell_is_read_from_its_amp_copy_fetched_like_any_link(app, server):
    server.add("/amp/news/rathlin-keepers", AMP_PAGE)
    url = server.add(
        "/news/rathlin-keepers",
        shell(head='<link rel="amphtml" href="/amp/news/rathlin-keepers">'),
    )
    assert read_one(app, url).status == "done"
    article = stored(app, url)
    assert article.extraction == TextQuality.FULL
    assert all(p in article.text for p in PARAGRAPHS)
    assert "Mary Doherty" in {a.name for a in article.actors}
    assert article.same_as.endswith("/news/rathlin-keepers"), "the copy's canonical address"
    assert server.hits["/amp/news/rathlin-keepers"] == 1


def test_an_amp_copy_at_a_private_address_is_refused_and_the_shell_fails(app, server):
    url = server.add(
        "/news/rathlin-keepers",
        shell(head='<link rel="amphtml" href="http://10.0.0.7/amp/rathlin-keepers">'),
    )
    record = read_one(app, url)
    assert record.status == "failed"
    assert record.failure_reason == "the page needs JavaScript to show its article"


def test_a_page_whose_article_is_only_in_its_json_ld_is_read_from_there(app, server):
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "North Coast News"},
            {"@type": "NewsArticle", "headline": HEADLINE, "articleBody": "\n\n".join(PARAGRAPHS)},
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    url = server.add("/news/ld", shell(title="North Coast News", head=head))
    assert read_one(app, url).status == "done"
    article = stored(app, url)
    assert article.extraction == TextQuality.FULL
    assert all(p in article.text for p in PARAGRAPHS)
    assert "enable JavaScript" not in article.text
    assert any(p.text == PARAGRAPHS[0] for p in article.key_points)


def test_a_next_js_page_is_read_from_its_hydration_data_not_its_related_stories(app, server):
    data = {
        "props": {
            "pageProps": {
                "menu": [{"label": "News", "href": "/news"}, {"label": "Sport", "href": "/sport"}],
                "article": {
                    "headline": HEADLINE,
                    "standfirst": "The island's light has keepers again.",
                    "body": [{"type": "paragraph", "content": p} for p in PARAGRAPHS],
                },
                "related": [
                    {"title": "Puffins return", "url": "/news/puffins", "summary": RELATED},
                    {"title": "Ferry fares", "url": "/news/ferry", "summary": RELATED},
                    {"title": "Storm damage", "url": "/news/storm", "summary": RELATED},
                ],
            }
        },
        "page": "/news/[slug]",
        "buildId": "k2Jd9Xq0",
    }
    blob = f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'
    url = server.add("/news/next", shell(root="__next", body=blob))
    assert read_one(app, url).status == "done"
    article = stored(app, url)
    assert article.extraction == TextQuality.FULL
    assert article.text.split("\n") == PARAGRAPHS
    assert "Puffin" not in article.text
    assert article.title == HEADLINE


def test_a_teaser_behind_a_paywall_is_stored_as_partial_and_the_briefing_says_so(app, server):
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": HEADLINE,
        "isAccessibleForFree": False,
        "hasPart": {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".paid",
        },
    }
    page = f"""<!doctype html><html lang="en"><head><title>{HEADLINE}</title>
<meta property="og:site_name" content="Antrim Ledger">
<script type="application/ld+json">{json.dumps(data)}</script></head>
<body><article><h1>{HEADLINE}</h1><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>
<div class="paid"><p>Subscribe to read the rest of this story.</p></div></article></body></html>"""
    url = server.add("/news/paid", page)
    assert read_one(app, url).status == "done"
    assert stored(app, url).extraction == TextQuality.PARTIAL
    briefing = brief(store=app.store, topic="rathlin", now=NOW, since=timedelta(days=7))
    assert briefing.stories[0].reading == TextQuality.PARTIAL
    assert "read in part" in render_text(briefing)


def test_the_same_teaser_without_a_paywall_is_an_article(app, server):
    page = f"""<!doctype html><html lang="en"><head><title>{HEADLINE}</title></head>
<body><article><h1>{HEADLINE}</h1><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>
</article></body></html>"""
    url = server.add("/news/free", page)
    assert read_one(app, url).status == "done"
    assert stored(app, url).extraction == TextQuality.FULL


@pytest.mark.parametrize("root", ["root", "__next", "app"])
def test_an_app_with_nothing_to_read_fails_saying_it_needs_javascript(app, server, root):
    url = server.add("/app", shell(title="North Coast News", root=root))
    record = read_one(app, url)
    assert record.status == "failed"
    assert record.failure_reason == "the page needs JavaScript to show its article"
