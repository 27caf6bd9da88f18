"""Domain values of Briefbot's pure core.

Nothing here imports Slack, SQLAlchemy, httpx or spaCy: the NLP adapter turns a spaCy
``Doc`` into an :class:`AnnotatedText`, and the algorithms in this package work on that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.briefing.fragments import sentence_link
from bot.briefing.status import AnalysisStatus, StoryStatus, TextQuality


class ActorType(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    PLACE = "place"
    GROUP = "group"


# --- what the NLP adapter hands to the pure core -------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    lemma: str  # lower-cased lemma
    pos: str  # universal POS tag ("NOUN", "PROPN", ...)
    is_stop: bool
    start: int  # character offset in AnnotatedText.text
    end: int
    ent_label: str = ""  # spaCy entity label of the entity covering it, "" if none


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    tokens: tuple[Token, ...]


@dataclass(frozen=True, slots=True)
class Mention:
    """One named-entity mention as the tagger saw it (label is spaCy's: PERSON, ORG, ...)."""

    text: str
    label: str
    start: int
    end: int
    sentence: int  # index into AnnotatedText.sentences


@dataclass(frozen=True, slots=True)
class AnnotatedText:
    text: str
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    title: str = ""
    # The language of the pipeline that tagged the text: word lists that would misfire in
    # another language (the key points' English opinion words) apply to "en" only.
    language: str = "en"


# --- what analysis produces ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyPoint:
    text: str
    start: int  # character offsets into the article's main text
    end: int
    score: float
    rank: int = 0  # 0 is best


@dataclass(frozen=True, slots=True)
class Actor:
    name: str  # canonical, full form ("Donald Trump")
    type: ActorType
    aliases: tuple[str, ...] = ()  # other surface forms seen ("Trump", "Donald Trump's")
    mentions: int = 1
    salience: float = 0.0  # 0..1, from title, lead and mention count
    role: str | None = None  # "French President" when the text gives one
    country: str | None = None  # for groups: "Ukrainian" -> "Ukraine"


@dataclass(frozen=True, slots=True)
class Analysis:
    key_points: tuple[KeyPoint, ...]
    actors: tuple[Actor, ...]
    language: str | None = None  # the text's language ("fr"); None: unknown (read as English)
    status: AnalysisStatus = AnalysisStatus.ANALYSED  # else no key points and no actors


# --- what a briefing is built from ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShareInfo:
    user_id: str
    channel_id: str
    shared_at: datetime


@dataclass(frozen=True, slots=True)
class ArticleView:
    """A stored, analysed article as the briefing composer sees it."""

    id: int
    url: str
    title: str
    outlet: str
    published_at: datetime | None
    first_shared_at: datetime
    key_points: tuple[KeyPoint, ...]
    actors: tuple[Actor, ...]
    shares: tuple[ShareInfo, ...] = ()
    text: str = ""
    relevance: float = 0.0  # topic match strength, 0..1
    matched: tuple[str, ...] = ()  # terms or actors that made it match
    extraction: TextQuality = TextQuality.FULL  # partial or metadata: a teaser, not the article
    same_as: str = ""  # the address the page declares, when it has one (canonical link, og:url)
    language: str | None = None  # "fr"; None: unknown
    analysis: AnalysisStatus = AnalysisStatus.ANALYSED  # else no key points, no actors


@dataclass(frozen=True, slots=True)
class CitedPoint:
    text: str
    url: str  # the article's
    outlet: str
    sources: int = 1  # distinct outlets of the story that state this fact (corroboration)
    directive: str = ""  # a text directive that finds the sentence there (bot.briefing.fragments)

    @property
    def link(self) -> str:
        """The article's URL, opening at the sentence when the page would show it."""
        return sentence_link(self.url, self.directive)


@dataclass(frozen=True, slots=True)
class ActorCount:
    name: str
    type: ActorType
    articles: int
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    headline: str
    url: str
    articles: tuple[ArticleView, ...]
    points: tuple[CitedPoint, ...]
    actors: tuple[ActorCount, ...]
    score: float
    status: StoryStatus = StoryStatus.UNKNOWN
    shared_by: tuple[str, ...] = ()

    @property
    def sources(self) -> int:
        return len({a.outlet or a.url for a in self.articles})

    @property
    def matched(self) -> tuple[str, ...]:
        """Why the story is in a briefing: the words or actors its articles matched the topic
        by, its best-matching article's first (none in a digest, which matches no topic)."""
        return tuple(dict.fromkeys(m for a in self.articles for m in a.matched))

    @property
    def reading(self) -> TextQuality:
        """How much of the story Briefbot could read: its fullest article's text. Partial
        or metadata means the reader sees a teaser or a description, not the articles."""
        order = (TextQuality.FULL, TextQuality.PARTIAL, TextQuality.METADATA)
        return min((a.extraction for a in self.articles), key=order.index, default=order[0])


@dataclass(frozen=True, slots=True)
class BriefingAsk:
    """What a briefing was composed from, so that the stories it left out can be asked for
    again ("More stories"): a topic and its terms, or a channel's digest, over a window."""

    topic: str  # the topic searched; a digest's title
    since: datetime
    until: datetime
    terms: tuple[str, ...] = ()
    digest: bool = False


@dataclass(frozen=True, slots=True)
class Briefing:
    topic: str
    since: datetime
    until: datetime
    stories: tuple[Story, ...]
    leading_actors: tuple[ActorCount, ...] = ()
    matched: tuple[str, ...] = ()
    new_actors: tuple[str, ...] = ()
    article_count: int = 0
    omitted_stories: int = 0  # ranked after these stories, not shown
    empty_message: str = ""
    first: int = 1  # the number of its first story: more than 1 for the rest of a briefing
    asked: BriefingAsk | None = None  # None: the stories left out cannot be asked for

    @property
    def is_empty(self) -> bool:
        return not self.stories
