"""How much time key-point selection adds to spaCy on the CNN/DailyMail dev articles.

    python benchmarks/keypoints_speed.py [DATA_DIR] [--model NAME] [--repeat N]

DATA_DIR holds ``summ/cnndm.jsonl`` (default ``../shared/eval``). Times ``nlp.pipe`` over the
texts, then ``select_key_points`` over the resulting annotated texts (best of N runs each),
prints both and their ratio, and writes them to ``benchmarks/results/keypoints_speed.json``.
The budget: key points may add at most a fifth (ratio 0.20) to spaCy's time.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from bot.briefing.keypoints import select_key_points
from bot.config import DEFAULT_SPACY_MODEL
from bot.extraction.nlp import MAX_CHARS, load_pipeline, to_annotated

BUDGET = 0.20
RESULTS = Path(__file__).resolve().parent / "results" / "keypoints_speed.json"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="?", default="../shared/eval", type=Path)
    ap.add_argument("--model", default=DEFAULT_SPACY_MODEL)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    with open(args.data / "summ" / "cnndm.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    texts = [r["text"][:MAX_CHARS] for r in rows]
    nlp = load_pipeline(args.model)
    list(nlp.pipe(texts[:4]))  # warm-up: first calls allocate

    spacy_secs, docs = float("inf"), []
    for _ in range(args.repeat):
        t = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=32))
        spacy_secs = min(spacy_secs, time.perf_counter() - t)
    annotated = [to_annotated(d) for d in docs]

    keypoint_secs = float("inf")
    for _ in range(args.repeat):
        t = time.perf_counter()
        for a in annotated:
            select_key_points(a)
        keypoint_secs = min(keypoint_secs, time.perf_counter() - t)

    ratio = keypoint_secs / spacy_secs
    result = {
        "documents": len(texts),
        "model": args.model,
        "spacy_seconds": round(spacy_secs, 4),
        "keypoints_seconds": round(keypoint_secs, 4),
        "ratio": round(ratio, 4),
        "budget": BUDGET,
        "within_budget": ratio <= BUDGET,
        "python": platform.python_version(),
    }
    print(f"spaCy nlp.pipe      {spacy_secs:8.3f} s for {len(texts)} documents")
    print(f"select_key_points   {keypoint_secs:8.3f} s")
    print(f"ratio               {ratio:8.3f} (budget {BUDGET})")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
