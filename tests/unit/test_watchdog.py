"""The Socket Mode watchdog: a quiet connection is reconnected, a dead one stops the process."""

from __future__ import annotations

from bot.entrypoints.watchdog import ConnectionWatchdog


class FakeClient:
    def __init__(self, connected: bool = True, reconnects: bool = True):
        self.connected, self.reconnects, self.connects = connected, reconnects, 0

    def is_connected(self) -> bool:
        return self.connected

    def connect(self) -> None:
        self.connects += 1
        if not self.reconnects:
            raise ConnectionError("refused")
        self.connected = True


def watchdog(client: FakeClient, clock: list[float], gave_up: list[bool]) -> ConnectionWatchdog:
    return ConnectionWatchdog(
        client,
        on_give_up=lambda: gave_up.append(True),
        reconnect_after=60,
        give_up_after=600,
        clock=lambda: clock[0],
    )


def test_a_connection_down_past_a_minute_is_reconnected():
    client, clock, gave_up = FakeClient(connected=False), [0.0], []
    dog = watchdog(client, clock, gave_up)
    assert dog.check() == "waiting" and client.connects == 0
    clock[0] = 61
    assert dog.check() == "reconnected" and client.connects == 1
    assert dog.check() == "ok" and not gave_up


def test_a_connection_that_will_not_come_back_stops_the_process():
    client, clock, gave_up = FakeClient(connected=False, reconnects=False), [0.0], []
    dog = watchdog(client, clock, gave_up)
    dog.check()
    clock[0] = 120
    assert dog.check() == "reconnect failed"
    clock[0] = 601
    assert dog.check() == "gave up" and gave_up == [True]


def test_a_healthy_connection_is_left_alone():
    client, clock, gave_up = FakeClient(), [0.0], []
    dog = watchdog(client, clock, gave_up)
    clock[0] = 10_000
    assert dog.check() == "ok" and client.connects == 0 and not gave_up
