"""The Slack edge: thin listeners (ack -> parse -> one service call -> render)."""

from __future__ import annotations

from slack_bolt import App

from handlers import (
    archive,
    capture,
    dedupe,
    errors,
    followed_home,
    home,
    mentions,
    more,
    payload,
    verbs,
    who,
)
from handlers.context import Deps


def register_all(app: App, deps: Deps) -> None:
    """Attach the error handler, every middleware and every listener to a Bolt ``App``."""
    errors.register(app)
    payload.register(app)  # first: no other middleware or listener sees a malformed body
    dedupe.register(app, deps)
    capture.register(app, deps)
    verbs.register(app, deps)
    archive.register(app, deps)  # the search's page buttons
    more.register(app, deps)  # a briefing's "More stories" button
    who.register(app, deps)  # /brief who's candidate buttons
    mentions.register(app, deps)
    home.register(app, deps)
    followed_home.register(app, deps)
