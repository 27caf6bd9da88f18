"""Names as the tagger hands them over: cleaned, split, and told apart from junk (pure).

``clean_name("Prime Minister Keir Starmer's", "PERSON")`` gives ``("Keir Starmer", "Prime
Minister")``; ``split_entity`` cuts a span at the scores, dashes and brackets of results
tables; ``is_junk`` refuses dates, numbers, pronouns and lower-case phrases.
"""

from __future__ import annotations

import re

from bot.briefing import gazetteer
from bot.briefing.gazetteer import PARTICLES, word_set

# Words that precede a name as a title, stripped from person names and kept as a role.
TITLES = word_set(
    """president vice prime minister mr mrs ms miss dr sir dame lord lady king queen prince
    princess pope general gen col colonel capt captain sen senator rep representative gov
    governor chancellor secretary former ex deputy chief judge justice rev reverend sheikh
    ayatollah mayor ambassador commissioner chairman chairwoman chair leader premier coach
    manager professor prof minister foreign defence defense interior finance state home
    health trade speaker envoy officer director executive ceo head"""
)
# Honorifics that make a mention a person whatever the tagger said.
HONORIFICS = word_set("mr mrs ms miss dr sir dame")
# And those of other languages' texts ("M. Bayrou", "Mme Lagarde", "Herr Merz"), which in
# English would take a name's initial ("M. Night Shyamalan") for one.
FOREIGN_HONORIFICS = {
    "fr": word_set("m mm mme mmes mlle mlles dr"),
    "de": word_set("herr frau dr"),
    "es": word_set("sr sra srta dr dra"),
    "it": word_set("sig sigg sig.ra dott dr"),
    "pt": word_set("sr sra dr dra"),
}


def is_honorific(word: str, language: str = "en") -> bool:
    """ "Mr", "Dr."; in a French text "M." and "Mme" too."""
    key = word.casefold().rstrip(".")
    return key in HONORIFICS or key in FOREIGN_HONORIFICS.get(language, frozenset())


PRONOUNS = word_set(
    "i me he she it we they him her us them his its their our you this that these those who one"
)
# Capitalised words of dates and of results tables that are never actors.
NOT_NAMES = word_set(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
    friday saturday sunday today attendance extras scorers result results standings total
    totals halftime note avg pct points table"""
)
_DATE_WORDS = frozenset(
    w
    for w in NOT_NAMES
    if w[:3]
    in {
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    }
)
# Acronyms of things, not actors: "AI laws", "VAT", "GDP".
NOT_NAMES |= word_set("ai gdp gnp cpi vat lng lpg ev evs ipo")
# Capitalised common nouns of other languages that their taggers take for places or
# organisations when they stand alone: "chefs d'État", "coup d'État".
NOT_NAMES |= word_set("état etat")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_EDGE_PUNCT = " \t\n,;:!?\"'“”‘’()[]{}-–—*/"
# A final dot belongs to "U.S." or "Inc.", not to "Leicestershire.".
_KEEP_DOT = re.compile(r"(?:^|[\s.])[A-Za-z]\.$|\b(?:Inc|Co|Corp|Ltd|Jr|Sr|Bros)\.$")


def clean_name(surface: str, label: str = "", language: str = "en") -> tuple[str, str]:
    """Strip a leading "the", titles (for people), possessives and edge punctuation.

    Returns ``(name, title)``: ``("Keir Starmer", "Prime Minister")`` for
    "Prime Minister Keir Starmer's"; the name is "" when nothing is left.
    """
    text = _strip_edges(_POSSESSIVE.sub("", _strip_edges(" ".join(surface.split()))))
    words = text.split(" ")
    if words and words[0].casefold() == "the" and len(words) > 1:
        words = words[1:]
    # "August National Association of Purchasing Management", "September Bund": a date word
    # before a name belongs to the sentence, not the name.
    while len(words) > 1 and words[0].casefold().rstrip(".") in _DATE_WORDS:
        words = words[1:]
    title: list[str] = []
    strip_all = label == "PERSON"
    while len(words) > 1:
        key = words[0].casefold().rstrip(".")
        if is_honorific(key, language) or (strip_all and key in TITLES):
            title.append(words.pop(0))
        elif strip_all and title and key in {"of", "for"}:
            title.append(words.pop(0))
            while len(words) > 2 and words[0].casefold() in TITLES | _MINISTRIES:
                title.append(words.pop(0))
        else:
            break
    return _strip_edges(" ".join(words)), " ".join(title)


def _strip_edges(text: str) -> str:
    text = text.strip(_EDGE_PUNCT).lstrip(".")
    while text.endswith(".") and not _KEEP_DOT.search(text):
        text = text[:-1].rstrip(_EDGE_PUNCT)
    return text


_MINISTRIES = word_set(
    """the state defense defence foreign affairs interior finance health treasury justice
    homeland security energy commerce trade education labor labour transport agriculture
    economy environment war"""
)


# Tagged spans often swallow a score, a dash or a bracket of a results line
# ("Leicestershire 296", "Romania - Cosmin Contra", "Scott Draper (Australia"): split there.
_SEPARATOR = re.compile(
    r"\n|\s[-–—]+\s|[()\[\],;:|]|\s[-+]?\d[\d.,:/-]*(?:st|nd|rd|th)?(?=\s|$)|^\d[\d.,:/-]*\s"
)
_CONNECTOR = re.compile(r"\s(?:at|in|vs?\.?|beats?)(?:\s|$)")
_CAPS_CONNECTOR = re.compile(r"\s(?:AT|IN|VS?\.?|BEATS?)(?:\s|$)")
# Inside an organisation's name "in" and "at" are part of it: "Organisation for Security and
# Cooperation in Europe", "Human Rights in China"; only a match line splits there.
_ORG_CONNECTOR = re.compile(r"\s(?:vs?\.?|beats?)(?:\s|$)")
# Two people in one span: "Laurent Cabannes and Laurent Benezech".
_PEOPLE_AND = re.compile(r"\s(?:and|&)\s(?=[A-Z]\w+\s[A-Z])")


def split_entity(surface: str, label: str = "") -> list[str]:
    """The name-like parts of a tagged span, cut at scores, dashes, brackets and commas."""
    parts = []
    for chunk in _SEPARATOR.split(surface):
        if chunk.isupper():
            connector = _CAPS_CONNECTOR
        else:
            connector = _ORG_CONNECTOR if label == "ORG" else _CONNECTOR
        for piece in connector.split(chunk):
            parts.extend(_PEOPLE_AND.split(piece) if label == "PERSON" else [piece])
    return [p for p in (x.strip() for x in parts) if p]


def is_event(name: str) -> bool:
    return " " in name and name.rsplit(" ", 1)[1].casefold() in gazetteer.EVENT_SUFFIXES


def is_junk(name: str) -> bool:
    """Dates, numbers, pronouns, lower-case phrases, single characters, punctuation."""
    letters = sum(ch.isalpha() for ch in name)
    pronoun = name.casefold() in PRONOUNS and not name.isupper()  # "US" is a country
    if letters < 2 or pronoun or name.casefold() in NOT_NAMES:
        return True
    if sum(ch.isdigit() for ch in name) > letters:
        return True
    return not any(w[:1].isupper() for w in name.split() if w.casefold() not in PARTICLES)


def name_key(name: str) -> str:
    """How two spellings of a name compare: case, curly apostrophes and spacing aside."""
    return " ".join(name.casefold().replace("’", "'").split())
