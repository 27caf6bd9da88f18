"""The spaCy adapter: load each language's pipeline once, annotate texts in batches.

It turns spaCy ``Doc`` objects into the pure core's :class:`AnnotatedText`, so key-point
selection and actor resolution never see spaCy. A text is analysed by the pipeline of its
language (``BRIEFBOT_SPACY_MODEL`` for English and for texts whose language is unknown,
``BRIEFBOT_SPACY_MODELS`` for others); a text in a language without one is not analysed at
all (``AnalysisStatus.UNSUPPORTED_LANGUAGE``), since another language's pipeline only finds
nonsense in it ("la Russie" a person, "Bruxelles que" an organisation).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.briefing.actors import resolve_actors
from bot.briefing.keypoints import select_key_points
from bot.briefing.model import Analysis, AnnotatedText, Mention, Sentence, Token
from bot.briefing.status import AnalysisStatus
from bot.config import DEFAULT_SPACY_MODEL
from bot.extraction.language import article_language
from bot.extraction.pipelines import TagAttributes, load_analysis_pipeline, load_pipeline
from bot.ports import AnalysisInput

# load_pipeline and load_analysis_pipeline are read from here by the benchmarks.
__all__ = [
    "MAX_CHARS",
    "SpacyAnalyzer",
    "analyze_annotated",
    "load_analysis_pipeline",
    "load_pipeline",
    "to_annotated",
]

# Longer texts are cut: spaCy's memory grows with length and news never needs more.
MAX_CHARS = 100_000
ENGLISH = "en"
# The core reads OntoNotes labels (en_core_web_*); the *_core_news_* pipelines of other
# languages tag PER, ORG, LOC and MISC (WikiNER). MISC (nationalities, events, works, all
# in one) is no actor type and stays as it is.
LABELS = {"PER": "PERSON"}
T = TypeVar("T")


def to_annotated(
    doc: Any, title: str = "", tags: TagAttributes | None = None, *, language: str = ENGLISH
) -> AnnotatedText:
    """``tags`` gives POS and lemmas when the pipeline ran without ruler and lemmatizer;
    ``language`` is the pipeline's. Entities come with OntoNotes labels (:data:`LABELS`)."""
    ents = list(doc.ents) if language == ENGLISH else _without_determiners(doc.ents)
    ent_of: dict[int, str] = {}
    for ent in ents:
        for tok in ent:
            ent_of[tok.i] = LABELS.get(ent.label_, ent.label_)
    sentences: list[Sentence] = []
    sent_index: dict[int, int] = {}
    for si, sent in enumerate(doc.sents):
        toks = tuple(
            Token(
                text=t.text,
                lemma=lemma.lower(),
                pos=pos,
                is_stop=t.is_stop,
                start=t.idx,
                end=t.idx + len(t.text),
                ent_label=ent_of.get(t.i, ""),
            )
            for t in sent
            for pos, lemma in (tags.pos_lemma(t) if tags else (t.pos_, t.lemma_),)
        )
        sentences.append(Sentence(sent.start_char, sent.end_char, sent.text, toks))
        sent_index[sent.start] = si
    mentions = tuple(
        Mention(
            e.text,
            LABELS.get(e.label_, e.label_),
            e.start_char,
            e.end_char,
            sent_index.get(e.sent.start, 0),
        )
        for e in ents
    )
    return AnnotatedText(
        text=doc.text,
        sentences=tuple(sentences),
        mentions=mentions,
        title=title,
        language=language,
    )


def _without_determiners(ents: Iterable[Any]) -> list[Any]:
    """Entities without a lower-case determiner the tagger let in ("la Russie", "l'Europe",
    "der Bundestag" inside a sentence); "La Paz" and "Le Monde" keep theirs. (English spans
    are left as they are: the core drops a leading "the" itself.)"""
    out = []
    for span in ents:
        start = span.start
        while start < span.end and span.doc[start].pos_ == "DET" and span.doc[start].is_lower:
            start += 1
        if start < span.end:
            trimmed = type(span)(span.doc, start, span.end, label=span.label)
            out.append(span if start == span.start else trimmed)
    return out


@dataclass(frozen=True, slots=True)
class _Pipeline:
    nlp: Any
    tags: TagAttributes | None


def _parts(item: AnalysisInput) -> tuple[str, str, str | None]:
    return (item[0], item[1], item[2]) if len(item) == 3 else (item[0], item[1], None)


class SpacyAnalyzer:
    """Implements ``bot.ports.Analyzer``: text in, key points and actors out, each text by
    the pipeline of its language. Pipelines are loaded on first use, once per process."""

    def __init__(
        self,
        model: str = DEFAULT_SPACY_MODEL,
        *,
        models: Mapping[str, str] | None = None,
        batch_size: int = 32,
        n_process: int = 1,
    ):
        self.model_name = model
        self.models = {**(models or {}), ENGLISH: model}  # language -> pipeline
        self.batch_size = batch_size
        self.n_process = n_process
        self._pool: Any = None  # multiprocessing.Pool once n_process > 1 is used
        self._pipelines: dict[str, _Pipeline] = {}
        self._lock = threading.Lock()

    @property
    def nlp(self) -> Any:
        """The English (default) pipeline, loaded on first use."""
        return self._pipeline(ENGLISH).nlp

    def is_loaded(self, language: str = ENGLISH) -> bool:
        """Whether the pipeline for ``language`` is loaded already (a warmed-up process)."""
        return language in self._pipelines

    def _pipeline(self, language: str) -> _Pipeline:
        found = self._pipelines.get(language)
        if found is None:
            setting = "BRIEFBOT_SPACY_MODEL" if language == ENGLISH else "BRIEFBOT_SPACY_MODELS"
            found = _Pipeline(*load_analysis_pipeline(self.models[language], setting))
            self._pipelines[language] = found
        return found

    def analyze_stream(
        self, items: Iterable[tuple[AnalysisInput, T]]
    ) -> Iterator[tuple[Analysis, T]]:
        """``((title, text[, language]), context)`` in, ``(analysis, context)`` out, in
        order, streaming. A text whose language is not given is told by its words.

        With ``n_process`` > 1 the texts go in batches to that many worker processes, each
        running the whole analysis (spaCy, key points, actors) and sending back only the
        small ``Analysis``; contexts stay in this process. (spaCy's own ``n_process`` would
        leave key points and actors, most of the work after tagging, to this one process.)
        """
        if self.n_process > 1:
            yield from self._analyze_in_processes(items)
            return
        it = iter(items)
        while batch := list(itertools.islice(it, self.batch_size)):
            analyses = self._analyze_together([item for item, _ in batch])
            yield from zip(analyses, (ctx for _, ctx in batch), strict=True)

    def _analyze_together(self, items: Sequence[AnalysisInput]) -> list[Analysis]:
        """One batch: the texts of each language through its pipeline together."""
        found: list[Analysis | None] = [None] * len(items)
        by_pipeline: dict[str, list[int]] = {}
        languages: list[str | None] = []
        for i, item in enumerate(items):
            _, text, language = _parts(item)
            language = language or article_language(text)
            languages.append(language)
            pipeline = ENGLISH if language is None else language
            if pipeline in self.models:
                by_pipeline.setdefault(pipeline, []).append(i)
            else:
                found[i] = Analysis((), (), language, AnalysisStatus.UNSUPPORTED_LANGUAGE)
        for pipeline, indices in by_pipeline.items():
            chosen = self._pipeline(pipeline)
            texts = (_parts(items[i])[1][:MAX_CHARS] for i in indices)
            docs = chosen.nlp.pipe(texts, batch_size=self.batch_size)
            for i, doc in zip(indices, docs, strict=True):
                annotated = to_annotated(doc, items[i][0], chosen.tags, language=pipeline)
                found[i] = analyze_annotated(annotated, language=languages[i])
        return [a for a in found if a is not None]

    def _analyze_in_processes(
        self, items: Iterable[tuple[AnalysisInput, T]]
    ) -> Iterator[tuple[Analysis, T]]:
        import multiprocessing

        def batches() -> Iterator[list[tuple[AnalysisInput, T]]]:
            it = iter(items)
            while batch := list(itertools.islice(it, self.batch_size)):
                yield batch

        if self._pool is None:  # started once, kept until close(): each loads the model once
            # spawn: a fresh interpreter per worker (no threads or locks copied by fork).
            context = multiprocessing.get_context("spawn")
            models = {k: v for k, v in self.models.items() if k != ENGLISH}
            self._pool = context.Pool(
                self.n_process, _worker_start, (self.model_name, models, self.batch_size)
            )
        contexts: list[list[T]] = []

        def texts() -> Iterator[list[AnalysisInput]]:
            for batch in batches():
                contexts.append([ctx for _, ctx in batch])
                yield [item for item, _ in batch]

        for analyses in self._pool.imap(_worker_analyze, texts()):
            yield from zip(analyses, contexts.pop(0), strict=True)

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def analyze_batch(self, items: Sequence[AnalysisInput]) -> list[Analysis]:
        """Thread-safe: worker threads share the pipelines, one batch at a time."""
        with self._lock:
            return [analysis for analysis, _ in self.analyze_stream((i, None) for i in items)]

    def analyze(self, title: str, text: str, language: str | None = None) -> Analysis:
        return self.analyze_batch([(title, text, language)])[0]


def analyze_annotated(annotated: AnnotatedText, *, language: str | None = None) -> Analysis:
    return Analysis(
        key_points=select_key_points(annotated),
        actors=resolve_actors(annotated),
        language=language,
    )


_worker_analyzer: SpacyAnalyzer | None = None  # one per worker process, set by _worker_start


def _worker_start(model: str, models: dict[str, str], batch_size: int) -> None:
    global _worker_analyzer
    _worker_analyzer = SpacyAnalyzer(model, models=models, batch_size=batch_size)
    _ = _worker_analyzer.nlp  # load now, not inside the first batch's time


def _worker_analyze(batch: list[AnalysisInput]) -> list[Analysis]:
    assert _worker_analyzer is not None, "started without _worker_start"
    return _worker_analyzer.analyze_batch(batch)
