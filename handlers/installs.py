"""What Slack says about Briefbot's installations, in OAuth mode.

``app_uninstalled`` and ``tokens_revoked`` delete the workspace's tokens (its scheduled
briefings stop with them: the scheduler skips a workspace without an installation), and
``team_access_granted``/``team_access_revoked`` say which workspaces an Enterprise Grid
org-wide installation serves. A global middleware notes the workspace of every request
an org-wide installation receives, so that work Briefbot starts itself later (a morning
briefing) finds that installation from the workspace alone.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, Protocol

from slack_bolt import Ack, App, BoltContext, BoltResponse

from handlers.context import log


class Installations(Protocol):
    """``storage.workspaces.SqlWorkspaceDirectory``."""

    def seen(
        self, *, enterprise_id: str | None, team_id: str | None, org_install: bool
    ) -> None: ...

    def org_teams_added(self, enterprise_id: str, team_ids: Collection[str]) -> None: ...

    def org_teams_removed(self, enterprise_id: str, team_ids: Collection[str]) -> None: ...

    def uninstalled(
        self, *, enterprise_id: str | None, team_id: str | None, org_install: bool
    ) -> None: ...

    def tokens_revoked(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        org_install: bool,
        bot: bool,
        user_ids: Collection[str],
    ) -> None: ...


def register(app: App, installs: Installations) -> None:
    @app.middleware
    def note_org_workspace(
        context: BoltContext, next: Callable[[], BoltResponse | None]
    ) -> BoltResponse | None:
        if context.is_enterprise_install:
            installs.seen(
                enterprise_id=context.enterprise_id, team_id=context.team_id, org_install=True
            )
        return next()

    # These run inside the ack: each is a few deletes, and Slack must not send them again.
    @app.event("app_uninstalled")
    def on_uninstalled(ack: Ack, context: BoltContext) -> None:
        installs.uninstalled(
            enterprise_id=context.enterprise_id,
            team_id=context.team_id,
            org_install=bool(context.is_enterprise_install),
        )
        ack()

    @app.event("tokens_revoked")
    def on_tokens_revoked(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        given = event.get("tokens")
        tokens: dict[str, Any] = given if isinstance(given, dict) else {}
        installs.tokens_revoked(
            enterprise_id=context.enterprise_id,
            team_id=context.team_id,
            org_install=bool(context.is_enterprise_install),
            bot=bool(_ids(tokens.get("bot"))),
            user_ids=_ids(tokens.get("oauth")),
        )
        ack()

    @app.event("team_access_granted")
    def on_access_granted(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        if context.enterprise_id and (teams := _ids(event.get("team_ids"))):
            installs.org_teams_added(context.enterprise_id, teams)
        ack()

    @app.event("team_access_revoked")
    def on_access_revoked(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        if context.enterprise_id and (teams := _ids(event.get("team_ids"))):
            installs.org_teams_removed(context.enterprise_id, teams)
            log.info("org %s: briefings of %s stop", context.enterprise_id, ", ".join(teams))
        ack()


def _ids(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []
