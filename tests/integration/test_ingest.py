"""Ingestion end to end: a real web server on 127.0.0.1, a real SQLite file and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Container, build
from bot.config import Settings
from bot.ports import NewShare
from bot.services.briefing import brief
from bot.services.ingest import ingest_links, record_links
from tests.pages import PageServer

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

KYIV_PAGE = """<!doctype html><html lang="en"><head><title>Strikes cut power in Kyiv | Harbour Times</title>
<meta property="og:site_name" content="Harbour Times">
<meta property="article:published_time" content="2025-02-20T07:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Strikes cut power in Kyiv as winter deepens</h1>
<p class="byline">By Olena Hart</p>
<p>Russian drones struck power stations around Kyiv overnight, leaving 400,000 homes without
electricity as temperatures fell below freezing, Ukrainian officials said on Thursday.</p>
<p>President Volodymyr Zelensky said the attacks were meant to break the country's will and
asked European allies for more air-defence systems before the end of the month.</p>
<p>Zelensky spoke after a call with Polish leaders, who promised generators and transformers.
Engineers restored power to half of the affected districts by the evening.</p>
<p>The national grid operator Ukrenergo said repairs could take weeks, and asked people to
limit their use of heaters and washing machines during the evening peak.</p>
</article><aside><h3>Read more</h3><a href="/x">Grain ships leave Odesa</a></aside>
<footer>© 2025 Harbour Times. All rights reserved.</footer></body></html>"""

RATES_PAGE = """<!doctype html><html><head><title>Bank holds rates</title>
<meta property="og:site_name" content="Ledger"></head><body><main><article>
<h1>Bank of England holds interest rates at 4.5%</h1>
<p>The Bank of England kept interest rates at 4.5% on Thursday, with governor Andrew Bailey
saying inflation was falling more slowly than the bank had hoped in the autumn.</p>
<p>Six members of the Monetary Policy Committee voted to hold and three voted for a cut,
a closer split than markets had expected, sending the pound lower against the dollar.</p>
<p>Bailey said further cuts would be gradual, and that the bank would watch wage growth.</p>
</article></main></body></html>"""


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator[Container]:  # type: ignore[no-untyped-def]
    settings = Settings.from_env(
        {},
        data_dir=tmp_path,
        database_url=database_url,
        fetch_allowlist=("127.0.0.1",),
        fetch_max_bytes=200_000,
        fetch_timeout=3.0,
    )
    container = build(settings)
    yield container
    container.close()


@pytest.fixture
def server() -> Iterator[PageServer]:
    with PageServer() as s:
        yield s


def share(
    hours_ago: float = 1, channel: str = "C1", user: str = "U1", private: bool = False
) -> NewShare:
    at = NOW - timedelta(hours=hours_ago)
    return NewShare(
        team_id="T1",
        channel_id=channel,
        user_id=user,
        message_ts=f"{at.timestamp():.6f}",
        shared_at=at,
        channel_private=private,
    )


def ingest(app: Container, urls: list[str], s: NewShare):  # type: ignore[no-untyped-def]
    return ingest_links(
        store=app.store,
        fetcher=app.fetcher,
        reader=app.reader,
        analyzer=app.analyzer,
        urls=urls,
        share=s,
        now=lambda: NOW,
    )


def test_two_pages_become_articles_with_points_actors_and_a_briefing(app, server):
    kyiv = server.add("/world/kyiv-power", KYIV_PAGE)
    rates = server.add("/business/rates", RATES_PAGE)
    captures = ingest(app, [kyiv + "?utm_source=slack#comments", rates], share())
    assert [c.record.status for c in captures] == ["done", "done"]

    briefing = brief(store=app.store, topic="ukraine", now=NOW, since=timedelta(days=7))
    assert len(briefing.stories) == 1, "only the Kyiv article is about Ukraine"
    story = briefing.stories[0]
    assert story.headline.startswith("Strikes cut power in Kyiv")
    assert story.points and all(p.url == kyiv + "?utm_source=slack#comments" for p in story.points)
    assert not any("Read more" in p.text or "rights reserved" in p.text for p in story.points)
    people = [a.name for a in story.actors if a.type == "person"]
    assert "Volodymyr Zelensky" in people and "Zelensky" not in people
    assert {"kyiv", "ukrainian"} & {m.lower() for m in briefing.matched}


def test_an_article_shared_through_its_amp_copy_and_its_own_address_is_one_source(app, server):
    page = server.add("/world/kyiv-power", KYIV_PAGE)
    amp = server.add(
        "/amp/world/kyiv-power",
        KYIV_PAGE.replace(
            "<title>", '<link rel="canonical" href="/world/kyiv-power"><title>', 1
        ).replace("Engineers restored power", "<b>Engineers</b> restored power"),
    )
    ingest(app, [page], share(hours_ago=3, user="U1"))
    ingest(app, [amp], share(hours_ago=1, user="U2"))
    briefing = brief(store=app.store, topic="ukraine", now=NOW, since=timedelta(days=7))
    [story] = briefing.stories
    assert story.sources == 1 and len(story.articles) == 1, "two links, one article"
    assert set(story.shared_by) == {"U1", "U2"} and briefing.article_count == 1


def test_a_known_link_adds_a_share_and_fetches_nothing(app, server):
    url = server.add("/a", KYIV_PAGE)
    ingest(app, [url], share(hours_ago=5, user="U1"))
    again = ingest(
        app, [url + "?utm_campaign=x", url + "#top"], share(hours_ago=1, user="U2", channel="C2")
    )
    assert server.hits["/a"] == 1
    assert len(again) == 1, "the same article twice in one message is one share"
    assert again[0].record.status == "done" and not again[0].record.new_article
    story = brief(store=app.store, topic="kyiv", now=NOW, since=timedelta(days=7)).stories[0]
    assert set(story.shared_by) == {"U1", "U2"}


@pytest.mark.parametrize(
    ("path", "page", "reason"),
    [
        ("/missing", None, "404"),
        ("/photo.png", {"body": b"\x89PNG\r\n", "content_type": "image/png"}, "not a web page"),
        ("/empty", {"body": "<html><head></head><body></body></html>"}, "no readable article"),
        ("/blob", {"body": bytes(range(256)) * 40, "content_type": None}, "not a web page"),
        ("/huge", {"body": b"<p>" + b"x" * 1000 + b"</p>", "chunks": 400}, "larger than"),
        ("/big-declared", {"body": b"<p>hi</p>" * 30_000}, "larger than"),
    ],
)
def test_bad_pages_end_as_stored_failures_with_a_reason(app, server, path, page, reason):
    if page is not None:
        server.add(path, **page)
    [capture] = ingest(app, [server.url(path)], share())
    assert capture.record.status == "failed"
    assert reason in capture.record.failure_reason
    assert app.store.counts()["failed"] == 1


def test_compressed_bomb_is_cut_at_the_size_cap(app, server):
    url = server.add_gzip("/bomb", b"<html><body><p>" + b"a" * 5_000_000 + b"</p></body></html>")
    [capture] = ingest(app, [url], share())
    assert capture.record.status == "failed" and "larger than" in capture.record.failure_reason


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/file", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("http://10.1.2.3/internal", "private or local address"),
        ("http://[::1]:8080/", "private or local address"),
    ],
)
def test_hostile_urls_are_refused_before_any_request(app, url, reason):
    [capture] = ingest(app, [url], share())
    if capture.record is None:
        assert reason in capture.error
    else:
        assert capture.record.status == "failed" and reason in capture.record.failure_reason


def test_redirect_to_a_private_address_is_refused(app, server):
    url = server.add(
        "/go", b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data"}
    )
    [capture] = ingest(app, [url], share())
    assert capture.record.status == "failed"
    assert "169.254.169.254" in capture.record.failure_reason


def test_the_window_counts_from_when_the_team_shared_the_article(app, server):
    old = server.add("/old", KYIV_PAGE.replace("2025-02-20", "2019-01-01"))
    ingest(app, [old], share(hours_ago=24 * 10))
    assert brief(store=app.store, topic="kyiv", now=NOW, since=timedelta(days=7)).is_empty
    ingest(app, [old], share(hours_ago=2, user="U9"))
    fresh = brief(store=app.store, topic="kyiv", now=NOW, since=timedelta(days=7))
    assert len(fresh.stories) == 1, "an old article shared today is news to the team"


def test_private_channel_shares_stay_in_their_channel(app, server):
    url = server.add("/secret", KYIV_PAGE)
    ingest(app, [url], share(channel="G_PRIVATE", private=True))
    seen_elsewhere = brief(
        store=app.store,
        topic="kyiv",
        now=NOW,
        since=timedelta(days=7),
        team_id="T1",
        channel_id="C_PUBLIC",
    )
    seen_there = brief(
        store=app.store,
        topic="kyiv",
        now=NOW,
        since=timedelta(days=7),
        team_id="T1",
        channel_id="G_PRIVATE",
    )
    other_team = brief(
        store=app.store,
        topic="kyiv",
        now=NOW,
        since=timedelta(days=7),
        team_id="T2",
        channel_id="G_PRIVATE",
    )
    assert seen_elsewhere.is_empty and other_team.is_empty
    assert len(seen_there.stories) == 1


def test_actors_are_one_row_across_articles(app, server):
    a = server.add("/a", KYIV_PAGE)
    b = server.add(
        "/b",
        KYIV_PAGE.replace("Strikes cut power", "Blackouts spread").replace("400,000", "500,000"),
    )
    ingest(app, [a, b], share())
    briefing = brief(store=app.store, topic="kyiv", now=NOW, since=timedelta(days=7))
    leaders = {(x.name, x.articles) for x in briefing.leading_actors}
    assert ("Volodymyr Zelensky", 2) in leaders
    assert len(briefing.stories) == 1 and briefing.stories[0].sources == 1


class PoisonAnalyzer:
    """The real analyzer, except that it breaks on one text, as a pipeline bug would."""

    def __init__(self, real):  # type: ignore[no-untyped-def]
        self.real = real

    def analyze_batch(self, items):  # type: ignore[no-untyped-def]
        if any("POISON" in item[1] for item in items):  # (title, text, language)
            raise RuntimeError("tagger crashed")
        return self.real.analyze_batch(items)


def test_a_text_that_breaks_analysis_fails_alone(app, server):
    good = server.add("/good", KYIV_PAGE)
    bad = server.add("/bad", RATES_PAGE.replace("Six members", "POISON Six members"))
    captures = ingest_links(
        store=app.store,
        fetcher=app.fetcher,
        reader=app.reader,
        analyzer=PoisonAnalyzer(app.analyzer),
        urls=[good, bad],
        share=share(),
        now=lambda: NOW,
    )
    assert [c.record.status for c in captures] == ["done", "failed"]
    assert "could not be analysed" in captures[1].record.failure_reason


def test_an_article_left_by_a_crashed_worker_is_given_up_after_its_attempts(app, server):
    from bot.entrypoints.worker import IngestionPool

    url = server.add("/slow-death", KYIV_PAGE)
    [capture] = record_links(store=app.store, urls=[url], share=share())
    for attempt in range(3):  # three workers each claimed it and died before finishing
        assert (
            app.store.claim_article(
                capture.record.article_id, now=NOW + timedelta(hours=attempt), lease_seconds=60
            )
            is not None
        )
    pool = IngestionPool(
        store=app.store,
        fetcher=app.fetcher,
        reader=app.reader,
        analyzer=app.analyzer,
        now=lambda: NOW + timedelta(hours=5),
        max_attempts=3,
    )
    try:
        assert pool.sweep_once() == 0
    finally:
        pool.shutdown()
    record = app.store.article_record(capture.record.article_id)
    assert record.status == "failed" and "never finished" in record.failure_reason
    assert server.hits["/slow-death"] == 0


def store_analysed(app, url: str, title: str, actors: list) -> None:  # type: ignore[no-untyped-def]
    from bot.briefing.model import Analysis, KeyPoint
    from bot.ports import PageContent

    [capture] = record_links(store=app.store, urls=[url], share=share())
    text = f"{title}. Steel makers reacted across the country on Monday."
    app.store.save_analysis(
        capture.record.article_id,
        now=NOW,
        page=PageContent(title, text, "Ledger", None, None, "en", "full"),
        analysis=Analysis((KeyPoint(text, 0, len(text), 1.0),), tuple(actors)),
    )


def test_an_actor_first_stored_by_surname_takes_the_full_name_later(app):
    from bot.briefing.model import Actor, ActorType

    person = ActorType.PERSON
    store_analysed(
        app,
        "https://a.example/1",
        "Steel tariff threat",
        [Actor("Trump", person, mentions=2, salience=0.7)],
    )
    store_analysed(
        app,
        "https://b.example/2",
        "Steel tariffs signed",
        [Actor("Donald Trump", person, ("Trump",), mentions=3, role="President", salience=0.7)],
    )
    store_analysed(
        app,
        "https://c.example/3",
        "Steel makers react",
        [Actor("Melania Trump", person, salience=0.4)],
    )
    briefing = brief(store=app.store, topic="steel", now=NOW, since=timedelta(days=7))
    people = {(a.name, a.articles) for a in briefing.leading_actors}
    assert ("Donald Trump", 2) in people, "one row, renamed to the full name"
    assert ("Melania Trump", 1) in people and not any(name == "Trump" for name, _ in people)


def test_an_acronym_and_its_long_form_are_one_organisation_across_articles(app):
    from bot.briefing.model import Actor, ActorType

    org = ActorType.ORGANIZATION
    store_analysed(
        app, "https://a.example/eu", "Steel quota talks", [Actor("EU", org, salience=0.7)]
    )
    store_analysed(
        app,
        "https://b.example/eu",
        "Steel quota deal",
        [Actor("European Union", org, salience=0.7)],
    )
    leaders = brief(store=app.store, topic="steel", now=NOW, since=timedelta(days=7)).leading_actors
    assert [(a.name, a.articles) for a in leaders] == [("European Union", 2)]


def test_a_claim_lives_while_its_holder_renews_it_and_is_free_once_released(app, server):
    from bot.services.claims import Claims

    urls = [server.add(f"/held-{i}", KYIV_PAGE) for i in range(3)]
    ids = [c.record.article_id for c in record_links(store=app.store, urls=urls, share=share())]
    mine, theirs = Claims(app.store, lease_seconds=20), Claims(app.store, lease_seconds=20)
    assert [t.article_id for t in mine.claim_due(now=NOW, limit=2)] == ids[:2]
    later = NOW + timedelta(seconds=15)
    assert mine.renew(now=later) == 2  # the heartbeat: held for 20 s from now
    assert app.store.renew_claims(ids, claimer=theirs.token, now=later, lease_seconds=20) == 0
    past_first_lease = NOW + timedelta(seconds=30)
    assert [t.article_id for t in theirs.claim_due(now=past_first_lease, limit=5)] == ids[2:]
    assert mine.release([ids[1]]) == 1  # given back: free at once, its attempt not counted
    [retaken] = theirs.claim_due(now=past_first_lease, limit=5)
    assert (retaken.article_id, retaken.attempts) == (ids[1], 1)
    unrenewed = past_first_lease + timedelta(seconds=20)  # its holder died: no more beats
    [taken_over] = theirs.claim_due(now=unrenewed, limit=5)
    assert (taken_over.article_id, taken_over.attempts) == (ids[0], 2)
    assert mine.renew(now=unrenewed) == 0, "a claim taken over is not renewed by the old holder"
    assert theirs.held == set(ids)


def test_each_article_is_saved_as_soon_as_it_is_read(app, server):
    """A slow page holds back neither the saving nor the reading of the others."""
    from bot.entrypoints.worker import IngestionPool

    slow = server.add("/slow", KYIV_PAGE, delay_per_chunk=2.0)  # two chunks: 4 s
    fast = [server.add(f"/quick-{i}", RATES_PAGE.replace("4.5%", f"4.{i}%")) for i in range(3)]
    record_links(store=app.store, urls=[slow, *fast], share=share())
    finished: list[tuple[str, float]] = []
    pool = IngestionPool(
        store=app.store,
        fetcher=app.fetcher,
        reader=app.reader,
        analyzer=app.analyzer,
        now=lambda: NOW,
    )
    pool.on_done = lambda task, record: finished.append((task.url, time.monotonic()))
    app.analyzer.analyze_batch([("Warm up", "Keir Starmer spoke in London on Monday.")])
    started = time.monotonic()
    try:
        assert pool.sweep_once() == 4
    finally:
        pool.shutdown()
    assert [url for url, _ in finished][-1] == slow
    assert all(at - started < 3.5 for url, at in finished if url != slow), finished
    assert app.store.counts()["done"] == 4 and server.hits["/slow"] == 1
    assert pool.claims.held == set()


def test_the_articles_table_and_its_migrations_agree(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.models import Base

    with app.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "'articles'" in repr(d) or "claimed_by" in repr(d)] == []
