"""Pages whose article is not in their HTML body: in JSON-LD, in an app's hydration data, in
an AMP copy; a teaser behind a paywall; an app with nothing to read. Each page is served
from 127.0.0.1 and goes through the real fetcher, reader, analyser and store (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.briefing.links import LinkPreview, canonical_url
from bot.briefing.render import render_text
from bot.briefing.status import TextQuality
from bot.errors import NoArticleText
from bot.services.briefing import brief
from bot.services.ingest import record_links
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


# --- what Slack's unfurl showed, kept when the page shows nothing ---------------------------

UNFURL = LinkPreview(
    "Rathlin lighthouse has keepers again",
    "Two keepers moved back into the Rathlin Island lighthouse forty years after it was "
    "automated, to run a weather station and a visitor centre.",
)


def preview_share(app, url):  # type: ignore[no-untyped-def]
    """The message's unfurl recorded as Slack's edit brings it: the link itself known."""
    return record_links(
        store=app.store, urls=[], share=share(), previews={canonical_url(url): UNFURL}
    )


def test_an_app_page_with_nothing_to_read_is_kept_from_slacks_unfurl(app, server):
    url = server.add("/app", shell(title="North Coast News"))
    record_links(store=app.store, urls=[url], share=share(), previews={canonical_url(url): UNFURL})
    assert read_one(app, url).status == "done"
    article = stored(app, url)
    assert (article.title, article.text) == (UNFURL.title, UNFURL.description)
    assert article.extraction == TextQuality.METADATA
    story = brief(store=app.store, topic="rathlin", now=NOW, since=timedelta(days=7)).stories[0]
    assert story.headline == UNFURL.title and story.reading == TextQuality.METADATA


def test_an_unfurl_arriving_after_the_page_failed_reads_it_again_from_the_unfurl(app, server):
    url = server.add("/app", shell(title="North Coast News"))
    assert read_one(app, url).failure_reason == NoArticleText.NEEDS_JAVASCRIPT
    [again] = preview_share(app, url)
    assert again.record.status == "pending"
    assert read_one(app, url).status == "done"
    assert stored(app, url).title == UNFURL.title
    assert server.hits["/app"] == 2


def test_an_unfurl_changes_nothing_for_a_page_read_or_refused_on_its_own(app, server):
    page = server.add("/news/free", teaser_page(paywalled=False))
    assert read_one(app, page).status == "done"
    missing = server.url("/gone")
    assert read_one(app, missing).status == "failed"
    assert preview_share(app, page) == [] and preview_share(app, missing) == []
    assert stored(app, page).title == HEADLINE
    assert app.store.article_record(2).failure_reason == "the page answered 404 Not Found"
