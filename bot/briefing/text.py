"""Sentence-level helpers for news text: lead matter to strip, boilerplate to refuse.

Pure string functions; key-point selection uses them so that a byline, a photo credit or a
"Read more" line never becomes a key point, and so that a key point does not start with a
dateline such as ``WASHINGTON (CNN) --``.
"""

from __future__ import annotations

import re

# Things that may open a sentence but are not part of what it says. Each pattern matches at
# the start of the text; they are applied until none matches.
_LEAD_MATTER = [
    # "(CNN)", "New Delhi, India (CNN) -- ", "LONDON (Reuters) - "
    re.compile(
        r"^(?:[A-Z][\w.'’-]*(?:[ ,]+[A-Z][\w.'’-]*){0,5},?\s*)?"
        r"\((?:CNN|AP|Reuters|AFP|UPI|Bloomberg|dpa|EW\.com|CNN Student News)\)\s*"
        r"(?:--|—|–|-)?\s*"
    ),
    # wire datelines with any agency and a date: "KYIV, Feb 18 (Baltic Wire) - "
    re.compile(
        r"^[A-Z][A-Z.'’-]{1,}(?:[ ,]+[A-Z][\w.'’-]*){0,3},?\s*"
        r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s*)?\([^()]{2,40}\)\s*(?:--|—|–|-)\s*"
    ),
    # "WASHINGTON — ", "CNN — ", "KYIV, Ukraine -- "
    re.compile(r"^[A-Z][A-Z.'’-]{1,}(?:[ ,]+[A-Z][\w.'’-]*){0,4}\s*(?:--|—|–)\s+"),
    # "By . Daily Mail Reporter . ", "By . Jane Doe and John Roe . "
    re.compile(r"^By\s+\.\s+[^.]{1,80}?\s+\.\s*"),
    # "PUBLISHED: . 12:01 EST, 3 May 2013 . | . UPDATED: . 14:20 EST, 3 May 2013 . "
    re.compile(
        r"^(?:PUBLISHED|UPDATED|Published|Updated|Last updated)\s*:?\s*\.?\s*"
        r"[^|]{0,60}?\b(?:19|20)\d\d\b\s*\.?\s*(?:\|\s*\.?\s*)?"
    ),
    re.compile(r"^(?:Scroll down for (?:video|more)|Scroll down|Advertisement)\b[.\s]*"),
    re.compile(r"^(?:UPDATE|UPDATED|EXCLUSIVE|BREAKING(?: NEWS)?|WATCH|VIDEO|PHOTOS?)\s*:\s*"),
    re.compile(r"^(?:--|—|–|-|\.|\||•|·)\s*"),
]

# A sentence that matches one of these is not an article's statement.
_BOILERPLATE = [
    re.compile(
        r"^\W*(?:Reporting by|Written by|Additional reporting(?: by)?|Editing by|"
        r"Compiled by|Writing by|Story by|Words by)\s+[A-Z]"
    ),
    # "By Jane Doe", "By Jane Doe and John Roe, CNN"
    re.compile(r"^\W*By\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}\s*(?:$|[,|•\n]|and\s+[A-Z])"),
    re.compile(
        r"^\W*(?:Read more|Related(?: articles| stories| coverage)?\s*:|See also|More\s*:|"
        r"Sign up|Subscribe|Click here|Follow (?:us|him|her|them|@|[A-Z]\w* on)|Share this|"
        r"Watch\s*:|Listen\s*:|Advertisement|Image\s*:|Photo\s*:|Video\s*:|Caption\s*:|"
        r"Credit\s*:|Source\s*:|Contact\s*:|Email\s*:|Tags?\s*:|Filed under|"
        r"Scroll down|Continue reading|Don't miss|Recommended|Trending|"
        r"(?:PUBLISHED|UPDATED|Published|Updated|Last updated)\b)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\((?:AP|Reuters|AFP|Getty|EPA|PA|Xinhua)?\s*Photos?\b[^)]*\)|"
        r"\b(?:Getty Images|Shutterstock|AFP via Getty|Associated Press Photo|"
        r"Photo(?:graph)?s? (?:by|courtesy|credit)|Image(?:s)? (?:by|courtesy|credit)|"
        r"All rights reserved|newsletter|Terms of (?:Use|Service)|Privacy Policy|"
        r"cookies? (?:policy|settings)|click here|Read more|Scroll down for video)\b",
        re.IGNORECASE,
    ),
    re.compile(r"©|\(c\)\s*(?:19|20)\d\d|\bCopyright\b", re.IGNORECASE),
    # a dateline alone: "Tuesday, March 3, 2015 10:02 AM EST"
    re.compile(
        r"^\W*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s*)?(?:\d{1,2}\s+)?"
        r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,4}"
        r"(?:st|nd|rd|th)?,?\s*(?:(?:19|20)\d\d)?[\s\d:.,|APMESTGMTUC-]*$"
    ),
]

# Captions in some outlets ("Pictured: ..."; "Jane Doe (left) ...") read like sentences.
_CAPTION_HINT = re.compile(
    r"\((?:pictured|left|right|centre|center|above|below|inset)\b|"
    r"\bpictured\b|^[A-Z][\w' -]{1,30}:\s",
    re.IGNORECASE,
)


# Where a caption without a full stop runs into the next sentence ("... in 2013 The man
# was ...", "... on her face An 86-year-old nun ..."): a lower-case end, then a word that
# only opens sentences, capitalised.
_RUN_ON = re.compile(
    r"(?<=[a-z0-9%)'’\]]) {1,3}(?="
    r"(?:The|A|An)\s(?!and\b|or\b)[a-z0-9]|"
    r"(?:In|On|At|He|She|It|They|We|His|Her|Their|But|This|These|Those|After|When|While|"
    r"According|Scroll down)\s)"
)


def run_on_breaks(text: str) -> list[int]:
    """Offsets in ``text`` where a run-on caption, a second sentence or a new line starts.

    A statement never spans a line break: extracted article text puts one paragraph (or one
    caption, one byline) a line, and the sentence splitter may join two of them.
    """
    cuts = {m.end() for m in _RUN_ON.finditer(text)}
    cuts.update(m.end() for m in re.finditer(r"\n\s*", text))
    return sorted(c for c in cuts if 0 < c < len(text))


def lead_matter_end(text: str) -> int:
    """Length of the dateline, byline or "PUBLISHED:" matter that opens ``text``."""
    pos = 0
    for _ in range(8):
        rest = text[pos:]
        for pattern in _LEAD_MATTER:
            m = pattern.match(rest)
            if m and m.end() > 0:
                pos += m.end()
                break
        else:
            break
    return pos


def is_boilerplate(text: str) -> bool:
    """True for bylines, credits, "Read more"/newsletter lines, copyright and date lines."""
    return any(p.search(text) for p in _BOILERPLATE)


def is_question(text: str) -> bool:
    return text.rstrip(" \"'”’)").endswith("?")


def is_quote(text: str) -> bool:
    """A sentence that opens with a quotation mark: someone's words, not the report."""
    return text[:1] in "'\"‘“«„"


def looks_like_caption(text: str) -> bool:
    return bool(_CAPTION_HINT.search(text))


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


# What marks a sentence as the writer's view or guess rather than the report: hedges and
# speculation, the writer or reader in person ("I", "we", "you") outside quoted words, and an
# exclamation. Quoted remarks are someone's words on the record, so they are left out first.
_QUOTED = re.compile(
    r"[\"“][^\"“”]*[\"”]|‘[^‘’]*’|«[^«»]*»|„[^„“”]*[“”]|"
    r"(?:^|(?<=\s))'(?:[^']|'(?=\w))+'(?=[\s,.;:!?]|$)"
)
_HEDGE = re.compile(
    r"\b(?:probably|perhaps|maybe|arguably|surely|presumably|apparently|supposedly|"
    r"seemingly|of course|needless to say|let's|imagine)\b|!",
    re.IGNORECASE,
)
# Case matters here: "US" is a country, "us" the writer.
_IN_PERSON = re.compile(
    r"\b(?:I|I'm|I've|I'd|[Mm]e|[Mm]y|[Ww]e|[Ww]e're|[Ww]e've|us|[Oo]ur|"
    r"[Yy]ou|[Yy]ou're|[Yy]ou've|[Yy]our)\b"
)


def is_opinion(text: str, *, english: bool = True) -> bool:
    """True for speculation, first or second person outside quotes, or an exclamation.

    The words are English ones: in another language only the exclamation is looked for
    (French "me", Spanish "me" are no writer speaking in person)."""
    said = _QUOTED.sub(" ", text)
    if not english:
        return "!" in said
    return bool(_HEDGE.search(said) or _IN_PERSON.search(said))
