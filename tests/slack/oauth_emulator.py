"""The Slack Web API emulator with Slack's side of OAuth installs in many workspaces.

``OAuthEmulator`` is a :class:`SlackEmulator` that also answers ``oauth.v2.access``: a code
made by :meth:`OAuthEmulator.install_code` is exchanged, once, for that workspace's bot
token (the app authenticating with HTTP Basic, as slack_sdk sends it); and ``auth.test``
answers each such token with its own workspace, bot user and, for an Enterprise Grid
org-wide install, its enterprise. Tokens it never handed out get the emulator's default
workspace, as before.

    with OAuthEmulator(client_id="111.222", client_secret="s3cret") as slack:
        slack.install_code("code-a", bot_token="xoxb-a", workspace=Workspace("T0AAA"))
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

try:  # imported as part of a package (tests.slack.oauth_emulator)
    from .emulator import APP_ID, BOT_ID, BOT_USER_NAME, Call, SlackEmulator, _Answer
except ImportError:  # tests/slack on sys.path
    from emulator import (  # type: ignore[no-redef]
        APP_ID,
        BOT_ID,
        BOT_USER_NAME,
        Call,
        SlackEmulator,
        _Answer,
    )

__all__ = ["OAuthEmulator", "Workspace"]


@dataclass(frozen=True)
class Workspace:
    """Whom a token speaks for: what auth.test answers for it."""

    team_id: str | None  # None for an org-wide (Enterprise Grid) token
    team_name: str = "Workspace"
    bot_user_id: str = "U0BOT"
    bot_id: str = BOT_ID
    enterprise_id: str | None = None
    enterprise_name: str | None = None
    org_install: bool = False

    @property
    def url(self) -> str:
        if self.org_install:
            return f"https://{(self.enterprise_name or 'org').lower()}.enterprise.slack.com/"
        return f"https://{(self.team_id or 'workspace').lower()}.slack.com/"


class OAuthEmulator(SlackEmulator):
    def __init__(
        self, *, client_id: str | None = None, client_secret: str | None = None, **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.client_id, self.client_secret = client_id, client_secret
        #: Per token handed out: its workspace.
        self.workspaces: dict[str, Workspace] = {}
        #: code -> the oauth.v2.access answer it is exchanged for (once).
        self.oauth_codes: dict[str, dict[str, Any]] = {}
        self.on("auth.test", self._auth_test_of)

    def install_code(
        self,
        code: str,
        *,
        bot_token: str,
        workspace: Workspace,
        installer: str = "U0INSTALLER",
        app_id: str = APP_ID,
    ) -> None:
        """``code`` installs the app in ``workspace`` (org-wide when ``workspace.org_install``),
        handing out ``bot_token``, with the answer Slack's oauth.v2.access gives."""
        team = None
        if not workspace.org_install:
            team = {"id": workspace.team_id, "name": workspace.team_name}
        enterprise = None
        if workspace.enterprise_id:
            enterprise = {"id": workspace.enterprise_id, "name": workspace.enterprise_name}
        with self._cond:
            self.workspaces[bot_token] = workspace
            self.oauth_codes[code] = {
                "ok": True,
                "access_token": bot_token,
                "token_type": "bot",
                "scope": self.bot_scopes,
                "bot_user_id": workspace.bot_user_id,
                "app_id": app_id,
                "team": team,
                "enterprise": enterprise,
                "is_enterprise_install": workspace.org_install,
                "authed_user": {"id": installer},
            }

    def _handle(
        self, method: str, call: Call, is_response_url: bool
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if method != "oauth.v2.access" or is_response_url:
            return super()._handle(method, call, is_response_url)
        try:  # the app's credentials, not a token
            with self._cond:
                return 200, self._exchange(call), {}
        except _Answer as answer:
            return answer.status, answer.body, answer.headers

    def _exchange(self, call: Call) -> dict[str, Any]:
        client_id, _, secret = _basic_auth(call.header("Authorization") or "")
        if self.client_id is not None and client_id != self.client_id:
            raise _Answer("invalid_client_id")
        if self.client_secret is not None and secret != self.client_secret:
            raise _Answer("bad_client_secret")
        answer = self.oauth_codes.pop(str(call.params.get("code") or ""), None)
        if answer is None:
            raise _Answer("invalid_code")
        return answer

    def _auth_test_of(self, call: Call) -> dict[str, Any]:
        with self._cond:
            workspace = self.workspaces.get(call.token or "")
        if workspace is None:
            return self._auth_test(call.params)
        answer: dict[str, Any] = {
            "ok": True,
            "url": workspace.url,
            "team": workspace.team_name,
            "user": BOT_USER_NAME,
            "team_id": workspace.team_id,
            "user_id": workspace.bot_user_id,
            "bot_id": workspace.bot_id,
            "is_enterprise_install": workspace.org_install,
        }
        if workspace.enterprise_id:
            answer["enterprise_id"] = workspace.enterprise_id
        return answer

    def calls_with(self, token: str, method: str) -> list[Call]:
        """The calls to ``method`` made with ``token``."""
        return [c for c in self.calls_to(method) if c.token == token]


def _basic_auth(header: str) -> tuple[str, str, str]:
    """``Basic base64(id:secret)`` as (id, ":", secret); empty strings when absent."""
    if not header.lower().startswith("basic "):
        return "", "", ""
    try:
        return base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return "", "", ""
