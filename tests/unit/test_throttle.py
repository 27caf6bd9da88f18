"""Posts to one channel are spaced to Slack's rate; other channels do not wait."""

from __future__ import annotations

from handlers.poster import ChannelThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_a_burst_to_one_channel_is_spaced_one_second_apart():
    clock = FakeClock()
    throttle = ChannelThrottle(1.0, clock=clock.time, sleep=clock.sleep)
    for _ in range(3):
        throttle.wait("C1")
    assert clock.slept == [1.0, 1.0]


def test_other_channels_and_idle_channels_do_not_wait():
    clock = FakeClock()
    throttle = ChannelThrottle(1.0, clock=clock.time, sleep=clock.sleep)
    throttle.wait("C1")
    throttle.wait("C2")
    clock.now += 5
    throttle.wait("C1")
    assert clock.slept == []
