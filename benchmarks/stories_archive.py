"""Stories as a briefing groups them: one topic's matches at a time, weighed against the
archive or against the matches alone.

    python benchmarks/stories_archive.py DATA_DIR [--cache DIR]

A briefing on one subject groups only that subject's matches. Weighed among themselves,
their shared words ("quake", "Indonesia") count for no less than "said"; weighed against the
team's archive (``story_terms``, what ``Store.story_corpus`` reads) they count for what they
are. Here each ECB+ dev topic is grouped on its own by ``group_stories``, first with the
matches' own weights, then with a ``Corpus`` counted over all the file's documents (the
archive the team would have), and scored with quality.py's B-cubed on all topics and on the
odd and even ones. Analyses are made once and cached as fit_stories.py does. Writes
``benchmarks/results/stories_archive.json``.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from fit_stories import analyses
from harness import REPO, write_result
from quality import bcubed, read_ecbplus, topic_halves

UNDATED = "1970-01-01T00:00:00+00:00"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "briefbot-fit")
    args = ap.parse_args()
    from datetime import datetime

    from bot.briefing.model import ArticleView
    from bot.briefing.stories import Corpus, feature_terms, group_stories
    from bot.config import Settings

    model = Settings.from_env().spacy_model
    gold = read_ecbplus(args.data)
    made = analyses(gold, model, args.cache)
    when = datetime.fromisoformat(UNDATED)
    views = {
        r["id"]: ArticleView(
            id=i,
            url=f"urn:briefbot:doc:{i}",
            title=r["title"],
            outlet="",
            published_at=None,
            first_shared_at=when,
            key_points=made[(r["title"], r["text"])].key_points,
            actors=made[(r["title"], r["text"])].actors,
            text=r["text"],
        )
        for i, r in enumerate(gold)
    }
    frequency: Counter[str] = Counter(k for v in views.values() for k in feature_terms([v]))
    archive = Corpus(len(views), frequency)
    topics: dict[str, list[str]] = {}
    for r in gold:
        topics.setdefault(r["topic"], []).append(r["id"])
    ids = {v.id: doc for doc, v in views.items()}
    report: dict[str, Any] = {}
    print(f"{'weights':<22}{'half':<6}{'P':>7}{'R':>7}{'F1':>7}  separated")
    for name, corpus in (("the matches' own", None), ("the archive's", archive)):
        story: dict[str, str] = {}
        for docs in topics.values():
            for group in group_stories([views[d] for d in docs], corpus):
                first = ids[min(a.id for a in group)]
                story.update({ids[a.id]: first for a in group})
        report[name] = {}
        for half, rows in [("all", gold), *topic_halves(gold).items()]:
            s = bcubed(rows, story)
            report[name][half] = s
            print(
                f"{name:<22}{half:<6}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
                f"  {s['separated']} of {s['topics']}"
            )
    path = write_result("stories_archive", {"data": "stories/ecbplus.jsonl", **report})
    print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
