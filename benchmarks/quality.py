"""Briefbot's quality figures on the dev sets, each beside its baseline computed in the same run.

    python benchmarks/quality.py DATA_DIR [--cmd "briefbot analyze --jsonl"]
                                          [--only actors|keypoints|extract]

Actor F1 is also given for the odd and the even documents (1st, 3rd, ... and 2nd, 4th, ...),
the split halves that thresholds are fitted and checked on.

DATA_DIR is laid out like the shared eval folder: ``ner/conll2003_*.txt`` (CoNLL IOB),
``summ/cnndm.jsonl`` (``{id, text, summary}``), ``html/pages/*.html.gz`` and
``html/ground-truth.json`` (``{id: {url, articleBody}}``). The system runs as a subprocess
through ``--cmd`` (default: the ``briefbot`` next to this Python); the baselines run here:
raw spaCy entities of the configured model, Lead-3 by a sentencizer, plain trafilatura.
Prints a table and writes ``benchmarks/results/quality.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import REPO, default_cmd, run_analyze, write_result
from metrics import (
    ActorScore,
    document_text,
    gold_actors,
    mean_word_f1,
    read_conll,
    rouge_of_first_three,
)

# spaCy labels counted as actors by the raw-entities baseline.
SPACY_TYPE = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
# What each figure is measured against: the product's targets (the quality issue), which
# all sit above the baselines computed beside them.
TARGETS = {
    "actors_f1": (">= 0.86", 0.86),
    "actors_f1_odd": (">= 0.84", 0.84),
    "actors_f1_even": (">= 0.84", 0.84),
    "actors_f1_ORG": (">= 0.50", 0.50),
    "rouge1": (">= 42.5 (Lead-3 41.70)", 42.5),
    "rouge1_odd": (">= 42.8 on each half", 42.8),
    "rouge1_even": (">= 42.8 on each half", 42.8),
    "rouge2": ("> baseline", None),
    "rougeLsum": ("> baseline", None),
    "extract_word_f1": (">= 0.96", 0.96),
}


def configured_model() -> str:
    from bot.config import Settings

    return Settings.from_env().spacy_model


def measure_actors(data: Path, cmd: str) -> dict[str, Any]:
    path = sorted((data / "ner").glob("conll2003_*.txt"))[0]
    docs = read_conll(path)
    rows = [{"id": str(i), "text": document_text(d)} for i, d in enumerate(docs)]
    run = run_analyze(cmd, rows)
    baseline, spacy_secs = raw_spacy_actors(rows)
    scores: dict[str, Any] = {}
    for name, answers in (("system", run.answers), ("baseline", baseline)):
        # Odd and even documents (1st, 3rd, ... and 2nd, 4th, ...) scored apart as well, so
        # a gain fitted to one half shows as a gap between the halves.
        halves = {"ALL": ActorScore(), "odd": ActorScore(), "even": ActorScore()}
        for i, doc in enumerate(docs):
            gold, found = gold_actors(doc), answers.get(str(i), {}).get("actors", [])
            for half in ("ALL", "even" if i % 2 else "odd"):
                halves[half].add(gold, found)
        scores[name] = {
            **halves["ALL"].result(),
            "halves": {h: halves[h].result()["ALL"] for h in ("odd", "even")},
        }
    return {
        "data": f"{path.parent.name}/{path.name}",
        "documents": len(docs),
        "system": scores["system"],
        "baseline": scores["baseline"],
        "system_docs_per_second": round(run.docs_per_second, 2),
        "system_errors": run.errors,
        "baseline_docs_per_second": round(len(rows) / spacy_secs, 2),
    }


def raw_spacy_actors(rows: list[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], float]:
    """Every PERSON/ORG/GPE/LOC/FAC entity, deduplicated, no merging; and spaCy's seconds."""
    import spacy

    nlp = spacy.load(configured_model())
    started = time.perf_counter()
    out = {}
    for row, doc in zip(rows, nlp.pipe([r["text"] for r in rows], batch_size=32), strict=True):
        found = {(e.text, SPACY_TYPE[e.label_]) for e in doc.ents if e.label_ in SPACY_TYPE}
        out[row["id"]] = {"actors": [{"name": n, "type": t, "aliases": []} for n, t in found]}
    return out, time.perf_counter() - started


def measure_keypoints(data: Path, cmd: str) -> dict[str, Any]:
    with open(data / "summ" / "cnndm.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    run = run_analyze(cmd, [{"id": r["id"], "text": r["text"]} for r in rows])
    system = {
        doc_id: [kp["text"] if isinstance(kp, dict) else str(kp) for kp in a.get("key_points", [])]
        for doc_id, a in run.answers.items()
    }
    references = {r["id"]: r["summary"] for r in rows}
    baseline = lead_three(rows)
    # Split halves (odd and even lines, counted from 1): a gain fitted to one half shows.
    halves = {
        name: {
            "documents": len(half),
            "system": rouge_of_first_three({r["id"]: r["summary"] for r in half}, system),
            "baseline": rouge_of_first_three({r["id"]: r["summary"] for r in half}, baseline),
        }
        for name, half in (("odd", rows[0::2]), ("even", rows[1::2]))
    }
    return {
        "data": "summ/cnndm.jsonl",
        "documents": len(rows),
        "system": rouge_of_first_three(references, system),
        "baseline": rouge_of_first_three(references, baseline),
        "halves": halves,
        "system_docs_per_second": round(run.docs_per_second, 2),
        "system_errors": run.errors,
    }


def lead_three(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    out = {}
    for row, doc in zip(rows, nlp.pipe(r["text"] for r in rows), strict=True):
        out[row["id"]] = [s.text.strip() for s in doc.sents if s.text.strip()][:3]
    return out


def measure_extract(data: Path, cmd: str) -> dict[str, Any]:
    with open(data / "html" / "ground-truth.json", encoding="utf-8") as fh:
        truth = json.load(fh)
    rows = []
    for page_id, page in truth.items():
        html = gzip.decompress((data / "html" / "pages" / f"{page_id}.html.gz").read_bytes())
        rows.append({"id": page_id, "html": html.decode("utf-8", "replace"), "url": page["url"]})
    run = run_analyze(cmd, rows)
    gold = {page_id: page["articleBody"] for page_id, page in truth.items()}
    system = {k: str(a.get("text") or "") for k, a in run.answers.items()}
    return {
        "data": "html/pages",
        "documents": len(rows),
        "system": round(mean_word_f1(gold, system), 4),
        "baseline": round(mean_word_f1(gold, plain_trafilatura(rows)), 4),
        "system_docs_per_second": round(run.docs_per_second, 2),
        "system_errors": run.errors,
    }


def plain_trafilatura(rows: list[dict[str, Any]]) -> dict[str, str]:
    import trafilatura

    return {r["id"]: trafilatura.extract(r["html"], url=r["url"]) or "" for r in rows}


TASKS: dict[str, Callable[[Path, str], dict[str, Any]]] = {
    "actors": measure_actors,
    "keypoints": measure_keypoints,
    "extract": measure_extract,
}


def table_rows(results: dict[str, Any]) -> list[tuple[str, float, float, str, bool]]:
    """(figure, system, baseline, target, met) for each figure measured."""
    rows: list[tuple[str, float, float]] = []
    if "actors" in results:
        s, b = results["actors"]["system"], results["actors"]["baseline"]
        rows.append(("actors_f1", s["ALL"]["f1"], b["ALL"]["f1"]))
        rows += [
            (f"actors_f1_{h}", s["halves"][h]["f1"], b["halves"][h]["f1"]) for h in ("odd", "even")
        ]
        rows += [(f"actors_f1_{k}", s[k]["f1"], b[k]["f1"]) for k in ("PER", "ORG", "LOC")]
    if "keypoints" in results:
        s, b = results["keypoints"]["system"], results["keypoints"]["baseline"]
        rows += [(k, s[k], b[k]) for k in ("rouge1", "rouge2", "rougeLsum")]
        for half, r in results["keypoints"]["halves"].items():
            kinds = ("rouge1", "rouge2", "rougeLsum")
            rows += [(f"{k}_{half}", r["system"][k], r["baseline"][k]) for k in kinds]
    if "extract" in results:
        rows.append(
            ("extract_word_f1", results["extract"]["system"], results["extract"]["baseline"])
        )
    out = []
    for name, system, baseline in rows:
        label, bar = TARGETS.get(name, ("> baseline", None))
        met = system >= bar if bar is not None else system > baseline
        out.append((name, system, baseline, label, met))
    return out


def print_table(rows: list[tuple[str, float, float, str, bool]], results: dict[str, Any]) -> None:
    print(f"{'figure':<18} {'briefbot':>9} {'baseline':>9}  target")
    for name, system, baseline, target, met in rows:
        print(f"{name:<18} {system:>9.4g} {baseline:>9.4g}  {target}{'' if met else '  (not met)'}")
    for task, r in results.items():
        # The system's time includes its start-up; the raw-spaCy baseline's does not.
        baseline = r.get("baseline_docs_per_second")
        shown = f"{baseline:>9.1f}  (raw spaCy, model loaded)" if baseline else ""
        print(f"{task + ' docs/s':<18} {r['system_docs_per_second']:>9.1f} {shown}".rstrip())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="folder with ner/, summ/ and html/")
    ap.add_argument(
        "--cmd", default=None, help='system command; default "briefbot analyze --jsonl"'
    )
    ap.add_argument("--only", choices=sorted(TASKS), help="measure one task only")
    args = ap.parse_args()
    cmd = args.cmd or default_cmd()

    results: dict[str, Any] = {}
    for task in [args.only] if args.only else list(TASKS):
        print(f"measuring {task} ...", flush=True)
        results[task] = TASKS[task](args.data, cmd)
    rows = table_rows(results)
    print_table(rows, results)
    figures = [
        {"figure": n, "briefbot": s, "baseline": b, "target": t, "met": m} for n, s, b, t, m in rows
    ]
    path = write_result(
        "quality",
        {"command": cmd, "spacy_model": configured_model(), "figures": figures, "tasks": results},
    )
    print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
