"""Pytest fixtures for the offline Slack test doubles.

Import the fixture functions into a conftest (or a test module) to register them:

    from fixtures import slack_emulator_fixture, socket_server_fixture  # noqa: F401

They register as ``slack_emulator`` and ``socket_server``; each is started before and
stopped after every test. ``socket_server`` also starts ``slack_emulator`` and points its
apps.connections.open answer at the WebSocket URL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

try:  # imported as part of a package (tests.slack.fixtures)
    from .emulator import SlackEmulator
    from .socket_server import SocketModeServer
except ImportError:  # tests/slack on sys.path (pytest's default rootdir-less import mode)
    from emulator import SlackEmulator  # type: ignore[no-redef]
    from socket_server import SocketModeServer  # type: ignore[no-redef]

__all__ = ["slack_emulator_fixture", "socket_server_fixture"]


@pytest.fixture(name="slack_emulator")
def slack_emulator_fixture() -> Iterator[SlackEmulator]:
    """A running SlackEmulator; use ``slack_emulator.api_url`` as the Web API base URL."""
    with SlackEmulator() as emulator:
        yield emulator


@pytest.fixture(name="socket_server")
def socket_server_fixture(slack_emulator: SlackEmulator) -> Iterator[SocketModeServer]:
    """A running SocketModeServer that ``slack_emulator``'s apps.connections.open points at."""
    with SocketModeServer() as server:
        slack_emulator.socket_url = server.url
        try:
            yield server
        finally:
            slack_emulator.socket_url = None
