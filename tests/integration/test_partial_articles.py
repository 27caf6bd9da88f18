"""A story Briefbot could read only from a description or a teaser says so by its headline.

Real pages from a web server on 127.0.0.1, read, analysed and stored in a real database,
then briefed: the reader of the briefing learns which stories rest on a summary alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Container, build
from bot.briefing.render import briefing_json, render_markdown, render_text
from bot.briefing.status import TextQuality
from bot.config import Settings
from bot.ports import NewShare
from bot.services.briefing import brief
from bot.services.ingest import ingest_links
from handlers.blocks import briefing_blocks
from tests.pages import PageServer

pytestmark = pytest.mark.slow

NOW = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)

# A page that renders its article in the browser: nothing to read but its description.
PIER_PAGE = """<!doctype html><html lang="en"><head>
<title>Harbour board approves rebuilding of the north pier</title>
<meta property="og:site_name" content="Coast Gazette">
<meta name="description" content="The harbour board voted on Monday to rebuild the north pier
for twelve million euros, with work to start in the autumn.">
</head><body><div id="app"></div><script src="/bundle.js"></script></body></html>"""

STRIKE_PAGE = """<!doctype html><html lang="en"><head>
<title>Harbour crane drivers strike over night shifts</title>
<meta property="og:site_name" content="Quay Post"></head>
<body><article><h1>Harbour crane drivers strike over night shifts</h1>
<p>Crane drivers at the harbour walked out on Tuesday after talks with the port operator over
new night shifts broke down, leaving six container ships waiting at anchor off the coast.</p>
<p>The drivers' union said the operator wanted its members to work four nights a week without
extra pay, and that the strike would last until the plan was withdrawn in writing.</p>
<p>The port operator said the shifts were needed to clear a backlog of cargo that built up over
the winter storms, and offered to meet the union again on Thursday morning.</p>
<p>Shipping agents said the delays were already costing importers thousands of euros a day.</p>
</article></body></html>"""

# A paywalled page: two sentences of the article, then an invitation to subscribe.
MUSEUM_PAGE = """<!doctype html><html lang="en"><head>
<title>Harbour museum reopens its lighthouse gallery</title>
<meta property="og:site_name" content="Evening Lantern"></head>
<body><article><h1>Harbour museum reopens its lighthouse gallery</h1>
<p>The harbour museum reopened its lighthouse gallery on Saturday after a two-year repair of
the roof, showing the lenses of the old southern light for the first time since 1998.</p>
</article><div class="paywall">Subscribe to keep reading.</div></body></html>"""


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator[Container]:  # type: ignore[no-untyped-def]
    settings = Settings.from_env(
        {},
        data_dir=tmp_path,
        database_url=database_url,
        fetch_allowlist=("127.0.0.1",),
        fetch_timeout=3.0,
    )
    container = build(settings)
    yield container
    container.close()


def share(hours_ago: float) -> NewShare:
    at = NOW - timedelta(hours=hours_ago)
    return NewShare(
        team_id="T1",
        channel_id="C1",
        user_id="U1",
        message_ts=f"{at.timestamp():.6f}",
        shared_at=at,
        channel_private=False,
    )


def headline_line(text: str, words: str) -> str:
    """The numbered headline line of the story whose headline holds ``words``."""
    [line] = [line for line in text.splitlines() if re.match(r"\W*\d+\. ", line) and words in line]
    return line


def test_stories_read_from_a_description_or_a_teaser_say_so_and_a_whole_one_does_not(app):
    with PageServer() as pages:
        pier = pages.add("/news/pier", PIER_PAGE)
        strike = pages.add("/news/strike", STRIKE_PAGE)
        museum = pages.add("/news/museum", MUSEUM_PAGE)
        captures = ingest_links(
            store=app.store,
            fetcher=app.fetcher,
            reader=app.reader,
            analyzer=app.analyzer,
            urls=[pier, strike, museum],
            share=share(2),
            now=lambda: NOW,
        )
    assert [c.record.status for c in captures] == ["done", "done", "done"]

    briefing = brief(store=app.store, topic="harbour", now=NOW, since=timedelta(days=7))
    stories = {s.url: s for s in briefing.stories}
    assert set(stories) == {pier, strike, museum}, "three events, three stories"
    assert stories[pier].reading is TextQuality.METADATA
    assert stories[museum].reading is TextQuality.PARTIAL
    assert stories[strike].reading is TextQuality.FULL

    text = render_text(briefing, width=200)
    assert headline_line(text, "north pier").endswith("(1 source)  (headline and summary only)")
    assert headline_line(text, "lighthouse gallery").endswith(
        "(1 source)  (read in part: the full article could not be read)"
    )
    assert headline_line(text, "crane drivers").endswith("(1 source)")
    assert text.count("headline and summary only") == text.count("read in part") == 1

    md = render_markdown(briefing)
    assert headline_line(md, "north pier").endswith("· _headline and summary only_")
    assert "summary only" not in headline_line(md, "crane drivers")

    data = json.loads(json.dumps(briefing_json(briefing)))
    notes = {s["url"]: (s["reading"], s["reading_note"]) for s in data["stories"]}
    assert notes == {
        pier: ("metadata", "headline and summary only"),
        museum: ("partial", "read in part: the full article could not be read"),
        strike: ("full", None),
    }

    blocks, _ = briefing_blocks(briefing)
    heads = [b["text"]["text"].splitlines()[0] for b in blocks if b["type"] == "section"]
    assert "_headline and summary only_" in next(h for h in heads if pier in h)
    assert "_read in part: " in next(h for h in heads if museum in h)
    assert next(h for h in heads if strike in h).endswith("_1 source_")
