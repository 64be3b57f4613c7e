"""What one bot process counts for `/metrics`, in Prometheus' types (prometheus_client).

Every process has its own registry, so two bots in one interpreter (the tests) or several
shard processes on one host never mix their numbers: a process that runs shards names them
as CLAIMBOT_SHARD_IDS writes them ("0-3", "1") and every sample of its exposition carries
`shard="0-3"`, added at scrape time so the hot paths stay unchanged.

The hot paths pay about a microsecond per event: a gateway event is one counter increment
on a child found in a dict (not `labels()`, which locks and builds a tuple each time), a
committed vote one histogram observation. What is a count of something elsewhere (the
verdict notice outbox, fetches in flight) is read when scraped, never kept in step.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator

import prometheus_client
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.core.fairness import FetchSlots

# `_created` series (one per counter and label set, the time it was first touched) double
# the exposition and answer nothing asked here. Process-wide in prometheus_client.
prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]

# Round trips to the database thread: a cached read is tens of microseconds, a burst's
# commit tens of milliseconds, and a write waits up to BUSY_TIMEOUT_MS (10 s) for a lock.
DATABASE_BUCKETS = (0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 10)
# Reaction handled → its batch committed: a few ms at 1,000 events/s, a second or more when a
# burst queues (the README's ingest figures); the target is a p99 under 50 ms.
INGEST_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

# A literal segment of a Discord REST path ("channels", "reactions", "@me", "bulk-delete").
# Anything else (ids, interaction and webhook tokens, emoji) becomes "{}", so a route label
# has as many values as Discord has routes, and never carries a token.
_LITERAL_SEGMENT = re.compile(r"[a-z@][a-z_-]{0,31}")
_API_VERSION = re.compile(r"v\d{1,3}")


def route_bucket(method: str, path: str) -> str:
    """`POST /channels/{}/messages` for `POST /api/v10/channels/123/messages`."""
    segments = path.split("/")
    if len(segments) > 2 and segments[1] == "api" and _API_VERSION.fullmatch(segments[2]):
        segments = ["", *segments[3:]]
    shape = "/".join(s if not s or _LITERAL_SEGMENT.fullmatch(s) else "{}" for s in segments)
    return f"{method.upper()} {shape}"


def status_class(status: int) -> str | None:
    """The label of a Discord answer worth counting: "429", "5xx", or None."""
    if status == 429:
        return "429"
    if 500 <= status <= 599:
        return "5xx"
    return None


class Metrics:
    """The metrics of one process, and their exposition."""

    def __init__(self, *, shard: str | None = None) -> None:
        self.registry = CollectorRegistry()
        self.shard = shard
        registry = self.registry
        self.gateway_events = Counter(
            "claimbot_gateway_events_received",
            "Gateway dispatch events received, by Discord event type.",
            ["event"],
            registry=registry,
        )
        self.votes_ingested = Counter(
            "claimbot_votes_ingested",
            "Vote events committed to the database (reactions, and catch-up's corrections).",
            registry=registry,
        )
        self.ingest_lag = Histogram(
            "claimbot_ingest_lag_seconds",
            "From a vote reaction's handler to the commit of its batch.",
            buckets=INGEST_BUCKETS,
            registry=registry,
        )
        self.notices_pending = Gauge(
            "claimbot_verdict_notices_pending",
            "Verdict notices of this process's servers waiting in the outbox (read from the "
            "database when scraped).",
            registry=registry,
        )
        self.discord_errors = Counter(
            "claimbot_discord_http_errors",
            "Discord REST answers 429 and 5xx (each try, retries included), by route.",
            ["status", "route"],
            registry=registry,
        )
        self.database_latency = Histogram(
            "claimbot_database_round_trip_seconds",
            "Round trips to the database thread, queueing included, by kind.",
            ["kind"],
            buckets=DATABASE_BUCKETS,
            registry=registry,
        )
        self._events: dict[str, Counter] = {}
        self._database = {kind: self.database_latency.labels(kind) for kind in ("read", "write")}

    # -- the hot paths --------------------------------------------------------------------

    def gateway_event(self, event: str) -> None:
        child = self._events.get(event)
        if child is None:
            child = self._events[event] = self.gateway_events.labels(event)
        child.inc()

    def votes_committed(self, written: int, lags: Iterable[float]) -> None:
        """A batch committed `written` vote events; `lags` are its reactions' waits."""
        if written:
            self.votes_ingested.inc(written)
        observe = self.ingest_lag.observe
        for lag in lags:
            observe(max(lag, 0.0))

    def database_round_trip(self, kind: str, seconds: float) -> None:
        self._database[kind].observe(seconds)

    def discord_response(self, method: str, path: str, status: int) -> None:
        label = status_class(status)
        if label is not None:
            self.discord_errors.labels(label, route_bucket(method, path)).inc()

    # -- read when scraped ----------------------------------------------------------------

    def watch_fetches(self, slots: FetchSlots) -> None:
        """Fetches in flight and refused, read from `slots` at each scrape."""
        self.registry.register(_FetchCollector(slots))

    def set_notices_pending(self, depth: int | None) -> None:
        """The outbox depth just read; None when the database did not answer (NaN, so a
        dashboard shows a gap rather than a stale number)."""
        self.notices_pending.set(math.nan if depth is None else depth)

    def exposition(self, accept: str = "") -> tuple[bytes, str]:
        """The body and Content-Type of `/metrics` for a scraper's Accept header."""
        encode, content_type = choose_encoder(accept)
        source: Collector = self.registry
        if self.shard is not None:
            source = _WithLabels(self.registry, {"shard": self.shard})
        return encode(source), content_type


class _FetchCollector(Collector):
    """The fair shares' own counts (bot/core/fairness.py), as they stand when scraped."""

    def __init__(self, slots: FetchSlots) -> None:
        self._slots = slots

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "claimbot_fetches_in_flight",
            "Page fetches in flight (a fetch over a fair share is refused, never queued).",
            value=self._slots.in_flight,
        )
        yield CounterMetricFamily(
            "claimbot_fetches_refused",
            "Page fetches refused because a fair share (member, server or total) was full.",
            value=self._slots.refused,
        )


class _WithLabels(Collector):
    """Another collector's metrics with labels added to every sample."""

    def __init__(self, inner: CollectorRegistry, labels: dict[str, str]) -> None:
        self._inner = inner
        self._labels = labels

    def collect(self) -> Iterator[Metric]:
        for metric in self._inner.collect():
            metric.samples = [
                sample._replace(labels={**sample.labels, **self._labels})
                for sample in metric.samples
            ]
            yield metric
