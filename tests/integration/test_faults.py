"""Faults with real processes on PostgreSQL: three `briefbot serve --no-workers`, two
`briefbot worker` and two `briefbot scheduler` on a scratch database, 200 signed link
events over 10 s across the replicas, `kill -9` of a worker holding articles and of the
scheduler whose briefing is about to reach Slack (tests/fault_run.py says how).

Every event is acknowledged (Slack's retries allowed), every link stored once and read
once (a page the killed worker was reading may be fetched again, never saved twice),
every captured message reacted to once, every slot posted once, and the survivors stop
with status 0. `benchmarks/faults.py` runs the same with 2,000 events over 60 s and a
PostgreSQL restart, and waits out the real takeover of the scheduler's slot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.services.claims import LEASE_SECONDS
from tests.cluster import scratch_database
from tests.fault_run import FaultPlan, run_faults, summary

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.mark.timeout(900)
def test_kill_9_of_a_worker_and_of_a_scheduler_under_load(
    pg_server_url, slack_emulator, tmp_path: Path
):
    plan = FaultPlan(events=200, seconds=10.0, slots=3)
    with scratch_database(pg_server_url) as url:
        report = run_faults(
            plan, database_url=url, emulator=slack_emulator, tmp=tmp_path, say=print
        )
    o = report.outcome
    print(json.dumps(summary(report)))
    assert (o.events, o.acked, o.gave_up) == (200, 200, 0)
    assert o.lost == 0, o
    assert o.duplicated == 0, o
    assert set(o.refetched) <= report.refetch_allowed, o.refetched
    assert all(n == 1 for n in o.refetched.values())
    assert report.posts == dict.fromkeys(report.posts, 1), report.posts
    assert report.figures["killed_worker_claims"] >= 1 and report.figures["scheduler_killed"]
    assert report.figures["worker_takeover_s"] < LEASE_SECONDS + 10
    survivors = {name: code for name, code in report.exit_codes.items() if code != -9}
    assert all(code == 0 for code in survivors.values()), report.exit_codes
    assert sum(code == -9 for code in report.exit_codes.values()) == 2  # the two killed
    for name, text in report.logs.items():
        assert "Traceback" not in text, f"{name}:\n{text[-3000:]}"
