"""Installs by OAuth, end to end: two workspaces installed through /slack/install and
/slack/oauth_redirect against the Slack emulator, their events and commands signed and
sent over real HTTP, then uninstalled.

The two workspaces use the same channel id (C0NEWS) and the same user ids, as two
unrelated workspaces may: what one shares, follows and is briefed on never reaches the
other, whether in a /brief answer, the App Home, a scheduled briefing or a digest, and
everything each is sent goes out with its own bot token.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlsplit
from urllib.request import Request, urlopen

import pytest
from sqlalchemy import text

from bot.app import Container, build
from bot.briefing.status import SlotOutcome, TopicKind
from bot.config import Settings
from bot.entrypoints.http_server import wsgi_app
from bot.entrypoints.installs import background_poster, installed_check, workspace_directory
from bot.entrypoints.scheduler import BriefingScheduler
from bot.entrypoints.slack_app import build_slack
from bot.errors import ConfigError
from bot.ports import NewShare
from handlers.context import Deps
from storage.followed_topics import SqlTopicStore
from storage.token_cipher import new_key
from tests.integration.test_ingest import KYIV_PAGE
from tests.pages import PageServer
from tests.slack.oauth_emulator import OAuthEmulator, Workspace
from tests.slack.signing import (
    message_event,
    post,
    signed_event,
    signed_interaction,
    signed_slash_command,
)
from tests.waitress_thread import running

pytestmark = pytest.mark.slow
SECRET = "oauth-signing-secret"
CLIENT_ID, CLIENT_SECRET = "1111.2222", "client-secret"
ALPHA = Workspace("T0ALPHA", team_name="Alpha", bot_user_id="U0BOTA", bot_id="B0BOTA")
BRAVO = Workspace("T0BRAVO", team_name="Bravo", bot_user_id="U0BOTB", bot_id="B0BOTB")
TOKENS = {"T0ALPHA": "xoxb-alpha-1", "T0BRAVO": "xoxb-bravo-2"}
ODESA_PAGE = """<!doctype html><html lang="en"><head><title>Odesa port reopens | Quay Post</title>
<meta property="og:site_name" content="Quay Post"></head><body><article>
<h1>Grain ships leave Odesa as Ukraine reopens its ports</h1>
<p>Three cargo ships loaded with Ukrainian wheat left Odesa on Tuesday, the first to sail
since the port was shelled last month, Ukraine's ministry of infrastructure said.</p>
<p>Oleksandr Kubrakov said insurers had agreed to cover the route again and that twenty more
ships were waiting to load maize and sunflower oil in the coming week.</p>
<p>Traders in Istanbul said the sailings would ease prices for buyers in Egypt and Lebanon.</p>
</article></body></html>"""


@dataclass
class Grid:
    url: str
    container: Container
    deps: Deps
    slack: OAuthEmulator
    pages: PageServer

    def send(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        return post(self.url + "/slack/events", body, headers)

    def event(self, team: str, event: dict[str, Any], **envelope: Any) -> int:
        event.setdefault("team", team)
        return self.send(*signed_event(SECRET, event, team_id=team, **envelope))[0]

    def command(self, team: str, text: str, *, user: str = "U0ALICE", **fields: Any) -> Any:
        """The /brief answer that arrives at its response_url."""
        url = self.slack.response_url(f"{team}-{time.monotonic_ns()}")
        fields.setdefault("channel_id", "C0NEWS")
        body, headers = signed_slash_command(
            SECRET, "/brief", text, team_id=team, user_id=user, response_url=url, **fields
        )
        status, _, ack = self.send(body, headers)
        assert status == 200, ack
        if ack:  # answered in the ack (help, status, errors)
            return json.loads(ack)
        [reply] = self.slack.wait_for(
            "response_url", predicate=lambda c: c.path.endswith(url[-30:])
        )
        return reply.params

    def install(self, code: str, workspace: Workspace, token: str) -> str:
        """Slack's install flow as a browser goes through it: the page's link, then the
        redirect back with the code and the state, its cookie sent along."""
        self.slack.install_code(code, bot_token=token, workspace=workspace)
        status, headers, page = get(self.url + "/slack/install")
        assert status == 200, page
        link = re.search(r'href="(https://slack.com/oauth/v2/authorize\?[^"]+)"', page).group(1)
        query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
        assert query["client_id"] == [CLIENT_ID] and "chat:write" in query["scope"][0]
        state = query["state"][0]
        assert f"slack-app-oauth-state={state}" in headers["Set-Cookie"]
        status, _, done = get(
            f"{self.url}/slack/oauth_redirect?code={code}&state={state}",
            {"Cookie": f"slack-app-oauth-state={state}"},
        )
        assert status == 200, done
        return done

    def idle(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (
                self.deps.pool.executor._work_queue.empty()
                and not self.container.store.counts().get("pending")
            ):
                return
            time.sleep(0.05)
        raise AssertionError("articles still pending")


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = Request(url, headers=headers or {}, method="GET")
    try:
        with urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers.items()), answer.read().decode()
    except HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read().decode()


def oauth_settings(tmp_path: Path, database_url: str, slack: OAuthEmulator, **kw: Any) -> Settings:
    given: dict[str, Any] = {
        "data_dir": tmp_path,
        "database_url": database_url,
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "encryption_keys": (new_key(),),
        "slack_signing_secret": SECRET,
        "slack_api_url": slack.api_url,
        "fetch_allowlist": ("127.0.0.1",),
        **kw,
    }
    return Settings.from_env({}, **given)


@pytest.fixture
def grid(tmp_path: Path, database_url: str) -> Iterator[Grid]:
    from waitress.server import create_server

    with OAuthEmulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as slack:
        container = build(oauth_settings(tmp_path, database_url, slack))
        app, deps = build_slack(container, http=True)
        server = create_server(
            wsgi_app(app, container.db, signing_secret=SECRET), host="127.0.0.1", port=0, threads=4
        )
        with running(server), PageServer() as pages:
            yield Grid(f"http://127.0.0.1:{server.effective_port}", container, deps, slack, pages)
        container.close()


@pytest.fixture
def two(grid: Grid) -> Grid:
    """Alpha and Bravo installed, each having shared one article in its own C0NEWS."""
    for code, workspace in (("code-alpha", ALPHA), ("code-bravo", BRAVO)):
        page = grid.install(code, workspace, TOKENS[workspace.team_id])
        assert "Thank you!" in page and f"team={workspace.team_id}" in page
    grid.slack.add_user("U0ADMIN", is_admin=True, tz="Europe/London")
    grid.pages.add("/alpha/kyiv", KYIV_PAGE)
    grid.pages.add("/bravo/odesa", ODESA_PAGE)
    for team, path in (("T0ALPHA", "/alpha/kyiv"), ("T0BRAVO", "/bravo/odesa")):
        event = message_event(
            f"<{grid.pages.url(path)}>", channel="C0NEWS", ts=f"{time.time():.6f}"
        )
        assert grid.event(team, event) == 200
    grid.idle()
    assert grid.container.store.counts()["done"] == 2
    return grid


def only_ones_own(found: object, team: str, grid: Grid) -> None:
    said = json.dumps(found)
    own, other = (
        ("/alpha/kyiv", "/bravo/odesa") if team == "T0ALPHA" else ("/bravo/odesa", "/alpha/kyiv")
    )
    assert grid.pages.url(own) in said, f"{team} does not see its own article"
    assert grid.pages.url(other) not in said, f"{team} sees the other workspace's article"


def test_the_tokens_are_stored_encrypted_one_installation_each(two: Grid):
    with two.container.db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT team_id, bot_token FROM slack_bots ORDER BY team_id")
        ).all()
    assert [team for team, _ in rows] == ["T0ALPHA", "T0BRAVO"]
    assert all(token.startswith("gAAAAA") and "xoxb" not in token for _, token in rows)
    [exchange_a, exchange_b] = two.slack.calls_to("oauth.v2.access")
    assert exchange_a.ok and exchange_b.ok  # each code once, with the app's credentials


def test_each_workspace_hears_only_from_its_own_bot(two: Grid):
    for token in TOKENS.values():
        [reaction] = two.slack.calls_with(token, "reactions.add")
        assert reaction.params["channel"] == "C0NEWS"
    tokens = {
        c.token for c in two.slack.calls if c.method not in ("oauth.v2.access", "response_url")
    }
    assert tokens == set(TOKENS.values())
    # auth.test once per install, none before an ack: requests are authorised from the store.
    assert len(two.slack.calls_to("auth.test")) == 2


def test_briefings_status_and_the_app_home_stay_in_their_workspace(two: Grid):
    for team in TOKENS:
        only_ones_own(two.command(team, "ukraine"), team, two)
        only_ones_own(two.command(team, "status"), team, two)
    for team, token in TOKENS.items():
        two.slack.reset()
        home = {"type": "app_home_opened", "user": "U0ALICE", "tab": "home", "channel": "D0HOME"}
        assert two.event(team, home) == 200
        [published] = two.slack.wait_for("views.publish", timeout=10)
        assert published.token == token
        only_ones_own(published.params["view"], team, two)


def test_topics_and_digests_are_briefed_to_their_own_workspace(two: Grid):
    followed = two.command("T0ALPHA", "follow ukraine at 07:30 daily", user="U0ADMIN")
    assert "Now following *ukraine*" in followed["text"]
    assert "Scheduled the digest" in two.command("T0BRAVO", "digest daily", user="U0ADMIN")["text"]
    assert "ukraine" not in two.command("T0BRAVO", "topics")["text"]
    assert "ukraine" in two.command("T0ALPHA", "topics")["text"]
    two.slack.reset()
    outcomes = run_every_slot(two)
    assert sorted(outcomes.values()) == [SlotOutcome.POSTED, SlotOutcome.POSTED]
    for team, token in TOKENS.items():
        [posted] = two.slack.calls_with(token, "chat.postMessage")
        assert posted.params["channel"] == "C0NEWS"
        only_ones_own(posted.params, team, two)


def test_another_workspaces_topic_cannot_be_opened_or_edited_by_its_id(two: Grid):
    two.command("T0ALPHA", "follow ukraine at 07:30 daily", user="U0ADMIN")
    [alphas] = SqlTopicStore(two.container.db).list_topics(team_id="T0ALPHA")
    click = {
        "type": "block_actions",
        "user": {"id": "U0ADMIN"},
        "team": {"id": "T0BRAVO"},
        "trigger_id": "1.5.trigger",
        "api_app_id": "A0TEST",
        "container": {"type": "view"},
        "actions": [
            {"action_id": "topic_edit", "value": str(alphas.id), "type": "button", "block_id": "b"}
        ],
    }
    two.slack.reset()
    assert two.send(*signed_interaction(SECRET, click))[0] == 200
    [opened] = two.slack.wait_for("views.open", timeout=10)
    assert opened.token == TOKENS["T0BRAVO"] and "ukraine" not in json.dumps(opened.params)
    values = {
        "topic": {"value": {"type": "plain_text_input", "value": "stolen"}},
        "channel": {"value": {"type": "conversations_select", "selected_conversation": "C0NEWS"}},
        "time": {"value": {"type": "timepicker", "selected_time": "09:15"}},
        "days": {"value": {"type": "static_select", "selected_option": {"value": "mon-fri"}}},
        "tz": {"value": {"type": "plain_text_input", "value": "UTC"}},
    }
    submit = {
        "type": "view_submission",
        "user": {"id": "U0ADMIN"},
        "team": {"id": "T0BRAVO"},
        "api_app_id": "A0TEST",
        "trigger_id": "1.6.trigger",
        "view": {
            "id": "V3",
            "type": "modal",
            "callback_id": "topic_save",
            "private_metadata": str(alphas.id),  # Alpha's topic, sent from Bravo
            "state": {"values": values},
        },
    }
    assert two.send(*signed_interaction(SECRET, submit))[0] == 200
    assert SqlTopicStore(two.container.db).topic_by_id(alphas.id) == alphas


def run_every_slot(grid: Grid, offset: timedelta = timedelta(minutes=1)) -> dict[str, str]:
    """Each topic's slot, a minute from now, run as `briefbot scheduler` runs it."""
    slot = datetime.now(UTC).replace(second=0, microsecond=0) + offset
    topics = SqlTopicStore(grid.container.db)
    scheduler = BriefingScheduler(
        topics=topics,
        store=grid.container.store,
        poster=background_poster(grid.container),
        installed=installed_check(grid.container),
        now=lambda: slot,
    )
    return {f"{t.team_id} {t.kind}": scheduler.run_slot(t, slot) for t in topics.list_topics()}


def test_uninstalling_deletes_the_tokens_and_stops_that_workspaces_briefings(two: Grid):
    two.command("T0ALPHA", "follow ukraine at 07:30 daily", user="U0ADMIN")
    two.command("T0BRAVO", "digest daily", user="U0ADMIN")
    assert two.event("T0ALPHA", {"type": "app_uninstalled"}) == 200
    with two.container.db.engine.connect() as conn:
        left = conn.execute(text("SELECT team_id FROM slack_installations")).scalars().all()
        bots = conn.execute(text("SELECT team_id FROM slack_bots")).scalars().all()
    assert left == ["T0BRAVO"] and bots == ["T0BRAVO"]
    two.slack.reset()
    outcomes = run_every_slot(two)
    assert outcomes == {
        f"T0ALPHA {TopicKind.TOPIC}": SlotOutcome.UNINSTALLED,
        f"T0BRAVO {TopicKind.DIGEST}": SlotOutcome.POSTED,
    }
    assert not [c for c in two.slack.calls if c.token == TOKENS["T0ALPHA"]]
    # Alpha's next request finds no installation: nothing runs, nothing is stored.
    shares = two.container.store.counts()["shares"]
    event = message_event(f"<{two.pages.url('/alpha/kyiv')}?again>", channel="C0NEWS")
    two.event("T0ALPHA", event)
    assert two.container.store.counts()["shares"] == shares
    assert not [c for c in two.slack.calls if c.token == TOKENS["T0ALPHA"]]
    # Bravo's bot token revoked: its digest stops too.
    revoked = {"type": "tokens_revoked", "tokens": {"bot": ["U0BOTB"]}}
    assert two.event("T0BRAVO", revoked) == 200
    assert set(run_every_slot(two, timedelta(minutes=2)).values()) == {SlotOutcome.UNINSTALLED}


def test_a_note_after_a_retried_article_goes_out_with_the_sharers_workspace_token(two: Grid):
    poster = background_poster(two.container)  # what `briefbot worker` tells sharers with
    two.slack.reset()
    for team in ("T0ALPHA", "T0BRAVO", "T0NEVER"):
        share = NewShare(team, "C0NEWS", "U0ALICE", "1.000100", datetime.now(UTC))
        poster.note(client=None, share=share, text="That link could not be read.")
    notes = two.slack.calls_to("chat.postEphemeral")
    assert [n.token for n in notes] == [TOKENS["T0ALPHA"], TOKENS["T0BRAVO"]]  # none for T0NEVER


def test_the_install_state_is_checked(grid: Grid):
    grid.slack.install_code("code-x", bot_token="xoxb-x", workspace=ALPHA)
    _, headers, _ = get(grid.url + "/slack/install")
    state = re.search(r"slack-app-oauth-state=([^;]+)", headers["Set-Cookie"]).group(1)
    forged = get(
        f"{grid.url}/slack/oauth_redirect?code=code-x&state=forged",
        {"Cookie": "slack-app-oauth-state=forged"},
    )
    no_cookie = get(f"{grid.url}/slack/oauth_redirect?code=code-x&state={state}")
    assert forged[0] == 401 and no_cookie[0] == 400
    assert not grid.slack.calls_to("oauth.v2.access")  # the code was never exchanged
    with grid.container.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM slack_installations")).scalar() == 0


def test_an_org_wide_install_serves_the_workspaces_of_its_org(grid: Grid):
    org = Workspace(
        None,
        bot_user_id="U0BOTORG",
        enterprise_id="E0ACME",
        enterprise_name="Acme",
        org_install=True,
    )
    page = grid.install("code-org", org, "xoxb-org-3")
    assert "acme.enterprise.slack.com/manage/organization/apps/profile/" in page  # add workspaces
    grid.pages.add("/grid/kyiv", KYIV_PAGE)
    grants = {"enterprise_id": "E0ACME", "team_id": "T0ACME1", "is_enterprise_install": True}
    event = message_event(
        f"<{grid.pages.url('/grid/kyiv')}>", channel="C0NEWS", ts=f"{time.time():.6f}"
    )
    body, headers = signed_event(SECRET, org_event(event, grants))
    assert grid.send(body, headers)[0] == 200
    grid.idle()
    [reaction] = grid.slack.calls_to("reactions.add")
    assert reaction.token == "xoxb-org-3"
    # Work Briefbot starts itself finds the org's installation from the workspace alone.
    directory = workspace_directory(grid.container)
    assert directory.bot_for("T0ACME1").bot_token == "xoxb-org-3"
    poster = background_poster(grid.container)
    assert poster.client_for("T0ACME1").default_params["team_id"] == "T0ACME1"
    assert directory.bot_for("T0OTHER") is None
    body, headers = signed_event(SECRET, org_event({"type": "app_uninstalled"}, grants))
    assert grid.send(body, headers)[0] == 200
    assert directory.bot_for("T0ACME1") is None


def org_event(event: dict[str, Any], grants: dict[str, Any]) -> dict[str, Any]:
    return {
        "token": "verification-token",
        "team_id": grants["team_id"],
        "enterprise_id": grants["enterprise_id"],
        "api_app_id": "A0TEST",
        "type": "event_callback",
        "event_id": f"Ev{time.monotonic_ns()}",
        "event_time": int(time.time()),
        "event": {**event, "team": grants["team_id"]},
        "authorizations": [{**grants, "user_id": "U0BOTORG", "is_bot": True}],
        "is_ext_shared_channel": False,
    }


def test_oauth_mode_refuses_to_start_without_a_key(tmp_path: Path, slack_emulator):
    settings = Settings.from_env(
        {},
        data_dir=tmp_path,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_signing_secret=SECRET,
        slack_api_url=slack_emulator.api_url,
    )
    container = build(settings)
    try:
        with pytest.raises(ConfigError, match=r"^BRIEFBOT_ENCRYPTION_KEY is not set"):
            build_slack(container, http=True)
        with pytest.raises(ConfigError, match=r"need `briefbot serve`"):
            build_slack(container, http=False)
    finally:
        container.close()
