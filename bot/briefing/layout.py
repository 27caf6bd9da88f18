"""Evidence from the layout of newswire text: results tables, score lines, datelines.

The tagger guesses worst where text is not prose. :func:`layout_mentions` finds names whose
place in a line says what they are ("Sandrine Testud (France)" is a competitor, "LONDON
1996-08-30" a place, "Reporting by Marta Kalnina" a journalist, "Glamorgan 259" a team), and :func:`caps_lines` finds the ALL-CAPS
headlines and tables where a lone tag should not be trusted.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import pairwise

from bot.briefing import gazetteer
from bot.briefing.gazetteer import PARTICLES
from bot.briefing.model import AnnotatedText, Mention

_WORD = r"[A-Z][\w'’.&-]*"
_NAME = rf"{_WORD}(?:[ \t]+(?:(?:{'|'.join(sorted(PARTICLES))})[ \t]+)?{_WORD}){{0,3}}"
_NUM = r"\d[\d.,/-]*"
# "Sandrine Testud (France)": a ranked name with its country is a competitor.
_WITH_COUNTRY = re.compile(rf"(?<![\w.])({_NAME})[ \t]*\([ \t]*({_NAME})[ \t]*\)")
# "Cosmin Contra (31st)": a scorer and the minute.
_WITH_MINUTE = re.compile(rf"(?<![\w.])({_NAME})[ \t]*\([ \t]*\d+(?:st|nd|rd|th)?(?:[ \t]+pen)?\)")
# "P. Simmons", "T.O'Gorman": initials then a surname.
_INITIALS = re.compile(
    r"(?<![\w.])((?:[A-Z]\.[ \t]?){1,2}[A-Z][a-z]*'?[A-Z]?[a-z]{2,}(?:-[A-Z][a-z]+)?)"
)
# "Glamorgan 259 and 207", "Pohang 3 Ulsan 2": a name directly followed by a score.
_WITH_SCORE = re.compile(rf"(?<![\w.])({_NAME})[ \t]+{_NUM}(?=[\s,;.)]|$)")
# "LONDON 1996-08-30", "WASHINGTON (Reuters) -", "At Headingley:": where the story happens.
_CAPS_NAME = r"[A-Z][A-Z.'’&-]+(?:[ \t]+[A-Z][A-Z.'’&-]+){0,3}"
_DATELINE = re.compile(
    rf"^({_CAPS_NAME})(?:,[^\\n(]{{0,20}})?[ \t]+(?:\d{{4}}-\d\d-\d\d|\((?:Reuters|AP|AFP)\))", re.M
)
_VENUE = re.compile(rf"^At[ \t]+({_NAME})[ \t]*[:(]", re.M)
# "(Reporting by Marta Kalnina in Riga; editing by Tom Hale and Ann Lee)": the journalists.
_BYLINE = re.compile(
    rf"\b(?:[Rr]eporting|[Ww]riting|[Ee]diting|[Cc]ompiled)[ \t]+by[ \t]+({_NAME})"
    rf"(?:[ \t]+and[ \t]+({_NAME}))?"
)


def layout_mentions(doc: AnnotatedText) -> list[tuple[Mention, int]]:
    """Mentions the tagger misses or mistypes in results tables, score lines and datelines.

    Each comes with the weight of its vote: layout is stronger evidence than one tag.
    """
    text = doc.text
    starts = [s.start for s in doc.sentences]
    found: list[tuple[Mention, int]] = []

    def add(match: re.Match[str], group: int, label: str, weight: int) -> None:
        name = match.group(group)
        start = match.start(group)
        sentence = max(0, bisect_right(starts, start) - 1)
        found.append((Mention(name, label, start, start + len(name), sentence), weight))

    for m in _DATELINE.finditer(text):
        add(m, 1, "GPE", 2)
    for m in _VENUE.finditer(text):
        add(m, 1, "FAC", 2)
    for m in _BYLINE.finditer(text):
        for group in (1, 2):
            if m.group(group):
                add(m, group, "PERSON", 2)
    for m in _WITH_COUNTRY.finditer(text):
        if gazetteer.is_country_name(m.group(2)) and not gazetteer.country_of(m.group(1)):
            add(m, 1, "PERSON", 2)
            add(m, 2, "GPE", 1)
    for m in _WITH_MINUTE.finditer(text):
        add(m, 1, "PERSON", 2)
    for m in _INITIALS.finditer(text):
        if not _abbreviation(m.group(1)):
            add(m, 1, "PERSON", 2)
    found += _list_mentions(doc)
    rows = [
        (m.group(1), line_start + m.start(1), _score_label(m.group(1)))
        for line_start, line in _score_lines(text)
        for m in _WITH_SCORE.finditer(line)
    ]
    # The rows of one table name the same kind of thing: "Greenock Morton 3 2 0 1" among
    # "Dundee 3 1 2 0" and "Falkirk 3 1 1 1" is a team too.
    labels = [label for _, _, label in rows if label in {"ORG", "PERSON"}]
    usual = max(sorted(set(labels)), key=labels.count, default="")
    if labels.count(usual) < 2 * (len(labels) - labels.count(usual)) or len(labels) < 3:
        usual = ""
    for name, start, label in rows:
        if label or usual:
            found.append(_score_mention(name, label or usual, start, starts))
    return found


# A list: a line of names cut by commas, semicolons, brackets or numbered dashes ("France - 1 -
# Bernard Lama; 2 - Lilian Thuram (14 - Sabri Lamouchi 87th), 5 - Laurent Blanc").
_LIST_CUT = re.compile(r"[,;()\[\]]|\s[-–—]+\s|\band\b|^")
_ITEM_EDGE = re.compile(
    rf"^(?:{_NUM}[ \t]*[-–—.]?[ \t]*)+|[ \t]+(?:{_NUM}(?:st|nd|rd|th)?|mins?|pen|captain)\.?$"
)
_LIST_NAME = re.compile(_NAME)
MIN_LIST_ITEMS = 4
# Share of a list's names the tagger must type alike (and at least two, twice any other type)
# before the rest are given that type; fitted on the even CoNLL dev documents, flat on the odd.
LIST_AGREEMENT = 0.1


def _list_mentions(doc: AnnotatedText) -> list[tuple[Mention, int]]:
    """Items of one list are the same kind of thing: where most of a list's names are tagged
    as people (or as organisations), its untagged and mistagged names are given that type."""
    tagged = sorted((m.start, m.end, m.label) for m in doc.mentions)
    starts = [s.start for s in doc.sentences]
    found: list[tuple[Mention, int]] = []
    pos = 0
    for line in doc.text.split("\n"):
        items = _list_items(line, pos)
        pos += len(line) + 1
        if len(items) < MIN_LIST_ITEMS:
            continue
        labels = [_label_at(tagged, start, end) for _, start, end in items]
        votes = [lab for lab in labels if lab in _NAME_LABELS]
        label = max(sorted(set(votes)), key=votes.count, default="")
        runner_up = max((votes.count(v) for v in set(votes) - {label}), default=0)
        agree = votes.count(label)
        if label not in {"PERSON", "ORG"} or agree < max(2, LIST_AGREEMENT * len(items)):
            continue
        if agree < 2 * runner_up:
            continue
        for name, start, end in items:
            sentence = max(0, bisect_right(starts, start) - 1)
            found.append((Mention(name, label, start, end, sentence), 2))
    return found


def _list_items(line: str, offset: int) -> list[tuple[str, int, int]]:
    """The names of a line that is a list of names; [] when it is prose."""
    cuts = [m.end() for m in _LIST_CUT.finditer(line)] + [len(line) + 1]
    pieces = [(a, line[a : b - 1]) for a, b in pairwise(cuts)]
    items, other = [], 0
    for at, piece in pieces:
        bare = _ITEM_EDGE.sub("", piece.strip())
        if not bare.strip(" .-–—"):
            continue
        start = at + piece.index(bare[:1]) if bare else at
        if _LIST_NAME.fullmatch(bare) and bare.split()[0].casefold() not in _NOT_ITEMS:
            items.append((bare, offset + start, offset + start + len(bare)))
        else:
            other += 1
    return items if other <= len(items) // 3 else []


_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
_NOT_ITEMS = frozenset({"the", "a", "an", "in", "at", "on", "but", "he", "she", "they", "it"})


def _label_at(tagged: list[tuple[int, int, str]], start: int, end: int) -> str:
    i = bisect_right(tagged, (start, 1 << 62, ""))
    for s, e, label in tagged[max(0, i - 3) : i + 3]:
        if s < end and start < e:
            return label
    return ""


def _score_lines(text: str) -> list[tuple[int, str]]:
    """Lines of a results table: at least two numbers and few lower-case words."""
    out, pos = [], 0
    for line in text.split("\n"):
        words = line.split()
        numbers = sum(bool(re.fullmatch(_NUM, w.strip(",;.()"))) for w in words)
        lower = sum(w[:1].islower() for w in words)
        if numbers >= 2 and lower <= max(2, len(words) // 4):
            out.append((pos, line))
        pos += len(line) + 1
    return out


def _score_label(name: str) -> str:
    if gazetteer.is_country_name(name):
        return "GPE"
    if _INITIALS.fullmatch(name):
        return "PERSON"
    if " " not in name or name.isupper():
        return "ORG"
    return ""


def _score_mention(name: str, label: str, start: int, starts: list[int]) -> tuple[Mention, int]:
    sentence = max(0, bisect_right(starts, start) - 1)
    return Mention(name, label, start, start + len(name), sentence), 2


_COMPASS = {"N": "North", "S": "South", "E": "East", "W": "West"}


def _abbreviation(name: str) -> bool:
    """Initials that abbreviate a body or a country, not a person's first names: "U.N.
    High", "U.S. Senate", "S. Korea" (South Korea), "N. Korean"."""
    initials, _, rest = name.rpartition(".")
    letters = initials.replace(".", "").replace(" ", "")
    word = rest.strip().split("-")[0]
    if gazetteer.country_of(initials + ".") or gazetteer.country_of(letters):
        return True
    if len(letters) > 1 and gazetteer.org_long_form(letters):
        return True
    return letters in _COMPASS and gazetteer.country_of(f"{_COMPASS[letters]} {word}") is not None


def caps_lines(text: str) -> list[tuple[int, int]]:
    """Spans of ALL-CAPS lines (headlines, tables), where the tagger guesses worst."""
    spans, pos = [], 0
    for line in text.split("\n"):
        letters = [ch for ch in line if ch.isalpha()]
        if len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.9 * len(letters):
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect_right(spans, (start, 1 << 62))
    return any(s < end and start < e for s, e in spans[max(0, i - 2) : i + 1])
