"""How fast Briefbot reads documents, and how long ``briefbot demo`` takes.

    python benchmarks/throughput.py [DATA_DIR] [-n 1000] [--cmd "briefbot analyze --jsonl"]
                                    [--demo-runs 3]

(a) ``briefbot analyze --jsonl`` on N documents in one subprocess: documents per second,
seconds per 1000 documents and the subprocess's peak RSS. The documents cycle the CNN/DM
texts of DATA_DIR/summ/cnndm.jsonl when DATA_DIR is given, else the seed article pages as
HTML rows. In the same run it times a one-document call (start-up: Python, imports, the
spaCy model) and bare spaCy ``nlp.pipe`` over one cycle of the same documents, so the
figures that matter on a shared machine are ratios measured minutes apart, not days.
(b) The wall time of ``briefbot demo`` (median of --demo-runs).
Writes ``benchmarks/results/throughput.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import time
from pathlib import Path
from typing import Any

from harness import (
    REPO,
    briefbot_exe,
    children_peak_rss_mb,
    default_cmd,
    median,
    run_analyze,
    write_result,
)


def cnndm_rows(data: Path) -> list[dict[str, Any]]:
    with open(data / "summ" / "cnndm.jsonl", encoding="utf-8") as fh:
        return [{"text": json.loads(line)["text"]} for line in fh if line.strip()]


def seed_rows() -> list[dict[str, Any]]:
    pages = sorted((REPO / "seeds" / "articles").glob("*.html"))
    return [
        {"html": p.read_text(encoding="utf-8"), "url": f"https://seeds.example/{p.name}"}
        for p in pages
    ]


def cycled(rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    return [
        {"id": f"doc{i}", **row} for i, row in enumerate(itertools.islice(itertools.cycle(rows), n))
    ]


def bare_spacy_docs_per_second(rows: list[dict[str, Any]]) -> float:
    """spaCy alone, model loaded, on the texts the system analyses (HTML is extracted first)."""
    from bot.config import Settings
    from bot.extraction.html import extract_article
    from bot.extraction.nlp import MAX_CHARS, load_pipeline

    texts = [r["text"] if "text" in r else extract_article(r["html"], r["url"]).text for r in rows]
    nlp = load_pipeline(Settings.from_env().spacy_model)
    list(nlp.pipe(texts[:2]))
    started = time.perf_counter()
    for _ in nlp.pipe([t[:MAX_CHARS] for t in texts], batch_size=32):
        pass
    return len(texts) / (time.perf_counter() - started)


def measure_analyze(cmd: str, rows: list[dict[str, Any]], n: int) -> dict[str, Any]:
    docs = cycled(rows, n)
    run = run_analyze(cmd, docs)
    peak_rss = children_peak_rss_mb()  # before any other child: this run's own peak
    if len(run.answers) != n or run.errors:
        raise SystemExit(
            f"expected {n} answers without errors, got {len(run.answers)} ({run.errors} errors)"
        )
    startup = run_analyze(cmd, docs[:1]).seconds
    spacy_speed = bare_spacy_docs_per_second(rows)
    steady = (n - 1) / max(1e-9, run.seconds - startup)
    return {
        "documents": n,
        "distinct_documents": len(rows),
        "seconds": round(run.seconds, 2),
        "docs_per_second": round(run.docs_per_second, 2),
        "seconds_per_1000_docs": round(1000 * run.seconds / n, 1),
        "peak_rss_mb": peak_rss,
        "one_document_seconds": round(startup, 2),
        "docs_per_second_after_startup": round(steady, 2),
        "bare_spacy_docs_per_second": round(spacy_speed, 2),
        "share_of_bare_spacy_speed": round(steady / spacy_speed, 3),
    }


def measure_demo(runs: int) -> dict[str, Any]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(
            [str(briefbot_exe()), "demo"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        seconds.append(time.perf_counter() - started)
        if proc.returncode != 0:
            raise SystemExit(f"`briefbot demo` failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return {
        "runs": runs,
        "seconds": [round(s, 2) for s in seconds],
        "median_seconds": round(median(seconds), 2),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "data", nargs="?", type=Path, help="folder with summ/cnndm.jsonl (default: seed pages)"
    )
    ap.add_argument("-n", "--documents", type=int, default=1000)
    ap.add_argument(
        "--cmd", default=None, help='system command; default "briefbot analyze --jsonl"'
    )
    ap.add_argument("--demo-runs", type=int, default=3, help="0 skips the demo timing")
    args = ap.parse_args()
    cmd = args.cmd or default_cmd()
    rows = cnndm_rows(args.data) if args.data else seed_rows()
    source = "summ/cnndm.jsonl (text rows)" if args.data else "seeds/articles (html rows)"

    print(f"analyze: {args.documents} documents cycled from {source} ...", flush=True)
    analyze = {"source": source, **measure_analyze(cmd, rows, args.documents)}
    print(
        f"  {analyze['docs_per_second']:.1f} docs/s, {analyze['seconds_per_1000_docs']:.0f} s per 1000 docs, "
        f"peak RSS {analyze['peak_rss_mb']:.0f} MB"
    )
    print(
        f"  one-document call {analyze['one_document_seconds']:.1f} s; after start-up "
        f"{analyze['docs_per_second_after_startup']:.1f} docs/s = "
        f"{analyze['share_of_bare_spacy_speed']:.2f} x bare spaCy ({analyze['bare_spacy_docs_per_second']:.1f} docs/s)"
    )
    result: dict[str, Any] = {"command": cmd, "analyze": analyze}
    if args.demo_runs > 0:
        print(f"demo: {args.demo_runs} runs ...", flush=True)
        result["demo"] = measure_demo(args.demo_runs)
        print(
            f"  briefbot demo median {result['demo']['median_seconds']:.1f} s {result['demo']['seconds']}"
        )
    path = write_result("throughput", result)
    print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
