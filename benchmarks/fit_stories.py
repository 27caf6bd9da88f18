"""Check the story grouping's constants on the ECB+ dev topics, honestly: split halves.

    python benchmarks/fit_stories.py DATA_DIR [--cache DIR]

DATA_DIR holds ``stories/ecbplus.jsonl``. The topics are split into two halves, the odd and
the even ones (1st, 3rd, ... and 2nd, 4th, ... topic of the file; by topic, because the
stories are scored inside each topic). Each half is grouped on its own, so a setting chosen
on one half has never seen the other half's labels or even its texts.

The grouping is the one ``briefbot stories --jsonl`` runs: ``stories_jsonl`` of
``bot.services.offline_stories``, fed by an analyzer that answers from a cache. Each
document is analysed once by the product's ``SpacyAnalyzer`` (the model of the settings, as
the command uses) and the analyses are kept in ``--cache`` (default: a folder in the system's
temporary directory; a change to the analysis code makes a new cache), so a setting costs
only the grouping. The constants in GRID are set on ``bot.briefing.stories`` while a setting
is grouped and put back after; the module itself is never edited.

The figures depend on what is grouped together (the weights are TF-IDF over the documents
at hand), so each setting is measured three ways: each half grouped on its own, all 21
topics in one run (as ``quality.py`` runs ``briefbot stories`` over the file), and each
topic on its own (a briefing on one subject groups only its matches).

For every setting of GRID (every combination), the B-cubed F1 and the topics separated
exactly are measured on each half (as ``quality.py`` defines them). The best setting of one
half, by F1 and then by topics separated (a tie goes to the setting that changes fewer
constants, then to the earlier one in GRID), is reported on the other half: that held-out
figure, in both directions, is what choosing the constants on these topics is worth on
topics it has not seen. The product's current constants are reported on each half beside
it, and so is whether the held-out choices agree with them. Prints tables and writes
``benchmarks/results/fit_stories.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from harness import REPO, write_result
from quality import bcubed, read_ecbplus, topic_halves

if TYPE_CHECKING:
    from bot.briefing.model import Analysis
    from bot.ports import AnalysisInput

T = TypeVar("T")
Row = dict[str, str]
Setting = tuple[tuple[str, float], ...]  # (constant, value) in GRID order

# Three values around each constant the grouping depends on most (the threshold, how close
# each member of a merge must be, how much names weigh, and the cut for two protagonists).
GRID: dict[str, tuple[float, ...]] = {
    "SAME_STORY": (0.15, 0.20, 0.25),
    "MEMBER_FLOOR": (0.25, 0.5, 0.75),
    "W_ACTOR": (2, 3, 4),
    "OTHER_PROTAGONISTS": (0.25, 0.5, 0.75),
}
# The grouping's own modules: what the cached analyses do not depend on.
GROUPING = ("bot.briefing.stories", "bot.briefing.clustering")
TOP = 5  # settings shown per half


class CachedAnalyzer:
    """A ``StreamingAnalyzer`` answering from analyses made before, by (title, text)."""

    def __init__(self, analyses: Mapping[tuple[str, str], Analysis]):
        self.analyses = analyses

    def analyze_stream(
        self, items: Iterable[tuple[AnalysisInput, T]]
    ) -> Iterator[tuple[Analysis, T]]:
        for item, context in items:  # (title, text) or (title, text, language)
            yield self.analyses[(item[0], item[1])], context


def analyses(rows: Sequence[Row], model: str, cache: Path) -> dict[tuple[str, str], Analysis]:
    """Each document's analysis by ``SpacyAnalyzer``, once; the cache file after that,
    while neither the texts, the model nor the source of the analysis change (the project's
    modules the analyser imports: call this before anything else of the project is)."""
    from bot.extraction.nlp import SpacyAnalyzer

    digest = hashlib.sha256(model.encode())
    for name in sorted(sys.modules):
        source = getattr(sys.modules[name], "__file__", None)
        if name.startswith("bot.") and name not in GROUPING and source:
            digest.update(Path(source).read_bytes())
    for r in rows:
        digest.update(json.dumps([r["title"], r["text"]]).encode())
    path = cache / f"ecbplus-{digest.hexdigest()[:16]}.pickle"
    if path.exists():
        with open(path, "rb") as fh:
            found: dict[tuple[str, str], Analysis] = pickle.load(fh)
            return found
    keys = [(r["title"], r["text"]) for r in rows]
    analyzer = SpacyAnalyzer(model, n_process=2)  # `briefbot stories`: one per core, up to 4
    try:
        answers = analyzer.analyze_stream((key, key) for key in keys)
        made = {key: analysis for analysis, key in answers}
    finally:
        analyzer.close()
    cache.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        pickle.dump(made, fh)
    return made


@contextmanager
def constants(setting: Setting) -> Iterator[None]:
    """The grouping's module constants set to ``setting`` for the duration, then put back."""
    import bot.briefing.stories as stories

    before = {name: getattr(stories, name) for name, _ in setting}
    try:
        for name, value in setting:
            setattr(stories, name, value)
        yield
    finally:
        for name, value in before.items():
            setattr(stories, name, value)


def group(rows: Sequence[Row], analyzer: CachedAnalyzer, setting: Setting) -> dict[str, str]:
    """``briefbot stories --jsonl`` over ``rows`` (id, title, text only), as ``{id: story}``."""
    from bot.extraction.html import ArticleReader
    from bot.services.offline_stories import stories_jsonl

    lines = [json.dumps({"id": r["id"], "title": r["title"], "text": r["text"]}) for r in rows]
    with constants(setting):
        out = stories_jsonl(lines, reader=ArticleReader(), analyzer=analyzer)
        return {str(o["id"]): str(o["story"]) for o in out}


def changes(setting: Setting, defaults: Setting) -> int:
    return sum(a != b for a, b in zip(setting, defaults, strict=True))


def best(scored: Mapping[Setting, Mapping[str, float]], defaults: Setting) -> tuple[Setting, int]:
    """The best setting by F1, then topics separated, then fewest changes, then GRID order;
    and how many settings share its F1 and topics separated."""

    def rank(item: tuple[int, Setting]) -> tuple[float, float, int, int]:
        order, setting = item
        s = scored[setting]
        return (s["f1"], s["separated"], -changes(setting, defaults), -order)

    _, chosen = max(enumerate(scored), key=rank)
    top = scored[chosen]
    ties = sum((s["f1"], s["separated"]) == (top["f1"], top["separated"]) for s in scored.values())
    return chosen, ties


def described(setting: Setting, defaults: Setting | None = None) -> str:
    parts = []
    for (name, value), (_, default) in zip(setting, defaults or setting, strict=True):
        parts.append(f"{name}={value:g}" + ("*" if value != default else ""))
    return " ".join(parts)


def figure(s: Mapping[str, float]) -> str:
    return f"{s['f1']:.4f} {s['separated']:>2}/{s['topics']:<2}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "briefbot-fit")
    args = ap.parse_args()
    from bot.config import Settings

    model = Settings.from_env().spacy_model
    gold = read_ecbplus(args.data)
    analyzer = CachedAnalyzer(analyses(gold, model, args.cache))
    import bot.briefing.stories as stories

    defaults: Setting = tuple((name, getattr(stories, name)) for name in GRID)
    for name, value in defaults:
        if value not in GRID[name]:
            raise SystemExit(f"GRID[{name!r}] lacks the current value {value}")
    grid: list[Setting] = [
        tuple(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())
    ]
    halves = topic_halves(gold)
    report: dict[str, Any] = {"defaults": dict(defaults)}
    for mode, scored in measured(grid, gold, halves, analyzer).items():
        report[mode] = tables(mode, scored, defaults)
    path = write_result(
        "fit_stories",
        {"data": "stories/ecbplus.jsonl", "spacy_model": model, "grid": GRID, **report},
    )
    print(f"wrote {path.relative_to(REPO)}")
    return 0


Scores = dict[str, dict[Setting, dict[str, float]]]  # half -> setting -> figures


def measured(
    grid: Sequence[Setting],
    gold: Sequence[Row],
    halves: Mapping[str, Sequence[Row]],
    analyzer: CachedAnalyzer,
) -> dict[str, Scores]:
    """Every setting on each half and on all topics, three ways: each half grouped on its
    own (the held-out half is not even read while choosing); all topics grouped in one run
    (what quality.py and ``briefbot stories`` over the whole file do); and each topic
    grouped on its own, as a briefing on one subject groups only its few matches."""
    topics: dict[str, list[Row]] = {}
    for r in gold:
        topics.setdefault(r["topic"], []).append(r)

    def apart(parts: Mapping[str, Sequence[Row]], setting: Setting) -> dict[str, str]:
        return {
            doc: f"{name}/{label}"
            for name, rows in parts.items()
            for doc, label in group(rows, analyzer, setting).items()
        }

    ways: dict[str, Callable[[Setting], dict[str, str]]] = {
        "each half alone": lambda setting: apart(halves, setting),
        "all topics in one run": lambda setting: group(gold, analyzer, setting),
        "each topic alone": lambda setting: apart(topics, setting),
    }
    out: dict[str, Scores] = {}
    for way, stories_of in ways.items():
        scored: Scores = {h: {} for h in [*halves, "all"]}
        for setting in grid:
            story = stories_of(setting)
            for h, rows in [*halves.items(), ("all", gold)]:
                scored[h][setting] = bcubed(rows, story)
        out[way] = scored
    return out


def tables(mode: str, scored: Scores, defaults: Setting) -> dict[str, Any]:
    """Prints what the settings do on each half, grouped as ``mode`` says; answers it."""
    names = [h for h in scored if h != "all"]
    chosen = {h: best(scored[h], defaults) for h in names}
    print(f"\n{mode}: B-cubed F1 and topics separated, {len(scored['all'])} settings")
    print(f"{'setting':<18} " + " ".join(f"{h + ' half':<17}" for h in names) + " all topics")
    rows = [("current defaults", defaults, ""), *((f"best on {h}", chosen[h][0], h) for h in names)]
    for label, setting, fitted_on in rows:
        cells = []
        for h in names:
            tag = "" if not fitted_on else ("in" if h == fitted_on else "OUT")
            cells.append(f"{figure(scored[h][setting])} {tag:<3}")
        print(f"{label:<18} " + " ".join(cells) + f" {figure(scored['all'][setting])}")
    print("(F1, topics separated; in: the half it was chosen on; OUT: held out)")
    out: dict[str, Any] = {"defaults": {h: scored[h][defaults] for h in scored}, "choices": {}}
    for h in names:
        setting, ties = chosen[h]
        other = next(o for o in names if o != h)
        changed = [n for (n, v), (_, d) in zip(setting, defaults, strict=True) if v != d]
        print(
            f"chosen on {h}: {described(setting, defaults)}; {ties} setting(s) with its figures;"
            f" agrees with the defaults: {'yes' if not changed else 'no'}"
        )
        out["choices"][h] = {
            "setting": dict(setting),
            "ties": ties,
            "in_sample": scored[h][setting],
            "held_out": scored[other][setting],
            "defaults_on_held_out": scored[other][defaults],
            "agrees_with_defaults": not changed,
            "constants_changed": changed,
        }
    for h in names:
        other = next(o for o in names if o != h)
        ranked = sorted(scored[h], key=lambda s: (-scored[h][s]["f1"], -scored[h][s]["separated"]))
        print(f"  the {TOP} best on {h} (in sample), and on {other}:")
        for setting in ranked[:TOP]:
            print(
                f"    {figure(scored[h][setting])}  {figure(scored[other][setting])}  "
                f"{described(setting, defaults)}"
            )
    out["all_settings"] = [
        {"setting": dict(s), **{h: scored[h][s] for h in scored}} for s in scored["all"]
    ]
    return out


if __name__ == "__main__":
    raise SystemExit(main())
