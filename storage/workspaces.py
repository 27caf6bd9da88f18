"""Which installation speaks for a workspace, for the work no Slack request starts.

A request from Slack says which installation it belongs to and Bolt finds its token. A
scheduled briefing or a note after a retried article knows only the workspace (``team_id``)
its topic or share belongs to, so :class:`SqlWorkspaceDirectory` finds the bot for it: the
workspace's own installation, or else, on Enterprise Grid, the org-wide installation of
the organisation the workspace belongs to. An org-wide install is stored without a team
(Slack's ``oauth.v2.access`` names only the enterprise), so which workspaces belong to it
is learnt from Slack: every request of an org-wide install names its workspace, and
``team_access_granted`` and ``team_access_revoked`` list the workspaces added or removed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from datetime import datetime

from slack_sdk.oauth.installation_store import Bot
from sqlalchemy import String, delete, desc, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.clock import utcnow
from storage.db import Database
from storage.installations import EncryptedInstallationStore
from storage.models import Base

log = logging.getLogger(__name__)


class OrgWorkspace(Base):
    """A workspace served by an organisation's org-wide installation (migration 0009)."""

    __tablename__ = "slack_org_workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(32), index=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class SqlWorkspaceDirectory:
    """The installations of each workspace, and what Slack says about them changing."""

    def __init__(self, db: Database, store: EncryptedInstallationStore):
        self.db, self.store = db, store
        self._known: set[tuple[str, str]] = set()  # (enterprise, team) stored by this process
        self._lock = threading.Lock()

    def bot_for(self, team_id: str) -> Bot | None:
        """The bot that may act in ``team_id``: its own installation's, else its org's."""
        bots = self.store.tables.bots.c
        with self.db.engine.connect() as conn:
            own = conn.execute(
                select(bots.enterprise_id)
                .where(
                    bots.client_id == self.store.client_id,
                    bots.team_id == team_id,
                    bots.bot_token.is_not(None),
                )
                .order_by(desc(bots.installed_at))
                .limit(1)
            ).first()
            org = (
                None
                if own
                else conn.scalar(
                    select(OrgWorkspace.enterprise_id).where(OrgWorkspace.team_id == team_id)
                )
            )
        if own is not None:
            return self.store.find_bot(enterprise_id=own.enterprise_id, team_id=team_id)
        if org is not None:
            return self.store.find_bot(enterprise_id=org, team_id=None, is_enterprise_install=True)
        return None

    def is_installed(self, team_id: str) -> bool:
        return self.bot_for(team_id) is not None

    # --- what Slack tells us -----------------------------------------------------------

    def seen(self, *, enterprise_id: str | None, team_id: str | None, org_install: bool) -> None:
        """A request of an org-wide install came from ``team_id``: remember its org."""
        if not (org_install and enterprise_id and team_id):
            return
        with self._lock:
            if (enterprise_id, team_id) in self._known:
                return
        self.org_teams_added(enterprise_id, [team_id])

    def org_teams_added(self, enterprise_id: str, team_ids: Collection[str]) -> None:
        for team_id in team_ids:
            try:
                with self.db.session() as s:
                    row = s.get(OrgWorkspace, team_id)
                    if row is None:
                        s.add(OrgWorkspace(team_id=team_id, enterprise_id=enterprise_id))
                    elif row.enterprise_id != enterprise_id:  # the workspace moved org
                        row.enterprise_id, row.seen_at = enterprise_id, utcnow()
            except IntegrityError:  # another replica stored it first
                pass
            with self._lock:
                self._known.add((enterprise_id, team_id))
        log.info("org %s serves workspaces %s", enterprise_id, ", ".join(team_ids))

    def org_teams_removed(self, enterprise_id: str, team_ids: Collection[str]) -> None:
        with self.db.session() as s:
            s.execute(
                delete(OrgWorkspace).where(
                    OrgWorkspace.enterprise_id == enterprise_id,
                    OrgWorkspace.team_id.in_(list(team_ids)),
                )
            )
        with self._lock:
            self._known -= {(enterprise_id, t) for t in team_ids}
        log.info("org %s no longer serves workspaces %s", enterprise_id, ", ".join(team_ids))

    def uninstalled(
        self, *, enterprise_id: str | None, team_id: str | None, org_install: bool
    ) -> None:
        """The app was removed: its tokens go, so its workspaces' schedules stop."""
        if org_install:
            self.store.delete_all(enterprise_id=enterprise_id, team_id=None)
            with self.db.session() as s:
                s.execute(delete(OrgWorkspace).where(OrgWorkspace.enterprise_id == enterprise_id))
            with self._lock:
                self._known = {k for k in self._known if k[0] != enterprise_id}
        else:
            self.store.delete_all(enterprise_id=enterprise_id, team_id=team_id)
        log.info(
            "Briefbot was uninstalled from %s: its tokens are deleted and its briefings stop",
            enterprise_id if org_install else team_id,
        )

    def tokens_revoked(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        org_install: bool,
        bot: bool,
        user_ids: Collection[str],
    ) -> None:
        team = None if org_install else team_id
        for user_id in user_ids:
            self.store.delete_installation(
                enterprise_id=enterprise_id, team_id=team, user_id=user_id
            )
        if bot:
            self.store.delete_bot(enterprise_id=enterprise_id, team_id=team)
            self._clear_bot_tokens(enterprise_id, team)
            log.info("the bot token of %s was revoked and deleted", team or enterprise_id)

    def _clear_bot_tokens(self, enterprise_id: str | None, team_id: str | None) -> None:
        """The installation rows keep a copy of the bot token: Bolt must not find it there."""
        rows = self.store.tables.installations
        c = rows.c
        with self.db.engine.begin() as conn:
            conn.execute(
                update(rows)
                .where(
                    c.client_id == self.store.client_id,
                    c.enterprise_id == enterprise_id,  # None: IS NULL
                    c.team_id == team_id,
                )
                .values(bot_token=None, bot_refresh_token=None)
            )
