"""How Briefbot knows its workspaces: one ``SLACK_BOT_TOKEN``, or installs by OAuth.

Single-token mode (the default) serves the one workspace the token belongs to. With
``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` set, ``briefbot serve`` answers
``/slack/install`` and ``/slack/oauth_redirect`` (Bolt's OAuth flow, its ``state``
checked against the database and a browser cookie), keeps each installation in the
database with its tokens encrypted (``BRIEFBOT_ENCRYPTION_KEY``; OAuth mode refuses to
start without one), and every request, scheduled briefing and note goes out with the
token of the workspace it is for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_bolt import BoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bot.config import Settings
from bot.errors import ConfigError
from handlers.poster import SlackPoster, web_client
from storage.installations import EncryptedInstallationStore, oauth_state_store
from storage.token_cipher import TokenCipher
from storage.workspaces import SqlWorkspaceDirectory

if TYPE_CHECKING:
    from bot.app import Container

# What the install link asks for: the bot scopes of deploy/slack-manifest.yaml.
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "reactions:write",
    "users:read",
)
INSTALL_PATH, REDIRECT_PATH = "/slack/install", "/slack/oauth_redirect"
_DIRECTORY = "workspace directory"  # its key in Container.extras


def check_oauth(settings: Settings) -> None:
    """OAuth mode needs the app's client id and secret and a key for the tokens."""
    if not settings.slack_client_id:
        raise ConfigError(
            "SLACK_CLIENT_ID is not set: OAuth installs need it with SLACK_CLIENT_SECRET"
        )
    if not settings.slack_client_secret:
        raise ConfigError(
            "SLACK_CLIENT_SECRET is not set: OAuth installs need it with SLACK_CLIENT_ID"
        )
    if not settings.encryption_keys:
        raise ConfigError(
            "BRIEFBOT_ENCRYPTION_KEY is not set: OAuth mode stores each workspace's tokens "
            "encrypted with it (`briefbot keys generate` prints one)"
        )


def installation_store(container: Container) -> EncryptedInstallationStore:
    return workspace_directory(container).store


def workspace_directory(container: Container) -> SqlWorkspaceDirectory:
    """The one directory of this process (it remembers which org workspaces it stored)."""
    s = container.settings
    directory = container.extras.get(_DIRECTORY)
    if directory is None:
        check_oauth(s)
        store = EncryptedInstallationStore(
            client_id=s.slack_client_id, db=container.db, cipher=TokenCipher(s.encryption_keys)
        )
        directory = container.extras[_DIRECTORY] = SqlWorkspaceDirectory(container.db, store)
    assert isinstance(directory, SqlWorkspaceDirectory)
    return directory


class StoredAuthorize(Authorize):
    """Bolt's ``authorize`` from what the installation stored: its bot token, ids and
    scopes. Bolt's own asks Slack's auth.test about a token before the first ack it allows;
    this never waits on Slack before an ack, as in single-token mode. A token that was
    revoked or uninstalled is deleted (tokens_revoked, app_uninstalled), so never found.
    (Slack's token rotation is not used: the manifest leaves it off.)"""

    def __init__(self, store: EncryptedInstallationStore):
        self.store = store

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_actor: str | None,
    ) -> AuthorizeResult | None:
        bot = self.store.find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=context.is_enterprise_install,
        )
        if bot is None:
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id or enterprise_id,
            team_id=team_id if bot.is_enterprise_install else bot.team_id,
            team=bot.team_name,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )


def oauth_settings(container: Container, client: WebClient) -> OAuthSettings:
    """Bolt's OAuth flow on Briefbot's database; it exchanges codes through ``client``
    (SLACK_API_URL), and each request is authorised from its stored installation."""
    s = container.settings
    store = installation_store(container)
    settings = OAuthSettings(
        client_id=s.slack_client_id,
        client_secret=s.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=oauth_state_store(container.db),
    )
    settings.authorize = StoredAuthorize(store)
    return settings


def workspace_clients(container: Container) -> Callable[[str], WebClient | None]:
    """team id -> a client with the token of the installation serving it, or None."""
    directory, api_url = workspace_directory(container), container.settings.api_url

    def client_for(team_id: str) -> WebClient | None:
        bot = directory.bot_for(team_id)
        if bot is None:
            return None
        client = web_client(bot.bot_token, api_url)
        if bot.is_enterprise_install:  # an org token acts in the workspace it is told
            client.default_params["team_id"] = team_id
        return client

    return client_for


def background_poster(container: Container) -> SlackPoster:
    """The poster of scheduled briefings and of notes after retried articles."""
    s = container.settings
    if s.oauth:
        return SlackPoster(web_client("", s.api_url), clients=workspace_clients(container))
    if not s.slack_bot_token:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set: briefings are posted with it (or install by OAuth "
            "with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and BRIEFBOT_ENCRYPTION_KEY)"
        )
    return SlackPoster(web_client(s.slack_bot_token, s.api_url))


def installed_check(container: Container) -> Callable[[str], bool] | None:
    """OAuth mode: whether a workspace still has an installation (its briefings stop
    when it has none). Single-token mode: None, every workspace is the token's."""
    if not container.settings.oauth:
        return None
    return workspace_directory(container).is_installed
