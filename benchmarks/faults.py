"""Faults under load on PostgreSQL, with real processes and Slack's own delivery rules.

    python benchmarks/faults.py [--events 2000] [--seconds 60] [--restart-postgres]
                                [--server-url postgresql://postgres@127.0.0.1:5432/postgres]

Three `briefbot serve --no-workers`, two `briefbot worker` and two `briefbot scheduler` run
on a scratch database created on the server (and dropped afterwards). ``--events`` signed
message events, each sharing a new article page, arrive evenly over ``--seconds`` across the
replicas; an attempt without a 2xx within 3 s is retried as Slack retries (immediately,
after 1 minute, after 5 minutes, each time to another replica). On the way, 10 s in,
``kill -9`` of the worker holding the most articles (a supervisor starts another 2 s
later); 20 s in, three followed topics fall due and the scheduler whose briefing reaches
Slack first is killed just before it is delivered; with ``--restart-postgres``, 35 s in,
the PostgreSQL server itself is restarted (``pg_ctlcluster ... restart``: only a local
server, only when asked; anything else connected to it is cut off too).

It prints and writes (``benchmarks/results/faults.json``): ack p50/p99 over every
answered attempt, lost (events Slack gave up on, shares not stored, links not read: must
be 0), duplicated (shares stored twice, a message reacted to twice: must be 0), pages
fetched again (the killed worker's, and with the restart those whose outcome it cut off),
the drain time (last ack to an empty queue), the worker takeover (kill to its articles
claimed by another) and the scheduler takeover (kill to the abandoned slot posted, after
the five minutes a claim without an outcome is trusted). Exit status 1 if anything was
lost, duplicated or posted other than once.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import REPO, write_result

sys.path.insert(0, str(REPO))  # the tests package (cluster, emulator, pages) is not installed
from tests.cluster import scratch_database
from tests.fault_run import FaultPlan, run_faults, summary
from tests.slack.emulator import SlackEmulator

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def postgres_restarter(server_url: str):  # type: ignore[no-untyped-def]
    """The restart of the local cluster ``server_url`` names; refuses anything else."""
    from sqlalchemy.engine import make_url

    host = make_url(server_url).host or "localhost"
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"--restart-postgres restarts only a local server, not {host}")
    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*") if (p / "main").is_dir())
    if len(versions) != 1 or shutil.which("pg_ctlcluster") is None:
        raise SystemExit(
            "--restart-postgres needs pg_ctlcluster and one cluster under /etc/postgresql"
        )
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[0], "main", "restart"]

    def restart() -> None:
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    return restart


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--server-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--restart-postgres",
        action="store_true",
        help="restart the local PostgreSQL server 35 s in",
    )
    parser.add_argument(
        "--quick-takeover",
        action="store_true",
        help="let a scheduler with its clock 5 min ahead take the killed one's slot (no wait)",
    )
    args = parser.parse_args()
    plan = FaultPlan(
        events=args.events,
        seconds=args.seconds,
        channels=20,
        slots=3,
        kill_worker_at=10.0,
        slot_at=20.0,
        restart_postgres_at=35.0 if args.restart_postgres else None,
        retry_delays=(0.0, 60.0, 300.0),
        wait_for_takeover=not args.quick_takeover,
        drain_timeout=1800.0,
    )
    restart = postgres_restarter(args.server_url) if args.restart_postgres else None
    with (
        tempfile.TemporaryDirectory(prefix="briefbot-faults-") as tmp,
        SlackEmulator() as slack,
        scratch_database(args.server_url) as url,
    ):
        report = run_faults(
            plan,
            database_url=url,
            emulator=slack,
            tmp=Path(tmp),
            restart_postgres=restart,
            say=lambda line: print(line, flush=True),
        )
    figures = summary(report)
    figures["plan"] = {
        "events": plan.events,
        "seconds": plan.seconds,
        "processes": "3 serve --no-workers, 2 worker, 2 scheduler",
        "postgres_restart": args.restart_postgres,
        "slack_retry_delays_s": list(plan.retry_delays),
    }
    figures["exit_codes"] = report.exit_codes
    bad = report.outcome.lost or report.outcome.duplicated or set(report.posts.values()) != {1}
    figures["verdict"] = "fail" if bad else "pass"
    path = write_result("faults", figures)
    print(json.dumps(figures, indent=2))
    print(f"wrote {path.relative_to(REPO)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
