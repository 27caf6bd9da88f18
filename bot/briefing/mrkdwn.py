"""Slack text from Briefbot's values: the one way people's and pages' text enters a Slack text.

Slack reads ``&``, ``<`` and ``>`` as control characters in every text object (mrkdwn and
plain_text) and in a message's fallback ``text``: ``<!here>`` notifies a whole channel,
``<@U1>`` a person, ``<https://x|label>`` is a link whose label need not match its address.
So every text that came from a person, a page or an error goes through :func:`escape`, and
the only ``<...>`` sequences in what Briefbot sends are the ones built here (:func:`link`,
:func:`user`, :func:`channel`, :func:`date`). :func:`cut` shortens a built text without
splitting one of them, or an ``&amp;``-style entity, in two.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
# A Briefbot-built sequence or entity: the units a cut must keep whole.
_UNIT = re.compile(r"<[^<>]*>|&(?:amp|lt|gt);")
_USER_ID = re.compile(r"[UW][A-Z0-9]{1,40}")
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{1,40}")


def escape(text: str) -> str:
    """Slack's three control characters as entities; everything else stays readable."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def is_web_url(url: str) -> bool:
    return url[:8].lower().startswith(("http://", "https://")) and len(url) > 8


def link(url: str, label: str = "") -> str:
    """``<url|label>`` for a web address; any other address gives the label alone, as text.

    Only http(s) addresses are linked, so a stored "URL" can never become ``<!here>`` or
    ``<@U1>``; characters that would end the sequence early are percent-encoded.
    """
    text = escape(label).replace("|", "¦")  # a "|" in the label would start a second label
    if not is_web_url(url):
        return text or escape(url)
    return f"<{_link_target(url)}|{text}>" if text else f"<{_link_target(url)}>"


def _link_target(url: str) -> str:
    # "&" stays as it is: inside <...> it cannot start anything, and Slack's mobile apps
    # have opened "&amp;" in a link's address literally.
    out = []
    for ch in url:
        if ch in "<>|" or ch.isspace() or not ch.isprintable():
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def user(user_id: str) -> str:
    """``<@U123>`` for a Slack user id; anything else is not a user and gives nothing."""
    return f"<@{user_id}>" if _USER_ID.fullmatch(user_id) else ""


def channel(channel_id: str) -> str:
    """``<#C123>`` for a channel id; anything else is shown as text ("#" and the value)."""
    return f"<#{channel_id}>" if _CHANNEL_ID.fullmatch(channel_id) else escape(f"#{channel_id}")


def date(epoch: int, tokens: str, fallback: str) -> str:
    """Slack's date formatting: each reader sees ``tokens`` in their own zone."""
    return f"<!date^{int(epoch)}^{tokens.replace('|', '')}|{escape(fallback)}>"


def cut(text: str, limit: int) -> str:
    """At most ``limit`` characters of built Slack text, ending in "…" when cut.

    The cut falls before a link, mention or entity it would otherwise split, so what is
    left never holds half a ``<...>`` (which Slack would show raw or join with later text).
    """
    if len(text) <= limit:
        return text
    end = max(0, limit - len(ELLIPSIS))
    for unit in _UNIT.finditer(text):
        if unit.start() >= end:
            break
        if unit.end() > end:
            end = unit.start()
            break
    return text[:end].rstrip() + ELLIPSIS


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters of raw (not yet escaped) text, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS
