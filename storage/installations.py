"""Slack installations on Briefbot's own database, their tokens encrypted at rest.

slack-sdk's ``SQLAlchemyInstallationStore`` keeps what Bolt's OAuth flow hands it in the
``slack_installations`` and ``slack_bots`` tables (created by migration 0009, never by
``create_tables()``), tokens in clear text. :class:`EncryptedInstallationStore` wraps it:
every token (bot, user, their refresh tokens) and the incoming-webhook URL is encrypted
before it reaches a table and decrypted when it is read back, so a copy of the database
or a backup holds no usable token without ``BRIEFBOT_ENCRYPTION_KEY``.
"""

from __future__ import annotations

import copy
import logging
from datetime import UTC, datetime
from typing import Any, TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.sqlalchemy_utils import normalize_datetime_for_db
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Table, delete, select, update

from storage.db import Database
from storage.token_cipher import TokenCipher, TokenUnreadable

log = logging.getLogger(__name__)

# What is secret in a row of each table (the bots table has no user token or webhook).
INSTALLATION_SECRETS = (
    "bot_token",
    "bot_refresh_token",
    "user_token",
    "user_refresh_token",
    "incoming_webhook_url",
)
BOT_SECRETS = ("bot_token", "bot_refresh_token")
STATE_SECONDS = 600  # how long an install link's state stays valid

T = TypeVar("T", Bot, Installation)


class PrunedOAuthStateStore(SQLAlchemyOAuthStateStore):
    """slack-sdk's state store, whose table keeps every state never used (anyone may open
    ``/slack/install``): each new state first deletes those past their expiry."""

    def issue(self, *args: Any, **kwargs: Any) -> str:
        now = normalize_datetime_for_db(datetime.now(UTC))
        with self.engine.begin() as conn:
            conn.execute(delete(self.oauth_states).where(self.oauth_states.c.expire_at < now))
        return str(super().issue(*args, **kwargs))


def oauth_state_store(db: Database) -> SQLAlchemyOAuthStateStore:
    """The OAuth ``state`` values issued by ``/slack/install``, each consumed once."""
    return PrunedOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=db.engine)


class EncryptedInstallationStore(InstallationStore):
    """``SQLAlchemyInstallationStore`` whose secrets are Fernet-encrypted in the tables."""

    def __init__(self, *, client_id: str, db: Database, cipher: TokenCipher):
        self.tables = SQLAlchemyInstallationStore(client_id=client_id, engine=db.engine)
        self.client_id, self.cipher = client_id, cipher

    @property
    def logger(self) -> logging.Logger:
        return log

    # --- writing: encrypted copies -------------------------------------------------------

    def save(self, installation: Installation) -> None:
        # The inner store saves the bot row from the same (encrypted) copy.
        self.tables.save(self._sealed(installation, INSTALLATION_SECRETS))

    def save_bot(self, bot: Bot) -> None:
        self.tables.save_bot(self._sealed(bot, BOT_SECRETS))

    def _sealed(self, item: T, fields: tuple[str, ...]) -> T:
        sealed = copy.copy(item)
        for name in fields:
            setattr(sealed, name, self.cipher.encrypt(getattr(item, name, None)))
        return sealed

    # --- reading: decrypted ------------------------------------------------------------------

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = self.tables.find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return self._opened(found, BOT_SECRETS)

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = self.tables.find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return self._opened(found, INSTALLATION_SECRETS)

    def _opened(self, item: T | None, fields: tuple[str, ...]) -> T | None:
        """The stored item with its secrets readable; None (logged) when a key is missing:
        the workspace then looks uninstalled rather than failing every request."""
        if item is None:
            return None
        try:
            for name in fields:
                setattr(item, name, self.cipher.decrypt(getattr(item, name, None)))
        except TokenUnreadable as exc:
            log.error("installation of %s: %s", item.team_id or item.enterprise_id, exc)
            return None
        return item

    # --- removing --------------------------------------------------------------------------

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.tables.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.tables.delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        self.delete_installation(enterprise_id=enterprise_id, team_id=team_id)

    # --- keys ----------------------------------------------------------------------------

    def rotate_keys(self) -> int:
        """Re-encrypt every stored secret with the first key, in one transaction; how many
        values. A value no key opens stops it before anything is written."""
        changed = 0
        with self.tables.engine.begin() as conn:
            for table, fields in (
                (self.tables.installations, INSTALLATION_SECRETS),
                (self.tables.bots, BOT_SECRETS),
            ):
                for row in conn.execute(select(table.c.id, *(table.c[f] for f in fields))):
                    values = {f: self.cipher.rotate(v) for f, v in _present(row, fields)}
                    if values:
                        conn.execute(update(table).where(table.c.id == row.id).values(**values))
                        changed += len(values)
        return changed


def _present(row: Any, fields: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(f, getattr(row, f)) for f in fields if getattr(row, f)]


def installation_tables(store: EncryptedInstallationStore) -> tuple[Table, Table]:
    return store.tables.installations, store.tables.bots
