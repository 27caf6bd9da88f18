"""What the benchmark scripts share: the system under test run as a subprocess, and results.

The system is always driven through its public command line, ``briefbot analyze --jsonl FILE``:
one JSON line in per document (``{"id", "text"}`` or ``{"id", "html", "url"}``), one JSON line
out per document, in order.
"""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"


def briefbot_exe() -> Path:
    """The ``briefbot`` console script installed next to this Python."""
    return Path(sys.executable).with_name("briefbot")


def default_cmd() -> str:
    return f"{shlex.quote(str(briefbot_exe()))} analyze --jsonl"


@dataclass(frozen=True)
class SystemRun:
    answers: dict[str, dict[str, Any]]  # by document id
    documents: int
    seconds: float
    errors: int

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def run_analyze(cmd: str, rows: Iterable[dict[str, Any]], *, timeout: float = 3600) -> SystemRun:
    """Write ``rows`` as JSONL, run ``cmd FILE`` once, and read its answers back by id."""
    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as tmp:
        path = Path(tmp) / "input.jsonl"
        count = 0
        with open(path, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        started = time.perf_counter()
        proc = subprocess.run(
            [*shlex.split(cmd), str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"`{cmd}` failed with exit code {proc.returncode}:\n{proc.stderr[-2000:]}")
    answers: dict[str, dict[str, Any]] = {}
    for line in proc.stdout.splitlines():
        if line.lstrip().startswith("{"):
            answer = json.loads(line)
            answers[str(answer.get("id"))] = answer
    errors = sum("error" in a for a in answers.values())
    return SystemRun(answers=answers, documents=count, seconds=seconds, errors=errors)


def children_peak_rss_mb() -> float:
    """Largest resident set of any child process waited for so far (Linux: ru_maxrss in KiB)."""
    kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 / (1024 * 1024) if sys.platform == "darwin" else 1 / 1024
    return round(kib * scale, 1)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpus": os.cpu_count(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def write_result(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(
        json.dumps({**result, "machine": machine()}, indent=2, ensure_ascii=False) + "\n"
    )
    return path
