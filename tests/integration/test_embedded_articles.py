"""Pages whose article is not in their HTML body: in JSON-LD, in an app's hydration data, in
an AMP copy; a teaser behind a paywall; an app with nothing to read. Each page is served
from 127.0.0.1 and goes through the real fetcher, reader, analyser and store (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.briefing.render import render_text
from bot.briefing.status import TextQuality
from bot.services.briefing import brief
from tests.fixture_pages import (
    AMP_PAGE,
    HEADLINE,
    PARAGRAPHS,
    amp_shell,
    json_ld_page,
    next_page,
    shell,
    teaser_page,
)
from tests.integration import test_ingest
from tests.integration.test_ingest import NOW, ingest, share

pytestmark = pytest.mark.slow
app, server = test_ingest.app, test_ingest.server  # the ingestion tests' fixtures


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
    url = server.add("/news/rathlin-keepers", amp_shell())
    assert read_one(app, url).status == "done"
    article = stored(app, url)
    assert article.extraction == TextQuality.FULL
    assert all(p in article.text for p in PARAGRAPHS)
    assert "Mary Doherty" in {a.name for a in article.actors}
    assert article.same_as.endswith("/news/rathlin-keepers"), "the copy's canonical address"
    assert server.hits["/amp/news/rathlin-keepers"] == 1


def test_an_amp_copy_at_a_private_address_is_refused_and_the_shell_fails(app, server):
    url = server.add("/news/rathlin-keepers", amp_shell("http://10.0.0.7/amp/rathlin-keepers"))
    record = read_one(app, url)
    assert record.status == "failed"
    assert record.failure_reason == "the page needs JavaScript to show its article"


def test_a_page_whose_article_is_only_in_its_json_ld_is_read_from_there(app, server):
    url = server.add("/news/ld", json_ld_page())
    assert read_one(app, url).status == "done"
    article = stored(app, url)
    assert article.extraction == TextQuality.FULL
    assert all(p in article.text for p in PARAGRAPHS)
    assert "enable JavaScript" not in article.text
    assert any(p.text == PARAGRAPHS[0] for p in article.key_points)


def test_a_next_js_page_is_read_from_its_hydration_data_not_its_related_stories(app, server):
    url = server.add("/news/next", next_page())
    assert read_one(app, url).status == "done"
    article = stored(app, url)
    assert article.extraction == TextQuality.FULL
    assert article.text.split("\n") == PARAGRAPHS
    assert "Puffin" not in article.text
    assert article.title == HEADLINE


def test_a_teaser_behind_a_paywall_is_stored_as_partial_and_the_briefing_says_so(app, server):
    url = server.add("/news/paid", teaser_page())
    assert read_one(app, url).status == "done"
    assert stored(app, url).extraction == TextQuality.PARTIAL
    briefing = brief(store=app.store, topic="rathlin", now=NOW, since=timedelta(days=7))
    assert briefing.stories[0].reading == TextQuality.PARTIAL
    assert "read in part" in render_text(briefing)


def test_the_same_teaser_without_a_paywall_is_an_article(app, server):
    url = server.add("/news/free", teaser_page(paywalled=False))
    assert read_one(app, url).status == "done"
    assert stored(app, url).extraction == TextQuality.FULL


@pytest.mark.parametrize("root", ["root", "__next", "app"])
def test_an_app_with_nothing_to_read_fails_saying_it_needs_javascript(app, server, root):
    url = server.add("/app", shell(title="North Coast News", root=root))
    record = read_one(app, url)
    assert record.status == "failed"
    assert record.failure_reason == "the page needs JavaScript to show its article"
