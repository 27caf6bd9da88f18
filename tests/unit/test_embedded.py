"""The article as data in its page: hydration blobs, JSON-LD flags, app shells and AMP links."""

from __future__ import annotations

import json

import pytest

from bot.briefing.status import TextQuality
from bot.errors import NoArticleText
from bot.extraction.embedded import hydration_body, read_json_ld, strip_scripts
from bot.extraction.html import NEEDS_JAVASCRIPT, extract_article

PARAGRAPHS = [
    "The council voted on Thursday to close the old swimming baths on Mill Street at the end "
    "of the summer, after engineers found cracks in the roof beams above the main pool.",
    "A new leisure centre on the edge of town is due to open in two years, and the council "
    "said it would run buses to the pool at Carrow in the meantime for schools and clubs.",
    "Swimmers who have used the baths for decades handed in a petition with four thousand "
    "names asking for the building to be repaired rather than pulled down.",
]
TITLE = "Council votes to close the Mill Street baths"
OTHER = (
    "A much longer piece about a different subject entirely, the harbour dredging works, which "
    "the port company says will take three winters and cost more than any work on the harbour "
    "since the breakwater was built. Fishermen said they had not been asked. The company said "
    "it had written to every boat owner in the spring, and would hold a meeting in the autumn. "
) * 3


def test_a_state_script_holding_html_gives_its_paragraphs():
    state = {"article": {"title": TITLE, "bodyHtml": "".join(f"<p>{p}</p>" for p in PARAGRAPHS)}}
    page = strip_scripts(
        f"<html><body><div id=app></div><script>window.__INITIAL_STATE__ = {json.dumps(state)};"
        "</script><script src=/app.js></script></body></html>"
    )
    assert page.scripts == 1 and "__INITIAL_STATE__" not in page.markup
    assert hydration_body(page.data, TITLE).split("\n") == PARAGRAPHS


@pytest.mark.parametrize(
    "body",
    [
        [{"_type": "block", "children": [{"_type": "span", "text": p}]} for p in PARAGRAPHS],
        [{"type": "text", "content": p, "_id": f"X{i}"} for i, p in enumerate(PARAGRAPHS)],
        PARAGRAPHS,
    ],
    ids=["portable text", "content elements", "strings"],
)
def test_rich_text_blocks_are_joined_into_the_body(body):
    blob = json.dumps({"data": {"story": {"headline": TITLE, "content": body}}})
    assert hydration_body([blob], TITLE).split("\n") == PARAGRAPHS


def test_the_body_filed_under_the_pages_headline_wins_over_a_longer_one():
    blob = json.dumps(
        {
            "story": {"headline": TITLE, "body": PARAGRAPHS},
            "next": {"headline": "Harbour dredging to take three winters", "body": OTHER},
        }
    )
    assert hydration_body([blob], TITLE).split("\n") == PARAGRAPHS
    assert hydration_body([blob], None).startswith("A much longer piece")


@pytest.mark.parametrize(
    "value",
    [
        "function(e){return e&&e.__esModule?e:{default:e}}" * 20,
        "aGVsbG8gd29ybGQ" * 60,
        " ".join(["Home", "News", "Sport", "Weather", "Business"] * 30),
        [{"title": "x", "url": f"/n/{i}", "summary": OTHER} for i in range(3)],
    ],
    ids=["code", "base64", "menu", "links to other stories"],
)
def test_data_that_is_no_article_gives_nothing(value):
    assert hydration_body([json.dumps({"props": {"x": value}})], TITLE) == ""


def test_broken_or_huge_blobs_are_survived():
    deep = "[" * 100_000 + "]" * 100_000
    wide = json.dumps({"items": [{"n": i} for i in range(400_000)]})
    assert hydration_body(["{not json", deep, wide], TITLE) == ""


def test_json_ld_says_when_the_article_is_not_free():
    def ld(data: dict[str, object]) -> str:
        return f'<html><head><script type="application/ld+json">{json.dumps(data)}</script>'

    assert read_json_ld(ld({"isAccessibleForFree": "False", "wordCount": "812"})).paywalled
    assert read_json_ld(ld({"isAccessibleForFree": "False", "wordCount": "812"})).word_count == 812
    nested = {"@type": "NewsArticle", "hasPart": [{"isAccessibleForFree": False}]}
    assert read_json_ld(ld(nested)).paywalled
    assert not read_json_ld(ld({"isAccessibleForFree": True})).paywalled


def test_a_long_article_behind_a_paywall_shown_whole_is_full():
    data = {"@type": "NewsArticle", "isAccessibleForFree": False}
    body = "".join(
        f"<p>{p} It is part {n} of the report.</p>" for n in range(12) for p in PARAGRAPHS
    )
    html = (
        f'<html><head><title>{TITLE}</title><script type="application/ld+json">'
        f"{json.dumps(data)}</script></head><body><article>{body}</article></body></html>"
    )
    assert extract_article(html, "https://x.example/a").quality == TextQuality.FULL


def test_an_app_shell_names_its_amp_copy_whether_it_has_a_description_or_not():
    head = (
        f"<title>{TITLE}</title>"
        '<link rel="amphtml" href="/amp/baths">'
        '<link rel="canonical" href="https://paper.example/baths">'
    )
    shell = f"<html><head>{head}{{}}</head><body><div id=root></div><script src=/a.js></script>"
    with pytest.raises(NoArticleText) as raised:
        extract_article(shell.format(""), "https://paper.example/baths")
    assert str(raised.value) == NEEDS_JAVASCRIPT
    assert raised.value.amp_url == "https://paper.example/amp/baths"

    described = shell.format('<meta name="description" content="The baths will close.">')
    page = extract_article(described, "https://paper.example/baths")
    assert page.quality == TextQuality.METADATA
    assert page.amp_url == "https://paper.example/amp/baths"
