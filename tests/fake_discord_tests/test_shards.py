"""The fake Discord serves several shards, checked with the real, unmodified discord.py.

Three servers: two on shard 0 of 2 and one on shard 1, their ids picked with
``add_guild(shard_id=...)``. Clients run the way issue 22's processes will: one process with
both shards (``AutoShardedClient(shard_count=2)``), or one shard each
(``shard_ids=[1], shard_count=2``). Every test asserts both sides exactly: what each client
cached and received, and what the fake wrote to each shard's sessions.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.fake_discord import FakeDiscord, IdentifyRecord, running_fake
from tests.fake_discord.shards import UNSHARDED, ShardKey, event_guild_id, shard_of
from tests.fake_discord.snowflake import SnowflakeGenerator

TOKEN = "test-token"
CHECK = "\N{WHITE HEAVY CHECK MARK}"
INTENTS = discord.Intents.default()


@dataclass
class Server:
    guild_id: int
    channel_id: int
    member_id: int


@dataclass
class Servers:
    """``zero_a`` and ``zero_b`` on shard 0 of 2, ``one`` on shard 1."""

    zero_a: Server
    zero_b: Server
    one: Server


class ShardedClient:
    """An unmodified ``discord.AutoShardedClient`` with a ``/where`` command, recording events.

    ``/where`` answers with the client's name, so a test sees which process answered."""

    def __init__(self, name: str, **shards: Any) -> None:
        self.name = name
        self.client = discord.AutoShardedClient(
            intents=INTENTS,
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
            **shards,
        )
        self.tree = app_commands.CommandTree(self.client)
        self.events: dict[str, list[Any]] = defaultdict(list)
        for event in ("shard_ready", "shard_resumed", "raw_reaction_add", "message", "interaction"):
            self.client.event(self._recorder(event))

        @self.tree.command(name="where", description="Which process answers")
        async def where(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"{name} in {interaction.guild_id}")

        self.task: asyncio.Task[None] | None = None

    def _recorder(self, event: str) -> Callable[..., Coroutine[Any, Any, None]]:
        async def record(*args: Any) -> None:
            self.events[event].append(args[0] if len(args) == 1 else args)

        record.__name__ = f"on_{event}"
        return record

    def guild_shards(self) -> dict[int, int | None]:
        return {g.id: g.shard_id for g in self.client.guilds}

    def reactions(self) -> list[tuple[int | None, int]]:
        return [(e.guild_id, e.message_id) for e in self.events["raw_reaction_add"]]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake(token=TOKEN, shard_count=2) as fake:
        yield fake


def add_server(fake: FakeDiscord, name: str, shard_id: int) -> Server:
    gid = fake.add_guild(name, shard_id=shard_id)
    return Server(gid, fake.add_text_channel(gid, "claims"), fake.add_member(gid, f"{name}-member"))


@pytest.fixture
def servers(fake: FakeDiscord) -> Servers:
    return Servers(
        zero_a=add_server(fake, "newsroom", 0),
        zero_b=add_server(fake, "desk", 0),
        one=add_server(fake, "bureau", 1),
    )


@pytest.fixture
async def start() -> AsyncIterator[Callable[[ShardedClient], Awaitable[ShardedClient]]]:
    """Start clients and wait for their ``on_ready``; all are closed at teardown."""
    running: list[ShardedClient] = []

    async def start(sharded: ShardedClient) -> ShardedClient:
        running.append(sharded)
        sharded.task = task = asyncio.create_task(sharded.client.start(TOKEN))
        ready = asyncio.create_task(sharded.client.wait_until_ready())
        await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if task.done():
            task.result()
        assert sharded.client.is_ready(), f"{sharded.name} never became ready"
        return sharded

    yield start
    for sharded in running:
        await sharded.client.close()
        if sharded.task is not None:
            await sharded.task


def guild_ids(fake: FakeDiscord, shard_id: int) -> list[int]:
    """The guilds the fake sent to sessions of ``shard_id``, in order."""
    return [int(g["id"]) for g in fake.dispatched_payloads("GUILD_CREATE", shard_id=shard_id)]


async def post(fake: FakeDiscord, server: Server, content: str) -> int:
    message = await fake.user_send_message(server.member_id, server.channel_id, content)
    return int(message["id"])


# --------------------------------------------------------------------------- one process


async def test_one_process_runs_both_shards_and_gets_each_guilds_events_once(
    fake: FakeDiscord,
    servers: Servers,
    start: Callable[[ShardedClient], Awaitable[ShardedClient]],
) -> None:
    both = await start(ShardedClient("both", shard_count=2))
    zero_a, zero_b, one = servers.zero_a, servers.zero_b, servers.one

    assert fake.connected_shards == [0, 1]
    assert [(i.shard, i.close_code) for i in fake.identifies] == [([0, 2], None), ([1, 2], None)]
    assert (fake.shard_identify_count(0), fake.shard_identify_count(1)) == (1, 1)
    assert [r["shard"] for r in fake.dispatched_payloads("READY", shard_id=0)] == [[0, 2]]
    assert [r["shard"] for r in fake.dispatched_payloads("READY", shard_id=1)] == [[1, 2]]
    [ready_one] = fake.dispatched_payloads("READY", shard_id=1)
    assert ready_one["guilds"] == [{"id": str(one.guild_id), "unavailable": True}]
    assert guild_ids(fake, 0) == [zero_a.guild_id, zero_b.guild_id]
    assert guild_ids(fake, 1) == [one.guild_id]
    assert both.guild_shards() == {zero_a.guild_id: 0, zero_b.guild_id: 0, one.guild_id: 1}
    assert not fake.requests_to("GET", "/gateway/bot")  # shard_count given: not asked

    message = await post(fake, one, "a claim on shard one")
    await fake.user_add_reaction(one.member_id, one.channel_id, message, CHECK)
    await fake.wait_for(lambda: both.events["raw_reaction_add"], what="the reaction")
    assert both.reactions() == [(one.guild_id, message)]
    assert [m.id for m in both.events["message"]] == [message]
    assert fake.dispatched("MESSAGE_REACTION_ADD", shard_id=1) == ["MESSAGE_REACTION_ADD"]
    assert fake.dispatched("MESSAGE_REACTION_ADD", shard_id=0) == []
    assert fake.dispatched("MESSAGE_CREATE", shard_id=0) == []

    await both.tree.sync()
    rec = await fake.invoke_slash(one.guild_id, one.channel_id, one.member_id, "where")
    await rec.wait_response()
    assert rec.final_content() == f"both in {one.guild_id}"
    assert fake.dispatched("INTERACTION_CREATE", shard_id=1) == ["INTERACTION_CREATE"]
    assert fake.dispatched("INTERACTION_CREATE", shard_id=0) == []
    assert len(both.events["interaction"]) == 1


async def test_a_process_running_shard_one_of_two_sees_only_shard_one(
    fake: FakeDiscord,
    servers: Servers,
    start: Callable[[ShardedClient], Awaitable[ShardedClient]],
) -> None:
    one_only = await start(ShardedClient("one", shard_ids=[1], shard_count=2))
    zero_a, one = servers.zero_a, servers.one

    assert fake.connected_shards == [1]
    assert [i.shard for i in fake.identifies] == [[1, 2]]
    assert one_only.guild_shards() == {one.guild_id: 1}
    assert one_only.events["shard_ready"] == [1]
    assert guild_ids(fake, 1) == [one.guild_id]

    elsewhere = await post(fake, zero_a, "a claim on shard zero")
    here = await post(fake, one, "a claim on shard one")
    await fake.user_add_reaction(zero_a.member_id, zero_a.channel_id, elsewhere, CHECK)
    await fake.user_add_reaction(one.member_id, one.channel_id, here, CHECK)
    await fake.wait_for(lambda: one_only.events["raw_reaction_add"], what="the reaction")
    assert one_only.reactions() == [(one.guild_id, here)]
    assert [m.id for m in one_only.events["message"]] == [here]
    assert fake.dispatched("MESSAGE_REACTION_ADD") == ["MESSAGE_REACTION_ADD"]
    assert fake.reactions(elsewhere) == {CHECK: {zero_a.member_id}}  # recorded, sent to no one

    await one_only.tree.sync()
    with pytest.raises(RuntimeError, match=f"shard of guild {zero_a.guild_id}"):
        await fake.invoke_slash(zero_a.guild_id, zero_a.channel_id, zero_a.member_id, "where")
    rec = await fake.invoke_slash(one.guild_id, one.channel_id, one.member_id, "where")
    await rec.wait_response()
    assert rec.final_content() == f"one in {one.guild_id}"


# --------------------------------------------------------------------------- two processes


async def test_two_processes_one_shard_each_split_the_servers(
    fake: FakeDiscord,
    servers: Servers,
    start: Callable[[ShardedClient], Awaitable[ShardedClient]],
) -> None:
    zero_a, zero_b, one = servers.zero_a, servers.zero_b, servers.one
    first = await start(ShardedClient("first", shard_ids=[0], shard_count=2))
    second = await start(ShardedClient("second", shard_ids=[1], shard_count=2))

    assert fake.connected_shards == [0, 1]
    assert first.guild_shards() == {zero_a.guild_id: 0, zero_b.guild_id: 0}
    assert second.guild_shards() == {one.guild_id: 1}
    assert (first.events["shard_ready"], second.events["shard_ready"]) == ([0], [1])

    on_zero = await post(fake, zero_b, "a claim for the first process")
    on_one = await post(fake, one, "a claim for the second process")
    await fake.user_add_reaction(one.member_id, one.channel_id, on_one, CHECK)
    await fake.user_add_reaction(zero_b.member_id, zero_b.channel_id, on_zero, CHECK)
    await fake.wait_for(
        lambda: first.events["raw_reaction_add"] and second.events["raw_reaction_add"],
        what="both reactions",
    )
    assert first.reactions() == [(zero_b.guild_id, on_zero)]
    assert second.reactions() == [(one.guild_id, on_one)]

    await first.tree.sync()  # both define /where; Discord keeps one global command
    rec = await fake.invoke_slash(one.guild_id, one.channel_id, one.member_id, "where")
    await rec.wait_response()
    assert rec.final_content() == f"second in {one.guild_id}"
    rec = await fake.invoke_slash(zero_a.guild_id, zero_a.channel_id, zero_a.member_id, "where")
    await rec.wait_response()
    assert rec.final_content() == f"first in {zero_a.guild_id}"
    assert [i.guild_id for i in first.events["interaction"]] == [zero_a.guild_id]
    assert [i.guild_id for i in second.events["interaction"]] == [one.guild_id]


async def test_the_same_shard_twice_both_sessions_get_its_events(
    fake: FakeDiscord,
    servers: Servers,
    start: Callable[[ShardedClient], Awaitable[ShardedClient]],
) -> None:
    """Discord lets several sessions identify with one ``[shard_id, num_shards]`` and routes
    to each; a bot run twice sees every event twice, here as in production."""
    one = servers.one
    first = await start(ShardedClient("first", shard_ids=[1], shard_count=2))
    second = await start(ShardedClient("second", shard_ids=[1], shard_count=2))
    assert fake.connected_shards == [1, 1]
    assert fake.shard_identify_count(1) == 2

    message = await post(fake, one, "seen twice")
    await fake.user_add_reaction(one.member_id, one.channel_id, message, CHECK)
    await fake.wait_for(
        lambda: first.events["raw_reaction_add"] and second.events["raw_reaction_add"],
        what="the reaction on both",
    )
    assert first.reactions() == second.reactions() == [(one.guild_id, message)]
    assert fake.dispatched("MESSAGE_REACTION_ADD", shard_id=1) == ["MESSAGE_REACTION_ADD"] * 2


# --------------------------------------------------------------------------- sessions


async def test_a_dropped_shard_resumes_alone_and_gets_only_its_missed_events(
    fake: FakeDiscord,
    servers: Servers,
    start: Callable[[ShardedClient], Awaitable[ShardedClient]],
) -> None:
    zero_a, one = servers.zero_a, servers.one
    both = await start(ShardedClient("both", shard_count=2))
    on_zero = await post(fake, zero_a, "live on shard zero")
    on_one = await post(fake, one, "missed on shard one")
    await fake.wait_for(lambda: len(both.events["message"]) == 2, what="both messages")

    await fake.drop_gateway(resumable=True, hold=True, shard_id=1)
    assert fake.connected_shards == [0]
    await fake.user_add_reaction(one.member_id, one.channel_id, on_one, CHECK)
    await fake.user_add_reaction(zero_a.member_id, zero_a.channel_id, on_zero, CHECK)
    await fake.wait_for(lambda: both.events["raw_reaction_add"], what="shard zero's reaction")
    assert both.reactions() == [(zero_a.guild_id, on_zero)]

    fake.release_gateway()
    await fake.wait_for(lambda: both.events["shard_resumed"], what="shard one to resume")
    await fake.wait_for(lambda: len(both.events["raw_reaction_add"]) == 2, what="the replay")
    assert both.events["shard_resumed"] == [1]
    assert both.reactions() == [(zero_a.guild_id, on_zero), (one.guild_id, on_one)]
    assert fake.connected_shards == [0, 1]
    assert (fake.shard_resume_count(0), fake.shard_resume_count(1)) == (0, 1)
    assert (fake.shard_identify_count(0), fake.shard_identify_count(1)) == (1, 1)
    assert fake.dispatched("MESSAGE_REACTION_ADD", shard_id=1) == ["MESSAGE_REACTION_ADD"]


async def test_a_client_without_shards_gets_every_guild(
    fake: FakeDiscord, servers: Servers
) -> None:
    client = discord.Client(intents=INTENTS, guild_ready_timeout=0.05)
    task = asyncio.create_task(client.start(TOKEN))
    try:
        await asyncio.wait_for(client.wait_until_ready(), 10)
        assert {g.id for g in client.guilds} == {
            servers.zero_a.guild_id,
            servers.zero_b.guild_id,
            servers.one.guild_id,
        }
    finally:
        await client.close()
        await task
    assert [i.shard for i in fake.identifies] == [None]
    [ready] = fake.dispatched_payloads("READY")
    assert "shard" not in ready  # Discord sends it only to a session that sent one
    assert fake.connected_shards == []


# --------------------------------------------------------------------------- refusals


async def test_an_out_of_range_shard_is_closed_with_4010(
    fake: FakeDiscord, servers: Servers
) -> None:
    client = discord.AutoShardedClient(intents=INTENTS, shard_ids=[2], shard_count=2)
    with pytest.raises(discord.ConnectionClosed) as closed:
        await asyncio.wait_for(client.start(TOKEN), 10)
    assert closed.value.code == 4010
    assert fake.identifies == [IdentifyRecord([2, 2], INTENTS.value, None, 4010)]
    assert fake.dispatched() == []
    assert client.is_closed()


@pytest.mark.parametrize(
    "shard", [[2, 2], [-1, 2], [0, 0], [0], [0, 2, 1], ["0", "2"], [True, 2], "0,2"]
)
async def test_every_invalid_shard_is_closed_with_4010(fake: FakeDiscord, shard: Any) -> None:
    code = await identify_raw(fake, shard)
    assert code == 4010
    assert fake.identifies == [IdentifyRecord(shard, 0, None, 4010)]
    assert fake.gateway.sessions == {}


async def identify_raw(fake: FakeDiscord, shard: Any) -> int | None:
    """IDENTIFY over a bare websocket (what no library would send); the close code."""
    async with aiohttp.ClientSession() as http, http.ws_connect(fake.gateway_url) as ws:
        hello = await ws.receive_json(timeout=5)
        assert hello["op"] == 10
        await ws.send_str(
            json.dumps({"op": 2, "d": {"token": TOKEN, "intents": 0, "shard": shard}})
        )
        closing = await ws.receive(timeout=5)
        assert closing.type is aiohttp.WSMsgType.CLOSE
        return ws.close_code


async def test_a_session_holding_too_many_guilds_is_closed_with_4011() -> None:
    """Discord requires sharding above 2,500 guilds a session (4011, Sharding required); the
    fake's limit is lowered to 2 here, and ``GET /gateway/bot`` recommends 2 shards."""
    async with running_fake(token=TOKEN, shard_count=2, max_guilds_per_session=2) as fake:
        zero = [fake.add_guild(f"zero-{n}", shard_id=0) for n in range(2)]
        one = fake.add_guild("one", shard_id=1)

        unsharded = discord.Client(intents=INTENTS)
        with pytest.raises(discord.ConnectionClosed) as closed:
            await asyncio.wait_for(unsharded.start(TOKEN), 10)
        assert closed.value.code == 4011
        assert fake.identifies == [IdentifyRecord(None, INTENTS.value, None, 4011)]

        auto = discord.AutoShardedClient(intents=INTENTS, guild_ready_timeout=0.05)
        task = asyncio.create_task(auto.start(TOKEN))
        try:
            await asyncio.wait_for(auto.wait_until_ready(), 10)
            assert auto.shard_count == 2  # what GET /gateway/bot recommended
            assert {g.id: g.shard_id for g in auto.guilds} == {zero[0]: 0, zero[1]: 0, one: 1}
            limits = await auto.fetch_session_start_limits()
            assert (limits.total, limits.remaining, limits.max_concurrency) == (1000, 998, 1)
        finally:
            await auto.close()
            await task
        assert [(i.shard, i.close_code) for i in fake.identifies[1:]] == [
            ([0, 2], None),
            ([1, 2], None),
        ]


# --------------------------------------------------------------------------- routing rules


def test_snowflakes_made_for_a_shard_fall_on_it_and_keep_increasing() -> None:
    ids = SnowflakeGenerator()
    previous = ids.next()
    for num_shards in (1, 2, 3, 7):
        for shard_id in (*range(num_shards), *reversed(range(num_shards))):
            made = ids.next(shard=(shard_id, num_shards))
            assert shard_of(made, num_shards) == shard_id
            assert made > previous
            previous = made
    assert ids.next() > previous
    with pytest.raises(ValueError, match="out of range"):
        ids.next(shard=(2, 2))


def test_guild_events_follow_the_formula_and_dms_go_to_shard_zero() -> None:
    guild = (5 << 22) | 123  # (guild_id >> 22) == 5: shard 1 of 2, shard 2 of 3
    assert [ShardKey(s, 2).receives(guild) for s in range(2)] == [False, True]
    assert [ShardKey(s, 3).receives(guild) for s in range(3)] == [False, False, True]
    assert UNSHARDED.receives(guild)
    assert [ShardKey(s, 3).receives(None) for s in range(3)] == [True, False, False]
    assert event_guild_id("GUILD_CREATE", {"id": str(guild)}) == guild
    assert event_guild_id("MESSAGE_REACTION_ADD", {"guild_id": str(guild), "id": "1"}) == guild
    assert event_guild_id("MESSAGE_CREATE", {"id": "1", "channel_id": "2"}) is None
