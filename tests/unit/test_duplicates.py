"""One article reached through two URLs counts once in a briefing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.briefing.compose import compose_briefing
from bot.briefing.duplicates import one_per_article
from bot.briefing.status import TextQuality
from bot.extraction.html import extract_article
from tests.unit.builders import NOW, article

REPORT = (
    "The regulator raised the price cap by 6.4 percent on Friday, adding 100 pounds a year "
    "to a typical household bill from April. Consumer groups said the rise would push more "
    "families into arrears, while suppliers argued that wholesale costs had climbed for "
    "three months running. The energy secretary promised targeted support for low-income "
    "homes and said a new social tariff would be consulted on before the summer."
)
OTHER = (
    "Suppliers will be allowed to charge more from April after the regulator's review of "
    "wholesale markets. Campaigners warned of hardship in northern towns, and the opposition "
    "called for a windfall levy on producers. Analysts expect the cap to ease again in the "
    "autumn if gas prices stay where they are now."
)


def briefing(*articles):  # type: ignore[no-untyped-def]
    return compose_briefing("energy", articles, now=NOW, since=NOW - timedelta(days=7))


def test_an_amp_copy_that_declares_the_article_as_its_canonical_page_is_one_source():
    page = article(
        "Price cap rises",
        ["The regulator raised the price cap."],
        url="https://news.example/cap",
        outlet="News",
        text=REPORT,
        shared_by=("U1",),
    )
    amp = replace(
        article(
            "Price cap rises | AMP",
            ["The cap went up."],
            url="https://amp.news.example/cap",
            outlet="News",
            text=REPORT[:200],
            shared_by=("U2",),
            hours_ago=3,
        ),
        same_as="https://news.example/cap",
    )
    [story] = briefing(page, amp).stories
    assert story.sources == 1 and len(story.articles) == 1
    assert story.url == "https://news.example/cap", "the fuller copy stands for both"
    assert story.shared_by == ("U2", "U1"), "both sharers are kept, first share first"


def test_the_same_text_at_two_addresses_is_one_article_and_two_reports_stay_two():
    first = article(
        "Price cap rises 6.4%",
        ["The regulator raised the cap."],
        url="https://a.example/1",
        outlet="A",
        text=REPORT,
    )
    wire = article(
        "Price cap rises 6.4%",
        ["The regulator raised the cap."],
        url="https://b.example/2",
        outlet="B",
        shared_by=("U2",),
        text=REPORT.replace("Friday", "Friday morning"),
    )
    other = article(
        "Price cap rises 6.4%",
        ["Suppliers will charge more."],
        url="https://c.example/3",
        outlet="C",
        text=OTHER,
    )
    kept = one_per_article([first, wire, other])
    assert [a.url for a in kept] == ["https://b.example/2", "https://c.example/3"], (
        "the longer copy"
    )
    assert len(kept[0].shares) == 2


def test_a_teaser_copy_gives_way_to_the_whole_article():
    teaser = replace(
        article("Cap rises", ["Cap rises."], url="https://p.example/cap?amp=1", text=REPORT[:120]),
        extraction=TextQuality.METADATA,
        same_as="https://p.example/cap",
    )
    whole = article("Cap rises", ["Cap rises."], url="https://p.example/cap", text=REPORT)
    [kept] = one_per_article([teaser, whole])
    assert kept.url == "https://p.example/cap" and kept.extraction is TextQuality.FULL


def test_articles_with_no_address_or_text_in_common_are_left_alone():
    items = [
        article(f"Story {i}", [f"Point {i} of a different event."], text=f"text {i}")
        for i in range(5)
    ]
    assert one_per_article(items) == items


def page_html(head: str) -> str:
    body = "<p>" + REPORT + "</p>"
    return f"<html><head><title>Price cap rises</title>{head}</head><body><article>{body}</article></body></html>"


def test_a_page_declares_its_own_address_by_canonical_link_then_og_url():
    amp = "https://amp.news.example/amp/cap"
    canonical = page_html(
        '<meta property="og:url" content="https://news.example/og">'
        '<link rel="canonical" href="/2026/cap?utm_source=amp">'
    )
    assert extract_article(canonical, amp).page_url == "https://amp.news.example/2026/cap"
    og = page_html('<meta property="og:url" content="https://news.example/2026/cap">')
    assert extract_article(og, amp).page_url == "https://news.example/2026/cap"


def test_a_site_that_declares_its_home_page_for_every_article_declares_nothing():
    home = page_html('<link rel="canonical" href="https://news.example/">')
    assert extract_article(home, "https://news.example/2026/cap").page_url is None
    assert extract_article(page_html(""), "https://news.example/2026/cap").page_url is None
    odd = page_html('<link rel="canonical" href="javascript:alert(1)">')
    assert extract_article(odd, "https://news.example/2026/cap").page_url is None
