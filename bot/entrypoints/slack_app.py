"""Briefbot in Slack: the Bolt App, its listeners and workers, built from a Container."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.app import Container
from bot.clock import utcnow
from bot.entrypoints import installs
from bot.entrypoints.request_logs import LoggedApp
from bot.entrypoints.worker import ingestion_pool
from bot.errors import ConfigError
from bot.extraction.nlp import SpacyAnalyzer
from bot.log_context import ContextExecutor
from bot.services.stats import workspace_stats
from handlers import installs as installs_listeners
from handlers import register_all
from handlers.capture import tell_sharers_of_failure
from handlers.context import Deps, quick, retry_after
from handlers.followed_commands import TopicCommands
from handlers.poster import SlackPoster, web_client
from storage.activity import SqlActivity
from storage.followed_topics import SqlTopicStore

log = logging.getLogger(__name__)
PRIVACY_TTL = 600.0


class _ClientCarriesTheToken(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN is unused when a client is given: ours carries it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "will be unused" not in record.getMessage()


_TOKEN_FILTER = _ClientCarriesTheToken()


class ChannelPrivacy:
    """Whether a channel's shares must stay in it: private, a DM, or shared with another org.

    Asked before the ack, so it never waits on Slack: conversations.info gets one try with
    a short timeout (``handlers.context.quick``). An answer is kept ten minutes; when Slack
    cannot say (rate limited, slow, an error) the channel is treated as private, so nothing
    leaks, and Slack is asked again after its Retry-After (or soon), not ten minutes later.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._cache: dict[tuple[str, str], tuple[float, bool]] = {}  # key -> (until, private)
        self._lock = threading.Lock()
        self._clock = clock

    def __call__(self, client: WebClient, team_id: str, channel_id: str) -> bool:
        key = (team_id, channel_id)
        with self._lock:
            hit = self._cache.get(key)
        if hit and self._clock() < hit[0]:
            return hit[1]
        try:
            info = quick(client).conversations_info(channel=channel_id).get("channel") or {}
            private = any(
                info.get(k)
                for k in ("is_private", "is_im", "is_mpim", "is_ext_shared", "is_shared")
            )
            keep = PRIVACY_TTL
        except (SlackClientError, OSError) as exc:  # OSError: timeouts, refused connections
            reason = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
            log.warning(
                "conversations.info %s failed (%s): treating it as private", channel_id, reason
            )
            private, keep = True, retry_after(exc)
        with self._lock:
            self._cache[key] = (self._clock() + keep, private)
        return private


def build_slack(container: Container, *, http: bool, ingest_here: bool = True) -> tuple[App, Deps]:
    """The Bolt App with every listener attached, and what the listeners share.

    With ``ingest_here`` false the captured articles wait in the queue for ``briefbot
    worker`` processes instead of being read in this one.
    """
    s = container.settings
    if s.oauth and not http:
        raise ConfigError(
            "installs by OAuth (SLACK_CLIENT_ID) need `briefbot serve`: Slack sends the "
            "installer's browser to its /slack/oauth_redirect"
        )
    if not s.oauth and not s.slack_bot_token:
        raise ConfigError("SLACK_BOT_TOKEN is not set: the bot token (xoxb-...) of your Slack app")
    if http and not s.slack_signing_secret:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: `briefbot serve` verifies every request with it"
        )
    # OAuth mode: no token of its own; Bolt gives each request its workspace's.
    client = web_client("" if s.oauth else s.slack_bot_token, s.api_url)
    logging.getLogger("slack_bolt.App").addFilter(_TOKEN_FILTER)  # added once, however often called
    # Lazy listeners (slow /brief work, reactions, notes) run here after the ack; fetching
    # and analysis never do, they have the ingestion pool.
    # (ContextExecutor: their log lines name the request's workspace, channel and event.)
    listeners = ContextExecutor(max_workers=4, thread_name_prefix="briefbot-slack")
    app = LoggedApp(
        client=client,  # carries the bot token (single-token mode) and SLACK_API_URL
        signing_secret=s.slack_signing_secret or None,
        process_before_response=True,  # shares are stored before Slack hears the ack
        request_verification_enabled=http,
        token_verification_enabled=True,
        listener_executor=listeners,
        oauth_settings=installs.oauth_settings(container, client) if s.oauth else None,
    )
    pool = ingestion_pool(container, enabled=ingest_here)
    poster = installs.background_poster(container) if s.oauth else SlackPoster(client)
    deps = Deps(
        settings=s,
        store=container.store,
        pool=pool,
        poster=poster,
        now=utcnow,
        channel_privacy=ChannelPrivacy(),
        topics=TopicCommands(topics=SqlTopicStore(container.db), settings=s, now=utcnow),
        bot_user_id="" if s.oauth else _bot_user_id(client),  # OAuth: Bolt knows each bot
        stats=partial(
            workspace_stats, activity=SqlActivity(container.db), topics=SqlTopicStore(container.db)
        ),
    )
    pool.on_swept = partial(tell_sharers_of_failure, container.store, poster)
    register_all(app, deps)
    if s.oauth:
        installs_listeners.register(app, installs.workspace_directory(container))
    if ingest_here:  # load the spaCy pipeline now, not when the first link arrives
        threading.Thread(
            target=_preload, args=(container.analyzer,), name="briefbot-spacy", daemon=True
        ).start()
    container.extras["pool"] = pool
    container.extras["listeners"] = listeners  # Container.close() shuts it down
    return app, deps


def _preload(analyzer: SpacyAnalyzer) -> None:
    try:
        _ = analyzer.nlp  # the property loads the pipeline once
    except Exception:  # the first article will try again, and say why
        log.exception("loading the spaCy pipeline failed")


def _bot_user_id(client: WebClient) -> str:
    try:
        return str(client.auth_test().get("user_id") or "")
    except SlackApiError as exc:
        raise ConfigError(
            f"SLACK_BOT_TOKEN was refused by Slack ({exc.response.get('error')})"
        ) from None
