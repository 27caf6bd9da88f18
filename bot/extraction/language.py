"""The language of an article: what its page declares, checked against its text.

A page declares its language in ``<html lang>``, ``og:locale`` or a ``content-language``
meta tag, in that order of precedence. Declarations are often a site's template default
(an English ``lang="en"`` on every page of a French outlet), so the text has the last word
when there is enough of it: :func:`article_language` applies this rule.

1. The text detector (py3langid) is sure (probability >= ``SURE``) on at least
   ``OVERRIDE_LETTERS`` letters: its answer wins, whatever the page declares.
2. Otherwise the declaration, when the page makes one.
3. Otherwise the detector when it is sure on at least ``MIN_LETTERS`` letters.
4. Otherwise None: unknown (analysed with the default model).

Languages are ISO 639 primary subtags, lower case: "fr" for ``fr-FR``, ``fr_FR`` or ``FR``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

SURE = 0.9  # detector probability from which its answer counts
MIN_LETTERS = 40  # fewer letters than this: the detector guesses (one word is any language)
OVERRIDE_LETTERS = 200  # letters from which a sure detector overrules the page's declaration
DETECTED_CHARS = 20_000  # the start of the text is enough, and keeps detection fast
# Codes that name no language, and retired codes still found on old pages.
_NO_LANGUAGE = frozenset({"und", "mul", "zxx", "mis", "xx"})
_RETIRED = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
_SUBTAG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$")


def primary_subtag(tag: object) -> str | None:
    """ "fr" for "fr-FR", "fr_FR" or " FR "; None for what names no language ("x-default",
    "und", "", "French")."""
    if not isinstance(tag, str):
        return None
    first = tag.split(",")[0].strip().lower()  # content-language may list several
    found = _SUBTAG.match(first)
    if found is None or found.group(1) in _NO_LANGUAGE:
        return None
    code = found.group(1)
    return _RETIRED.get(code, code)


def declared_language(html: str) -> str | None:
    """The language a page declares: ``<html lang>`` (or ``xml:lang``), else ``og:locale``,
    else a ``content-language`` meta tag; None when it declares none we can read."""
    import lxml.html

    end = html.lower().find("</head>")
    try:
        root = lxml.html.document_fromstring(html[: end + 7] if end > 0 else html[:200_000])
    except Exception:  # lxml on hostile markup: no declaration
        return None
    found: list[Any] = [
        root.get("lang"),
        root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        root.get("xml:lang"),
        *root.xpath('//meta[@property="og:locale"]/@content'),
        *root.xpath(
            '//meta[translate(@http-equiv, "CONTENT-LANGUAGE", "content-language")'
            ' = "content-language"]/@content'
        ),
    ]
    return next((code for code in map(primary_subtag, found) if code), None)


def detect_language(text: str) -> tuple[str, float] | None:
    """py3langid's language of ``text`` and its probability; None for a text without
    enough letters to tell."""
    sample = text[:DETECTED_CHARS]
    if _letters(sample) < MIN_LETTERS:
        return None
    code, probability = _identifier().classify(sample)
    language = primary_subtag(code)
    return (language, float(probability)) if language else None


def article_language(text: str, declared: str | None = None) -> str | None:
    """The article's language by the rule in this module's docstring."""
    declared = primary_subtag(declared)
    detected = detect_language(text)
    if detected is None or detected[1] < SURE:
        return declared
    if declared is None or _letters(text[:DETECTED_CHARS]) >= OVERRIDE_LETTERS:
        return detected[0]
    return declared


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


@cache
def _identifier() -> Any:
    """py3langid's model, loaded once per process on first use (about a second), read only
    afterwards: classifying does not change it, so threads may share it."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
