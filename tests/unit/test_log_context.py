"""Log lines as JSON, carrying the workspace, channel, event and article they are about."""

from __future__ import annotations

import io
import json
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.entrypoints.request_logs import request_fields
from bot.log_context import ContextExecutor, JsonFormatter, log_context, wants_json


@pytest.fixture
def lines():  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("briefbot.test.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    def read() -> list[dict[str, object]]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield logger, read
    logger.removeHandler(handler)


def test_a_line_is_one_json_object_with_the_context_of_its_block(lines):
    logger, read = lines
    logger.info("outside")
    with log_context(workspace="T1", channel="C1", event_id="Ev1"):
        with log_context(article_id=42, channel=None):  # None leaves the outer value
            logger.warning("inside %s", "both")
        logger.info("after")
    [outside, inside, after] = read()
    assert set(outside) == {"time", "level", "logger", "message", "pid"}
    assert inside["message"] == "inside both" and inside["level"] == "WARNING"
    assert (inside["workspace"], inside["channel"], inside["event_id"]) == ("T1", "C1", "Ev1")
    assert inside["article_id"] == "42"
    assert "article_id" not in after and after["event_id"] == "Ev1"
    assert str(outside["time"]).endswith("+00:00")


def test_an_exception_is_in_the_line_not_on_lines_of_its_own(lines):
    logger, read = lines
    try:
        raise ValueError("bad page")
    except ValueError:
        logger.exception("reading failed")
    [line] = read()
    assert line["message"] == "reading failed"
    assert "Traceback" in str(line["error"]) and "ValueError: bad page" in str(line["error"])


def test_a_context_executor_hands_the_context_to_its_threads():
    seen: list[dict[str, str]] = []

    def job() -> None:
        from bot.log_context import current_fields

        seen.append(dict(current_fields()))

    with ContextExecutor(max_workers=1) as pool, log_context(workspace="T9", event_id="Ev9"):
        pool.submit(job).result()
    with ThreadPoolExecutor(max_workers=1) as plain, log_context(workspace="T9"):
        plain.submit(job).result()  # a plain pool's thread knows nothing of it
    assert seen == [{"workspace": "T9", "event_id": "Ev9"}, {}]


def test_unknown_fields_are_refused():
    with pytest.raises(TypeError), log_context(user="U1"):
        pass


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_auto_is_json_unless_a_person_is_reading():
    assert wants_json("auto", io.StringIO())
    assert not wants_json("auto", _Terminal())
    assert wants_json("json", _Terminal()) and not wants_json("text", io.StringIO())


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (  # an event
            {"team_id": "T1", "event_id": "Ev1", "event": {"type": "message", "channel": "C1"}},
            {"workspace": "T1", "channel": "C1", "event_id": "Ev1"},
        ),
        (  # a slash command
            {"team_id": "T2", "channel_id": "C2", "command": "/brief"},
            {"workspace": "T2", "channel": "C2", "event_id": None},
        ),
        (  # block actions
            {"type": "block_actions", "team": {"id": "T3"}, "channel": {"id": "C3"}},
            {"workspace": "T3", "channel": "C3", "event_id": None},
        ),
        (  # a reaction's channel is its item's
            {"team_id": "T4", "event": {"type": "reaction_added", "item": {"channel": "C4"}}},
            {"workspace": "T4", "channel": "C4", "event_id": None},
        ),
        ("not a body", {}),
    ],
)
def test_request_fields(body, expected):
    assert request_fields(body) == expected


def test_the_log_format_setting(tmp_path):
    from bot.config import Settings
    from bot.errors import ConfigError

    env = {"BRIEFBOT_ENV_FILE": str(tmp_path / "none.env")}
    assert Settings.from_env(env).log_format == "auto"
    assert Settings.from_env({**env, "BRIEFBOT_LOG_FORMAT": " JSON "}).log_format == "json"
    with pytest.raises(ConfigError, match="BRIEFBOT_LOG_FORMAT must be auto, json or text"):
        Settings.from_env({**env, "BRIEFBOT_LOG_FORMAT": "yaml"})
