"""Articles in other languages, end to end: pages served from 127.0.0.1 through the real
fetcher, reader, spaCy pipelines and store (SQLite and PostgreSQL), and topics that find
a place under its other spellings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import Container, build
from bot.briefing.model import ActorType, Analysis, ArticleView, KeyPoint
from bot.briefing.render import render_text
from bot.briefing.status import AnalysisStatus, ArticleStatus
from bot.config import Settings
from bot.entrypoints.cli_ingest import run_ingest
from bot.ports import NewShare, PageContent
from bot.services.briefing import brief
from bot.services.ingest import ingest_links, record_links
from handlers.blocks import status_blocks
from storage.models import Article
from tests.pages import PageServer

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)

FRENCH_BODY = """<p>Les dirigeants européens se sont engagés jeudi à adopter un vingtième paquet de
sanctions contre la Russie, au lendemain d'une attaque massive de drones sur Kiev qui a privé
d'électricité plus de 300 000 foyers.</p>
<p>C'est à Bruxelles que les chefs d'État et de gouvernement ont arrêté ce calendrier, lors
d'un sommet convoqué en urgence par le président du Conseil européen, António Costa.</p>
<p>La présidente de la Commission européenne, Ursula von der Leyen, a précisé que les
nouvelles mesures viseraient les exportations de gaz naturel liquéfié et la flotte de
pétroliers qui permet à Moscou de contourner l'embargo.</p>
<p>Le président français Emmanuel Macron a déclaré que la Russie « devait comprendre que
l'Europe ne faiblira pas » et a annoncé l'envoi de générateurs supplémentaires à l'Ukraine
avant la fin du mois.</p>
<p>Selon le ministère ukrainien de l'Énergie, les réparations du réseau électrique pourraient
prendre plusieurs semaines. L'opérateur Ukrenergo a demandé aux habitants de limiter leur
consommation pendant les heures de pointe.</p>
<p>Marie Lefèvre, chercheuse à l'Institut français des relations internationales, estime que
ces sanctions « resteront symboliques tant que la Hongrie bloquera les décisions à
l'unanimité ».</p>"""


def french_page(lang: str = "fr-FR") -> str:
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>Kiev : les Vingt-Sept promettent de nouvelles sanctions contre la Russie</title>
<meta property="og:site_name" content="Le Courrier du Rhône"></head>
<body><nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav><article>
<h1>Kiev : les Vingt-Sept promettent de nouvelles sanctions contre la Russie</h1>
<p class="byline">Par Claire Dumas</p>{FRENCH_BODY}</article>
<footer>© 2026 Le Courrier du Rhône. Tous droits réservés.</footer></body></html>"""


GERMAN_PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<title>Ukraine: Berlin verdoppelt die Hilfe für den Winter</title>
<meta property="og:site_name" content="Rheinische Rundschau"></head><body><article>
<h1>Ukraine: Berlin verdoppelt die Hilfe für den Winter</h1>
<p>Die Bundesregierung hat am Donnerstag beschlossen, die Winterhilfe für die Ukraine zu
verdoppeln. Bundeskanzler Friedrich Merz sagte in Berlin, Deutschland werde weitere
Generatoren und Luftabwehrsysteme liefern, sobald die Industrie sie fertigstellen könne.</p>
<p>Nach den jüngsten Angriffen auf Kiew sind nach Angaben der Stadtverwaltung noch immer
zehntausende Haushalte ohne Strom. Die Reparaturen könnten mehrere Wochen dauern.</p>
<p>Die Opposition im Bundestag begrüßte die Entscheidung, forderte aber einen festen Zeitplan
für die Lieferungen und mehr Geld für den Wiederaufbau der Energieversorgung.</p>
</article></body></html>"""


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator[Container]:  # type: ignore[no-untyped-def]
    settings = Settings.from_env(
        {},
        data_dir=tmp_path,
        database_url=database_url,
        fetch_allowlist=("127.0.0.1",),
        fetch_timeout=5.0,
        spacy_models={"fr": "fr_core_news_sm"},  # and no German pipeline
    )
    container = build(settings)
    yield container
    container.close()


@pytest.fixture
def server() -> Iterator[PageServer]:
    with PageServer() as s:
        yield s


def share(hours_ago: float = 1, user: str = "U1") -> NewShare:
    at = NOW - timedelta(hours=hours_ago)
    return NewShare("T1", "C1", user, f"{at.timestamp():.6f}", at)


def store_article(app: Container, url: str, title: str, text: str) -> None:
    """An article stored as read and analysed, without spaCy: the search is what is tested."""
    [capture] = record_links(store=app.store, urls=[url], share=share())
    assert capture.record is not None
    app.store.save_analysis(
        capture.record.article_id,
        page=PageContent(title, text, "Wire", language="en"),
        analysis=Analysis((KeyPoint(text, 0, len(text), 1.0),), ()),
        now=NOW,
    )


def headlines(app: Container, topic: str) -> set[str]:
    return {s.headline for s in brief(store=app.store, topic=topic, now=NOW, since=WEEK).stories}


def test_a_topic_finds_a_place_under_each_of_its_spellings_in_the_store(app: Container) -> None:
    store_article(
        app,
        "https://uk.example/1",
        "Нічна атака дронів",
        "Уночі російські дрони атакували Київ, повідомила міська влада.",
    )
    store_article(
        app,
        "https://old.example/2",
        "Power cuts after drone attack",
        "Engineers in Kiev restored power to most districts by the evening.",
    )
    store_article(
        app,
        "https://new.example/3",
        "Grain talks resume",
        "Officials in Kyiv said grain talks would resume next week.",
    )
    store_article(
        app,
        "https://far.example/4",
        "Port reopens",
        "The port of Odesa reopened on Monday after repairs.",
    )
    kyiv = {"Нічна атака дронів", "Power cuts after drone attack", "Grain talks resume"}
    assert headlines(app, "kyiv") == kyiv
    assert headlines(app, "kiev") == kyiv
    assert headlines(app, "Київ") == kyiv
    assert headlines(app, "odessa") == {"Port reopens"}


def ingest(app: Container, url: str) -> int:
    [capture] = ingest_links(
        store=app.store,
        fetcher=app.fetcher,
        reader=app.reader,
        analyzer=app.analyzer,
        urls=[url],
        share=share(),
        now=lambda: NOW,
    )
    assert capture.record is not None and capture.record.status is ArticleStatus.DONE
    return capture.record.article_id


def stored(app: Container, article_id: int) -> Article:
    with app.db.session() as s:
        article = s.scalars(select(Article).where(Article.id == article_id)).one()
        s.expunge(article)
        return article


def view(app: Container, topic: str) -> ArticleView:
    [story] = brief(store=app.store, topic=topic, now=NOW, since=WEEK).stories
    [article] = story.articles
    return article


def types(article: ArticleView) -> dict[str, ActorType]:
    return {a.name: a.type for a in article.actors}


def assert_read_in_french(article: ArticleView) -> None:
    found = types(article)
    assert found["Russie"] is ActorType.PLACE, "not 'la Russie' the person"
    assert found["Bruxelles"] is ActorType.PLACE, "not 'Bruxelles que' the organisation"
    assert found["Emmanuel Macron"] is ActorType.PERSON
    assert found["Ursula von der Leyen"] is ActorType.PERSON
    assert found["Commission européenne"] is ActorType.ORGANIZATION
    assert not [n for n in found if n.casefold().startswith(("la ", "le ", "l'", "c'est"))]
    assert not [n for n in found if n.endswith((" que", " qui"))]
    points = [k.text for k in article.key_points]
    assert len(points) >= 3 and all(k in article.text for k in points)
    assert any("Ursula von der Leyen, a précisé" in k for k in points)
    assert any(k.startswith("Les dirigeants européens se sont engagés jeudi") for k in points)


def test_a_french_page_is_read_with_the_french_pipeline(app: Container, server: PageServer):
    article_id = ingest(app, server.add("/monde/sanctions", french_page()))
    row = stored(app, article_id)
    assert (row.language, row.analysis) == ("fr", AnalysisStatus.ANALYSED)
    assert_read_in_french(view(app, "russia"))  # Russie is Russia (its other spellings)


def test_a_french_body_under_a_site_wide_english_declaration_is_read_in_french(
    app: Container, server: PageServer
):
    article_id = ingest(app, server.add("/en/sanctions", french_page(lang="en")))
    assert stored(app, article_id).language == "fr"
    assert_read_in_french(view(app, "kyiv"))  # "Kiev" in the French headline


def test_a_page_in_a_language_without_a_pipeline_is_kept_with_its_title_and_link_only(
    app: Container, server: PageServer
):
    url = server.add("/politik/ukraine-hilfe", GERMAN_PAGE)
    article_id = ingest(app, url)
    row = stored(app, article_id)
    assert (row.language, row.analysis) == ("de", AnalysisStatus.UNSUPPORTED_LANGUAGE)
    assert row.title == "Ukraine: Berlin verdoppelt die Hilfe für den Winter"
    assert app.store.article_record(article_id).note == "not analysed: language de"

    briefing = brief(store=app.store, topic="ukraine", now=NOW, since=WEEK)
    [story] = briefing.stories
    assert story.headline == row.title and story.url == url
    assert story.points == () and story.actors == () and story.articles[0].actors == ()
    assert "Who:" not in render_text(briefing)
    assert f"{row.title}  (1 source)  (not analysed: language de)" in render_text(briefing)

    [capture] = app.store.channel_captures(team_id="T1", channel_id="C1")
    _, text = status_blocks([capture])
    assert "not analysed: language de" in text


def test_the_cli_says_which_articles_were_kept_without_analysis(
    app: Container, server: PageServer, capsys: pytest.CaptureFixture[str]
):
    german = server.add("/de", GERMAN_PAGE)
    french = server.add("/fr", french_page())
    assert run_ingest(app, [german, french], user="U1") == 0, "kept, not failed"
    err = capsys.readouterr().err
    assert f"kept {german}: not analysed: language de, title and link only" in err
    assert french not in err
