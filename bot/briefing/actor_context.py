"""What the words around a mention say: titles before a name, the token after it.

``role`` reads a person's role from the text ("French President", "Hong Kong Chief
Executive"); ``is_title_fragment`` spots an organisation that is only part of a title
("Energy Secretary"); ``reads_as_common_noun`` a capitalised word the text also uses as an
ordinary word.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from bot.briefing import gazetteer
from bot.briefing.gazetteer import word_set
from bot.briefing.model import AnnotatedText, Mention, Token
from bot.briefing.names import TITLES, clean_name, is_honorific


def reads_as_common_noun(doc: AnnotatedText, tok: Token) -> bool:
    """A capitalised sentence opener the tagger calls a noun (here or in another sentence),
    or that the text also writes in lower case ("Bias in ..." where "bias" occurs too)."""
    if tok.text.isupper():
        return tok.pos in _COMMON_POS
    if tok.pos in _COMMON_POS or any(
        t.text == tok.text and t.pos in _COMMON_POS for s in doc.sentences for t in s.tokens
    ):
        return True
    return re.search(rf"\b{re.escape(tok.text.lower())}\b", doc.text) is not None


_COMMON_POS = frozenset({"NOUN", "ADJ", "VERB", "ADV"})


def token_after(doc: AnnotatedText, mention: Mention) -> Token | None:
    if mention.sentence >= len(doc.sentences):
        return None
    tokens = doc.sentences[mention.sentence].tokens
    return next((t for t in tokens if t.start >= mention.end and not t.text.isspace()), None)


# Nouns after a name that make it a product, not a person: "the Claude chatbot".
PRODUCT_NOUNS = word_set(
    """chatbot chatbots app apps model models software platform device phone phones assistant
    browser console tablet laptop brand drug vaccine"""
)
# A government portfolio alone ("Trade will be on the agenda", "Energy Secretary") is a
# subject or part of a title, never an actor by itself.
PORTFOLIOS = word_set(
    """defense defence foreign interior finance health justice energy trade education
    transport agriculture economy environment culture science technology housing"""
)
# Government titles: the portfolio before or after one is part of the title, not an
# organisation ("Energy Secretary Ed Miliband", "Secretary of Defense Peter Hegseth").
GOVERNMENT_TITLES = word_set("secretary minister commissioner secretary-general undersecretary")


def is_title_fragment(doc: AnnotatedText, mention: Mention) -> bool:
    if mention.label != "ORG":
        return False
    name, _ = clean_name(mention.text)
    words = name.split()
    if not words or gazetteer.org_long_form(name) or gazetteer.is_known_organization(name):
        return False
    if words[-1].casefold() in gazetteer.ORG_SUFFIXES:
        return False
    after = token_after(doc, mention)
    if (
        after is not None
        and len(words) <= 2
        and after.text[:1].isupper()
        and after.text.casefold() in GOVERNMENT_TITLES
    ):
        return True
    before = tokens_before(doc, mention, limit=2)
    return (
        len(before) == 2
        and before[1].text.casefold() in {"of", "for"}
        and before[0].text.casefold() in GOVERNMENT_TITLES
    )


def person_role(doc: AnnotatedText, mention: Mention, title: str) -> str:
    """Title words and a nationality just before a person's name: "French President"."""
    if title and not is_honorific(title.split()[0], doc.language):
        return title
    tokens = tokens_before(doc, mention, limit=8)
    i = len(tokens) - 1
    words: list[str] = []
    while i >= 0 and (
        _is_title_token(tokens[i])
        or (words and i > 0 and tokens[i].text in {"of", "for"} and _is_title_token(tokens[i - 1]))
    ):
        words.insert(0, tokens[i].text)
        i -= 1
    if not words:
        return ""
    # The place or nationality before the title, whole: "Hong Kong Chief Executive".
    label = tokens[i].ent_label if i >= 0 else ""
    while i >= 0 and label in {"NORP", "GPE"} and tokens[i].ent_label == label:
        if not tokens[i].text[:1].isupper():
            break
        words.insert(0, tokens[i].text)
        i -= 1
    return " ".join(words)


def tokens_before(doc: AnnotatedText, mention: Mention, *, limit: int) -> list[Token]:
    """Up to ``limit`` word tokens before a mention, crossing one sentence boundary."""
    out: list[Token] = []
    for si in range(
        min(mention.sentence, len(doc.sentences) - 1), max(-1, mention.sentence - 2), -1
    ):
        tokens = doc.sentences[si].tokens
        i = bisect_right([t.start for t in tokens], mention.start - 1)
        for t in reversed(tokens[max(0, i - limit) : i]):
            if t.end <= mention.start and not t.text.isspace():
                out.append(t)
        if len(out) >= limit:
            break
    return out[:limit][::-1]


def _is_title_token(tok: Token) -> bool:
    key = tok.text.casefold().rstrip(".")
    return key in TITLES and (tok.text[:1].isupper() or key in {"former", "ex"})


_QUOTE = re.compile(r'"|“|”|«|»')
_CLOSING = ("”", "»")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted remarks: between paired quotation marks (English or French «...»)
    within a paragraph (one left open runs to the paragraph's end, as a quote continued in
    the next paragraph does)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for paragraph in text.split("\n"):
        opened = -1
        for m in _QUOTE.finditer(paragraph):
            closes = m.group() in _CLOSING or (m.group() == '"' and opened >= 0)
            if opened >= 0 and closes:
                spans.append((pos + opened, pos + m.end()))
                opened = -1
            elif m.group() not in _CLOSING:
                opened = m.start()
        if opened >= 0:
            spans.append((pos + opened, pos + len(paragraph)))
        pos += len(paragraph) + 1
    return spans


def used_in_lower_case(doc: AnnotatedText, word: str) -> bool:
    """Whether the text also writes this one-word name as an ordinary word ("lung")."""
    lower = word.lower()
    return (
        lower != word and re.search(rf"(?<![\w-]){re.escape(lower)}(?![\w-])", doc.text) is not None
    )
