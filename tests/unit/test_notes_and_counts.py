"""The one note about a message's dead links, and counts that agree in number (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.briefing.status import ArticleStatus
from bot.ports import Capture, FailedLink
from handlers.blocks import NOTE_LINKS, failure_notice, status_blocks


def test_one_dead_link_reads_as_before_and_several_are_listed_each_with_why():
    one = failure_notice([FailedLink("https://a.example/x", "the page answered 404 Not Found")])
    assert one == (
        "I couldn't read <https://a.example/x>: the page answered 404 Not Found. "
        "It won't appear in briefings."
    )
    several = failure_notice(
        [
            FailedLink("https://a.example/x", "the page answered 404 Not Found"),
            FailedLink("https://b.example/<y>", "the page says <b>nothing</b> & more"),
        ]
    ).splitlines()
    assert several[0] == (
        "I couldn't read 2 of the links you shared; they won't appear in briefings:"
    )
    assert several[1] == "• <https://a.example/x>: the page answered 404 Not Found"
    assert several[2].endswith(": the page says &lt;b&gt;nothing&lt;/b&gt; &amp; more"), (
        "what a page says is escaped: it can mention nobody"
    )


def test_a_message_of_many_dead_links_gets_a_note_that_fits():
    links = [FailedLink(f"https://dead.example/{i}", "it does not resolve") for i in range(45)]
    note = failure_notice(links).splitlines()
    assert note[0].startswith("I couldn't read 45 of the links")
    assert len(note) == 1 + NOTE_LINKS + 1 and note[-1] == f"…and {45 - NOTE_LINKS} more"


def test_one_capture_is_one_link():
    capture = Capture(
        "https://e.example/a", "A", ArticleStatus.DONE, None, "U1", datetime(2025, 3, 4, tzinfo=UTC)
    )
    _, fallback = status_blocks([capture])
    assert "(1 link, 0 failed)" in fallback
