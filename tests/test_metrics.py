"""What `/metrics` says (bot/services/metrics.py) and how `/healthz` decides
(bot/app/health.py), without Discord: the exposition text, the route labels, the shard
hook, the gateway states, the database deadline and a port already taken."""

from __future__ import annotations

import asyncio
import math
import re
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app.health import (
    DATABASE_NOT_ANSWERING,
    GATEWAY_NOT_READY,
    STARTING,
    HealthPortUnavailable,
    HealthServer,
    gateway_problem,
)
from bot.core.fairness import FetchShares, FetchSlots
from bot.core.shards import UNSHARDED
from bot.services.metrics import Metrics, route_bucket, status_class
from bot.storage import Database

REPO = Path(__file__).resolve().parent.parent

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(text: str) -> Samples:
    """Every sample of an exposition: (name, sorted labels) -> value."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def exposition(metrics: Metrics) -> str:
    body, content_type = metrics.exposition()
    assert content_type == "text/plain; version=0.0.4; charset=utf-8"
    return body.decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the exposition ------------------------------------------------------------------------


def test_a_fresh_process_exposes_every_metric_with_its_help() -> None:
    metrics = Metrics()
    metrics.watch_fetches(FetchSlots())
    text = exposition(metrics)
    helps = re.findall(r"^# HELP (\S+) (.*)$", text, flags=re.MULTILINE)
    assert [name for name, _ in helps] == [
        "claimbot_gateway_events_received_total",
        "claimbot_votes_ingested_total",
        "claimbot_ingest_lag_seconds",
        "claimbot_verdict_notices_pending",
        "claimbot_discord_http_errors_total",
        "claimbot_database_round_trip_seconds",
        "claimbot_fetches_in_flight",
        "claimbot_fetches_refused_total",
    ]
    assert all(words.endswith(".") for _, words in helps)
    assert "_created" not in text
    values = samples(text)
    assert values[("claimbot_votes_ingested_total", ())] == 0
    assert values[("claimbot_ingest_lag_seconds_count", ())] == 0
    assert values[("claimbot_fetches_in_flight", ())] == 0
    assert values[("claimbot_fetches_refused_total", ())] == 0
    assert values[("claimbot_database_round_trip_seconds_count", (("kind", "write"),))] == 0
    assert not any(name == "claimbot_gateway_events_received_total" for name, _ in values)


def test_recorded_values_are_exposed_exactly() -> None:
    metrics = Metrics()
    slots = FetchSlots(FetchShares(member=1, guild=2, total=3))
    metrics.watch_fetches(slots)
    for event in ["MESSAGE_REACTION_ADD"] * 3 + ["GUILD_CREATE"]:
        metrics.gateway_event(event)
    metrics.votes_committed(2, [0.003, 0.2])
    metrics.votes_committed(1, [])  # a catch-up correction: counted, no reaction lag
    metrics.database_round_trip("read", 0.0002)
    metrics.database_round_trip("write", 0.03)
    metrics.discord_response("PUT", "/api/v10/channels/1/messages/2/reactions/✅/@me", 429)
    metrics.discord_response("POST", "/api/v10/channels/1/messages", 503)
    metrics.discord_response("POST", "/api/v10/channels/9/messages", 500)
    metrics.discord_response("POST", "/api/v10/channels/1/messages", 404)
    metrics.discord_response("GET", "/api/v10/users/@me", 200)
    assert slots.take((1, 10)) is None
    assert slots.take((1, 10)) is not None  # over the member's share: refused
    metrics.set_notices_pending(4)

    values = samples(exposition(metrics))

    def labelled(name: str) -> dict[tuple[tuple[str, str], ...], float]:
        return {labels: value for (n, labels), value in values.items() if n == name}

    assert labelled("claimbot_gateway_events_received_total") == {
        (("event", "MESSAGE_REACTION_ADD"),): 3,
        (("event", "GUILD_CREATE"),): 1,
    }
    assert values[("claimbot_votes_ingested_total", ())] == 3
    assert values[("claimbot_ingest_lag_seconds_count", ())] == 2
    assert values[("claimbot_ingest_lag_seconds_sum", ())] == pytest.approx(0.203)
    assert values[("claimbot_ingest_lag_seconds_bucket", (("le", "0.005"),))] == 1
    assert values[("claimbot_ingest_lag_seconds_bucket", (("le", "0.1"),))] == 1
    assert values[("claimbot_ingest_lag_seconds_bucket", (("le", "0.25"),))] == 2
    assert labelled("claimbot_discord_http_errors_total") == {
        (("route", "PUT /channels/{}/messages/{}/reactions/{}/@me"), ("status", "429")): 1,
        (("route", "POST /channels/{}/messages"), ("status", "5xx")): 2,
    }
    assert labelled("claimbot_database_round_trip_seconds_count") == {
        (("kind", "read"),): 1,
        (("kind", "write"),): 1,
    }
    assert values[("claimbot_fetches_in_flight", ())] == 1
    assert values[("claimbot_fetches_refused_total", ())] == 1
    assert values[("claimbot_verdict_notices_pending", ())] == 4


def test_an_outbox_that_could_not_be_read_is_a_gap_not_a_stale_number() -> None:
    metrics = Metrics()
    metrics.set_notices_pending(7)
    metrics.set_notices_pending(None)
    assert math.isnan(samples(exposition(metrics))[("claimbot_verdict_notices_pending", ())])
    assert "claimbot_verdict_notices_pending NaN" in exposition(metrics).splitlines()


def test_the_shard_hook_labels_every_sample_and_only_when_named() -> None:
    sharded = Metrics(shard="0-3")
    sharded.gateway_event("READY")
    sharded.database_round_trip("read", 0.001)
    labels = [dict(labels) for _, labels in samples(exposition(sharded))]
    assert labels and all(label.get("shard") == "0-3" for label in labels)
    assert ("claimbot_gateway_events_received_total", (("event", "READY"), ("shard", "0-3"))) in (
        samples(exposition(sharded))
    )
    plain = Metrics()
    plain.gateway_event("READY")
    assert all("shard" not in dict(labels) for _, labels in samples(exposition(plain)))


def test_two_processes_in_one_interpreter_count_apart() -> None:
    first, second = Metrics(), Metrics()
    first.votes_committed(5, [])
    assert samples(exposition(second))[("claimbot_votes_ingested_total", ())] == 0


def test_openmetrics_is_served_to_a_scraper_that_asks_for_it() -> None:
    metrics = Metrics()
    body, content_type = metrics.exposition("application/openmetrics-text; version=1.0.0")
    assert content_type.startswith("application/openmetrics-text; version=1.0.0")
    assert body.decode().endswith("# EOF\n")


# -- route labels --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "bucket"),
    [
        ("post", "/api/v10/channels/123/messages", "POST /channels/{}/messages"),
        ("PATCH", "/api/v10/channels/1/messages/2", "PATCH /channels/{}/messages/{}"),
        (
            "PUT",
            "/api/v10/channels/1/messages/2/reactions/✅/@me",
            "PUT /channels/{}/messages/{}/reactions/{}/@me",
        ),
        (
            "DELETE",
            "/api/v10/channels/1/messages/2/reactions/vote:123456/99",
            "DELETE /channels/{}/messages/{}/reactions/{}/{}",
        ),
        (
            "POST",
            "/api/v10/interactions/1/aW50ZXJhY3Rpb246MTIzNDU2Nzg5OmFiY2RlZg/callback",
            "POST /interactions/{}/{}/callback",
        ),
        (
            "PATCH",
            "/api/v10/webhooks/42/" + "a" * 80 + "/messages/@original",
            "PATCH /webhooks/{}/{}/messages/@original",
        ),
        (
            "PUT",
            "/api/v10/applications/7/guilds/8/commands",
            "PUT /applications/{}/guilds/{}/commands",
        ),
        ("GET", "/api/v10/gateway/bot", "GET /gateway/bot"),
        ("GET", "/users/@me", "GET /users/@me"),  # no version prefix (a proxy's base)
    ],
)
def test_a_route_label_keeps_discord_words_and_drops_ids_tokens_and_emoji(
    method: str, path: str, bucket: str
) -> None:
    assert route_bucket(method, path) == bucket


def test_route_labels_stay_linear_on_a_huge_path() -> None:
    # A backtracking pattern would take minutes here; the suite would stall, not pass.
    path = "/api/v10/" + "/".join(["channels", "x" * 200_000, "a" * 100_000 + "!"] * 5)
    assert route_bucket("GET", path) == "GET " + "/channels/{}/{}" * 5


@pytest.mark.parametrize(
    ("status", "label"),
    [(200, None), (204, None), (404, None), (429, "429"), (500, "5xx"), (503, "5xx"), (599, "5xx")],
)
def test_only_429_and_5xx_are_counted(status: int, label: str | None) -> None:
    assert status_class(status) == label


# -- /healthz's decisions ------------------------------------------------------------------


def client(*, closed: bool = False, ready: bool = False, ws: Any = None) -> Any:
    return SimpleNamespace(is_closed=lambda: closed, is_ready=lambda: ready, ws=ws)


def test_the_gateway_states() -> None:
    assert gateway_problem(client()) == STARTING
    assert gateway_problem(client(ready=True, ws=SimpleNamespace(open=True))) is None
    # discord.py keeps is_ready() across a reconnect: the socket tells.
    assert gateway_problem(client(ready=True, ws=SimpleNamespace(open=False))) == GATEWAY_NOT_READY
    assert gateway_problem(client(ready=True, ws=None)) == GATEWAY_NOT_READY
    assert gateway_problem(client(closed=True, ready=False)) == GATEWAY_NOT_READY


@pytest.fixture
async def db(database_location: Path | str) -> AsyncIterator[Database]:
    database = await Database.open(database_location)
    try:
        yield database
    finally:
        await database.close()


async def get(port: int, path: str, method: str = "GET") -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text(), response.headers["Content-Type"]


async def test_healthz_says_why_and_waits_for_the_database_no_longer_than_the_deadline(
    db: Database,
) -> None:
    gateway: list[str | None] = [STARTING]
    server = HealthServer(Metrics(), db, lambda: gateway[0], shards=UNSHARDED, deadline=0.2)
    port = free_port()
    await server.start("127.0.0.1", port)
    try:
        assert await get(port, "/healthz") == (503, "starting\n", "text/plain; charset=utf-8")
        gateway[0] = None
        assert await get(port, "/healthz") == (200, "ok\n", "text/plain; charset=utf-8")
        assert (await get(port, "/healthz", "HEAD"))[:2] == (200, "")

        # The database thread busy for longer than the deadline: not answering, in time.
        blocked = asyncio.ensure_future(db._read(lambda conn: time.sleep(0.6)))
        assert (await get(port, "/healthz"))[:2] == (503, "database not answering\n")
        assert not blocked.done()  # answered at the deadline, not when the database was free
        await blocked
        assert (await get(port, "/healthz"))[:2] == (200, "ok\n")

        status, text, content_type = await get(port, "/metrics")
        assert (status, content_type) == (200, "text/plain; version=0.0.4; charset=utf-8")
        assert samples(text)[("claimbot_verdict_notices_pending", ())] == 0
        assert (await get(port, "/nothing"))[0] == 404

        await db.close()
        assert (await get(port, "/healthz"))[:2] == (503, f"{DATABASE_NOT_ANSWERING}\n")
        assert "claimbot_verdict_notices_pending NaN" in (await get(port, "/metrics"))[1]
    finally:
        await server.close()


async def test_a_port_already_taken_is_one_line(db: Database) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = HealthServer(Metrics(), db, lambda: None, shards=UNSHARDED)
        with pytest.raises(HealthPortUnavailable) as raised:
            await server.start("127.0.0.1", port)
    assert str(raised.value) == (
        f"Cannot serve /healthz and /metrics on 127.0.0.1:{port} "
        "(CLAIMBOT_HEALTH_HOST, CLAIMBOT_HEALTH_PORT): Address already in use."
    )


# -- the documentation ---------------------------------------------------------------------


def test_the_documented_metric_table_is_what_a_process_exposes() -> None:
    """The table of metrics may live in the README or in docs/; wherever it is, it names
    exactly the metrics /metrics serves."""
    metrics = Metrics()
    metrics.watch_fetches(FetchSlots())
    exposed = set(re.findall(r"^# TYPE (\S+) ", exposition(metrics), flags=re.MULTILINE))
    documented: set[str] = set()
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        documented |= set(re.findall(r"^\| `(claimbot_\w+)`", page.read_text(), re.MULTILINE))
    assert documented == exposed
