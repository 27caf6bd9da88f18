"""Prometheus metrics: what an operator running Briefbot at scale watches.

``briefbot serve`` answers ``/metrics``; ``run``, ``worker`` and ``scheduler`` expose them on
``BRIEFBOT_METRICS_PORT`` when it is set. Each process has its own figures; Prometheus adds
them up across replicas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from bot.briefing.status import ArticleStatus

REGISTRY = CollectorRegistry(auto_describe=True)

SLACK_REQUESTS = Counter(
    "briefbot_slack_requests",
    "Slack events and commands received, by kind",
    ["kind"],
    registry=REGISTRY,
)
DUPLICATE_EVENTS = Counter(
    "briefbot_duplicate_events",
    "Slack event deliveries ignored as already handled",
    registry=REGISTRY,
)
ARTICLES = Counter(
    "briefbot_articles_processed",
    "Articles read, by outcome (done, failed, retry)",
    ["outcome"],
    registry=REGISTRY,
)
FETCH_SECONDS = Histogram(
    "briefbot_fetch_seconds",
    "Time to fetch one page",
    registry=REGISTRY,
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30),
)
BRIEFINGS = Counter(
    "briefbot_scheduled_briefings",
    "Scheduled briefing slots, by outcome",
    ["outcome"],
    registry=REGISTRY,
)


class QueueCollector:
    """Articles by status, read from the database when Prometheus scrapes."""

    def __init__(self, counts: Callable[[], dict[str, int]]):
        self.counts = counts

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "briefbot_articles", "Stored articles by status", labels=["status"]
        )
        try:
            counts = self.counts()
        except Exception:  # a scrape during a database outage reports nothing, not an error page
            counts = {}
        for status in ArticleStatus:
            family.add_metric([status], counts.get(status, 0))
        yield family


_watched: list[QueueCollector] = []


def watch_queue(counts: Callable[[], dict[str, int]]) -> None:
    """Report the article queue of this process's store (once per process)."""
    if not _watched:
        collector = QueueCollector(counts)
        REGISTRY.register(collector)
        _watched.append(collector)
    else:
        _watched[0].counts = counts


def exposition() -> bytes:
    return generate_latest(REGISTRY)


def serve_metrics(port: int) -> Any:
    """Expose the metrics on their own port (processes without an HTTP server)."""
    from prometheus_client import start_http_server

    return start_http_server(port, registry=REGISTRY)
