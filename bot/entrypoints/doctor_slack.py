"""`briefbot doctor`'s questions to Slack: do the tokens work, and do they carry the scopes
the app manifest asks for.

Every call gets one try and a short timeout: the doctor reports a Slack that is slow or
away, it does not wait it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.entrypoints.doctor_report import Finding, ok, problem, skipped

SLACK_TIMEOUT = 10
_REFUSED = {
    "invalid_auth": "copy the current Bot User OAuth Token (xoxb-...) from the app's OAuth & "
    "Permissions page; reinstalling the app issues a new one",
    "not_authed": "set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-...)",
    "token_revoked": "the app was uninstalled or its token revoked: reinstall it and set the "
    "new token",
    "token_expired": "the token expired (token rotation is on): turn rotation off in the app "
    "settings, or reinstall and set the new token",
    "account_inactive": "the bot user or the workspace was deactivated: reinstall the app",
}


def manifest_scopes(path: Path | None) -> frozenset[str]:
    """The bot scopes a manifest asks for (its uncommented ``oauth_config.scopes.bot``);
    None: those of deploy/slack-manifest.yaml, which the install link asks for too."""
    if path is None:
        from bot.entrypoints.installs import BOT_SCOPES

        return frozenset(BOT_SCOPES)
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    scopes = ((data.get("oauth_config") or {}).get("scopes") or {}).get("bot") or []
    return frozenset(str(s) for s in scopes)


def _client(token: str, settings: Settings) -> WebClient:
    # slack_sdk annotates an int but hands the value to urllib, which takes any number.
    return WebClient(
        token=token, base_url=settings.api_url, timeout=SLACK_TIMEOUT, retry_handlers=[]
    )


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None


def token_findings(settings: Settings) -> list[Finding]:
    """Which tokens are set, and whether each looks like what it should be."""
    found = []
    bot, app = settings.slack_bot_token, settings.slack_app_token
    if settings.oauth:
        return _oauth_findings(settings)
    if not bot:
        found.append(
            problem(
                "slack tokens",
                "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...) from "
                "your app's OAuth & Permissions page",
            )
        )
    elif not bot.startswith("xoxb-"):
        found.append(
            problem(
                "slack tokens",
                f"SLACK_BOT_TOKEN starts with {bot[:5]!r}, not 'xoxb-': it must be the bot "
                "token, not a user (xoxp-) or app-level (xapp-) token",
            )
        )
    if app and not app.startswith("xapp-"):
        found.append(
            problem(
                "slack tokens",
                f"SLACK_APP_TOKEN starts with {app[:5]!r}, not 'xapp-': create an app-level "
                "token with connections:write under Basic Information",
            )
        )
    if not app and not settings.slack_signing_secret:
        found.append(
            problem(
                "slack tokens",
                "neither SLACK_APP_TOKEN (Socket Mode, `briefbot run`) nor SLACK_SIGNING_SECRET "
                "(HTTP mode, `briefbot serve`) is set: set the one your mode needs",
            )
        )
    if not found:
        modes = [
            m for m, on in (("Socket Mode", app), ("HTTP", settings.slack_signing_secret)) if on
        ]
        found.append(ok("slack tokens", f"bot token set; ready for {' and '.join(modes)}"))
    return found


def _oauth_findings(settings: Settings) -> list[Finding]:
    from bot.entrypoints.installs import check_oauth
    from bot.errors import ConfigError

    found = []
    try:
        check_oauth(settings)
    except ConfigError as exc:
        found.append(problem("slack tokens", str(exc)))
    if not settings.slack_signing_secret:
        found.append(
            problem(
                "slack tokens",
                "SLACK_SIGNING_SECRET is not set: OAuth mode is HTTP mode, and `briefbot serve` "
                "verifies every request with it",
            )
        )
    return found or [
        ok("slack tokens", "OAuth mode: each workspace's token comes from its installation")
    ]


def auth_findings(settings: Settings, wanted: frozenset[str], manifest: str) -> list[Finding]:
    """auth.test with the bot token, and its granted scopes beside the manifest's."""
    token = settings.slack_bot_token
    if not token and settings.oauth:
        why = "OAuth mode: no token of its own (each installation's is used for its workspace)"
        return [skipped("slack auth", why), skipped("slack scopes", why)]
    if not token:
        why = "no SLACK_BOT_TOKEN"
        return [skipped("slack auth", why), skipped("slack scopes", why)]
    try:
        answer = _client(token, settings).auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc)
        what = _REFUSED.get(error, "check that SLACK_BOT_TOKEN is this app's bot token")
        why = "the token was refused"
        return [
            problem("slack auth", f"Slack refused SLACK_BOT_TOKEN ({error}): {what}"),
            skipped("slack scopes", why),
        ]
    except OSError as exc:  # URLError, refused, reset, timed out
        reason = getattr(exc, "reason", None) or exc
        return [
            problem(
                "slack auth",
                f"cannot reach Slack at {settings.api_url} ({reason}): check the network, any "
                "proxy, and SLACK_API_URL",
            ),
            skipped("slack scopes", "Slack could not be reached"),
        ]
    who = f"bot @{answer.get('user')} ({answer.get('user_id')})"
    where = f"workspace {answer.get('team')} ({answer.get('team_id')})"
    return [
        ok("slack auth", f"auth.test: {who} in {where}"),
        _scopes(answer.headers, wanted, manifest),
    ]


def _scopes(headers: Mapping[str, Any], wanted: frozenset[str], manifest: str) -> Finding:
    granted_header = _header(headers, "x-oauth-scopes")
    if granted_header is None:
        return skipped("slack scopes", "Slack's answer did not say which scopes the token has")
    granted = {s.strip() for s in granted_header.split(",") if s.strip()}
    missing = sorted(wanted - granted)
    if missing:
        return problem(
            "slack scopes",
            f"the token lacks {', '.join(missing)}, which {manifest} asks for: add them under "
            "OAuth & Permissions -> Scopes (or update the app from the manifest), reinstall "
            "the app and set the new token",
        )
    extra = sorted(granted - wanted)
    also = f" (also granted: {', '.join(extra)})" if extra else ""
    return ok("slack scopes", f"the token has all {len(wanted)} scopes {manifest} asks for{also}")


def app_token_findings(settings: Settings) -> list[Finding]:
    """Socket Mode: apps.connections.open with the app-level token (nothing connects)."""
    token = settings.slack_app_token
    if not token:
        return [skipped("socket mode", "no SLACK_APP_TOKEN (fine for HTTP mode)")]
    try:
        _client(token, settings).apps_connections_open(app_token=token)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc)
        return [
            problem(
                "socket mode",
                f"Slack refused SLACK_APP_TOKEN ({error}): create an app-level token with "
                "connections:write under Basic Information, and turn Socket Mode on",
            )
        ]
    except OSError as exc:
        reason = getattr(exc, "reason", None) or exc
        return [problem("socket mode", f"cannot reach Slack at {settings.api_url} ({reason})")]
    return [ok("socket mode", "SLACK_APP_TOKEN may open Socket Mode connections")]
