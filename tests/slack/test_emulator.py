"""Tests of the offline Slack doubles, driven through the real slack_sdk / slack_bolt clients.

The ``slack_emulator`` and ``socket_server`` fixtures come from tests/slack/fixtures.py
(registered in tests/conftest.py).
"""

from __future__ import annotations

import json
import threading
import time
from urllib.parse import urlencode

import pytest
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from tests.slack.emulator import BOT_USER_ID, TEAM_ID, SlackEmulator
from tests.slack.signing import (
    app_mention_event,
    event_callback_payload,
    post,
    sign,
    signed_event,
    signed_slash_command,
    slash_command_payload,
)
from tests.slack.socket_server import SocketModeServer

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_DOC_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
    b"&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
    b"&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
    b"%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
SLACK_DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def client_for(emulator: SlackEmulator, token: str = "xoxb-test") -> WebClient:
    return WebClient(token=token, base_url=emulator.api_url, timeout=5)


# ---------------------------------------------------------------------- Web API answers


def test_api_url_is_a_base_url_for_webclient(slack_emulator: SlackEmulator) -> None:
    assert slack_emulator.api_url.startswith("http://127.0.0.1:")
    assert slack_emulator.api_url.endswith("/api/")
    assert slack_emulator.port > 0


def test_auth_test_identifies_the_bot(slack_emulator: SlackEmulator) -> None:
    response = client_for(slack_emulator).auth_test()
    assert response["ok"] is True
    assert response["team_id"] == TEAM_ID == "T0TEST"
    assert response["user_id"] == BOT_USER_ID == "U0BOT"
    assert response["bot_id"] == "B0BOT"
    assert response["url"].startswith("https://")
    assert response["team"] and response["user"]
    [call] = slack_emulator.calls_to("auth.test")
    assert call.token == "xoxb-test"
    assert call.header("authorization") == "Bearer xoxb-test"


def test_post_message_answers_unique_increasing_ts_and_echoes_message(
    slack_emulator: SlackEmulator,
) -> None:
    client = client_for(slack_emulator)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Brief*"}}]
    first = client.chat_postMessage(channel="C0NEWS", text="one", blocks=blocks)
    second = client.chat_postMessage(channel="C0NEWS", text="two", thread_ts=first["ts"])

    assert first["ok"] and second["ok"]
    assert first["channel"] == "C0NEWS"
    assert first["ts"] != second["ts"]
    assert float(first["ts"]) < float(second["ts"])
    seconds, micros = first["ts"].split(".")
    assert len(seconds) == 10 and len(micros) == 6
    assert first["message"]["text"] == "one"
    assert first["message"]["blocks"] == blocks
    assert first["message"]["bot_id"] == "B0BOT"
    assert second["message"]["thread_ts"] == first["ts"]

    calls = slack_emulator.calls_to("chat.postMessage")
    assert [c.params["text"] for c in calls] == ["one", "two"]
    assert calls[0].params["blocks"] == blocks
    assert [m["text"] for m in slack_emulator.posted_messages("C0NEWS")] == ["one", "two"]


def test_post_message_without_content_or_channel_is_an_api_error(
    slack_emulator: SlackEmulator,
) -> None:
    client = client_for(slack_emulator)
    with pytest.raises(SlackApiError) as no_text:
        client.api_call("chat.postMessage", json={"channel": "C0NEWS"})
    assert no_text.value.response["error"] == "no_text"

    slack_emulator.channels["C0GONE"] = None
    with pytest.raises(SlackApiError) as gone:
        client.chat_postMessage(channel="C0GONE", text="hi")
    assert gone.value.response["error"] == "channel_not_found"

    slack_emulator.not_in_channel.add("C0PRIVATE")
    with pytest.raises(SlackApiError) as outside:
        client.chat_postMessage(channel="C0PRIVATE", text="hi")
    assert outside.value.response["error"] == "not_in_channel"


def test_block_kit_limits_are_enforced(slack_emulator: SlackEmulator) -> None:
    client = client_for(slack_emulator)
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    with pytest.raises(SlackApiError) as too_many:
        client.chat_postMessage(channel="C0NEWS", text="t", blocks=[section] * 51)
    assert too_many.value.response["error"] == "invalid_blocks"

    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    with pytest.raises(SlackApiError) as too_long:
        client.chat_postMessage(channel="C0NEWS", text="t", blocks=[long_section])
    assert too_long.value.response["error"] == "invalid_blocks"

    header = {"type": "header", "text": {"type": "mrkdwn", "text": "Brief"}}
    with pytest.raises(SlackApiError) as bad_header:
        client.chat_postMessage(channel="C0NEWS", text="t", blocks=[header])
    assert bad_header.value.response["error"] == "invalid_blocks"

    assert client.chat_postMessage(channel="C0NEWS", text="t", blocks=[section] * 50)["ok"]


def test_post_ephemeral_and_update(slack_emulator: SlackEmulator) -> None:
    client = client_for(slack_emulator)
    ephemeral = client.chat_postEphemeral(channel="C0NEWS", user="U0ALICE", text="only you")
    assert ephemeral["ok"] and "." in ephemeral["message_ts"]

    posted = client.chat_postMessage(channel="C0NEWS", text="draft")
    updated = client.chat_update(channel="C0NEWS", ts=posted["ts"], text="final")
    assert updated["ts"] == posted["ts"]
    assert updated["text"] == "final"
    assert [m["text"] for m in slack_emulator.posted_messages("C0NEWS")] == ["final"]

    with pytest.raises(SlackApiError) as missing:
        client.chat_update(channel="C0NEWS", ts="1.000001", text="x")
    assert missing.value.response["error"] == "message_not_found"

    slack_emulator.seed_message("C0NEWS", "1699999999.000100", user="U0ALICE", text="hers")
    with pytest.raises(SlackApiError) as not_ours:
        client.chat_update(channel="C0NEWS", ts="1699999999.000100", text="x")
    assert not_ours.value.response["error"] == "cant_update_message"


def test_reactions_add_twice_is_already_reacted(slack_emulator: SlackEmulator) -> None:
    client = client_for(slack_emulator)
    ts = "1700000001.000200"
    assert client.reactions_add(channel="C0NEWS", timestamp=ts, name="eyes")["ok"]
    with pytest.raises(SlackApiError) as again:
        client.reactions_add(channel="C0NEWS", timestamp=ts, name="eyes")
    assert again.value.response["error"] == "already_reacted"
    # Another emoji on the same message, or the same emoji elsewhere, is fine.
    assert client.reactions_add(channel="C0NEWS", timestamp=ts, name="white_check_mark")["ok"]
    assert client.reactions_add(channel="C0OTHER", timestamp=ts, name="eyes")["ok"]
    assert ("C0NEWS", ts, "eyes") in slack_emulator.reactions()
    assert len(slack_emulator.calls_to("reactions.add")) == 4


def test_conversations_info_is_configurable(slack_emulator: SlackEmulator) -> None:
    slack_emulator.add_channel("C0SECRET", name="secret-plans", is_private=True)
    slack_emulator.add_channel("C0SHARED", name="partners", is_ext_shared=True)
    client = client_for(slack_emulator)

    public = client.conversations_info(channel="C0NEWS")["channel"]
    assert public["id"] == "C0NEWS"
    assert public["is_private"] is False and public["is_ext_shared"] is False
    assert public["is_im"] is False and public["name"]

    secret = client.conversations_info(channel="C0SECRET")["channel"]
    assert secret["is_private"] is True and secret["name"] == "secret-plans"
    assert client.conversations_info(channel="C0SHARED")["channel"]["is_ext_shared"] is True
    assert client.conversations_info(channel="D0ALICE")["channel"]["is_im"] is True

    slack_emulator.auto_channels = False
    with pytest.raises(SlackApiError) as missing:
        client.conversations_info(channel="C0UNKNOWN")
    assert missing.value.response["error"] == "channel_not_found"


def test_users_info_is_configurable(slack_emulator: SlackEmulator) -> None:
    slack_emulator.add_user("U0BOSS", is_admin=True, is_owner=True, tz="America/New_York")
    client = client_for(slack_emulator)

    alice = client.users_info(user="U0ALICE")["user"]
    assert alice["id"] == "U0ALICE"
    assert alice["tz"] == "Europe/London"
    assert alice["is_admin"] is False and alice["is_owner"] is False

    boss = client.users_info(user="U0BOSS")["user"]
    assert boss["is_admin"] is True and boss["is_owner"] is True
    assert boss["tz"] == "America/New_York"

    slack_emulator.users["U0GONE"] = None
    with pytest.raises(SlackApiError) as missing:
        client.users_info(user="U0GONE")
    assert missing.value.response["error"] == "user_not_found"


def test_views_publish(slack_emulator: SlackEmulator) -> None:
    view = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Settings"}}],
    }
    response = client_for(slack_emulator).views_publish(user_id="U0ALICE", view=view)
    assert response["ok"] and response["view"]["type"] == "home"
    assert response["view"]["id"].startswith("V")
    [call] = slack_emulator.calls_to("views.publish")
    assert call.params["view"]["blocks"] == view["blocks"]


def test_apps_connections_open_needs_an_app_token(slack_emulator: SlackEmulator) -> None:
    slack_emulator.socket_url = "ws://127.0.0.1:1/link/?ticket=t"
    response = WebClient(base_url=slack_emulator.api_url).apps_connections_open(
        app_token="xapp-1-test"
    )
    assert response["url"] == "ws://127.0.0.1:1/link/?ticket=t"
    with pytest.raises(SlackApiError) as bot_token:
        client_for(slack_emulator).api_call("apps.connections.open")
    assert bot_token.value.response["error"] == "not_allowed_token_type"


def test_unknown_method_and_bad_tokens(slack_emulator: SlackEmulator) -> None:
    with pytest.raises(SlackApiError) as unknown:
        client_for(slack_emulator).api_call("chat.teleport")
    assert unknown.value.response["error"] == "unknown_method"

    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=slack_emulator.api_url).auth_test()
    assert missing.value.response["error"] == "not_authed"

    with pytest.raises(SlackApiError) as invalid:
        client_for(slack_emulator, token="xoxb-invalid").auth_test()
    assert invalid.value.response["error"] == "invalid_auth"

    slack_emulator.valid_tokens = {"xoxb-right"}
    with pytest.raises(SlackApiError) as wrong:
        client_for(slack_emulator, token="xoxb-wrong").auth_test()
    assert wrong.value.response["error"] == "invalid_auth"
    assert client_for(slack_emulator, token="xoxb-right").auth_test()["ok"]


def test_form_encoded_body_with_token_field_and_json_blocks(
    slack_emulator: SlackEmulator,
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    body = urlencode(
        {"token": "xoxb-form", "channel": "C0NEWS", "text": "hi", "blocks": json.dumps(blocks)}
    ).encode()
    status, headers, raw = post(
        slack_emulator.api_url + "chat.postMessage",
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(raw)["ok"] is True
    [call] = slack_emulator.calls_to("chat.postMessage")
    assert call.token == "xoxb-form"
    assert call.params["blocks"] == blocks


def test_response_url_posts_are_recorded(slack_emulator: SlackEmulator) -> None:
    url = slack_emulator.response_url("cmd1")
    payload = {"response_type": "ephemeral", "text": "Working on it"}
    status, _, raw = post(url, json.dumps(payload).encode(), {"Content-Type": "application/json"})
    assert status == 200 and json.loads(raw) == {"ok": True}
    [call] = slack_emulator.wait_for("response_url")
    assert call.params == payload
    assert call.path.endswith("/cmd1")


def test_wait_for_blocks_until_a_call_arrives(slack_emulator: SlackEmulator) -> None:
    client = client_for(slack_emulator)
    timer = threading.Timer(0.2, lambda: client.chat_postMessage(channel="C0A", text="late"))
    timer.start()
    try:
        [call] = slack_emulator.wait_for(
            "chat.postMessage", predicate=lambda c: c.params["channel"] == "C0A", timeout=3
        )
    finally:
        timer.join()
    assert call.params["text"] == "late"


def test_wait_for_times_out_with_a_listing(slack_emulator: SlackEmulator) -> None:
    client_for(slack_emulator).auth_test()
    with pytest.raises(AssertionError) as timeout:
        slack_emulator.wait_for("chat.postMessage", timeout=0.2)
    message = str(timeout.value)
    assert "chat.postMessage" in message and "auth.test" in message

    slack_emulator.reset()
    assert slack_emulator.calls == []


# ---------------------------------------------------------------------- faults


def test_rate_limited_call_is_retried_by_the_retry_handler(slack_emulator: SlackEmulator) -> None:
    slack_emulator.fail_next("chat.postMessage", status=429, retry_after=1)
    client = client_for(slack_emulator)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))

    started = time.monotonic()
    response = client.chat_postMessage(channel="C0NEWS", text="after the limit")
    elapsed = time.monotonic() - started

    assert response["ok"] is True
    calls = slack_emulator.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].error == "ratelimited"
    assert calls[1].at - calls[0].at >= 1.0  # honoured Retry-After
    assert elapsed < 4


def test_rate_limit_without_retry_handler_raises_with_retry_after(
    slack_emulator: SlackEmulator,
) -> None:
    slack_emulator.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as limited:
        client_for(slack_emulator).chat_postMessage(channel="C0NEWS", text="x")
    assert limited.value.response.status_code == 429
    assert limited.value.response["error"] == "ratelimited"
    assert limited.value.response.headers["Retry-After"] in ("7", ["7"])


def test_server_errors_and_api_errors_can_be_injected(slack_emulator: SlackEmulator) -> None:
    client = client_for(slack_emulator)
    slack_emulator.fail_next("users.info", status=500, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as broken:
            client.users_info(user="U0ALICE")
        assert broken.value.response.status_code == 500
    assert client.users_info(user="U0ALICE")["ok"]

    slack_emulator.fail_next("chat.postMessage", status=200, error="is_archived")
    with pytest.raises(SlackApiError) as archived:
        client.chat_postMessage(channel="C0NEWS", text="x")
    assert archived.value.response["error"] == "is_archived"


def test_per_channel_throttle(slack_emulator: SlackEmulator) -> None:
    slack_emulator.post_min_interval = 0.5
    client = client_for(slack_emulator)
    assert client.chat_postMessage(channel="C0A", text="1")["ok"]
    assert client.chat_postMessage(channel="C0B", text="other channel")["ok"]
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C0A", text="2")
    assert limited.value.response.status_code == 429
    time.sleep(0.55)
    assert client.chat_postMessage(channel="C0A", text="3")["ok"]
    assert [m["text"] for m in slack_emulator.posted_messages("C0A")] == ["1", "3"]


def test_custom_handler(slack_emulator: SlackEmulator) -> None:
    slack_emulator.on(
        "conversations.history",
        lambda call: {"ok": True, "messages": [], "channel_seen": call.params["channel"]},
    )
    response = client_for(slack_emulator).conversations_history(channel="C0NEWS")
    assert response["channel_seen"] == "C0NEWS"


# ---------------------------------------------------------------------- signing


def test_sign_matches_slack_sdk_and_verifies() -> None:
    body, headers = signed_slash_command(SECRET, "/brief", "today")
    timestamp = headers["X-Slack-Request-Timestamp"]
    verifier = SignatureVerifier(SECRET)
    assert headers["X-Slack-Signature"] == verifier.generate_signature(
        timestamp=timestamp, body=body
    )
    assert verifier.is_valid_request(body, headers)
    assert not verifier.is_valid_request(body + b"&x=1", headers)
    assert not SignatureVerifier("other-secret").is_valid_request(body, headers)

    # The worked example from Slack's "Verifying requests from Slack" documentation.
    documented = sign(SECRET, SLACK_DOC_BODY, timestamp=1_531_420_618)
    assert documented == {
        "X-Slack-Request-Timestamp": "1531420618",
        "X-Slack-Signature": SLACK_DOC_SIGNATURE,
    }


def test_stale_signature_is_rejected() -> None:
    body, headers = signed_slash_command(SECRET, timestamp=int(time.time()) - 600)
    assert not SignatureVerifier(SECRET).is_valid_request(body, headers)


def test_request_builders_have_slack_fields() -> None:
    payload = slash_command_payload("/brief", "weekly", response_url="http://x/r")
    for key in (
        "token", "team_id", "team_domain", "channel_id", "channel_name", "user_id",
        "user_name", "command", "text", "response_url", "trigger_id", "api_app_id",
    ):  # fmt: skip
        assert payload[key], key

    body, headers = signed_event(SECRET, app_mention_event("<@U0BOT> brief"), retry_num=1)
    envelope = json.loads(body)
    assert envelope["type"] == "event_callback"
    assert envelope["event"]["type"] == "app_mention"
    assert envelope["event_id"].startswith("Ev")
    assert envelope["authorizations"][0] == {
        "enterprise_id": None,
        "team_id": TEAM_ID,
        "user_id": "U0BOT",
        "is_bot": True,
        "is_enterprise_install": False,
    }
    assert headers["X-Slack-Retry-Num"] == "1"
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    assert event_callback_payload({"type": "message"})["event_id"] != envelope["event_id"]


# ---------------------------------------------------------------------- Socket Mode


def test_socket_mode_client_connects_receives_and_acks(
    slack_emulator: SlackEmulator, socket_server: SocketModeServer
) -> None:
    received: list[SocketModeRequest] = []
    got_event = threading.Event()

    def listener(client: SocketModeClient, request: SocketModeRequest) -> None:
        received.append(request)
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))
        got_event.set()

    client = SocketModeClient(
        app_token="xapp-1-test",
        web_client=WebClient(base_url=slack_emulator.api_url),
        auto_reconnect_enabled=False,
    )
    client.socket_mode_request_listeners.append(listener)
    hello = threading.Event()
    client.message_listeners.append(
        lambda _client, message, _raw: message.get("type") == "hello" and hello.set()
    )
    try:
        client.connect()
        socket_server.wait_for_connection(timeout=3)
        assert hello.wait(3), "client never received Slack's hello message"
        [open_call] = slack_emulator.calls_to("apps.connections.open")
        assert open_call.token == "xapp-1-test"

        event = app_mention_event("<@U0BOT> brief me")
        envelope_id = socket_server.send_events_api(event_callback_payload(event))
        ack = socket_server.wait_for_ack(envelope_id, timeout=3)
        assert got_event.wait(1)
    finally:
        socket_server.close_client(client)

    assert ack.envelope_id == envelope_id
    [request] = received
    assert request.type == "events_api"
    assert request.envelope_id == envelope_id
    assert request.payload["event"]["text"] == "<@U0BOT> brief me"
    assert request.retry_attempt == 0


def test_socket_mode_slash_command_ack_carries_payload(
    slack_emulator: SlackEmulator, socket_server: SocketModeServer
) -> None:
    def listener(client: SocketModeClient, request: SocketModeRequest) -> None:
        if request.type == "slash_commands":
            assert request.accepts_response_payload
            client.send_socket_mode_response(
                SocketModeResponse(
                    envelope_id=request.envelope_id,
                    payload={"text": f"briefing on {request.payload['text']}"},
                )
            )

    client = SocketModeClient(
        app_token="xapp-1-test",
        web_client=WebClient(base_url=slack_emulator.api_url),
        auto_reconnect_enabled=False,
    )
    client.socket_mode_request_listeners.append(listener)
    try:
        client.connect()
        envelope_id = socket_server.send_slash_command(slash_command_payload("/brief", "AI"))
        ack = socket_server.wait_for_ack(envelope_id, timeout=3)
    finally:
        socket_server.close_client(client)
    assert ack.payload == {"text": "briefing on AI"}


def test_unacked_envelope_times_out(socket_server: SocketModeServer) -> None:
    with pytest.raises(AssertionError, match="no Socket Mode client connected"):
        socket_server.send_events_api(app_mention_event("hi"), timeout=0.2)
    with pytest.raises(AssertionError, match="no ack"):
        socket_server.wait_for_ack("nope", timeout=0.1)


# ---------------------------------------------------------------------- with Bolt


def test_bolt_app_dispatch_signed_command_responds_via_emulator(
    slack_emulator: SlackEmulator,
) -> None:
    app = App(
        client=WebClient(token="xoxb-test", base_url=slack_emulator.api_url),
        signing_secret=SECRET,
    )

    @app.command("/brief")
    def brief(ack, respond, say, command):  # type: ignore[no-untyped-def]
        ack()
        respond(f"Briefing on {command['text']}")
        say(f"<@{command['user_id']}> asked for a brief")

    body, headers = signed_slash_command(
        SECRET, "/brief", "AI", response_url=slack_emulator.response_url("brief-1")
    )
    response = app.dispatch(BoltRequest(body=body.decode(), headers=headers))
    assert response.status == 200

    [posted] = slack_emulator.wait_for("response_url", timeout=3)
    assert posted.params["text"] == "Briefing on AI"
    [said] = slack_emulator.wait_for("chat.postMessage", timeout=3)
    assert said.params["channel"] == "C0GENERAL"
    assert said.params["text"] == "<@U0ALICE> asked for a brief"

    # A request signed with another secret never reaches the listener.
    bad_body, bad_headers = signed_slash_command("wrong-secret", "/brief", "x")
    rejected = app.dispatch(BoltRequest(body=bad_body.decode(), headers=bad_headers))
    assert rejected.status == 401


def test_bolt_socket_mode_handler_acks_events(
    slack_emulator: SlackEmulator, socket_server: SocketModeServer
) -> None:
    app = App(client=WebClient(token="xoxb-test", base_url=slack_emulator.api_url))
    mentions: list[str] = []

    @app.event("app_mention")
    def on_mention(event, say):  # type: ignore[no-untyped-def]
        mentions.append(event["text"])
        say("on it", thread_ts=event["ts"])

    handler = SocketModeHandler(
        app,
        app_token="xapp-1-test",
        web_client=WebClient(base_url=slack_emulator.api_url),
    )
    try:
        handler.connect()
        envelope_id = socket_server.send_events_api(app_mention_event("<@U0BOT> brief"))
        socket_server.wait_for_ack(envelope_id, timeout=3)
        [reply] = slack_emulator.wait_for("chat.postMessage", timeout=3)
    finally:
        socket_server.close_client(handler)
    assert mentions == ["<@U0BOT> brief"]
    assert reply.params["text"] == "on it"
    assert reply.params["thread_ts"]
