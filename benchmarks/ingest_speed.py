"""Ingest speed: Briefbot's analysis against spaCy's own ``nlp.pipe``, same texts, same run.

    python benchmarks/ingest_speed.py [DATA_DIR] [-n 300] [--processes N] [--rounds 1]

The texts are N documents cycled from DATA_DIR/summ/cnndm.jsonl (else the seed article pages,
extracted to text first). Each measurement runs in a fresh Python subprocess, so each has its
own peak RSS and none warms another's caches:

- ``spacy``: ``spacy.load(model).pipe(texts, batch_size=32)`` with the model's default
  pipeline, one process: the reference;
- ``briefbot``: ``SpacyAnalyzer(model).analyze_stream`` (spaCy with the components Briefbot
  runs, ``to_annotated``, key points, actors), one process;
- ``briefbot-cores``: the same with ``n_process`` = one process per core.

Prints words per second (whitespace-separated words of the texts given to spaCy) of each,
their ratios to bare spaCy, and peak RSS (the measuring process, and its largest spaCy child).
The model is loaded and warmed on two texts before the clock starts. With ``--rounds`` > 1
the modes alternate and each keeps its median. Writes ``benchmarks/results/ingest_speed.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import REPO, median, write_result

MODES = ("spacy", "briefbot", "briefbot-cores")


def load_texts(data: Path | None) -> tuple[list[str], str]:
    if data is not None:
        with open(data / "summ" / "cnndm.jsonl", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        return [r["text"] for r in rows], "summ/cnndm.jsonl"
    from bot.extraction.html import extract_article

    pages = sorted((REPO / "seeds" / "articles").glob("*.html"))
    texts = [
        extract_article(p.read_text(encoding="utf-8"), f"https://seeds.example/{p.name}").text
        for p in pages
    ]
    return texts, "seeds/articles"


def measure(mode: str, texts: list[str], model: str, processes: int) -> dict[str, Any]:
    """One mode, in this process: words per second and peak RSS."""
    from bot.extraction.nlp import MAX_CHARS, SpacyAnalyzer, load_pipeline

    texts = [t[:MAX_CHARS] for t in texts]
    words = sum(len(t.split()) for t in texts)
    if mode == "spacy":
        nlp = load_pipeline(model)
        list(nlp.pipe(texts[:2]))
        started = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=32):
            pass
    else:
        n_process = processes if mode == "briefbot-cores" else 1
        analyzer = SpacyAnalyzer(model, n_process=n_process)
        # Warm up the way the timed run works: with processes, this starts them (each loads
        # the model once), as a long-running worker would have done before its first link.
        list(analyzer.analyze_stream((("", t), None) for t in texts[: 2 * n_process]))
        started = time.perf_counter()
        for _ in analyzer.analyze_stream((("", t), None) for t in texts):
            pass
    seconds = time.perf_counter() - started
    if mode != "spacy":
        analyzer.close()  # its worker processes are reaped: their peak RSS is known now
    return {
        "mode": mode,
        "documents": len(texts),
        "words": words,
        "seconds": round(seconds, 2),
        "words_per_second": round(words / seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "child_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
    }


def run_mode(mode: str, texts_file: Path, model: str, processes: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--measure", mode, "--texts", str(texts_file)]
    cmd += ["--model", model, "--processes", str(processes)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    from bot.config import Settings

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="?", type=Path, help="folder with summ/cnndm.jsonl")
    ap.add_argument("-n", "--documents", type=int, default=300)
    ap.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--model", default=None, help="default: BRIEFBOT_SPACY_MODEL")
    ap.add_argument("--measure", choices=MODES, help=argparse.SUPPRESS)
    ap.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    model = args.model or Settings.from_env().spacy_model
    if args.measure:
        texts = json.loads(args.texts.read_text(encoding="utf-8"))
        print(json.dumps(measure(args.measure, texts, model, args.processes)))
        return 0

    distinct, source = load_texts(args.data)
    texts = list(itertools.islice(itertools.cycle(distinct), args.documents))
    runs: dict[str, list[dict[str, Any]]] = {m: [] for m in MODES}
    with tempfile.TemporaryDirectory(prefix="briefbot-ingest-") as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        for r in range(args.rounds):
            for mode in MODES:
                print(f"round {r + 1}: {mode} ...", flush=True)
                runs[mode].append(run_mode(mode, texts_file, model, args.processes))
                print(f"  {runs[mode][-1]}", flush=True)

    speed = {m: median([x["words_per_second"] for x in runs[m]]) for m in MODES}
    result = {
        "source": source,
        "model": model,
        "documents": len(texts),
        "distinct_documents": len(distinct),
        "words": runs["spacy"][0]["words"],
        "processes": args.processes,
        "rounds": args.rounds,
        "words_per_second": speed,
        "ratio_to_bare_spacy": {
            "briefbot": round(speed["briefbot"] / speed["spacy"], 3),
            "briefbot_cores": round(speed["briefbot-cores"] / speed["spacy"], 3),
        },
        "peak_rss_mb": {m: max(x["peak_rss_mb"] for x in runs[m]) for m in MODES},
        "child_peak_rss_mb": max(x["child_peak_rss_mb"] for x in runs["briefbot-cores"]),
        "runs": runs,
    }
    ratios = result["ratio_to_bare_spacy"]
    print(f"{len(texts)} documents ({result['words']} words) from {source}, model {model}")
    print(f"  bare spaCy nlp.pipe, default pipeline:   {speed['spacy']:8.0f} words/s")
    print(
        f"  Briefbot analysis, one process:         {speed['briefbot']:8.0f} words/s"
        f" = {ratios['briefbot']:.2f} x bare spaCy"
    )
    print(
        f"  Briefbot analysis, {args.processes} processes:          "
        f"{speed['briefbot-cores']:8.0f} words/s = {ratios['briefbot_cores']:.2f} x bare spaCy"
    )
    print(
        f"  peak RSS MB: {result['peak_rss_mb']}; largest spaCy child {result['child_peak_rss_mb']}"
    )
    path = write_result("ingest_speed", result)
    print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
