"""A text directive's words occur on the page as served, in order, and select the sentence
they were built for: checked against the text a browser searches (the body's visible text,
block by block, white space collapsed, case aside) of every seed page."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.briefing.fragments import find_start, find_term, key_point_directive, parse_directive
from bot.briefing.model import KeyPoint
from bot.extraction.html import extract_article
from tests.unit.builders import article

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "articles"
PAGES = sorted(p.name for p in SEEDS.glob("*.html"))
BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
HIDDEN = {"head", "script", "style", "noscript", "template"}
# A sentence in the stored text: ends with . ! or ? (and a closing quote), before a space.
SENTENCE = re.compile(r"[^\n]+?[.!?][\"'”’)]?(?=\s|$)")


def visible_blocks(html: str) -> list[str]:
    """The page's rendered text a browser searches, one string per block."""
    root = lxml.html.fromstring(html)
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            blocks.append(text)
        current.clear()

    def walk(el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in HIDDEN:
            current.append(" ") if el.tail else None
        else:
            if tag in BLOCKS:
                flush()
            current.append(" " if tag == "br" else el.text or "")
            for child in el:
                walk(child)
            if tag in BLOCKS:
                flush()
        current.append(el.tail or "")

    walk(root)
    flush()
    return blocks


def browser_match(directive: str, blocks: list[str]) -> str | None:
    """The text a browser selects for a ``textStart[,textEnd]`` directive (the first
    textStart, then the first textEnd after it), or None when it finds nothing."""
    prefix, start, end, _ = parse_directive(directive)
    page = "\n".join(blocks)
    first = find_start(prefix, start, page)
    if first is None:
        return None
    if not end:
        return page[first[0] : first[1]]
    last = find_term(end, page, first[1])
    return None if last is None else page[first[0] : last[1]]


def same_words(a: str, b: str) -> bool:
    return (
        a.split() == b.split() or " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    )


@cache
def seed(name: str) -> tuple[object, list[str]]:
    html = (SEEDS / name).read_text(encoding="utf-8")
    page = extract_article(html, f"https://seed.example/{name}")
    view = replace(
        article(page.title, url=f"https://seed.example/{name}"),
        text=page.text,
        extraction=page.quality,
    )
    return view, visible_blocks(html)


def check(name: str, point: KeyPoint) -> None:
    view, blocks = seed(name)
    directive = key_point_directive(view, point)  # type: ignore[arg-type]
    if not directive:
        return  # left out: nothing to find
    chosen = browser_match(directive, blocks)
    assert chosen is not None, f"{name}: {directive} is not on the page"
    assert same_words(chosen, point.text), f"{name}: {directive} selects {chosen!r}"


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_sentence_of_a_seed_article_is_found_on_its_page(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(PAGES))
    view, _ = seed(name)
    sentences = list(SENTENCE.finditer(view.text))  # type: ignore[attr-defined]
    found = data.draw(st.sampled_from(sentences))
    text = found.group(0).strip()
    start = found.start() + found.group(0).index(text)
    check(name, KeyPoint(text, start, start + len(text), 1.0))


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGES)
def test_every_key_point_of_a_seed_page_is_found_where_it_links(analyzer, name: str) -> None:
    view, _ = seed(name)
    [analysis] = analyzer.analyze_batch([(view.title, view.text)])  # type: ignore[attr-defined]
    linked = [kp for kp in analysis.key_points if key_point_directive(view, kp)]  # type: ignore[arg-type]
    assert linked, f"{name}: no key point could be linked to its sentence"
    for kp in analysis.key_points:
        check(name, kp)
