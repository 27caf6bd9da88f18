"""The Slack edge: thin listeners (ack -> parse -> one service call -> render)."""

from __future__ import annotations

from typing import Any

from handlers import capture, commands, dedupe, followed_home, home, mentions
from handlers.context import Deps


def register_all(app: Any, deps: Deps) -> None:
    """Attach every middleware and listener to a Bolt ``App``."""
    dedupe.register(app, deps)
    capture.register(app, deps)
    commands.register(app, deps)
    mentions.register(app, deps)
    home.register(app, deps)
    followed_home.register(app, deps)
