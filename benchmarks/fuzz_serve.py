"""Thousands of generated Slack requests, signed and not, against the real ``briefbot serve``.

    python benchmarks/fuzz_serve.py [-n 2000] [--seed 11] [--out FILE]

Everything is local: the Slack Web API emulator runs in this process, ``briefbot serve
--no-workers`` runs as a subprocess on 127.0.0.1 with a throw-away SQLite file (no worker
processes, so no generated link is ever fetched) and ``BRIEFBOT_METRICS_ADDRESS`` on a port
of its own. The requests come from the strategies of ``tests/slack/test_fuzz_requests.py``:
every payload kind Slack sends (events, slash commands, block_actions, view_submission,
url_verification) with fields right, missing, of the wrong type or hostile, beside garbage
bytes, non-object JSON, deep nesting and odd forms; half carry a wrong, stale or missing
signature. They go one after another, each signed just before it is sent.

It prints the answers by status, by payload kind and by signature, and checks what must
hold: no 5xx, every wrongly signed request 401, ``/healthz`` still answering, ``/metrics``
404 on Slack's port and served on its own, no traceback in serve's log. Exit code 1 if any
of these fails. Writes ``benchmarks/results/fuzz_serve.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

from ack_latency import Bot, free_port, stop, wait_healthy
from harness import REPO, briefbot_exe, machine, percentile

sys.path.insert(0, str(REPO))  # the tests package (emulator, strategies) is not installed
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.slack.emulator import SlackEmulator
from tests.slack.signing import post
from tests.slack.test_fuzz_requests import UNSIGNED, FuzzRequest, slack_requests

SECRET = "fuzz-bench-signing-secret"


@contextmanager
def running_serve(emulator: SlackEmulator, tmp: Path, metrics: str) -> Iterator[Bot]:
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-fuzz",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": emulator.api_url,
        "BRIEFBOT_DATA_DIR": str(tmp),
        "BRIEFBOT_DATABASE_URL": f"sqlite:///{tmp / 'fuzz.sqlite3'}",
        "BRIEFBOT_ADMINS": "U0ADMIN",
        "BRIEFBOT_METRICS_ADDRESS": metrics,
        "BRIEFBOT_ENV_FILE": str(tmp / "none.env"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    command = [str(briefbot_exe()), "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = tmp / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*command, "--no-workers"], cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    bot = Bot(f"http://127.0.0.1:{port}", proc, log)
    try:
        wait_healthy(bot)
        yield bot
    finally:
        bot.exit_code = stop(proc)


def get(url: str) -> int:
    try:
        with urlopen(url, timeout=10) as answer:
            return int(answer.status)
    except HTTPError as error:
        with error:
            return int(error.code)
    except OSError:
        return 0  # no answer at all


def fire(bot: Bot, emulator: SlackEmulator, count: int, rng_seed: int) -> list[dict[str, Any]]:
    """Draw ``count`` requests from the fuzz strategies and send each; nothing raises."""
    sent: list[dict[str, Any]] = []

    @seed(rng_seed)
    @settings(
        max_examples=count,
        phases=[Phase.generate],  # no shrinking: every request is counted, none retried
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=slack_requests(auth=st.one_of(st.just("signed"), st.sampled_from(UNSIGNED))))
    def send(request: FuzzRequest) -> None:
        body, headers = request.headers(SECRET, emulator.response_url(f"bench-{len(sent)}"))
        started = time.perf_counter()
        try:
            status, _, answer = post(bot.url + "/slack/events", body, headers, timeout=30)
        except OSError as exc:  # the server dropped the connection: as bad as a 5xx
            status, answer = 0, repr(exc).encode()
        sent.append(
            {
                "kind": request.kind,
                "signed": request.auth == "signed",
                "status": status,
                "seconds": time.perf_counter() - started,
                "answer": answer[:200].decode("utf-8", "replace"),
            }
        )

    send()
    return sent


def summarise(sent: list[dict[str, Any]]) -> dict[str, Any]:
    by_status = Counter(str(r["status"]) for r in sent)
    ms = [1000 * r["seconds"] for r in sent]
    return {
        "requests": len(sent),
        "by_status": dict(sorted(by_status.items())),
        "by_kind": {
            kind: dict(sorted(Counter(str(r["status"]) for r in sent if r["kind"] == kind).items()))
            for kind in sorted({r["kind"] for r in sent})
        },
        "signed": dict(sorted(Counter(str(r["status"]) for r in sent if r["signed"]).items())),
        "unsigned": dict(
            sorted(Counter(str(r["status"]) for r in sent if not r["signed"]).items())
        ),
        "server_errors": sum(r["status"] >= 500 or r["status"] == 0 for r in sent),
        "unsigned_not_401": sum(not r["signed"] and r["status"] != 401 for r in sent),
        "latency_ms": {
            "p50": round(percentile(ms, 50), 1),
            "p99": round(percentile(ms, 99), 1),
            "max": round(max(ms), 1),
        },
        "examples_5xx": [r for r in sent if r["status"] >= 500 or r["status"] == 0][:5],
    }


def measure(count: int, rng_seed: int) -> dict[str, Any]:
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="briefbot-fuzz-") as tmp, SlackEmulator() as emulator:
        metrics = f"127.0.0.1:{free_port()}"
        with running_serve(emulator, Path(tmp), metrics) as bot:
            started = time.perf_counter()
            sent = fire(bot, emulator, count, rng_seed)
            seconds = time.perf_counter() - started
            checks = {
                "healthz_after": get(bot.url + "/healthz"),
                "metrics_on_slack_port": get(bot.url + "/metrics"),
                "metrics_on_own_address": get(f"http://{metrics}/metrics"),
            }
            log = bot.log.read_text(errors="replace")
        checks["serve_exit_code"] = bot.exit_code
    checks["tracebacks_in_serve_log"] = log.count("Traceback (most recent call last)")
    errors = [line for line in log.splitlines() if " ERROR " in line]
    checks["errors_in_serve_log"] = len(errors)
    checks["first_errors"] = errors[:5]
    return {
        "command": shlex.join([sys.executable, *sys.argv]),
        "seed": rng_seed,
        "seconds": round(seconds, 1),
        "requests_per_second": round(len(sent) / seconds, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        **summarise(sent),
        "checks": checks,
        "wrong_signatures": list(UNSIGNED),
    }


def verdict(result: dict[str, Any]) -> list[str]:
    checks = result["checks"]
    problems = []
    if result["server_errors"]:
        problems.append(f"{result['server_errors']} answers were 5xx or no answer")
    if result["unsigned_not_401"]:
        problems.append(f"{result['unsigned_not_401']} wrongly signed requests were not 401")
    if checks["healthz_after"] != 200:
        problems.append(f"/healthz answered {checks['healthz_after']} after the run")
    if (checks["metrics_on_slack_port"], checks["metrics_on_own_address"]) != (404, 200):
        problems.append("/metrics was not 404 on Slack's port and 200 on its own address")
    if checks["tracebacks_in_serve_log"] or checks["errors_in_serve_log"]:
        problems.append(
            f"{checks['tracebacks_in_serve_log']} tracebacks and"
            f" {checks['errors_in_serve_log']} errors in serve's log"
        )
    return problems


def print_report(result: dict[str, Any]) -> None:
    print(f"$ {result['command']}")
    print(
        f"{result['requests']} requests in {result['seconds']} s ({result['requests_per_second']}/s),"
        f" load average {result['load_average_before'][0]} before, {result['load_average_after'][0]} after"
    )
    print(f"by status:   {result['by_status']}")
    print(f"signed:      {result['signed']}")
    print(f"unsigned:    {result['unsigned']}")
    for kind, counts in result["by_kind"].items():
        print(f"  {kind:<17} {counts}")
    lat = result["latency_ms"]
    print(f"latency      p50 {lat['p50']} ms  p99 {lat['p99']} ms  max {lat['max']} ms")
    print(
        f"5xx or no answer: {result['server_errors']}; wrongly signed but not 401: {result['unsigned_not_401']}"
    )
    print(f"checks:      {result['checks']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--requests", type=int, default=2000, help="requests to send")
    ap.add_argument(
        "--seed", type=int, default=11, help="the generator's seed (same seed, same requests)"
    )
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "fuzz_serve.json")
    args = ap.parse_args()

    result = measure(args.requests, args.seed)
    result["machine"] = machine()
    problems = verdict(result)
    result["problems"] = problems
    print_report(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
