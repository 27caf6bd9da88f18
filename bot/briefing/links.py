"""Links: canonical article URLs and the links inside a Slack message (pure)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Why not courlan (trafilatura's URL library): canonical URLs are stored as the key that
# joins a new share to an article already read, so their rules cannot move with a
# dependency, and courlan.normalize_url/clean_url differ from ours case by case. It keeps
# the fragment (strict=True drops it, but then keeps only whitelisted query parameters),
# leaves "https://example.com" without its "/" and "example.com." with its dot, decodes
# punycode to Unicode where we encode to ASCII, lower-cases the user name, rewrites the path
# ("//" and "/../" collapsed, spaces quoted), drops blank parameters ("?id="), and refuses
# nothing (ftp:, mailto:, port 99999, "exa mple.com" all come back as URLs). Its tracker
# pattern also strips real parameters (source, keyword, session, uid, campaign_id) and
# misses some of ours (ocid, cmpid, smid, si, spm, share, guccounter...). test_links.py
# pins the fragment, "/", dot, punycode and refusal cases.

# Query parameters that identify a campaign or a click, never the article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ocid",
        "cmpid",
        "cmp",
        "ito",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "smid",
        "smtyp",
        "share",
        "shared",
        "s_cid",
        "sr_share",
        "taid",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "_ga",
        "_gl",
        "mkt_tok",
        "spm",
        "si",
        "trk",
        "trkcampaign",
        "vero_id",
        "wt_mc",
        "wt.mc_id",
        "xtor",
        "__twitter_impression",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "itm_", "oly_")
DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*")

# <https://x|label>, <https://x>; not <@U1>, <#C1|name>, <!here>
_SLACK_LINK = re.compile(r"<(https?://[^>|\s]+)(?:\|[^>]*)?>", re.IGNORECASE)
_BARE_LINK = re.compile(r"(?<![<|\w])(https?://[^\s<>|]+)", re.IGNORECASE)


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The form two shares of one article have in common.

    Lower-cases scheme and host, drops the fragment, default ports, tracking parameters
    and an empty query, sorts what query remains, and keeps the path exactly.
    Raises ``ValueError`` for something that is not an absolute http(s) URL.
    """
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"only http and https links are read, not {scheme or 'this'!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError("the link has no host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the link has an invalid port") from None
    try:
        netloc = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError:
        raise ValueError("the link's host name is not valid") from None
    if ":" not in netloc and not _HOST.fullmatch(netloc):
        raise ValueError("the link's host name is not valid")
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    if port and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    query.sort()
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def links_in_text(text: str) -> list[str]:
    """The http(s) links of a Slack message's text, in order, unescaped, without repeats."""
    if not text:
        return []
    found = [m.group(1) for m in _SLACK_LINK.finditer(text)]
    if not found:
        found = [m.group(1).rstrip(".,;:!?)") for m in _BARE_LINK.finditer(text)]
    return _unique(html.unescape(u) for u in found)


def links_in_blocks(blocks: Iterable[Mapping[str, Any]] | None) -> list[str]:
    """``url`` of every ``link`` element in rich_text blocks, however deeply nested."""
    out: list[str] = []
    # A stack, not recursion: a payload nested as deep as JSON allows must not exhaust
    # Python's stack under the web server's and Bolt's frames.
    stack: list[Any] = [list(blocks or [])]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            if node.get("type") == "link" and isinstance(node.get("url"), str):
                out.append(node["url"])
            stack.extend(v for v in list(node.values())[::-1] if isinstance(v, list | dict))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return _unique(u for u in out if u.lower().startswith(("http://", "https://")))


def links_in_message(message: Mapping[str, Any]) -> list[str]:
    """Links of a message event: its text, its rich_text blocks and its attachments."""
    found = _text_and_blocks(message)
    attachments = message.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else ():
        if isinstance(attachment, Mapping):
            found += links_in_attachment(attachment)
    return _unique(found)


# An unfurl names its page in these, the link as pasted first; one attachment is one page,
# so a page's canonical or AMP twin in title_link does not become a second article.
_UNFURL_URL_FIELDS = ("original_url", "from_url", "title_link")


def links_in_attachment(attachment: Mapping[str, Any]) -> list[str]:
    """The links an attachment carries for the person who posted the message.

    A forwarded or shared message (``is_share``, ``is_msg_unfurl``) carries the original
    message: its links are in its text and blocks, while its ``from_url`` is only the
    Slack permalink of that message. Any other attachment is an unfurl of one page.
    """
    if _forwarded(attachment):
        found = _text_and_blocks(attachment)
        inner = attachment.get("message_blocks")  # [{"message": {"blocks": [...]}}, ...]
        return found + links_in_blocks(inner if isinstance(inner, list) else None)
    for name in _UNFURL_URL_FIELDS:
        url = attachment.get(name)
        if isinstance(url, str) and _unique([url]):
            return [url]
    return []


def _forwarded(attachment: Mapping[str, Any]) -> bool:
    return bool(attachment.get("is_share") or attachment.get("is_msg_unfurl"))


@dataclass(frozen=True, slots=True)
class LinkPreview:
    """What Slack's unfurl of a link showed in the message: the page's title and summary,
    kept as the article's metadata when the page itself shows nothing to read."""

    title: str
    description: str = ""


PREVIEW_TITLE_CHARS = 300
PREVIEW_TEXT_CHARS = 1_000


def link_previews(message: Mapping[str, Any]) -> dict[str, LinkPreview]:
    """Canonical URL -> the preview Slack unfurled for it in this message (attachments with
    a title; forwarded messages are not unfurls)."""
    attachments = message.get("attachments")
    found: dict[str, LinkPreview] = {}
    for attachment in attachments if isinstance(attachments, list) else ():
        if not isinstance(attachment, Mapping) or _forwarded(attachment):
            continue
        title, text = attachment.get("title"), attachment.get("text")
        urls = links_in_attachment(attachment)
        if not urls or not isinstance(title, str) or not title.strip():
            continue
        try:
            key = canonical_url(urls[0])
        except ValueError:
            continue
        found.setdefault(
            key,
            LinkPreview(
                _one_line(title)[:PREVIEW_TITLE_CHARS],
                _one_line(text)[:PREVIEW_TEXT_CHARS] if isinstance(text, str) else "",
            ),
        )
    return found


def _one_line(text: str) -> str:
    return " ".join(html.unescape(text).split())


def _text_and_blocks(message: Mapping[str, Any]) -> list[str]:
    text = message.get("text")
    blocks = message.get("blocks")
    return [
        *links_in_text(text if isinstance(text, str) else ""),
        *links_in_blocks(blocks if isinstance(blocks, list) else None),
    ]


def _unique(urls: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for u in urls:
        try:
            key = canonical_url(u)
        except ValueError:
            continue
        if key not in seen:
            seen.add(key)
            out.append(u)
    return out
