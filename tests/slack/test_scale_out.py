"""At scale: HTTP replicas only record shares; separate worker processes read the articles."""

from __future__ import annotations

import json
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from waitress.server import create_server

from bot.app import build
from bot.clock import utcnow
from bot.config import Settings
from bot.entrypoints.http_server import wsgi_app
from bot.entrypoints.slack_app import build_slack
from bot.entrypoints.worker import IngestionPool
from tests.integration.test_ingest import KYIV_PAGE
from tests.pages import PageServer
from tests.slack.signing import message_event, post, signed_event, signed_slash_command
from tests.waitress_thread import running

pytestmark = pytest.mark.slow
SECRET = "scale-secret"


def test_two_replicas_and_a_worker_share_one_database(slack_emulator, database_url, tmp_path: Path):
    settings = Settings.from_env(
        {},
        data_dir=tmp_path,
        database_url=database_url,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=slack_emulator.api_url,
        fetch_allowlist=("127.0.0.1",),
    )
    replicas, servers = [], []
    stack = ExitStack()
    for _ in range(2):
        container = build(settings)
        app, _ = build_slack(container, http=True, ingest_here=False)
        server = create_server(
            wsgi_app(app, container.db, signing_secret=SECRET), host="127.0.0.1", port=0, threads=2
        )
        stack.enter_context(running(server))
        replicas.append(container)
        servers.append(f"http://127.0.0.1:{server.effective_port}/slack/events")
    worker = build(settings)
    pool = IngestionPool(
        store=worker.store,
        fetcher=worker.fetcher,
        reader=worker.reader,
        analyzer=worker.analyzer,
        now=utcnow,
    )
    try:
        with PageServer() as pages:
            url = pages.add("/kyiv", KYIV_PAGE)
            event = message_event(f"<{url}>", ts=f"{time.time():.6f}")
            # Slack's first delivery reaches one replica, its retry the other.
            assert post(servers[0], *signed_event(SECRET, event, event_id="Ev0SCALE1"))[0] == 200
            assert (
                post(servers[1], *signed_event(SECRET, event, event_id="Ev0SCALE1", retry_num=1))[0]
                == 200
            )
            time.sleep(0.5)
            assert pages.hits["/kyiv"] == 0, "replicas do not fetch"
            assert worker.store.counts() == {"articles": 1, "pending": 1, "shares": 1, "actors": 0}
            assert pool.sweep_once() == 1 and pool.sweep_once() == 0
            assert pages.hits["/kyiv"] == 1
            body, headers = signed_slash_command(
                SECRET, "/brief", "kyiv", response_url=slack_emulator.response_url("scale")
            )
            assert post(servers[1], body, headers)[0] == 200
            [reply] = slack_emulator.wait_for("response_url", timeout=10)
            assert url in json.dumps(reply.params)
        assert len(slack_emulator.calls_to("reactions.add")) == 1, "the retry had no second effect"
    finally:
        pool.shutdown()
        stack.close()
        for c in [*replicas, worker]:
            c.close()
