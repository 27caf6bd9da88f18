"""How many shared links Briefbot reads in full, in part, from metadata only, or not at all.

Every page is served from 127.0.0.1 and each link is read the way a worker reads it: the
safe fetcher, the reader and the reading use case (``bot.services.reading.read_page``), so
PDFs and AMP copies take their real path. No analysis: this counts what is read. Two sets:

- ``fixtures``: the seed articles (``seeds/articles``) and the pages the reading tests are
  made of (``tests/fixture_pages.py``: app shells, an AMP pair, JSON-LD, Next.js, a
  paywalled teaser and its free twin, PDFs);
- ``dev``: ``DATA_DIR/html/pages/*.html.gz``, real article pages with a hand-checked body.

No other host is reached: a name other than 127.0.0.1 does not resolve, so an AMP copy on a
dev page's real site counts as unreachable and the figures are what is read offline.

The code measured is whatever ``bot`` imports, the pages always this checkout's: to measure
an older commit on the same pages, check it out beside this one and run this script with
``PYTHONPATH`` pointing at it.

    python benchmarks/reading_coverage.py DATA_DIR [--out FILE]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUTCOMES = ("full", "partial", "metadata", "failed")


def offline(host: str, port: int) -> list[str]:
    from bot.errors import FetchError

    if host != "127.0.0.1":
        raise FetchError(f"the site's name {host!r} does not resolve")
    return ["127.0.0.1"]


def read_all(base: str, paths: list[str]) -> list[dict[str, str]]:
    """Each path read through the code under test: its outcome and, if it failed, why."""
    from bot.errors import BriefbotError
    from bot.extraction.fetch import SafeFetcher
    from bot.extraction.html import ArticleReader
    from bot.ports import ArticleTask
    from bot.services.reading import read_page

    fetcher = SafeFetcher(allowlist=("127.0.0.1",), resolver=offline)
    reader = ArticleReader()
    rows = []
    try:
        for n, path in enumerate(paths):
            result = read_page(fetcher, reader, ArticleTask(n, base + path, 1))
            if isinstance(result, BriefbotError):
                rows.append({"page": path, "outcome": "failed", "reason": str(result)})
            else:
                rows.append({"page": path, "outcome": str(result.quality), "reason": ""})
    finally:
        fetcher.close()
    return rows


def summary(rows: list[dict[str, str]]) -> dict[str, Any]:
    counts = Counter(row["outcome"] for row in rows)
    reasons = Counter(row["reason"] for row in rows if row["outcome"] == "failed")
    return {
        "links": len(rows),
        **{outcome: counts.get(outcome, 0) for outcome in OUTCOMES},
        "failed_because": dict(reasons.most_common()),
        "pages": rows,
    }


def measured_code() -> str:
    import bot

    root = Path(bot.__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    dirty = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no", "bot"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{commit}{' with uncommitted changes' if dirty else ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("data_dir", type=Path, help="the dev sets' folder (html/pages/*.html.gz)")
    parser.add_argument(
        "--out", type=Path, default=REPO / "benchmarks/results/reading_coverage.json"
    )
    args = parser.parse_args()
    code = measured_code()  # imports the code under test before this checkout's tests/

    sys.path.insert(0, str(REPO))  # the pages: this checkout's (they import no Briefbot code)
    from tests.fixture_pages import amp_copies, coverage_pages
    from tests.pages import PageServer

    fixtures = {
        f"/seeds/{p.name}": (p.read_bytes(), "text/html; charset=utf-8")
        for p in sorted((REPO / "seeds" / "articles").glob("*.html"))
    }
    fixtures.update(coverage_pages())
    dev = {
        f"/dev/{p.name.removesuffix('.gz')}": (gzip.decompress(p.read_bytes()), "text/html")
        for p in sorted((args.data_dir / "html" / "pages").glob("*.html.gz"))
    }
    if not dev:
        parser.error(f"no html/pages/*.html.gz under {args.data_dir}")

    with PageServer() as server:
        server.httpd.handle_error = lambda request, address: None  # a reader hanging up early
        for path, (body, content_type) in {**fixtures, **amp_copies(), **dev}.items():
            server.add(path, body, content_type=content_type)
        report = {
            "code": code,
            "fixtures": summary(read_all(server.base, list(fixtures))),
            "dev": summary(read_all(server.base, list(dev))),
        }

    print(f"code measured: {code}")
    for name in ("fixtures", "dev"):
        part = report[name]
        counts = "  ".join(f"{outcome} {part[outcome]}" for outcome in OUTCOMES)
        print(f"{name:9} {part['links']:3} links  {counts}")
        for reason, n in part["failed_because"].items():
            print(f"{'':15}{n:3} failed: {reason}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
