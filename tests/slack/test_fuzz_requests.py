"""Whatever reaches ``/slack/events``, signed or not: never a 5xx, never a crash, and the
database changes only for a request Briefbot accepted.

Every payload kind Slack sends (event_callback message, app_mention and app_home_opened,
url_verification, slash command forms, block_actions and view_submission ``payload=``
forms) is generated with each field right, missing, of the wrong type, or full of NUL,
control characters and lone surrogates; beside them garbage bytes, JSON that is not an
object, deep nesting and odd forms. The strategies are shared with
``benchmarks/fuzz_serve.py``, which sends thousands of them to a real ``briefbot serve``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlencode
from urllib.request import urlopen

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.slack.signing import post, sign

SECRET = "fuzz-signing-secret"
ADMIN = "U0ADMIN"  # in BRIEFBOT_ADMINS, so generated /brief follow commands get that far
RESPONSE_URL = "https://response-url.invalid/placeholder"  # the emulator's URL when sent
QUOTED_URL = quote_plus(RESPONSE_URL)  # as it appears in a form
MISSING = object()  # a field left out

# ---------------------------------------------------------------------- field values

CONTROL = "\x01\x08\x0b\x1b\x7f\x85\u2028\ufeff"  # odd, but a person could send them
NASTY = CONTROL + "\x00\ud800\udfff<>&@!#*`|\\\"' ab"  # NUL and lone surrogates too
nasty_text = st.text(alphabet=st.sampled_from(NASTY), max_size=12)
odd_text = st.text(alphabet=st.sampled_from(CONTROL + "<>&@!# ab"), max_size=12)
plain_text = st.text(st.characters(exclude_characters="\x00"), max_size=30)
any_text = st.one_of(plain_text, nasty_text)
wrong_type = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just({"id": {"id": []}}),
)
broken = st.one_of(st.just(MISSING), wrong_type, nasty_text)


@dataclass(frozen=True)
class Field:
    """A field's right values; :func:`objects` decides which fields get a broken one."""

    valid: st.SearchStrategy[Any]

    @property
    def anything(self) -> st.SearchStrategy[Any]:
        return st.one_of(self.valid, self.valid, broken)


def ids(*examples: str) -> Field:
    return Field(st.sampled_from(examples))


team = ids("T0TEST", "T0OTHER")
channel = ids("C0GENERAL", "C0NEWS", "D0HOME", "G0SECRET", "")
user = ids("U0ALICE", ADMIN, "U0BOT")
ts = ids("1700001000.000100", "1700002000.000200", "nan", "0")
response_url = Field(st.just(RESPONSE_URL))
message_text = Field(
    st.one_of(
        plain_text,
        odd_text,
        st.sampled_from(
            ["<http://127.0.0.1:9/a>", "see <https://example.com/b|b> and <@U0BOT>", "&lt;x&gt;"]
        ),
    )
)
brief_text = Field(
    st.one_of(
        st.sampled_from(["", "help", "status", "topics", "ukraine", "ukraine public", "kyiv 3d"]),
        st.sampled_from(["follow ", "unfollow ", "digest ", "", "ukraine "]).flatmap(
            lambda verb: st.one_of(odd_text, plain_text).map(lambda rest: verb + rest)
        ),
    )
)


def objects(fields: dict[str, Field]) -> st.SearchStrategy[dict[str, Any]]:
    """An object whose fields are all right, or one is broken, or any number are."""

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        mode = draw(st.sampled_from(["clean"] * 3 + ["one broken", "many"]))
        names = list(fields)
        if mode == "one broken":
            bad = {draw(st.sampled_from(names))}
        else:
            bad = {name for name in names if mode == "many" and draw(st.booleans())}
        drawn = {name: draw(broken if name in bad else f.valid) for name, f in fields.items()}
        return {name: value for name, value in drawn.items() if value is not MISSING}

    return build()


def present(d: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in d.items() if value is not MISSING}


# ---------------------------------------------------------------------- payload kinds


@dataclass(frozen=True)
class FuzzRequest:
    kind: str
    body: bytes
    content_type: str | None
    auth: str  # "signed", or how the signature is wrong

    def __repr__(self) -> str:  # bodies run to 100 kB: a failing example shows its start
        shown = self.body if len(self.body) <= 400 else self.body[:400] + b"..."
        return f"FuzzRequest({self.kind!r}, {shown!r} ({len(self.body)} bytes), {self.content_type!r}, {self.auth!r})"

    def headers(self, secret: str, url: str) -> tuple[bytes, dict[str, str]]:
        """The body with the response_url filled in, and its headers (Slack's or wrong)."""
        body = self.body
        for placeholder, real in ((RESPONSE_URL, url), (QUOTED_URL, quote_plus(url))):
            body = body.replace(placeholder.encode(), real.encode())  # as JSON, as a form
        headers = {"Content-Type": self.content_type} if self.content_type else {}
        now = int(time.time())
        signature = sign(secret, body, now)
        wrong = {
            "signed": signature,
            "no signature": {},
            "bad signature": {**signature, "X-Slack-Signature": "v0=" + "0" * 64},
            "other secret": sign(secret + "x", body, now),
            "stale": sign(secret, body, now - 301),
            "future": sign(secret, body, now + 301),
            "timestamp not a number": {**signature, "X-Slack-Request-Timestamp": "12ab"},
            "huge timestamp": {**signature, "X-Slack-Request-Timestamp": "9" * 5000},
            "non-ASCII signature": {**signature, "X-Slack-Signature": "v0=é" + "0" * 63},
            "no timestamp": {"X-Slack-Signature": signature["X-Slack-Signature"]},
        }
        return body, {**headers, **wrong[self.auth]}


UNSIGNED = (
    "no signature",
    "bad signature",
    "other secret",
    "stale",
    "future",
    "timestamp not a number",
    "huge timestamp",
    "non-ASCII signature",
    "no timestamp",
)
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
content_types = st.sampled_from([None, JSON, FORM, "text/plain", "application/json; charset=x"])


def events(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, Field] = {
        "type": Field(st.just(kind)),
        "channel": channel,
        "user": user,
        "ts": ts,
        "event_ts": ts,
        "text": message_text,
        "team": team,
    }
    if kind == "message":
        fields |= {
            "channel_type": ids("channel", "im", "group", "mpim"),
            "subtype": ids("bot_message", "message_changed", "message_deleted", "file_share"),
            "attachments": Field(st.lists(objects({"from_url": message_text}), max_size=2)),
            "message": Field(objects({"text": message_text, "ts": ts, "user": user})),
            "previous_message": Field(objects({"ts": ts})),
            "deleted_ts": ts,
            "thread_ts": ts,
        }
    if kind == "app_home_opened":
        fields |= {"tab": ids("home", "messages")}
    return objects(fields)


def event_callbacks(kind: str) -> st.SearchStrategy[FuzzRequest]:
    envelope = objects(
        {
            "type": Field(st.just("event_callback")),
            "team_id": team,
            "api_app_id": ids("A0TEST"),
            "event": Field(events(kind)),
            "event_id": Field(st.uuids().map(lambda u: f"Ev{u.hex[:10]}")),
            "event_time": Field(st.integers(0, 2**31)),
            "authorizations": Field(
                st.lists(objects({"team_id": team, "user_id": user}), max_size=1)
            ),
            "is_ext_shared_channel": Field(st.booleans()),
        }
    )
    return st.builds(
        lambda body, ct, auth: FuzzRequest(kind, json.dumps(body).encode(), ct, auth),
        envelope,
        st.sampled_from([JSON, JSON, JSON, None, FORM]),
        st.just("signed"),
    )


url_verifications = st.builds(
    lambda body, auth: FuzzRequest("url_verification", json.dumps(body).encode(), JSON, auth),
    objects({"type": Field(st.just("url_verification")), "challenge": Field(plain_text)}),
    st.just("signed"),
)


def form(fields: dict[str, Any]) -> bytes:
    """Form-encoded as Slack does; surrogates pass as the bytes they would be."""
    flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}
    return urlencode(flat, encoding="utf-8", errors="surrogatepass").encode()


slash_commands = st.builds(
    lambda fields, ct, auth: FuzzRequest("slash_command", form(fields), ct, auth),
    objects(
        {
            "command": Field(st.just("/brief")),
            "text": brief_text,
            "team_id": team,
            "channel_id": channel,
            "user_id": user,
            "user_name": ids("alice"),
            "response_url": response_url,
            "trigger_id": ids("1.1.abc"),
        }
    ),
    st.sampled_from([FORM, FORM, FORM, None, JSON]),
    st.just("signed"),
)
modal_values = st.dictionaries(  # view.state.values: block id -> action id -> element
    st.sampled_from(["topic", "terms", "channel", "time", "days", "tz", "other"]),
    Field(
        st.dictionaries(
            st.sampled_from(["value", "other"]),
            Field(
                objects(
                    {
                        "type": ids("plain_text_input", "timepicker"),
                        "value": Field(st.one_of(plain_text, odd_text)),
                        "selected_conversation": channel,
                        "selected_time": ids("07:30", "25:99"),
                        "selected_option": Field(objects({"value": ids("daily", "mon-fri")})),
                    }
                )
            ).anything,
            max_size=2,
        ).map(present)
    ).anything,
    max_size=7,
).map(present)
interactions = {
    "block_actions": objects(
        {
            "type": Field(st.just("block_actions")),
            "user": Field(objects({"id": user})),
            "team": Field(objects({"id": team})),
            "trigger_id": ids("1.1.abc"),
            "response_url": response_url,
            "actions": Field(
                st.lists(
                    objects(
                        {
                            "action_id": ids("topic_add", "topic_edit", "other"),
                            "value": Field(st.one_of(plain_text, odd_text)),
                        }
                    ),
                    min_size=1,
                    max_size=2,
                )
            ),
        }
    ),
    "view_submission": objects(
        {
            "type": Field(st.just("view_submission")),
            "user": Field(objects({"id": user})),
            "team": Field(objects({"id": team})),
            "view": Field(
                objects(
                    {
                        "callback_id": ids("topic_save", "other"),
                        "type": ids("modal", "workflow_step"),
                        "state": Field(objects({"values": Field(modal_values)})),
                    }
                )
            ),
        }
    ),
}


def interaction(kind: str) -> st.SearchStrategy[FuzzRequest]:
    return st.builds(
        lambda body, ct, auth: FuzzRequest(kind, form({"payload": body}), ct, auth),
        interactions[kind],
        st.sampled_from([FORM, FORM, None, JSON]),
        st.just("signed"),
    )


def nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


odd_bodies = st.one_of(
    st.builds(lambda b: FuzzRequest("garbage bytes", b, None, "signed"), st.binary(max_size=200)),
    st.builds(
        lambda b, ct: FuzzRequest("not an object", b, ct, "signed"),
        st.sampled_from([b"[]", b"null", b"0", b'"x"', b"true", b"[{}]", b"1e999", b"9" * 5000]),
        content_types,
    ),
    st.builds(
        lambda n, start, opener, ct: FuzzRequest("deep nesting", start + opener * n, ct, "signed"),
        st.integers(30, 100_000),
        st.sampled_from([b"", b"payload="]),
        st.sampled_from([b"[", b'{"a":', b"%5B"]),
        content_types,
    ),
    st.builds(
        lambda n: FuzzRequest("deep nesting", nested(n), JSON, "signed"), st.integers(30, 3000)
    ),
    st.builds(
        lambda b, ct: FuzzRequest("odd form", b, ct, "signed"),
        st.one_of(
            st.sampled_from(
                [b"payload=", b"payload=%5B%5D", b"payload=null", b"payload=%FF%FE", b"a=1&a=2"]
            ),
            st.binary(max_size=60).map(lambda b: b"payload=" + b),
            st.binary(max_size=60).map(lambda b: b"command=/brief&text=" + b),
        ),
        content_types,
    ),
)


def slack_requests(auth: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[FuzzRequest]:
    """Every payload kind; ``auth`` picks how each is signed (default: mostly right)."""
    kinds = st.one_of(
        event_callbacks("message"),
        event_callbacks("app_mention"),
        event_callbacks("app_home_opened"),
        url_verifications,
        slash_commands,
        interaction("block_actions"),
        interaction("view_submission"),
        odd_bodies,
    )
    how = st.sampled_from(["signed"] * 6 + list(UNSIGNED)) if auth is None else auth
    return st.builds(lambda r, a: FuzzRequest(r.kind, r.body, r.content_type, a), kinds, how)


# ---------------------------------------------------------------------- the server


class Tracked(Executor):
    """Bolt's listener executor, counting what is still running: "settled" means every
    lazy listener (briefings, replies, saved topics) has finished."""

    def __init__(self, inner: Executor):
        self.inner = inner
        self.running = 0
        self.idle = threading.Condition()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self.idle:
            self.running += 1
        future = self.inner.submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _: Future[Any]) -> None:
        with self.idle:
            self.running -= 1
            self.idle.notify_all()

    def settle(self, timeout: float = 20.0) -> None:
        with self.idle:
            assert self.idle.wait_for(lambda: self.running == 0, timeout), "listeners still busy"


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Served:
    url: str
    emulator: Any
    database: Path
    listeners: Tracked
    errors: ErrorLog
    sent: int = 0

    def send(self, request: FuzzRequest) -> tuple[int, bytes, str]:
        """POST it; returns (status, answer, the response_url name it carried)."""
        self.sent += 1
        name = f"fuzz-{self.sent}"
        body, headers = request.headers(SECRET, self.emulator.response_url(name))
        status, _, answer = post(self.url + "/slack/events", body, headers)
        return status, answer, name

    def fingerprint(self) -> str:
        """Every row of every table, hashed: equal means the database is unchanged."""
        digest = hashlib.sha256()
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as conn:
            tables = conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            ).fetchall()
            for (table,) in tables:  # some are WITHOUT ROWID: rows in a sorted order of ours
                for row in sorted(map(repr, conn.execute(f'SELECT * FROM "{table}"'))):
                    digest.update(f"{table}:{row}".encode())
        return digest.hexdigest()

    def healthy(self) -> bool:
        with urlopen(self.url + "/healthz", timeout=5) as answer:
            return answer.status == 200

    def check_quiet(self) -> None:
        """No listener failed after its ack (a user who got no reply at all)."""
        self.listeners.settle()
        failures = [r.getMessage() for r in self.errors.records]
        self.errors.records.clear()
        assert not failures, failures


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    from bot.app import build
    from bot.config import Settings
    from bot.entrypoints.http_server import create_server
    from bot.entrypoints.slack_app import build_slack
    from tests.slack.emulator import SlackEmulator
    from tests.waitress_thread import running

    tmp = tmp_path_factory.mktemp("fuzz")
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    with SlackEmulator() as emulator:
        settings = Settings.from_env(
            {"BRIEFBOT_ENV_FILE": str(tmp / "none.env")},
            data_dir=tmp,
            database_url=f"sqlite:///{tmp / 'fuzz.sqlite3'}",
            slack_bot_token="xoxb-test",
            slack_signing_secret=SECRET,
            slack_api_url=emulator.api_url,
            admins=(ADMIN,),
        )
        container = build(settings)
        # No ingestion here: the links in generated messages are stored, never fetched.
        app, _ = build_slack(container, http=True, ingest_here=False)
        runner = app.listener_runner
        listeners = Tracked(runner.listener_executor)
        runner.listener_executor = listeners
        runner.lazy_listener_runner.executor = listeners  # type: ignore[attr-defined]
        server = create_server(
            app, container.db, signing_secret=SECRET, host="127.0.0.1", port=0, threads=4
        )
        try:
            with running(server):
                yield Served(
                    f"http://127.0.0.1:{server.effective_port}",
                    emulator,
                    tmp / "fuzz.sqlite3",
                    listeners,
                    errors,
                )
        finally:
            logging.getLogger().removeHandler(errors)
            container.close()


FUZZ = settings(
    deadline=None,
    database=None,  # no example database in the checkout; failures print their example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(FUZZ, max_examples=150)
@given(request=slack_requests(auth=st.sampled_from(UNSIGNED)))
def test_an_unsigned_request_gets_401_and_changes_nothing(served: Served, request: FuzzRequest):
    served.listeners.settle()
    before = served.fingerprint()
    status, answer, _ = served.send(request)
    assert status == 401, (request, answer[:200])
    assert served.fingerprint() == before
    served.check_quiet()
    assert served.healthy()


def heard_something(served: Served, answer: bytes, name: str, calls_before: int) -> bool:
    """The user who sent a slash command hears an answer: in the ack, at its response_url,
    or in the channel (``public``)."""
    if answer and json.loads(answer).get("text"):
        return True
    served.listeners.settle()
    said = served.emulator.calls[calls_before:]
    return any(
        c.path.endswith("/" + name) or c.method in ("chat.postMessage", "chat.postEphemeral")
        for c in said
    )


@settings(FUZZ, max_examples=500)
@given(request=slack_requests(auth=st.just("signed")))
def test_a_signed_request_never_gets_a_5xx_and_changes_nothing_unless_accepted(
    served: Served, request: FuzzRequest
):
    served.listeners.settle()
    before = served.fingerprint()
    calls_before = len(served.emulator.calls)
    status, answer, name = served.send(request)
    event(f"{request.kind}: {status}")  # --hypothesis-show-statistics: what was reached
    assert status < 500, (request, answer[:300])
    if status >= 400:
        served.listeners.settle()
        assert served.fingerprint() == before, "a refused request changed the database"
    if status == 400:
        assert json.loads(answer)["error"].startswith("malformed payload")
    replies_possible = any(url.encode() in request.body for url in (RESPONSE_URL, QUOTED_URL))
    if status == 200 and request.kind == "slash_command" and replies_possible:
        assert heard_something(served, answer, name, calls_before), "the user heard nothing"
    served.check_quiet()
    assert served.healthy()


# ---------------------------------------------------------------------- the cases


def command(**fields: str) -> bytes:
    base = {
        "command": "/brief",
        "text": "status",
        "team_id": "T0TEST",
        "channel_id": "C0GENERAL",
        "user_id": "U0ALICE",
        "response_url": RESPONSE_URL,
    }
    return form({k: v for k, v in {**base, **fields}.items() if v is not MISSING})


def envelope(**event: Any) -> bytes:
    payload = {
        "type": "event_callback",
        "team_id": "T0TEST",
        "event_id": "Ev0KNOWN",
        "event": {"type": "message", "channel": "C0GENERAL", "user": "U0ALICE", **event},
    }
    return json.dumps(payload).encode()


def interaction_form(payload: dict[str, Any]) -> bytes:
    return form({"payload": payload})


KNOWN_BODIES = {
    "empty list": (b"[]", JSON),
    "null": (b"null", JSON),
    "100k nested brackets": (b"[" * 100_000, JSON),
    "a form whose payload is a list": (b"payload=%5B%5D", FORM),
    "a form whose payload is null": (b"payload=null", FORM),
    "bytes that are not UTF-8": (b"command=%2Fbrief&text=\xff\xfe", FORM),
}
SIGNED_MALFORMED = {
    **KNOWN_BODIES,
    "/brief status without team_id": (command(team_id=MISSING), FORM),
    "a NUL in a topic": (command(text="ukraine\x00"), FORM),
    "team_id an object": (
        json.dumps({"command": "/brief", "team_id": {"id": 1}, "user_id": "U", "channel_id": "C"}),
        JSON,
    ),
    "event.channel a list": (envelope(channel=["C0GENERAL"], ts="1.2", text="hi"), JSON),
    "event.user an object": (envelope(user={"id": "U0ALICE"}, ts="1.2", text="hi"), JSON),
    "event.ts a number": (envelope(ts=1.5, text="<https://example.com/a>"), JSON),
    "event.text a list": (envelope(ts="1.2", text=["<https://example.com/a>"]), JSON),
    "actions[].value an object": (
        interaction_form(
            {
                "type": "block_actions",
                "user": {"id": "U0ADMIN"},
                "trigger_id": "1.1.x",
                "actions": [{"action_id": "topic_edit", "value": {"name": "x"}}],
            }
        ),
        FORM,
    ),
    "a view.state value a list": (
        interaction_form(
            {
                "type": "view_submission",
                "user": {"id": "U0ADMIN"},
                "team": {"id": "T0TEST"},
                "view": {
                    "type": "modal",
                    "callback_id": "topic_save",
                    "state": {"values": {"topic": {"value": {"value": ["energy"]}}}},
                },
            }
        ),
        FORM,
    ),
}


@pytest.mark.parametrize("auth", ["no signature", "bad signature", "timestamp not a number"])
@pytest.mark.parametrize("case", list(KNOWN_BODIES))
def test_unsigned_bodies_that_are_no_json_object_get_401(served: Served, case: str, auth: str):
    body, content_type = KNOWN_BODIES[case]
    status, _, _ = served.send(FuzzRequest(case, body, content_type, auth))
    assert status == 401
    served.check_quiet()


@pytest.mark.parametrize("case", list(SIGNED_MALFORMED))
def test_a_signed_malformed_request_gets_400_with_the_reason(served: Served, case: str):
    body, content_type = SIGNED_MALFORMED[case]
    served.listeners.settle()
    before = served.fingerprint()
    raw = body.encode() if isinstance(body, str) else body
    status, answer, _ = served.send(FuzzRequest(case, raw, content_type, "signed"))
    assert status == 400 and json.loads(answer)["error"].startswith("malformed payload: ")
    served.listeners.settle()
    assert served.fingerprint() == before
    served.check_quiet()


@pytest.mark.parametrize("topic", ["ukraine\x01", "\x1b[31mukraine\x1b[0m", "kyiv\u2028\x7f"])
def test_control_characters_in_a_topic_get_a_polite_reply(served: Served, topic: str):
    status, _, name = served.send(FuzzRequest("topic", command(text=topic), FORM, "signed"))
    assert status == 200
    [reply] = served.emulator.wait_for(
        "response_url", timeout=10, predicate=lambda c: c.path.endswith("/" + name)
    )
    assert reply.params["response_type"] == "ephemeral"
    assert "Nothing on" in reply.params["text"] and "Sorry" not in reply.params["text"]
    served.check_quiet()
