"""An article's language: the page's declaration, checked against its text."""

from __future__ import annotations

import pytest

from bot.extraction.html import extract_article, plain_text_content
from bot.extraction.language import article_language, declared_language, primary_subtag

FRENCH = (
    "Les dirigeants européens se sont engagés jeudi à adopter de nouvelles sanctions contre "
    "la Russie, au lendemain d'une attaque de drones sur Kiev qui a privé d'électricité plus "
    "de trois cent mille foyers. Le président de la République a promis des générateurs."
)
ENGLISH = (
    "European leaders pledged on Thursday to adopt new sanctions against Russia, a day after "
    "a drone attack on Kyiv left more than three hundred thousand homes without power. The "
    "French president promised generators before the end of the month."
)


def page(body: str, html_attrs: str = "", head: str = "") -> str:
    return (
        f"<!doctype html><html{html_attrs}><head><title>Sanctions</title>{head}</head>"
        f"<body><article><h1>Sanctions</h1><p>{body}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("fr", "fr"),
        ("fr-FR", "fr"),
        ("fr_FR", "fr"),
        (" EN-us ", "en"),
        ("de-CH-1996", "de"),
        ("fr, en", "fr"),
        ("iw", "he"),
        ("und", None),
        ("x-default", None),
        ("French", None),
        ("", None),
        (None, None),
    ],
)
def test_a_declared_tag_is_read_as_its_primary_subtag(tag: str | None, code: str | None) -> None:
    assert primary_subtag(tag) == code


@pytest.mark.parametrize(
    ("attrs", "head"),
    [
        (' lang="fr-FR"', ""),
        (' xml:lang="fr"', ""),
        ("", '<meta property="og:locale" content="fr_FR">'),
        ("", '<meta http-equiv="Content-Language" content="fr">'),
    ],
)
def test_each_declaration_a_page_can_make_is_read(attrs: str, head: str) -> None:
    assert declared_language(page("Bonjour.", attrs, head)) == "fr"


def test_html_lang_comes_before_og_locale_and_an_unreadable_one_is_skipped() -> None:
    locale = '<meta property="og:locale" content="de_DE">'
    assert declared_language(page("x", ' lang="fr"', locale)) == "fr"
    assert declared_language(page("x", ' lang="und"', locale)) == "de"
    assert declared_language(page("x")) is None


def test_a_french_page_declaring_french_is_french() -> None:
    assert extract_article(page(FRENCH, ' lang="fr"')).language == "fr"


def test_a_french_text_under_a_site_wide_english_declaration_is_french() -> None:
    assert extract_article(page(FRENCH, ' lang="en"')).language == "fr"
    assert article_language(FRENCH, "en") == "fr"


def test_a_short_text_keeps_what_the_page_declares() -> None:
    # Too few letters to overrule the page, however sure the detector is.
    assert article_language("Le président a parlé jeudi à Paris devant les députés.", "en") == "en"
    assert article_language("Ukraine", "fr") == "fr"


def test_without_a_declaration_the_text_decides_or_the_language_stays_unknown() -> None:
    assert article_language(ENGLISH) == "en"
    assert article_language(FRENCH) == "fr"
    assert article_language("Ukraine") is None  # one word is any language
    assert article_language("2026-11-24 14:05 | 3-1 | 17.5%") is None


def test_a_plain_text_file_is_detected_from_its_text() -> None:
    assert plain_text_content(f"Sanctions\n{FRENCH}").language == "fr"
    assert plain_text_content(f"Sanctions\n{ENGLISH}").language == "en"
