"""Slack's unfurls of links, read from a message's attachments as the links' previews."""

from __future__ import annotations

from bot.briefing.links import LinkPreview, canonical_url, link_previews
from tests.slack import payloads as slack

URL = "https://news.example/world/kyiv?utm_source=slack"


def test_an_unfurl_gives_its_links_title_and_summary_under_its_canonical_url():
    message = slack.user_message(f"<{URL}>", "1700000000.000100", attachments=[slack.unfurl(URL)])
    assert link_previews(message) == {
        canonical_url(URL): LinkPreview(
            "Strikes cut power in Kyiv as winter deepens",
            "Russian drones struck power stations around Kyiv overnight...",
        )
    }


def test_forwarded_messages_and_attachments_without_a_title_are_no_previews():
    untitled = {**slack.unfurl(URL), "title": "  "}
    message = slack.user_message(
        "", "1700000000.000100", attachments=[slack.forwarded(URL), untitled]
    )
    assert link_previews(message) == {}
    assert link_previews({"attachments": "not a list"}) == {}


def test_a_preview_is_one_line_bounded_and_unescaped():
    unfurl = {**slack.unfurl(URL), "title": "R&amp;D\n spending " + "x" * 400, "text": None}
    [preview] = link_previews({"attachments": [unfurl]}).values()
    assert preview.title.startswith("R&D spending x") and len(preview.title) == 300
    assert preview.description == ""
