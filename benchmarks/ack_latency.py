"""How fast the real ``briefbot serve`` acknowledges Slack, and whether briefings arrive.

    python benchmarks/ack_latency.py [-k 50] [--events 20] [--topic ukraine]
    python benchmarks/ack_latency.py --open-loop [--rates 20,50,100] [--seconds 20]

Everything is local: the Slack Web API emulator and a page server for two seed articles run
in this process, ``briefbot serve`` runs as a subprocess on 127.0.0.1 with a throw-away
SQLite store. One signed message event shares the two links; once ``/brief status`` shows
both read, K signed ``/brief <topic>`` commands are sent back to back, each ack's HTTP round
trip timed (Slack gives up after 3 s), and each briefing is awaited at its response_url and
checked to cite both links. Then --events more message events with two links each (seed
pages, new at first, later known) time the event ack. Writes
``benchmarks/results/ack_latency.json``.

``--open-loop`` sends requests on a fixed schedule whatever the answers (so a slow ack
cannot hold back the next request and hide itself): at each rate, for ``--seconds``, 80%
message events each sharing a new link (a seed page under a query string of its own, so
every one is really fetched and analysed by serve's ingestion child while the load runs)
and 20% ``/brief`` commands. Each latency counts from the request's scheduled time. The
same mix at the same rate goes at the same time to a bare Bolt app (``bare_bolt.py``: same
Bolt settings, same server, listeners that only ack), so both see the same machine, the
ingestion child's load included, and the ratio of the two p99s is what Briefbot adds. It also reads serve's resident memory (VmRSS) before
the load and its ingestion child's peak (VmHWM). Writes
``benchmarks/results/ack_latency_open_loop.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import urlopen

from harness import REPO, briefbot_exe, median, percentile, write_result

sys.path.insert(0, str(REPO))  # the tests package (emulator, page server, signing) is not installed
from tests.pages import PageServer
from tests.slack.emulator import Call, SlackEmulator
from tests.slack.signing import message_event, post, signed_event, signed_slash_command

SECRET = "bench-signing-secret"
SEEDS = REPO / "seeds" / "articles"
PAIR = ("macron-starmer-washington.html", "europe-leaders-washington-trip.html")
SLACK_ACK_DEADLINE = 3.0


@dataclass
class Bot:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    exit_code: int | None = None
    exit_log: str = ""

    def send(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        status, _, answer = post(self.url + "/slack/events", body, headers, timeout=30)
        return status, answer, time.perf_counter() - started

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_bot(emulator: SlackEmulator, tmp: Path, database_url: str = "") -> Iterator[Bot]:
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": emulator.api_url,
        "BRIEFBOT_DATA_DIR": str(tmp),
        "BRIEFBOT_DATABASE_URL": database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
        "BRIEFBOT_FETCH_ALLOWLIST": "127.0.0.1",
        "BRIEFBOT_ENV_FILE": str(tmp / "none.env"),
        # The checkout under test comes first: an editable install made before a package
        # gained its __init__.py maps that package as a namespace and `serve` cannot import it.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    log = tmp / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(briefbot_exe()), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    bot = Bot(f"http://127.0.0.1:{port}", proc, log)
    try:
        wait_healthy(bot)
        yield bot
    finally:
        bot.exit_code = stop(proc)
        bot.exit_log = bot.log_tail(15)


def wait_healthy(bot: Bot, timeout: float = 120) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if bot.process.poll() is not None:
            raise SystemExit(
                f"briefbot serve exited with {bot.process.returncode}:\n{bot.log_tail()}"
            )
        try:
            with urlopen(bot.url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"briefbot serve was not healthy after {timeout:.0f} s:\n{bot.log_tail()}")


def stop(proc: subprocess.Popen[bytes]) -> int | None:
    """Ctrl-C first, as an operator would; then SIGTERM; then SIGKILL. Returns the exit code."""
    for sig, grace in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            break
        proc.send_signal(sig)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    return proc.poll()


def latency_summary(seconds: list[float]) -> dict[str, Any]:
    ms = [1000 * s for s in seconds]
    return {
        "count": len(ms),
        "p50_ms": round(median(ms), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "max_ms": round(max(ms), 1),
        "over_3s": sum(s > SLACK_ACK_DEADLINE for s in seconds),
    }


def share_links(bot: Bot, urls: list[str]) -> float:
    text = "Worth a read: " + " and ".join(f"<{u}>" for u in urls)
    status, answer, seconds = bot.send(
        *signed_event(SECRET, message_event(text, ts=f"{time.time():.6f}"))
    )
    if status != 200:
        raise SystemExit(f"message event answered {status}: {answer[:300]!r}\n{bot.log_tail()}")
    return seconds


def wait_until_read(bot: Bot, count: int, timeout: float = 180) -> float:
    """Poll ``/brief status`` until ``count`` captures are read (✅); a failure stops the run."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        status, answer, _ = bot.send(*signed_slash_command(SECRET, "/brief", "status"))
        text = json.loads(answer or b"{}").get("text", "") if status == 200 else ""
        if "⚠" in text:
            raise SystemExit(f"an article could not be read:\n{text}")
        if text.count("✅") >= count:
            return time.perf_counter() - started
        time.sleep(0.5)
    raise SystemExit(f"articles not read after {timeout:.0f} s:\n{bot.log_tail()}")


def brief_commands(
    bot: Bot, emulator: SlackEmulator, topic: str, k: int, cited: Callable[[str], bool]
) -> dict[str, Any]:
    acks, sent_at = [], {}
    for i in range(k):
        name = f"brief-{i}"
        body, headers = signed_slash_command(
            SECRET, "/brief", topic, response_url=emulator.response_url(name)
        )
        sent_at[name] = time.monotonic()
        status, answer, seconds = bot.send(body, headers)
        if status != 200:
            raise SystemExit(
                f"/brief {topic} answered {status}: {answer[:300]!r}\n{bot.log_tail()}"
            )
        acks.append(seconds)
    delivered, citing, delays = 0, 0, []
    deadline = time.monotonic() + 120
    for name, at in sent_at.items():
        try:
            [reply, *_] = emulator.wait_for(
                "response_url",
                timeout=max(0.1, deadline - time.monotonic()),
                predicate=posted_to(name),
            )
        except AssertionError:
            continue
        delivered += 1
        delays.append(reply.at - at)
        citing += cited(json.dumps(reply.params, ensure_ascii=False))
    return {
        "ack": latency_summary(acks),
        "briefings_delivered": delivered,
        "briefings_citing_both": citing,
        "delivery": latency_summary(delays) if delays else None,
    }


def posted_to(name: str) -> Callable[[Call], bool]:
    return lambda call: call.path.endswith("/" + name)


def more_events(bot: Bot, pages: PageServer, n: int) -> dict[str, Any]:
    """Message events with two seed links each: new links for the first few, then known ones."""
    names = sorted(p.name for p in SEEDS.glob("*.html") if p.name not in PAIR)
    acks = []
    for i in range(n):
        pair = [names[(2 * i) % len(names)], names[(2 * i + 1) % len(names)]]
        acks.append(share_links(bot, [pages.url(p) for p in pair]))
    return latency_summary(acks)


def measure(*, commands: int, events: int, topic: str) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="briefbot-ack-") as tmp,
        SlackEmulator() as emulator,
        PageServer(SEEDS) as pages,
    ):
        started = time.perf_counter()
        with running_bot(emulator, Path(tmp)) as bot:
            startup = time.perf_counter() - started
            print(f"briefbot serve healthy after {startup:.1f} s", flush=True)
            urls = [pages.url(p) for p in PAIR]
            first_event = share_links(bot, urls)
            read_in = wait_until_read(bot, 2)
            print(
                f"first message event ack {1000 * first_event:.0f} ms; both read in {read_in:.1f} s"
            )

            def cites_both(text: str) -> bool:
                return all(u in text for u in urls)

            brief = brief_commands(bot, emulator, topic, commands, cites_both)
            message_events = more_events(bot, pages, events)
            exited_early = bot.process.poll() is not None
    return {
        "serve_startup_seconds": round(startup, 2),
        "first_event_ack_ms": round(1000 * first_event, 1),
        "articles_read_seconds": round(read_in, 2),
        "topic": topic,
        "brief": brief,
        "message_events": message_events,
        "serve_exited_early": exited_early,
        "serve_exit_code": bot.exit_code,
        "serve_log_tail": bot.exit_log if bot.exit_code not in (0, 130) else "",
    }


def proc_status_mb(pid: int, field: str) -> float:
    """VmRSS or VmHWM of a process, in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def child_pids(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            out.append(int(entry.name))
    return out


def mixed_requests(
    pages: PageServer, emulator: SlackEmulator, n: int, tag: str
) -> list[tuple[bytes, dict[str, str]]]:
    """Four link events (each a new article) to one /brief command, signed now."""
    names = sorted(p.name for p in SEEDS.glob("*.html"))
    out = []
    for i in range(n):
        if i % 5 == 4:
            out.append(
                signed_slash_command(
                    SECRET, "/brief", "ukraine", response_url=emulator.response_url(f"{tag}-{i}")
                )
            )
            continue
        url = f"{pages.url(names[i % len(names)])}?load={tag}-{i}"
        event = message_event(f"Have a look <{url}>", ts=f"{time.time():.6f}")
        out.append(signed_event(SECRET, event))
    return out


def open_loop(
    url: str, requests: list[tuple[bytes, dict[str, str]]], rate: float
) -> dict[str, Any]:
    """Send each request at its scheduled time, from enough threads that none waits."""
    from collections import Counter

    start = time.perf_counter() + 0.5
    statuses: Counter[int] = Counter()

    def send(i: int) -> float:
        at = start + i / rate
        time.sleep(max(0.0, at - time.perf_counter()))
        try:
            status, _, _ = post(url + "/slack/events", *requests[i], timeout=30)
        except OSError:
            status = 0
        statuses[status] += 1
        return time.perf_counter() - at

    with ThreadPoolExecutor(max_workers=min(400, max(16, int(rate * 4)))) as pool:
        latencies = list(pool.map(send, range(len(requests))))
    summary = latency_summary(latencies)
    summary["p99_ms"] = round(percentile([1000 * x for x in latencies], 99), 1)
    summary["statuses"] = {str(k): v for k, v in sorted(statuses.items())}
    return summary


@contextmanager
def bare_bolt(tmp: Path, api_url: str) -> Iterator[str]:
    port = free_port()
    log = tmp / "bare.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(REPO / "benchmarks" / "bare_bolt.py"), str(port), SECRET, api_url],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(Bot(url, proc, log))
        yield url
    finally:
        stop(proc)


def measure_open_loop(*, rates: list[float], seconds: float, database_url: str) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="briefbot-ack-") as tmp,
        SlackEmulator() as emulator,
        PageServer(SEEDS) as pages,
        running_bot(emulator, Path(tmp), database_url) as bot,
        bare_bolt(Path(tmp), emulator.api_url) as bare_url,
    ):
        time.sleep(5)  # let serve and its child settle: idle means idle
        children = child_pids(bot.process.pid)
        result: dict[str, Any] = {
            "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
            "seconds_per_rate": seconds,
            "serve_idle_rss_mb": proc_status_mb(bot.process.pid, "VmRSS"),
            "ingestion_children": len(children),
            "rates": {},
        }
        for rate in rates:
            n = int(rate * seconds)
            bare_requests = mixed_requests(pages, emulator, n, f"bare{rate:g}")
            our_requests = mixed_requests(pages, emulator, n, f"bot{rate:g}")
            with ThreadPoolExecutor(max_workers=2) as both:  # at once: the same machine state
                bare_run = both.submit(open_loop, bare_url, bare_requests, rate)
                ours = open_loop(bot.url, our_requests, rate)
                bare = bare_run.result()
            ratio = ours["p99_ms"] / bare["p99_ms"] if bare["p99_ms"] else None
            result["rates"][f"{rate:g}"] = {"bare_bolt": bare, "briefbot": ours, "p99_ratio": ratio}
            print(
                f"{rate:>5g} req/s  briefbot p50 {ours['p50_ms']:.0f} ms p99 {ours['p99_ms']:.0f} ms"
                f" ({ours['over_3s']} over 3 s, statuses {ours['statuses']})  bare Bolt p50"
                f" {bare['p50_ms']:.0f} ms p99 {bare['p99_ms']:.0f} ms  ratio"
                f" {ratio if ratio is None else round(ratio, 2)}",
                flush=True,
            )
        result["serve_rss_after_mb"] = proc_status_mb(bot.process.pid, "VmRSS")
        result["ingestion_child_peak_rss_mb"] = max(
            (proc_status_mb(c, "VmHWM") for c in children), default=0.0
        )
        read = bot.send(*signed_slash_command(SECRET, "/brief", "status"))[1]
        result["status_after"] = json.loads(read or b"{}").get("text", "")[:500]
    print(
        f"serve idle RSS {result['serve_idle_rss_mb']} MB, after the load"
        f" {result['serve_rss_after_mb']} MB; ingestion child peak"
        f" {result['ingestion_child_peak_rss_mb']} MB"
    )
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-k", "--commands", type=int, default=50, help="/brief commands to send")
    ap.add_argument("--events", type=int, default=20, help="more message events to time")
    ap.add_argument("--topic", default="ukraine")
    ap.add_argument("--open-loop", action="store_true", help="fixed-rate load beside bare Bolt")
    ap.add_argument("--rates", default="20,50,100", help="requests per second, comma-separated")
    ap.add_argument("--seconds", type=float, default=20, help="how long each rate runs")
    ap.add_argument(
        "--database-url",
        default="",
        help="an EMPTY database for serve (default: a throw-away SQLite file)",
    )
    args = ap.parse_args()

    if args.open_loop:
        rates = [float(r) for r in args.rates.split(",") if r.strip()]
        loop = measure_open_loop(rates=rates, seconds=args.seconds, database_url=args.database_url)
        print(f"wrote {write_result('ack_latency_open_loop', loop).relative_to(REPO)}")
        return 0

    result = measure(commands=args.commands, events=args.events, topic=args.topic)
    print_report(args.commands, result["brief"], result["message_events"])
    print(f"briefbot serve stopped by Ctrl-C with exit code {result['serve_exit_code']}")
    print(result["serve_log_tail"], end="")
    print(f"wrote {write_result('ack_latency', result).relative_to(REPO)}")
    brief = result["brief"]
    ok = brief["briefings_citing_both"] == args.commands and not brief["ack"]["over_3s"]
    return 0 if ok else 1


def print_report(k: int, brief: dict[str, Any], events: dict[str, Any]) -> None:
    a = brief["ack"]
    print(
        f"/brief ack      p50 {a['p50_ms']:.0f} ms  p95 {a['p95_ms']:.0f} ms  max {a['max_ms']:.0f} ms"
        f"  ({a['over_3s']} of {a['count']} over 3 s)"
    )
    d = brief["delivery"]
    if d:
        print(
            f"briefing posted p50 {d['p50_ms']:.0f} ms  p95 {d['p95_ms']:.0f} ms  max {d['max_ms']:.0f} ms"
            " after the command was sent"
        )
    print(
        f"briefings       {brief['briefings_delivered']}/{k} delivered, {brief['briefings_citing_both']}/{k}"
        " cite both links"
    )
    print(
        f"message ack     p50 {events['p50_ms']:.0f} ms  p95 {events['p95_ms']:.0f} ms"
        f"  max {events['max_ms']:.0f} ms  ({events['count']} events, {events['over_3s']} over 3 s)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
