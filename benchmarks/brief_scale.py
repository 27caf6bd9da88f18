"""`/brief` composition on big stores: latency, recall and the search query's plan.

    python benchmarks/brief_scale.py [DATA_DIR] [--sizes 10k,100k,1m]
        [--backends sqlite,postgresql] [--pg-url URL] [--runs 15] [--label NAME]

1. A few hundred articles are really ingested: the seed pages (``seeds/articles``) and, when
   ``DATA_DIR`` (the shared evaluation folder, read at run time, never copied) is given,
   its CNN/DM texts, Zyte pages and ECB+ documents, each read by the HTML reader where it is
   HTML and analysed by the spaCy analyzer (key points, actors). They are cached in the
   work folder (``--workdir``, default: a folder in the system's temporary directory).
2. For each size a store is built from them with bulk inserts (``executemany`` on SQLite,
   ``COPY`` on PostgreSQL; never the ORM) after the project's own migrations: every row is
   one template's title, text, outlet, key points and actors under its own URL; 1 to 3
   shares each over the 90 days before NOW, spread over 5 workspaces x 8 channels, one
   channel in eight private. SQLite stores are files in the work folder; PostgreSQL stores
   are schemas of ``--pg-url`` (default database ``briefbot_bench``: create it once with
   ``createdb -h 127.0.0.1 -U postgres briefbot_bench``). A store of the right size is
   reused; ``--rebuild`` builds it again. Each run first upgrades the store to the head
   migration, as ``briefbot`` does at start-up.
3. ``brief`` (``bot/services/briefing.py``, the use case behind ``/brief``) is timed in this
   process for a common, a rare and an absent topic, asked from workspace T0's public
   channel C0 with the default 7-day window: p50/p95/p99 over ``--runs`` calls after one
   warm-up call, and apart the time spent inside the store's methods (search, reading the
   views, actor totals); the rest is the pure composer.

Recall. *Eligible* articles are those with at least one share the asking channel may see
(workspace T0; public channels or C0 itself) dated within the window, whose relevance
(``score_article``, for the topic's words or, widened, its specific actors, exactly as the
use case scores them) is at least the composer's ``MIN_RELEVANCE``. The *eligible top
stories* are the stories ``compose_briefing`` makes from every eligible article, first
five: the briefing a store with no search limit at all would give. This script finds them
by brute force (it reads every article shared in the window with its own SQL, then runs
the same use case over an in-memory store that returns them all). Recall = articles cited
in the real briefing's stories that are cited in the eligible top stories / articles cited
in the eligible top stories; ``considered`` = articles the real briefing counted /
eligible articles.

Query plans: the statements the use case sends that read ``article_search`` are captured
while it runs and explained (SQLite ``EXPLAIN QUERY PLAN``, PostgreSQL ``EXPLAIN (ANALYZE,
BUFFERS)``) and printed. Writes ``benchmarks/results/brief_scale[-LABEL].json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness import REPO, median, percentile, write_result

sys.path.insert(0, str(REPO))
from sqlalchemy import event, text

from bot.briefing.matching import TopicQuery
from bot.briefing.model import (
    Actor,
    ActorType,
    ArticleView,
    Briefing,
    KeyPoint,
    ShareInfo,
)
from bot.briefing.stories import Corpus
from bot.services.briefing import brief
from storage.db import Database
from storage.repository import SqlStore

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
DAYS = 90
TEAMS = [f"T{i}" for i in range(5)]
CHANNELS = [f"C{i}" for i in range(8)]  # C7 is private in every workspace
PRIVATE = "C7"
ASK_TEAM, ASK_CHANNEL = "T0", "C0"
WINDOW = timedelta(days=7)
TOPICS = {"common": "police", "rare": "sanctions", "absent": "narwhal migration"}
SIZES = {"10k": 10_000, "30k": 30_000, "100k": 100_000, "300k": 300_000, "1m": 1_000_000}
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/briefbot_bench"
CHUNK = 5_000


# --- 1. really ingested templates ------------------------------------------------------


def _sources(data_dir: Path | None) -> Iterator[dict[str, str]]:
    for path in sorted((REPO / "seeds" / "articles").glob("*.html")):
        yield {
            "html": path.read_text(encoding="utf-8"),
            "url": f"https://seeds.example/{path.stem}",
        }
    if data_dir is None:
        return
    for line in (data_dir / "summ" / "cnndm.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        yield {"text": row["text"], "url": row.get("url") or f"https://cnn.example/{row['id']}"}
    truth = json.loads((data_dir / "html" / "ground-truth.json").read_text(encoding="utf-8"))
    for path in sorted((data_dir / "html" / "pages").glob("*.html.gz")):
        key = path.name.removesuffix(".html.gz")
        url = (truth.get(key) or {}).get("url") or f"https://zyte.example/{key}"
        yield {"html": gzip.decompress(path.read_bytes()).decode("utf-8", "replace"), "url": url}
    for line in (data_dir / "stories" / "ecbplus.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        yield {
            "title": row["title"],
            "text": row["text"],
            "url": f"https://ecb.example/{row['id']}",
        }


def templates(data_dir: Path | None, workdir: Path) -> list[dict[str, Any]]:
    cache = workdir / ("templates-eval.json" if data_dir else "templates-seeds.json")
    if cache.exists():
        return list(json.loads(cache.read_text(encoding="utf-8")))
    from bot.extraction.html import extract_article
    from bot.extraction.nlp import SpacyAnalyzer

    pages = []
    for src in _sources(data_dir):
        try:
            if "html" in src:
                page = extract_article(src["html"], src["url"])
                title, body, outlet = page.title, page.text, page.outlet
            else:
                title = src.get("title") or src["text"].split("\n", 1)[0][:150]
                body, outlet = src["text"], ""
        except Exception:  # an unreadable page is simply not a template
            continue
        host = urlsplit(src["url"]).hostname or "news.example"
        pages.append({"title": title, "text": body, "outlet": outlet or host, "host": host})
    started = time.perf_counter()
    analyzer = SpacyAnalyzer()
    items = (((p["title"], p["text"]), p) for p in pages)
    out = []
    for analysis, page in analyzer.analyze_stream(items):
        page["key_points"] = [[k.text, k.start, k.end, k.score] for k in analysis.key_points]
        page["actors"] = [
            [a.name, a.type.value, list(a.aliases), a.mentions, a.salience, a.role, a.country]
            for a in analysis.actors
        ]
        out.append(page)
    print(f"ingested {len(out)} templates in {time.perf_counter() - started:.0f} s")
    workdir.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out), encoding="utf-8")
    return out


# --- 2. bulk-built stores --------------------------------------------------------------


def store_url(backend: str, size: str, workdir: Path, pg_url: str, tag: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / f'brief-{tag}-{size}.sqlite3'}"
    sep = "&" if "?" in pg_url else "?"
    return f"{pg_url}{sep}options=-csearch_path%3Dbench_{tag}_{size}"


def _fts_actors(actors: Sequence[Sequence[Any]]) -> str:
    # The same string SqlStore writes to article_search for an article's actors.
    return " ; ".join(" ; ".join([a[0], *a[2], a[6] or ""]) for a in actors)


def rows_for(n: int, tpl: list[dict[str, Any]], actor_ids: dict[tuple[str, str], int]):  # type: ignore[no-untyped-def]
    """Rows of every table, CHUNK articles at a time, deterministic."""
    rng = random.Random(9)
    for lo in range(0, n, CHUNK):
        out: dict[str, list[tuple[Any, ...]]] = {
            k: [] for k in ("articles", "key_points", "article_actors", "shares", "search")
        }
        out["templates"] = []  # which template each article copies: not a table
        for aid in range(lo + 1, min(n, lo + CHUNK) + 1):
            index = rng.randrange(len(tpl))
            t = tpl[index]
            out["templates"].append((index,))
            url = f"https://{t['host']}/story/{aid}"
            first = NOW - timedelta(seconds=rng.uniform(0, DAYS * 86400))
            out["articles"].append(
                (aid, url, url, t["title"], t["outlet"], t["text"], "done", 1, first, first)
            )
            for rank, (kt, start, end, score) in enumerate(t["key_points"]):
                out["key_points"].append((aid, rank, kt, start, end, score))
            seen: set[int] = set()
            for name, kind, aliases, mentions, salience, role, _country in t["actors"]:
                actor = actor_ids[(name, kind)]
                if actor not in seen:
                    seen.add(actor)
                    out["article_actors"].append(
                        (aid, actor, mentions, salience, role, json.dumps([name, *aliases]))
                    )
            for k in range(1 + (rng.random() < 0.3) + (rng.random() < 0.1)):
                when = first + timedelta(hours=rng.uniform(0, 48) if k else 0)
                team, channel = rng.choice(TEAMS), rng.choice(CHANNELS)
                out["shares"].append(
                    (
                        aid,
                        team,
                        channel,
                        channel == PRIVATE,
                        f"U{rng.randrange(60)}",
                        f"{when.timestamp():.6f}.{k}",
                        min(when, NOW),
                        False,
                    )
                )
            out["search"].append((aid, t["title"], t["text"], _fts_actors(t["actors"])))
        yield out


COLUMNS = {
    "articles": "id, canonical_url, url, title, outlet, text, status, attempts, created_at, "
    "fetched_at",
    "key_points": 'article_id, rank, text, start, "end", score',
    "article_actors": "article_id, actor_id, mentions, salience, role, surface",
    "shares": "article_id, team_id, channel_id, channel_private, user_id, message_ts, "
    "shared_at, notified",
    "search": "rowid, title, body, actors",
}
TABLE = {"search": "article_search"}


def build(url: str, n: int, tpl: list[dict[str, Any]], *, rebuild: bool) -> Database:
    db = Database(url)
    if db.dialect == "postgresql":
        schema = url.rsplit("%3D", 1)[1]
        with db.engine.begin() as conn:
            if rebuild:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    elif rebuild:
        Path(db.engine.url.database or "").unlink(missing_ok=True)
        db.dispose()
        db = Database(url)
    db.upgrade()
    with db.engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
    if have == n:
        return db
    if have:
        raise SystemExit(f"{url} holds {have} articles, not {n}: run with --rebuild")
    started = time.perf_counter()
    actors: dict[tuple[str, str], int] = {}
    actor_rows = []
    for t in tpl:
        for name, kind, aliases, _m, _s, role, country in t["actors"]:
            if (name, kind) not in actors:
                actors[(name, kind)] = len(actors) + 1
                actor_rows.append((len(actors), name, kind, json.dumps(aliases), country, role))
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        _insert(db.dialect, cur, "actors", "id, name, type, aliases, country, role", actor_rows)
        used: Counter[int] = Counter()
        for chunk in rows_for(n, tpl, actors):
            used.update(index for (index,) in chunk.pop("templates"))
            for key, rows in chunk.items():
                _insert(db.dialect, cur, TABLE.get(key, key), COLUMNS[key], rows)
        _insert(db.dialect, cur, "story_terms", "term, articles", story_terms(tpl, used))
        if db.dialect == "postgresql":
            for table in ("articles", "key_points", "shares", "actors"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        raw.commit()
        if db.dialect == "postgresql":
            raw.driver_connection.autocommit = True  # type: ignore[union-attr]
            raw.cursor().execute("VACUUM ANALYZE")
        else:
            raw.cursor().execute("ANALYZE")
            raw.commit()
    finally:
        raw.close()
    print(f"built {url.rsplit('/', 1)[-1]}: {n} articles in {time.perf_counter() - started:.0f} s")
    return db


def story_terms(tpl: list[dict[str, Any]], used: Counter[int]) -> list[tuple[str, int]]:
    """The archive's story-feature counts (table story_terms), as ingesting every copy of
    each template would have made them."""
    from bot.briefing.model import Actor, ActorType, KeyPoint
    from bot.briefing.stories import CORPUS_SIZE_TERM, feature_bag

    counts: Counter[str] = Counter()
    for index, copies in used.items():
        t = tpl[index]
        points = [KeyPoint(kt, start, end, score) for kt, start, end, score in t["key_points"]]
        actors = [
            Actor(name, ActorType(kind), salience=salience)
            for name, kind, _aliases, _mentions, salience, _role, _country in t["actors"]
        ]
        if not points and not actors:
            continue
        for term in feature_bag(t["title"], points, actors):
            counts[term] += copies
        counts[CORPUS_SIZE_TERM] += copies
    return sorted(counts.items())


def _insert(dialect: str, cur: Any, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if dialect == "postgresql":
        with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * (columns.count(",") + 1))
    cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", [_lite(r) for r in rows])


def _lite(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # SQLAlchemy's SQLite DateTime text format, in UTC (what UTCDateTime stores).
    return tuple(
        v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v
        for v in row
    )


# --- 3. the oracle: every eligible article, no search involved --------------------------


class EveryArticle:
    """A Store whose search returns every article visible in the window (score_article
    then decides, as in the use case); actor totals come from the real store."""

    def __init__(self, views: list[ArticleView], real: SqlStore):
        self.views, self.real = views, real

    def search_articles(self, query: TopicQuery, **_: Any) -> list[ArticleView]:
        return list(self.views)

    def actor_article_counts(self, names: Sequence[str], **kw: Any) -> dict[str, int]:
        return self.real.actor_article_counts(names, **kw)

    def story_corpus(self, articles: Sequence[ArticleView]) -> Corpus:
        return self.real.story_corpus(articles)  # the archive's counts, as the real briefing


def window_views(db: Database) -> list[ArticleView]:
    """Every article T0/C0 may see shared in the window, read with this script's own SQL."""
    since = NOW - WINDOW
    with db.engine.connect() as conn:
        shares: dict[int, list[ShareInfo]] = {}
        for aid, user, channel, at in conn.execute(
            text(
                "SELECT article_id, user_id, channel_id, shared_at FROM shares "
                "WHERE team_id = :t AND (channel_private = :f OR channel_id = :c) "
                "AND shared_at >= :since ORDER BY shared_at"
            ),
            {"t": ASK_TEAM, "c": ASK_CHANNEL, "f": False, "since": _param(db, since)},
        ):
            shares.setdefault(aid, []).append(ShareInfo(user, channel, _dt(at)))
        ids = list(shares)
        views: dict[int, dict[str, Any]] = {}
        points: dict[int, list[KeyPoint]] = {}
        actors: dict[int, list[Actor]] = {}
        for lo in range(0, len(ids), 900):
            part = ids[lo : lo + 900]
            marks = ", ".join(str(i) for i in part)
            for r in conn.execute(
                text(
                    f"SELECT id, url, title, outlet, published_at, text FROM articles "
                    f"WHERE status = 'done' AND id IN ({marks})"
                )
            ):
                views[r.id] = dict(r._mapping)
            for r in conn.execute(
                text(
                    f'SELECT article_id, text, start, "end", score, rank FROM key_points '
                    f"WHERE article_id IN ({marks}) ORDER BY article_id, rank"
                )
            ):
                points.setdefault(r.article_id, []).append(
                    KeyPoint(r.text, r.start, r.end, r.score, r.rank)
                )
            for r in conn.execute(
                text(
                    f"SELECT l.article_id, a.name, a.type, a.aliases, l.mentions, l.salience, "
                    f"l.role, a.role AS arole, a.country FROM article_actors l "
                    f"JOIN actors a ON a.id = l.actor_id WHERE l.article_id IN ({marks}) "
                    f"ORDER BY l.article_id, l.salience DESC"
                )
            ):
                aliases = json.loads(r.aliases) if isinstance(r.aliases, str) else r.aliases
                actors.setdefault(r.article_id, []).append(
                    Actor(
                        r.name,
                        ActorType(r.type),
                        tuple(aliases or ()),
                        r.mentions,
                        r.salience,
                        r.role or r.arole,
                        r.country,
                    )
                )
    return [
        ArticleView(
            id=i,
            url=v["url"],
            title=v["title"],
            outlet=v["outlet"],
            published_at=v["published_at"],
            first_shared_at=shares[i][0].shared_at,
            key_points=tuple(points.get(i, ())),
            actors=tuple(actors.get(i, ())),
            shares=tuple(shares[i]),
            text=v["text"],
        )
        for i, v in views.items()
    ]


def _param(db: Database, when: datetime) -> Any:
    return _lite((when,))[0] if db.dialect == "sqlite" else when


def _dt(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def cited(b: Briefing) -> set[int]:
    return {a.id for s in b.stories for a in s.articles}


# --- 4. timing, recall, plans ----------------------------------------------------------


class TimedStore:
    """The real store, timing the use case's calls to it (search, reading, actor totals)."""

    def __init__(self, real: SqlStore):
        self.real, self.seconds = real, 0.0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.real, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


def run_brief(store: Any, topic: str) -> Briefing:
    return brief(
        store=store, topic=topic, now=NOW, since=WINDOW, team_id=ASK_TEAM, channel_id=ASK_CHANNEL
    )


def capture_search(db: Database, store: SqlStore, topic: str) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def listener(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "article_search" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        run_brief(store, topic)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return seen


def explain(db: Database, statement: str, parameters: Any) -> str:
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        if db.dialect == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return "\n".join(f"{r[0]}|{r[1]}| {r[3]}" for r in cur.fetchall())
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return "\n".join(r[0] for r in cur.fetchall())
    finally:
        raw.rollback()
        raw.close()


def measure(db: Database, runs: int) -> dict[str, Any]:
    store = SqlStore(db)
    views = window_views(db)
    oracle_store = EveryArticle(views, store)
    out: dict[str, Any] = {"window_articles": len(views), "topics": {}}
    for kind, topic in TOPICS.items():
        run_brief(store, topic)  # warm-up
        times, in_store = [], []
        for _ in range(runs):
            timed = TimedStore(store)
            started = time.perf_counter()
            real = run_brief(timed, topic)
            times.append((time.perf_counter() - started) * 1000)
            in_store.append(timed.seconds * 1000)
        oracle = run_brief(oracle_store, topic)
        want, got = cited(oracle), cited(real)
        plans = [explain(db, st, p) for st, p in capture_search(db, store, topic)]
        out["topics"][kind] = {
            "topic": topic,
            "p50_ms": round(median(times), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "p99_ms": round(percentile(times, 99), 1),
            "store_p50_ms": round(median(in_store), 1),
            "store_p95_ms": round(percentile(in_store, 95), 1),
            "eligible_articles": oracle.article_count,
            "considered_articles": real.article_count,
            "eligible_top_story_articles": len(want),
            "cited_of_those": len(want & got),
            "recall": round(len(want & got) / len(want), 3) if want else 1.0,
            "plans": plans,
        }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("data_dir", nargs="?", type=Path, help="shared evaluation folder")
    parser.add_argument("--sizes", default="10k,100k,1m", help="from " + ",".join(SIZES))
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--label", default="", help="suffix of the result file")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "briefbot-brief-scale"
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args(argv)
    data_dir = args.data_dir if args.data_dir and args.data_dir.is_dir() else None
    args.workdir.mkdir(parents=True, exist_ok=True)
    tpl = templates(data_dir, args.workdir)
    tag = "eval" if data_dir else "seeds"
    result: dict[str, Any] = {"templates": len(tpl), "window_days": WINDOW.days, "runs": {}}
    for backend in args.backends.split(","):
        for size in args.sizes.split(","):
            url = store_url(backend, size, args.workdir, args.pg_url, tag)
            db = build(url, SIZES[size], tpl, rebuild=args.rebuild)
            if args.build_only:
                db.dispose()
                continue
            figures = measure(db, args.runs)
            db.dispose()
            result["runs"][f"{backend}-{size}"] = figures
            report(backend, size, figures)
            write_result("brief_scale" + (f"-{args.label}" if args.label else ""), result)
    return 0


def report(backend: str, size: str, figures: dict[str, Any]) -> None:
    print(f"\n== {backend} {size}: {figures['window_articles']} articles visible in the window")
    for kind, f in figures["topics"].items():
        print(
            f"{kind:7} {f['topic']!r:22} p50 {f['p50_ms']:8.1f}  p95 {f['p95_ms']:8.1f}  "
            f"p99 {f['p99_ms']:8.1f} ms (store p50 {f['store_p50_ms']:.1f}, p95 "
            f"{f['store_p95_ms']:.1f})  recall {f['cited_of_those']}/"
            f"{f['eligible_top_story_articles']}  considered {f['considered_articles']}/"
            f"{f['eligible_articles']}"
        )
        for plan in f["plans"]:
            print("   plan:\n     " + plan.replace("\n", "\n     "))


if __name__ == "__main__":
    sys.exit(main())
