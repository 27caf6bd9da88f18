"""Briefbot: sourced team briefings from the article links a Slack team shares."""

__version__ = "0.1.0"
