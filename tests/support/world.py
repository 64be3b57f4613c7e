"""The real claimbot against the fake Discord: a server with a review channel, reviewers,
a moderator and an outsider; a neighbouring server whose claims are stored first; and a
runner that starts and stops the bot on a database.

Shared by the end-to-end tests (their fixtures are in tests/e2e/conftest.py) and the
benchmarks, which import it as `tests.support.world`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord

from bot.app.client import ClaimBot, make_bot
from bot.config import Settings
from bot.core.claims import RECENT_CLAIMS_COMPARED, content_hash, triage
from bot.core.records import ClaimRecord, GuildConfig, NewDocument
from bot.storage.database import Database
from tests.fake_discord import FakeDiscord, InteractionRecord
from tests.fake_discord.state import JSON

TOKEN = "MTA4NzY1NDMyMTAwMDAwMDAwMA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
MANAGE_GUILD = 1 << 5


@dataclass
class World:
    fake: FakeDiscord
    guild_id: int
    review_channel_id: int
    general_channel_id: int
    reviewer_role_id: int
    moderator_role_id: int
    admin: int
    moderator: int
    reviewers: list[int]
    outsider: int

    async def slash(
        self, user: int, command: str, options: dict[str, object] | None = None, **kwargs: object
    ) -> InteractionRecord:
        """Run a slash command in #general and wait for the first answer."""
        rec = await self.fake.invoke_slash(
            self.guild_id,
            self.general_channel_id,
            user,
            command,
            options,
            **kwargs,  # type: ignore[arg-type]
        )
        await rec.wait_response()
        return rec

    def review_messages(self) -> list[JSON]:
        return self.fake.messages_in(self.review_channel_id)


def build_world(fake: FakeDiscord, name: str = "Newsroom", *, shard_id: int | None = None) -> World:
    """A server set up with its channels, roles and members; on shard `shard_id` of the fake's
    shard count when given."""
    owner = fake.add_user(f"{name.lower()}-owner")
    guild = fake.add_guild(name, owner_id=owner, shard_id=shard_id)
    review = fake.add_text_channel(guild, "claims-review")
    general = fake.add_text_channel(guild, "general")
    reviewer_role = fake.add_role(guild, "Reviewer")
    moderator_role = fake.add_role(guild, "Moderator")
    admin = fake.add_member(guild, "admin", permissions=MANAGE_GUILD)
    moderator = fake.add_member(guild, "mod", roles=[moderator_role, reviewer_role])
    reviewers = [fake.add_member(guild, f"reviewer{i}", roles=[reviewer_role]) for i in range(1, 4)]
    outsider = fake.add_member(guild, "outsider")
    return World(
        fake=fake,
        guild_id=guild,
        review_channel_id=review,
        general_channel_id=general,
        reviewer_role_id=reviewer_role,
        moderator_role_id=moderator_role,
        admin=admin,
        moderator=moderator,
        reviewers=reviewers,
        outsider=outsider,
    )


NEIGHBOUR_CLAIMS = (
    "The Eastmere ferry company raised its fares by 8 percent in March.",
    "Eastmere's new footbridge cost 2.3 million euros to build.",
    "Eastmere council hired 14 extra lifeguards for the summer of 2024.",
)


async def add_neighbour(
    fake: FakeDiscord, database: Path, name: str = "Eastmere", *, shard_id: int | None = None
) -> World:
    """A second server, set up, whose claims are stored before any test's own: then no
    claim's database id equals the number the bot shows, and a test that expects `claim.id`
    where members see `claim.number` fails instead of passing by luck.

    Stored with the calls `/claimbot setup` and `/claim add` make (save_guild_config,
    triage, store_submission); the bot posts them at its first start, as it posts any claim
    stored without a review message."""
    neighbour = build_world(fake, name, shard_id=shard_id)
    db = await Database.open(database)
    try:
        config = GuildConfig(
            guild_id=neighbour.guild_id,
            review_channel_id=neighbour.review_channel_id,
            reviewer_role_id=neighbour.reviewer_role_id,
            moderator_role_id=neighbour.moderator_role_id,
        )
        await db.save_guild_config(config, actor_id=neighbour.admin)
        for text in NEIGHBOUR_CLAIMS:
            document = NewDocument(
                guild_id=neighbour.guild_id,
                submitter_id=neighbour.outsider,
                kind="manual",
                content_hash=content_hash(text),
                char_count=len(text),
            )
            recent = await db.recent_claim_texts(neighbour.guild_id, RECENT_CLAIMS_COMPARED)
            plan = triage([text], recent)
            await db.store_submission(document, plan.new, origin_url=None, origin_title=None)
    finally:
        await db.close()
    return neighbour


class BotRunner:
    """Starts the real ClaimBot in-process, as `claimbot run` would (sharded when the settings
    say so), and stops it cleanly."""

    def __init__(self, fake: FakeDiscord, database: Path) -> None:
        self.fake = fake
        self.database = database
        self.bot: ClaimBot | None = None
        self._task: asyncio.Task[None] | None = None
        # Extra ClaimBot arguments for every start (e.g. the clocks tests move by hand).
        self.bot_options: dict[str, Any] = {}

    def settings(self, **overrides: object) -> Settings:
        values: dict[str, Any] = {
            "DISCORD_TOKEN": TOKEN,
            "DATABASE_PATH": str(self.database),
            "DISCORD_API_BASE": self.fake.api_base,
            "DISCORD_GATEWAY_URL": self.fake.gateway_url,
            "CLAIMBOT_SUBMIT_COOLDOWN": 0,
            "CLAIMBOT_EDIT_INTERVAL": 0.2,
            "CLAIMBOT_EDIT_RATE": 200,
            "CLAIMBOT_GUILD_ID": "",
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    async def start(self, **overrides: object) -> ClaimBot:
        bot = make_bot(self.settings(**overrides), guild_ready_timeout=0.05, **self.bot_options)
        self.bot = bot
        self._task = asyncio.create_task(bot.start(TOKEN))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, self._task}, timeout=10, return_when="FIRST_COMPLETED")
        if self._task in done:
            ready.cancel()
            self._task.result()
        assert ready in done, "the bot did not become ready"
        # One catch-up per shard's session when sharded, one for the whole bot otherwise.
        catch_ups = len(bot.shard_scope.ids) if bot.sharded else 1
        await self.fake.wait_for(lambda: bot.catch_up.runs >= catch_ups, timeout=10)
        return bot

    def _dispatched_seq(self) -> dict[int, int]:
        """The last sequence number the fake sent on each shard's live session."""
        sent: dict[int, int] = {}
        for session in self.fake.gateway.sessions.values():
            if session.conn is not None:
                shard_id = session.shard.shard_id
                sent[shard_id] = max(sent.get(shard_id, 0), session.seq)
        return sent

    @staticmethod
    def _caught_up(bot: ClaimBot, targets: dict[int, int]) -> Callable[[], bool]:
        """Whether the bot has read up to `targets` on each of its shards' sessions."""

        def sequence(shard_id: int) -> int:
            if isinstance(bot, discord.AutoShardedClient) and shard_id not in bot.shards:
                return 0
            # A sharded client keeps each shard's socket private; `_get_websocket` is how
            # discord.py finds one itself (Guild.change_voice_state). Unsharded: `bot.ws`.
            ws = bot._get_websocket(shard_id=shard_id)
            return (ws.sequence or 0) if ws is not None else 0

        return lambda: all(sequence(k) >= seq for k, seq in targets.items())

    async def settle(self) -> None:
        """Wait until the bot has read every event the fake sent, and until the votes,
        status refreshes, evidence fetches and message edits they caused are done."""
        bot = self.bot
        assert bot is not None
        for _ in range(3):
            await self.fake.wait_for(self._caught_up(bot, self._dispatched_seq()), timeout=10)
            await asyncio.sleep(0)  # let the handlers discord.py scheduled start
            await self.fake.wait_for(lambda: bot.events_in_flight == 0, timeout=10)
            await bot.ingest.drain()
            await bot.evidence.wait_idle()
            await bot.live.flush()

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        self.bot = None
        self._task = None


FERRY_CLAIM = "The Port Averly council voted 9 to 2 on Tuesday to buy three electric ferries."


async def add_claim(world: World, bot: ClaimBot, text: str = FERRY_CLAIM) -> ClaimRecord:
    """`/claim add` by the outsider; returns the posted claim as stored."""
    rec = await world.slash(world.outsider, "claim add", {"text": text})
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    claim = await bot.db.claim_for_message(int(world.review_messages()[-1]["id"]))
    assert claim is not None and claim.message_id is not None
    return claim


async def setup_review(world: World, *, reviewer_role: bool = True) -> InteractionRecord:
    options: dict[str, object] = {"review_channel": world.review_channel_id}
    if reviewer_role:
        options["reviewer_role"] = world.reviewer_role_id
        options["moderator_role"] = world.moderator_role_id
    return await world.slash(world.admin, "claimbot setup", options)
