"""Fit the key-point scorer's weights on the CNN/DailyMail dev set, honestly: split halves.

    python benchmarks/fit_keypoints.py DATA_DIR [--cache DIR] [--model NAME]

DATA_DIR holds ``summ/cnndm.jsonl``. Each article is analysed once with the product's own
pipeline (``bot.extraction.nlp``) and the annotated texts are kept in ``--cache`` (default: a
folder in the system's temporary directory), so later runs skip spaCy. The weights of
``bot.briefing.keypoints.Weights`` are then fitted by coordinate ascent on the mean ROUGE-1 F1
of the first three key points: each weight over a small grid, a move kept only when it gains
more than MIN_GAIN, until a pass changes nothing, starting from NEUTRAL (the lead prior
alone), never from weights already set on these articles. One such ascent follows the few
articles that decide each move, so the fit is bagged: BOOTSTRAPS ascents on resamples of the
training articles, and each weight is the median of what they chose.

It prints, for each half of the file (odd lines, even lines): the figure of the weights the
product carries, of NEUTRAL, of the weights fitted on that half (in sample) and of those fitted
on the *other* half (held out); then the weights fitted on all articles, to carry as the
product's constants, with their (in-sample) figure on each half. Only the held-out figures say
what the method is worth on articles it has not seen.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import pickle
import random
import statistics
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.briefing.keypoints import FITTED, Candidate, Weights, candidates, choose
from bot.briefing.model import AnnotatedText
from bot.config import DEFAULT_SPACY_MODEL

# The values each weight may take; the grid is coarse on purpose (53 articles a half).
GRID: dict[str, tuple[float, ...]] = {
    "lead_decay": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.2),
    "centrality": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
    "entities": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
    "length": (0.0, 0.025, 0.05, 0.1, 0.15),
    "opinion": (0.0, 0.05, 0.1, 0.2, 0.3),
    "caption": (0.0, 0.1, 0.2, 0.3, 0.5),
    "quote": (0.0, 0.05, 0.1, 0.2, 0.3),
    "redundancy": (0.0, 0.05, 0.1, 0.15, 0.25, 0.4),
}
MIN_GAIN = 0.05  # ROUGE-1 points a move must gain to be kept: smaller is noise at this size
MAX_PASSES = 6
BOOTSTRAPS = 12
SEED = 10  # the resamples are fixed, so a run gives the same weights every time
# The lead prior alone, with the two weights that are not fitted as the product sets them:
# the title's (the dev articles have none) and the hook's (a reader's rule, see keypoints).
NEUTRAL = Weights(
    **{name: 0.0 for name in GRID if name != "lead_decay"},
    lead_decay=0.7,
    title=FITTED.title,
    hook=FITTED.hook,
)


@dataclass(frozen=True)
class Article:
    found: list[Candidate]
    tokens: dict[int, list[str]]  # candidate start -> its ROUGE tokens
    reference: Counter[str]


def annotate(rows: Sequence[dict[str, str]], model: str, cache: Path) -> list[AnnotatedText]:
    from bot.extraction.nlp import MAX_CHARS, load_analysis_pipeline, to_annotated

    digest = hashlib.sha256(model.encode())
    for r in rows:
        digest.update(r["text"].encode())
    path = cache / f"cnndm-{digest.hexdigest()[:16]}.pickle"
    if path.exists():
        with open(path, "rb") as fh:
            found: list[AnnotatedText] = pickle.load(fh)
            return found
    nlp, tags = load_analysis_pipeline(model)
    docs = nlp.pipe((r["text"][:MAX_CHARS] for r in rows), batch_size=32)
    annotated = [to_annotated(doc, "", tags) for doc in docs]
    cache.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        pickle.dump(annotated, fh)
    return annotated


def prepare(rows: Sequence[dict[str, str]], annotated: Sequence[AnnotatedText]) -> list[Article]:
    from rouge_score.tokenizers import DefaultTokenizer

    tokenizer = DefaultTokenizer(use_stemmer=True)
    out = []
    for row, doc in zip(rows, annotated, strict=True):
        found = candidates(doc)
        tokens = {c.start: tokenizer.tokenize(c.text) for c in found}
        out.append(Article(found, tokens, Counter(tokenizer.tokenize(row["summary"]))))
    return out


def rouge1(article: Article, weights: Weights) -> float:
    """ROUGE-1 F1 of the first three points, as rouge-score computes it (same tokens)."""
    got: Counter[str] = Counter()
    for kp in choose(article.found, 3, weights):
        got.update(article.tokens[kp.start])
    common = sum((got & article.reference).values())
    if not common:
        return 0.0
    p, r = common / sum(got.values()), common / sum(article.reference.values())
    return 2 * p * r / (p + r)


def mean_rouge1(articles: Sequence[Article], weights: Weights) -> float:
    return 100 * sum(rouge1(a, weights) for a in articles) / max(1, len(articles))


def ascend(articles: Sequence[Article], start: Weights) -> Weights:
    best, best_value = start, mean_rouge1(articles, start)
    for _ in range(MAX_PASSES):
        moved = False
        for name, values in GRID.items():
            for value in values:
                trial = dataclasses.replace(best, **{name: value})
                got = mean_rouge1(articles, trial)
                if got > best_value + MIN_GAIN:
                    best, best_value, moved = trial, got, True
        if not moved:
            break
    return best


def fit(articles: Sequence[Article]) -> Weights:
    """Each weight the median of BOOTSTRAPS ascents from NEUTRAL on resampled articles."""
    rnd = random.Random(SEED)
    runs = [ascend(rnd.choices(articles, k=len(articles)), NEUTRAL) for _ in range(BOOTSTRAPS)]
    medians = {name: statistics.median(getattr(w, name) for w in runs) for name in GRID}
    return dataclasses.replace(NEUTRAL, **medians)


def described(w: Weights) -> str:
    return ", ".join(f"{name}={getattr(w, name):g}" for name in GRID)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "briefbot-fit")
    ap.add_argument("--model", default=DEFAULT_SPACY_MODEL)
    args = ap.parse_args()

    with open(args.data / "summ" / "cnndm.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    articles = prepare(rows, annotate(rows, args.model, args.cache))
    halves = {"odd lines": articles[0::2], "even lines": articles[1::2]}
    fitted = {name: fit(half) for name, half in halves.items()}
    print("ROUGE-1 of the first three key points")
    print(f"{'half':<11} {'product':>8} {'neutral':>8} {'in sample':>10} {'held out':>9}")
    for (name, half), other in zip(halves.items(), reversed(list(fitted.values())), strict=True):
        figures = [mean_rouge1(half, w) for w in (FITTED, NEUTRAL, fitted[name], other)]
        print(
            f"{name:<11} "
            + " ".join(f"{f:>{n}.2f}" for f, n in zip(figures, (8, 8, 10, 9), strict=True))
        )
    for name, w in fitted.items():
        print(f"fitted on the {name}: {described(w)}")
    everything = fit(articles)
    print(f"\nfitted on all {len(articles)} articles (the product's constants):")
    print(f"  {described(everything)}")
    no_hook = dataclasses.replace(everything, hook=0.0)
    for name, half in [*halves.items(), ("all", articles)]:
        print(
            f"  {name:<11} {mean_rouge1(half, everything):.2f} (in sample; without the hook"
            f" cost {mean_rouge1(half, no_hook):.2f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
