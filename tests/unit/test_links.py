"""Links: two shares of one article have one canonical URL; a message's links are found."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.briefing.links import canonical_url, links_in_blocks, links_in_message, links_in_text


@pytest.mark.parametrize(
    ("shared", "canonical"),
    [
        (
            "https://www.bbc.co.uk/news/world-123?utm_source=twitter&utm_medium=social",
            "https://www.bbc.co.uk/news/world-123",
        ),
        ("https://example.com/a?fbclid=IwAR0abc", "https://example.com/a"),
        ("https://example.com/a?gclid=xyz&msclkid=1&mc_cid=2&_ga=3", "https://example.com/a"),
        ("https://example.com/a?UTM_Campaign=spring", "https://example.com/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("HTTPS://News.Example.COM/a", "https://news.example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com./a", "https://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
    ],
)
def test_tracking_fragments_and_spelling_of_the_host_are_dropped(
    shared: str, canonical: str
) -> None:
    assert canonical_url(shared) == canonical


def test_real_query_parameters_are_kept_and_sorted() -> None:
    url = "https://example.com/article?page=2&id=77&utm_source=x"
    assert canonical_url(url) == "https://example.com/article?id=77&page=2"


def test_two_orders_of_the_same_parameters_are_one_article() -> None:
    assert canonical_url("https://e.com/a?b=2&a=1") == canonical_url("https://e.com/a?a=1&b=2")


def test_path_case_and_a_non_default_port_are_kept() -> None:
    assert (
        canonical_url("https://Example.com:8443/News/A-Story")
        == "https://example.com:8443/News/A-Story"
    )


def test_a_different_article_keeps_a_different_url() -> None:
    assert canonical_url("https://e.com/news/1") != canonical_url("https://e.com/news/2")
    assert canonical_url("https://e.com/a?id=1") != canonical_url("https://e.com/a?id=2")


def test_international_host_becomes_ascii() -> None:
    assert canonical_url("https://Bücher.de/x") == "https://xn--bcher-kva.de/x"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/a",
        "mailto:ana@example.com",
        "javascript:alert(1)",
        "example.com/a",
        "//example.com/a",
        "http:///nohost",
        "https://example.com:99999/a",
        "",
    ],
)
def test_anything_but_an_absolute_http_link_is_refused(url: str) -> None:
    with pytest.raises(ValueError):
        canonical_url(url)


_label = st.text(st.sampled_from("abcXYZ09-_"), min_size=1, max_size=8)
_http_urls = st.builds(
    lambda scheme, host, port, path, query, fragment: (
        f"{scheme}://{host}{port}/{path}{'?' + query if query else ''}{'#' + fragment if fragment else ''}"
    ),
    st.sampled_from(["http", "https", "HTTP", "Https"]),
    st.lists(_label.map(lambda s: s.strip("-") or "a"), min_size=1, max_size=3).map(".".join),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.lists(st.text(st.sampled_from("abcDEF019-_.~%20"), max_size=6), max_size=3).map("/".join),
    st.lists(
        st.tuples(
            st.sampled_from(["id", "page", "utm_source", "fbclid", "q", "Q", "gclid", "a b", "x"]),
            st.text(st.sampled_from("ab1 +&=%/?é"), max_size=5),
        ),
        max_size=4,
    ).map(lambda kv: "&".join(f"{k}={v}" for k, v in kv)),
    st.text(st.sampled_from("ab1#"), max_size=4),
)


@given(_http_urls)
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@given(_http_urls)
def test_canonical_url_never_keeps_tracking_or_fragment(url: str) -> None:
    once = canonical_url(url)
    assert "#" not in once
    assert "utm_" not in once and "fbclid" not in once and "gclid" not in once
    assert once.startswith(("http://", "https://"))


# --- links in a message's text ---------------------------------------------------------


def test_slack_link_with_label_gives_the_url_unescaped() -> None:
    text = "read this <https://example.com/a?x=1&amp;y=2|Big news> now"
    assert links_in_text(text) == ["https://example.com/a?x=1&y=2"]


def test_mentions_channels_and_broadcasts_are_not_links() -> None:
    text = "<@U123> <#C42|general> <!here> <!subteam^S1|@team> see <https://example.com/a>"
    assert links_in_text(text) == ["https://example.com/a"]


def test_links_come_in_order_without_repeats() -> None:
    text = (
        "<https://b.example/x> <https://a.example/y|A> "
        "<https://b.example/x?utm_source=slack|again> <https://a.example/y#top>"
    )
    assert links_in_text(text) == ["https://b.example/x", "https://a.example/y"]


def test_bare_links_lose_trailing_punctuation() -> None:
    text = "Have you seen https://example.com/a, and (https://example.com/b)?"
    assert links_in_text(text) == ["https://example.com/a", "https://example.com/b"]


def test_non_http_links_are_ignored() -> None:
    assert links_in_text("<mailto:ana@example.com|Ana> <ftp://example.com/f>") == []
    assert links_in_text("") == []


# --- links in rich_text blocks and whole messages ----------------------------------------


def _rich_text(*urls: str) -> list[dict]:
    elements: list[dict] = [{"type": "text", "text": "look: "}]
    elements += [{"type": "link", "url": u, "text": "here"} for u in urls]
    return [
        {
            "type": "rich_text",
            "block_id": "b1",
            "elements": [
                {"type": "rich_text_section", "elements": elements},
                {
                    "type": "rich_text_list",
                    "style": "bullet",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [{"type": "user", "user_id": "U1"}],
                        }
                    ],
                },
            ],
        }
    ]


def test_link_elements_are_found_in_rich_text_blocks() -> None:
    blocks = _rich_text("https://example.com/a", "https://example.com/b")
    assert links_in_blocks(blocks) == ["https://example.com/a", "https://example.com/b"]


def test_deeply_nested_link_elements_are_found() -> None:
    blocks = [
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_list",
                    "elements": [
                        {
                            "type": "rich_text_quote",
                            "elements": [{"type": "link", "url": "https://deep.example/x"}],
                        }
                    ],
                }
            ],
        }
    ]
    assert links_in_blocks(blocks) == ["https://deep.example/x"]


def test_blocks_without_links_and_non_http_links_give_nothing() -> None:
    assert links_in_blocks(None) == []
    assert (
        links_in_blocks(
            [{"type": "rich_text", "elements": [{"type": "link", "url": "mailto:a@b.c"}]}]
        )
        == []
    )


def test_message_text_and_blocks_give_each_link_once() -> None:
    message = {
        "text": "<https://example.com/a?utm_source=x> and <https://example.com/b|B>",
        "blocks": _rich_text("https://example.com/a", "https://example.com/c"),
    }
    assert links_in_message(message) == [
        "https://example.com/a?utm_source=x",
        "https://example.com/b",
        "https://example.com/c",
    ]


def test_message_without_text_or_blocks_has_no_links() -> None:
    assert links_in_message({"type": "message", "text": None, "blocks": "oops"}) == []


@pytest.mark.parametrize(
    "url", ["http://%zz/", "https://exa mple.com/", "http://a_b!.com/x", "https://[::1/"]
)
def test_links_with_impossible_host_names_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        canonical_url(url)


# --- links that are only in attachments -------------------------------------------------


def test_a_link_only_in_an_unfurl_attachment_is_found() -> None:
    message = {
        "text": "",
        "attachments": [
            {
                "service_name": "Harbour Times",
                "title": "Strikes cut power in Kyiv",
                "title_link": "https://news.example/kyiv?amp=1",
                "from_url": "https://news.example/kyiv",
                "original_url": "https://news.example/kyiv?utm_source=share",
                "text": "Read more at <https://ads.example/x>",  # the page's own words
            }
        ],
    }
    assert links_in_message(message) == ["https://news.example/kyiv?utm_source=share"]


@pytest.mark.parametrize("field", ["from_url", "original_url", "title_link"])
def test_each_unfurl_field_alone_names_the_page(field: str) -> None:
    message = {"attachments": [{field: "https://news.example/a", "title": "A"}]}
    assert links_in_message(message) == ["https://news.example/a"]


def test_a_forwarded_message_gives_its_links_not_its_slack_permalink() -> None:
    forwarded = {
        "is_share": True,
        "is_msg_unfurl": True,
        "from_url": "https://team.slack.com/archives/C0NEWS/p1700000000000100",
        "author_id": "U0BOB",
        "channel_id": "C0NEWS",
        "text": "worth a read <https://news.example/a|A>",
        "message_blocks": [
            {
                "team": "T0TEST",
                "channel": "C0NEWS",
                "ts": "1700000000.000100",
                "message": {"blocks": _rich_text("https://news.example/b")},
            }
        ],
    }
    message = {"text": "fyi", "attachments": [forwarded]}
    assert links_in_message(message) == ["https://news.example/a", "https://news.example/b"]


def test_an_unfurl_of_a_link_in_the_text_is_the_same_article() -> None:
    message = {
        "text": "<https://news.example/a>",
        "attachments": [
            {"from_url": "https://news.example/a", "original_url": "https://news.example/a"},
            "not an attachment",
            {"title": "no link at all"},
            {"from_url": "javascript:alert(1)"},
        ],
    }
    assert links_in_message(message) == ["https://news.example/a"]


def test_attachments_that_are_not_a_list_give_nothing() -> None:
    assert links_in_message({"text": "", "attachments": {"from_url": "https://a.example/"}}) == []


def test_links_nested_deeper_than_the_stack_allows_are_found() -> None:
    node: dict = {"type": "link", "url": "https://deep.example/x"}
    for _ in range(5000):  # json.loads stops near 1000 levels; the walk must go further
        node = {"type": "rich_text_section", "elements": [node]}
    assert links_in_blocks([node]) == ["https://deep.example/x"]
