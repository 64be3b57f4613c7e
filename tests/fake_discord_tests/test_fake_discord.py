"""End-to-end checks of tests/fake_discord with the real, unmodified discord.py client.

Every test drives a plain ``commands.Bot`` against the fake and asserts exact outcomes on
both sides: what discord.py cached/received, and what the fake recorded.
"""

from __future__ import annotations

import asyncio
import io
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands
from discord.http import Route

from tests.fake_discord import FakeDiscord, FakeFile, InvocationError, Perm, running_fake

CHECK = "\N{WHITE HEAVY CHECK MARK}"
CROSS = "\N{CROSS MARK}"


@dataclass
class World:
    guild_id: int
    channel_id: int
    other_channel_id: int
    alice: int
    bob: int
    reviewer_role: int


class RecordingBot(commands.Bot):
    """A plain commands.Bot that records the events the tests look at."""

    def __init__(
        self,
        setup: Callable[[RecordingBot], Awaitable[None]] | None = None,
        intents: discord.Intents | None = None,
    ) -> None:
        if intents is None:
            intents = discord.Intents.default()
            intents.members = True
            intents.message_content = True
        super().__init__(
            command_prefix="!",
            intents=intents,
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.events: dict[str, list[Any]] = defaultdict(list)
        self._setup = setup
        for name in (
            "ready",
            "resumed",
            "raw_reaction_add",
            "raw_reaction_remove",
            "message",
            "thread_create",
            "guild_channel_update",
            "app_command_completion",
        ):
            self.add_listener(self._recorder(name), f"on_{name}")

    def _recorder(self, name: str) -> Callable[..., Coroutine[Any, Any, None]]:
        async def record(*args: Any) -> None:
            self.events[name].append(args[0] if len(args) == 1 else args)

        return record

    async def setup_hook(self) -> None:
        if self._setup is not None:
            await self._setup(self)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake(token="test-token") as fake:
        yield fake


@pytest.fixture
def world(fake: FakeDiscord) -> World:
    gid = fake.add_guild("Fact Checkers")
    reviewer = fake.add_role(gid, "reviewer", int(Perm.MANAGE_MESSAGES))
    return World(
        guild_id=gid,
        channel_id=fake.add_text_channel(gid, "claims", topic="submit claims here"),
        other_channel_id=fake.add_text_channel(gid, "offtopic"),
        alice=fake.add_member(gid, "alice", roles=[reviewer]),
        bob=fake.add_member(gid, "bob"),
        reviewer_role=reviewer,
    )


@pytest.fixture
async def start_bot(fake: FakeDiscord) -> AsyncIterator[Callable[..., Awaitable[RecordingBot]]]:
    """Start bots against the fake; all are closed at teardown."""
    running: list[tuple[RecordingBot, Any]] = []

    async def start(
        setup: Callable[[RecordingBot], Awaitable[None]] | None = None,
        intents: discord.Intents | None = None,
    ) -> RecordingBot:
        bot = RecordingBot(setup, intents)
        task = asyncio.create_task(bot.start("test-token"))
        running.append((bot, task))
        await fake.wait_for(lambda: bot.events["ready"] or task.done(), what="on_ready")
        if task.done():
            task.result()
        return bot

    yield start
    for bot, task in running:
        await bot.close()
        await task


async def stop_bot(bot: RecordingBot) -> None:
    await bot.close()


async def rest_only_bot() -> RecordingBot:
    """A bot logged in over REST only (no gateway) for request-level checks."""
    bot = RecordingBot()
    await bot.login("test-token")
    return bot


# --------------------------------------------------------------------------- login / cache


async def test_login_ready_and_guild_cache(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    bot = await start_bot()

    assert [(r.method, r.path) for r in fake.requests[:2]] == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
    ]
    assert bot.user is not None and bot.user.id == fake.bot_user_id
    assert bot.application_id == fake.application_id
    assert fake.application_id != fake.bot_user_id
    assert fake.connected and fake.identify_count == 1 and fake.resume_count == 0
    assert len(bot.events["ready"]) == 1

    guild = bot.get_guild(world.guild_id)
    assert guild is not None and guild.name == "Fact Checkers"
    assert sorted(c.name for c in guild.text_channels) == ["claims", "offtopic"]
    assert guild.get_channel(world.channel_id).topic == "submit claims here"  # type: ignore[union-attr]
    assert guild.default_role.id == world.guild_id
    assert sorted(r.name for r in guild.roles) == ["@everyone", "ClaimBot", "reviewer"]
    assert sorted(m.name for m in guild.members) == [
        "ClaimBot",
        "alice",
        "bob",
        "fact-checkers-owner",
    ]
    alice = guild.get_member(world.alice)
    assert alice is not None and [r.name for r in alice.roles] == ["@everyone", "reviewer"]
    assert guild.me.guild_permissions.manage_messages

    # discord.py's permission math over the cached roles/overwrites agrees with the fake.
    channel = guild.get_channel(world.channel_id)
    assert isinstance(channel, discord.TextChannel)
    assert channel.permissions_for(guild.me).value == fake.bot_permissions(world.channel_id)
    assert channel.permissions_for(alice).value == fake.permissions_of(
        world.channel_id, world.alice
    )
    assert fake.unhandled == []


async def test_members_can_be_queried_over_the_gateway(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    bot = await start_bot()
    guild = bot.get_guild(world.guild_id)
    assert guild is not None

    found = await guild.query_members(query="ali")  # op 8 -> GUILD_MEMBERS_CHUNK

    assert [m.id for m in found] == [world.alice]


async def test_entities_added_while_connected_are_dispatched(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    bot = await start_bot()
    guild = bot.get_guild(world.guild_id)
    assert guild is not None

    new_channel = fake.add_text_channel(world.guild_id, "late")
    carol = fake.add_member(world.guild_id, "carol")

    await fake.wait_for(lambda: guild.get_channel(new_channel) and guild.get_member(carol))
    assert guild.get_member(carol).name == "carol"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- messages


async def test_message_with_embed_sent_and_edited(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    bot = await start_bot()
    channel = bot.get_channel(world.channel_id)
    assert isinstance(channel, discord.TextChannel)

    embed = discord.Embed(title="Claim #1", description="The moon is cheese")
    embed.add_field(name="Status", value="unreviewed")
    sent = await channel.send(f"New claim from <@{world.alice}>", embed=embed)
    edited_embed = embed.copy().set_field_at(0, name="Status", value="disputed")
    await sent.edit(content="Claim updated", embed=edited_embed)

    [stored] = fake.messages_in(world.channel_id)
    assert stored["id"] == str(sent.id)
    assert stored["content"] == "Claim updated"
    assert stored["embeds"][0]["title"] == "Claim #1"
    assert stored["embeds"][0]["fields"] == [
        {"name": "Status", "value": "disputed", "inline": True}
    ]
    assert stored["allowed_mentions"] == {"parse": []}
    assert stored["mentions"] == []
    assert fake.edits_of(sent.id) == 1
    assert fake.bot_messages_pinging() == []

    # Discord echoes the bot's own messages over the gateway.
    await fake.wait_for(lambda: any(m.id == sent.id for m in bot.events["message"]))

    pinging = await channel.send(
        f"<@{world.alice}>", allowed_mentions=discord.AllowedMentions(users=True)
    )
    assert [m["id"] for m in fake.bot_messages_pinging()] == [str(pinging.id)]
    assert fake.message(world.channel_id, pinging.id)["mentions"][0]["id"] == str(world.alice)  # type: ignore[index]


async def test_files_are_uploaded_and_downloadable(fake: FakeDiscord, world: World) -> None:
    bot = await rest_only_bot()
    try:
        channel = await bot.fetch_channel(world.channel_id)
        assert isinstance(channel, discord.TextChannel)
        msg = await channel.send(file=discord.File(io.BytesIO(b"id,claim\n1,x\n"), "claims.csv"))

        [request] = fake.requests_to("POST", rf"/channels/{world.channel_id}/messages")
        assert [(f.filename, f.data) for f in request.files] == [("claims.csv", b"id,claim\n1,x\n")]
        stored = fake.message(world.channel_id, msg.id)
        assert stored is not None
        assert [a["filename"] for a in stored["attachments"]] == ["claims.csv"]
        assert await msg.attachments[0].read() == b"id,claim\n1,x\n"
    finally:
        await bot.close()


async def test_user_messages_reach_the_bot(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    bot = await start_bot()

    posted = await fake.user_send_message(world.bob, world.channel_id, "vaccines cause x")
    await fake.delete_message(world.channel_id, int(posted["id"]))

    [received] = await fake.wait_for(lambda: bot.events["message"])
    assert (received.author.id, received.content) == (world.bob, "vaccines cause x")
    assert fake.messages_in(world.channel_id) == []
    assert fake.dispatched("MESSAGE_DELETE") == ["MESSAGE_DELETE"]


# --------------------------------------------------------------------------- reactions


async def test_reactions_by_bot_and_users_arrive_as_raw_events(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    bot = await start_bot()
    channel = bot.get_channel(world.channel_id)
    assert isinstance(channel, discord.TextChannel)
    msg = await channel.send("Vote on this claim")

    await msg.add_reaction(CHECK)
    await fake.user_add_reaction(world.alice, world.channel_id, msg.id, CHECK)
    await fake.user_add_reaction(world.bob, world.channel_id, msg.id, CROSS)
    await fake.user_remove_reaction(world.bob, world.channel_id, msg.id, CROSS)

    await fake.wait_for(lambda: len(bot.events["raw_reaction_add"]) == 3)
    await fake.wait_for(lambda: len(bot.events["raw_reaction_remove"]) == 1)
    adds = [(e.user_id, str(e.emoji), e.member.name) for e in bot.events["raw_reaction_add"]]
    assert adds == [
        (fake.bot_user_id, CHECK, "ClaimBot"),
        (world.alice, CHECK, "alice"),
        (world.bob, CROSS, "bob"),
    ]
    removal = bot.events["raw_reaction_remove"][0]
    assert (removal.user_id, str(removal.emoji), removal.message_id) == (world.bob, CROSS, msg.id)
    assert fake.reactions(msg.id) == {CHECK: {fake.bot_user_id, world.alice}}

    fetched = await channel.fetch_message(msg.id)
    [reaction] = fetched.reactions
    assert (str(reaction.emoji), reaction.count, reaction.me) == (CHECK, 2, True)
    voters = [u.id async for u in reaction.users()]
    # Discord returns users by ascending id; discord.py yields each page reversed.
    assert voters == sorted([fake.bot_user_id, world.alice], reverse=True)

    # Pagination is by user id, like Discord.
    first = await bot.http.get_reaction_users(world.channel_id, msg.id, CHECK, 1)
    rest = await bot.http.get_reaction_users(
        world.channel_id, msg.id, CHECK, 100, after=int(first[0]["id"])
    )
    assert [u["id"] for u in first + rest] == [str(u) for u in sorted(voters)]

    await msg.remove_reaction(CHECK, bot.user)  # type: ignore[arg-type]
    assert fake.reactions(msg.id) == {CHECK: {world.alice}}


async def test_votes_while_bot_offline_change_state_only(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    first = await start_bot()
    channel = first.get_channel(world.channel_id)
    assert isinstance(channel, discord.TextChannel)
    msg = await channel.send("Offline vote")
    await stop_bot(first)
    await fake.wait_for(lambda: not fake.connected)

    await fake.user_add_reaction(world.alice, world.channel_id, msg.id, CHECK)

    second = await start_bot()
    assert second.events["raw_reaction_add"] == []
    assert fake.identify_count == 2
    fetched = await second.get_channel(world.channel_id).fetch_message(msg.id)  # type: ignore[union-attr]
    assert [(str(r.emoji), r.count, r.me) for r in fetched.reactions] == [(CHECK, 1, False)]


# --------------------------------------------------------------------------- threads


async def test_threads_from_message_and_channel(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    bot = await start_bot()
    channel = bot.get_channel(world.channel_id)
    assert isinstance(channel, discord.TextChannel)
    msg = await channel.send("Discuss claim 7")

    thread = await msg.create_thread(name="Claim 7 evidence")
    await thread.send("first piece of evidence")
    standalone = await channel.create_thread(
        name="Moderation", type=discord.ChannelType.public_thread
    )

    assert thread.id == msg.id  # Discord gives a message thread the message's id
    [stored] = fake.threads_of(msg.id)
    assert (stored["name"], stored["type"], stored["parent_id"]) == (
        "Claim 7 evidence",
        11,
        str(world.channel_id),
    )
    assert [m["content"] for m in fake.messages_in(thread.id)] == ["first piece of evidence"]
    assert fake.message(world.channel_id, msg.id)["thread"]["id"] == str(thread.id)  # type: ignore[index]
    await fake.wait_for(lambda: len(bot.events["thread_create"]) == 2)
    assert {t.id for t in bot.events["thread_create"]} == {thread.id, standalone.id}
    assert standalone.parent_id == world.channel_id

    with pytest.raises(discord.HTTPException) as excinfo:
        await msg.create_thread(name="again")
    assert excinfo.value.code == 160004


# --------------------------------------------------------------------------- slash commands


async def setup_claim_commands(bot: RecordingBot) -> None:
    claim = app_commands.Group(name="claim", description="Work with claims")
    review = app_commands.Group(name="review", description="Reviewing", parent=claim)

    @claim.command(name="submit", description="Submit a claim")
    async def submit(
        interaction: discord.Interaction,
        text: str,
        priority: app_commands.Range[int, 1, 5] = 3,
        urgent: bool = False,
        about: discord.Member | None = None,
        where: discord.TextChannel | None = None,
        role: discord.Role | None = None,
        evidence: discord.Attachment | None = None,
    ) -> None:
        bot.events["permissions"].append(
            (interaction.permissions.value, interaction.app_permissions.value)
        )
        data = await evidence.read() if evidence else b""
        parts = [
            f"text={text}",
            f"priority={priority}",
            f"urgent={urgent}",
            f"about={about.name if about else None}",
            f"where={where.name if where else None}",
            f"role={role.name if role else None}",
            f"evidence={evidence.filename if evidence else None}:{data.decode()}",
        ]
        await interaction.response.send_message(" ".join(parts), ephemeral=True)
        await interaction.followup.send("queued for review", ephemeral=True, wait=True)

    @review.command(name="start", description="Start a slow review")
    async def start(interaction: discord.Interaction, claim_id: int) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(
            content=f"review of {claim_id}", embed=discord.Embed(title=f"Claim {claim_id}")
        )

    @review.command(name="quick", description="Defer then follow up")
    async def quick(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("done quickly")
        await interaction.followup.send("and one more")

    async def claim_ids(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        count = 30 if current == "many" else 3
        return [
            app_commands.Choice(name=f"claim {current}{i}", value=f"{current}{i}")
            for i in range(count)
        ]

    @claim.command(name="show", description="Show a claim")
    @app_commands.autocomplete(claim_id=claim_ids)
    async def show(interaction: discord.Interaction, claim_id: str) -> None:
        await interaction.response.send_message(f"showing {claim_id}")

    @app_commands.context_menu(name="Extract claims")
    async def extract(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(
            f"extracted from: {message.content}", ephemeral=True
        )

    @app_commands.context_menu(name="Reviewer stats")
    async def stats(interaction: discord.Interaction, member: discord.Member) -> None:
        roles = ",".join(r.name for r in member.roles[1:])
        await interaction.response.send_message(f"{member.name}: {roles}")

    bot.tree.add_command(claim)
    bot.tree.add_command(extract)
    bot.tree.add_command(stats)


async def start_with_synced_commands(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> RecordingBot:
    bot = await start_bot(setup_claim_commands)
    guild = discord.Object(world.guild_id)
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)
    return bot


async def test_slash_command_is_synced_invoked_and_followed_up(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    bot = await start_with_synced_commands(fake, world, start_bot)
    assert sorted((c["name"], c["type"]) for c in fake.commands(world.guild_id)) == [
        ("Extract claims", 3),
        ("Reviewer stats", 2),
        ("claim", 1),
    ]

    rec = await fake.invoke_slash(
        world.guild_id,
        world.channel_id,
        world.alice,
        "claim submit",
        options={
            "text": "the moon is cheese",
            "priority": 5,
            "urgent": True,
            "about": world.bob,
            "where": world.other_channel_id,
            "role": world.reviewer_role,
        },
        attachments={"evidence": FakeFile("source.txt", b"nasa says no")},
    )
    callback = await rec.wait_response()
    await rec.wait_followups(1)

    assert callback["type"] == 4
    assert rec.ephemeral is True
    assert rec.final_content() == (
        "text=the moon is cheese priority=5 urgent=True about=bob where=offtopic "
        "role=reviewer evidence=source.txt:nasa says no"
    )
    assert [f["content"] for f in rec.followups] == ["queued for review"]
    assert rec.followups[0]["flags"] & 64
    assert rec.original is not None and rec.original["allowed_mentions"] == {"parse": []}
    assert fake.messages_in(world.channel_id) == []  # ephemeral replies are not channel history
    assert bot.events["permissions"] == [
        (
            fake.permissions_of(world.channel_id, world.alice),
            fake.bot_permissions(world.channel_id),
        )
    ]
    assert fake.bot_messages_pinging() == []

    with pytest.raises(InvocationError, match="not synced"):
        await fake.invoke_slash(world.guild_id, world.channel_id, world.alice, "claim delete")
    with pytest.raises(InvocationError, match="out of range"):
        await fake.invoke_slash(
            world.guild_id,
            world.channel_id,
            world.alice,
            "claim submit",
            options={"text": "x", "priority": 9},
        )


async def test_deferred_command_edits_original_and_first_followup_fills_it(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    await start_with_synced_commands(fake, world, start_bot)

    slow = await fake.invoke_slash(
        world.guild_id, world.channel_id, world.bob, "claim review start", options={"claim_id": 42}
    )
    assert (await slow.wait_response())["type"] == 5
    await slow.wait_edits(1)
    assert slow.ephemeral is False
    assert slow.final_content() == "review of 42"
    assert [e["title"] for e in slow.final_embeds()] == ["Claim 42"]
    [channel_msg] = fake.messages_in(world.channel_id)
    assert channel_msg["id"] == str(slow.original_message_id) and channel_msg["type"] == 20
    assert channel_msg["interaction_metadata"]["user"]["id"] == str(world.bob)

    quick = await fake.invoke_slash(
        world.guild_id, world.channel_id, world.bob, "claim review quick"
    )
    await quick.wait_followups(2)
    assert quick.ephemeral is True
    assert quick.final_content() == "done quickly"
    assert quick.followups[0]["id"] == str(quick.original_message_id)
    assert [f["content"] for f in quick.followups] == ["done quickly", "and one more"]


async def test_autocomplete_choices_and_limit(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    await start_with_synced_commands(fake, world, start_bot)

    rec = await fake.invoke_autocomplete(
        world.guild_id, world.channel_id, world.alice, "claim show", focused="claim_id", value="12"
    )
    await rec.wait_response()
    assert rec.choices == [
        {"name": "claim 120", "value": "120"},
        {"name": "claim 121", "value": "121"},
        {"name": "claim 122", "value": "122"},
    ]

    too_many = await fake.invoke_autocomplete(
        world.guild_id,
        world.channel_id,
        world.alice,
        "claim show",
        focused="claim_id",
        value="many",
    )
    [rejection] = await too_many.wait_rejected()
    assert rejection["code"] == 50035
    assert rejection["errors"]["data"]["choices"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert too_many.callback is None


async def test_message_context_menu(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    await start_with_synced_commands(fake, world, start_bot)
    target = await fake.user_send_message(world.bob, world.channel_id, "Unemployment fell 3%")

    rec = await fake.invoke_message_context_menu(world.alice, "Extract claims", target)
    await rec.wait_response()

    assert rec.final_content() == "extracted from: Unemployment fell 3%"
    assert rec.ephemeral is True

    stats = await fake.invoke_user_context_menu(
        world.guild_id, world.channel_id, world.bob, "Reviewer stats", world.alice
    )
    await stats.wait_response()
    assert stats.final_content() == "alice: reviewer"
    assert fake.messages_in(world.channel_id)[-1]["type"] == 23  # CONTEXT_MENU_COMMAND


async def test_button_and_modal_interactions(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    class Reason(discord.ui.Modal, title="Why?"):
        reason: discord.ui.TextInput[Reason] = discord.ui.TextInput(
            label="Reason", custom_id="reason"
        )

        async def on_submit(self, interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"reason: {self.reason.value}")

    class VoteView(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.button(label="Supported", custom_id="vote:supported")
        async def supported(
            self, interaction: discord.Interaction, button: discord.ui.Button[Any]
        ) -> None:
            await interaction.response.edit_message(content=f"supported by {interaction.user.name}")

        @discord.ui.button(label="Explain", custom_id="vote:explain")
        async def explain(
            self, interaction: discord.Interaction, button: discord.ui.Button[Any]
        ) -> None:
            await interaction.response.send_modal(Reason())

    bot = await start_bot()
    channel = bot.get_channel(world.channel_id)
    assert isinstance(channel, discord.TextChannel)
    msg = await channel.send("Is it true?", view=VoteView())

    click = await fake.invoke_button(world.alice, msg.id, "vote:supported")
    assert (await click.wait_response())["type"] == 7
    assert fake.message(world.channel_id, msg.id)["content"] == "supported by alice"  # type: ignore[index]
    assert click.final_content() == "supported by alice"

    explain = await fake.invoke_button(world.bob, msg.id, "vote:explain")
    assert (await explain.wait_response())["type"] == 9
    assert explain.modal is not None and explain.modal["title"] == "Why?"
    submitted = await fake.submit_modal(explain, {"reason": "source checks out"})
    await submitted.wait_response()
    assert submitted.final_content() == "reason: source checks out"

    with pytest.raises(InvocationError, match="no component"):
        await fake.invoke_button(world.alice, msg.id, "vote:nope")


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("payload", "error_path", "code"),
    [
        ({"content": "x" * 2001}, ["content"], "BASE_TYPE_MAX_LENGTH"),
        ({"embeds": [{"title": "t"}] * 11}, ["embeds"], "BASE_TYPE_MAX_LENGTH"),
        ({"embeds": [{"title": "t" * 257}]}, ["embeds", "0", "title"], "BASE_TYPE_MAX_LENGTH"),
        (
            {"embeds": [{"description": "d" * 4097}]},
            ["embeds", "0", "description"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]},
            ["embeds", "0", "fields"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"embeds": [{"fields": [{"name": "n" * 257, "value": "v"}]}]},
            ["embeds", "0", "fields", "0", "name"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]},
            ["embeds", "0", "fields", "0", "value"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"embeds": [{"footer": {"text": "f" * 2049}}]},
            ["embeds", "0", "footer", "text"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"embeds": [{"author": {"name": "a" * 257}}]},
            ["embeds", "0", "author", "name"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {
                "embeds": [
                    {"description": "d" * 4096, "fields": [{"name": "n", "value": "v" * 1000}] * 2}
                ]
            },
            ["embeds", "0"],
            "MAX_EMBED_SIZE_EXCEEDED",
        ),
    ],
)
async def test_invalid_messages_are_rejected(
    fake: FakeDiscord, world: World, payload: dict[str, Any], error_path: list[str], code: str
) -> None:
    bot = await rest_only_bot()
    try:
        with pytest.raises(discord.HTTPException) as excinfo:
            await bot.http.request(
                Route("POST", "/channels/{channel_id}/messages", channel_id=world.channel_id),
                json=payload,
            )
    finally:
        await bot.close()
    assert (excinfo.value.status, excinfo.value.code) == (400, 50035)
    [request] = fake.requests_to("POST", r"/channels/\d+/messages")
    node = request.response["errors"]
    for part in error_path:
        node = node[part]
    assert node["_errors"][0]["code"] == code
    assert fake.messages_in(world.channel_id) == []


async def test_error_text_reaches_discord_py_and_empty_message_is_refused(
    fake: FakeDiscord, world: World
) -> None:
    bot = await rest_only_bot()
    try:
        channel = await bot.fetch_channel(world.channel_id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as too_long:
            await channel.send(embed=discord.Embed(title="t" * 257))
        with pytest.raises(discord.HTTPException) as empty:
            await bot.http.request(
                Route("POST", "/channels/{channel_id}/messages", channel_id=world.channel_id),
                json={"content": "   "},
            )
    finally:
        await bot.close()
    assert (
        too_long.value.text
        == "Invalid Form Body\nIn embeds.0.title: Must be 256 or fewer in length."
    )
    assert (empty.value.status, empty.value.code) == (400, 50006)


@pytest.mark.parametrize(
    ("commands_payload", "error_path"),
    [
        ([{"name": "Bad Name", "description": "d", "type": 1}], ["0", "name"]),
        ([{"name": "ok", "description": "d" * 101, "type": 1}], ["0", "description"]),
        (
            [
                {
                    "name": "ok",
                    "description": "d",
                    "options": [
                        {"name": f"o{i}", "description": "d", "type": 3} for i in range(26)
                    ],
                }
            ],
            ["0", "options"],
        ),
        (
            [
                {
                    "name": "ok",
                    "description": "d",
                    "options": [{"name": "Opt", "description": "d", "type": 3}],
                }
            ],
            ["0", "options", "0", "name"],
        ),
        ([{"name": f"c{i}", "description": "d", "type": 1} for i in range(101)], []),
    ],
)
async def test_invalid_commands_are_rejected(
    fake: FakeDiscord, commands_payload: list[dict[str, Any]], error_path: list[str]
) -> None:
    bot = await rest_only_bot()
    try:
        with pytest.raises(discord.HTTPException) as excinfo:
            await bot.http.bulk_upsert_global_commands(fake.application_id, commands_payload)
    finally:
        await bot.close()
    assert (excinfo.value.status, excinfo.value.code) == (400, 50035)
    node = fake.requests[-1].response["errors"]
    for part in error_path:
        node = node[part]
    assert node["_errors"]
    assert fake.commands() == []


async def test_unknown_entities_and_double_acknowledgement(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    bot = await start_with_synced_commands(fake, world, start_bot)
    channel = bot.get_channel(world.channel_id)
    assert isinstance(channel, discord.TextChannel)
    msg = await channel.send("short lived")
    await msg.delete()

    with pytest.raises(discord.NotFound) as edit_deleted:
        await msg.edit(content="too late")
    with pytest.raises(discord.NotFound) as react_deleted:
        await msg.add_reaction(CHECK)
    with pytest.raises(discord.NotFound) as unknown_channel:
        await bot.http.send_message(123, params=discord.http.handle_message_parameters(content="x"))
    assert [e.value.code for e in (edit_deleted, react_deleted, unknown_channel)] == [
        10008,
        10008,
        10003,
    ]

    rec = await fake.invoke_slash(
        world.guild_id, world.channel_id, world.alice, "claim show", options={"claim_id": "1"}
    )
    await rec.wait_response()
    async with aiohttp.ClientSession() as session:
        url = f"{fake.api_base}/interactions/{rec.id}/{rec.token}/callback"
        async with session.post(url, json={"type": 4, "data": {"content": "again"}}) as resp:
            second = (resp.status, await resp.json())
    assert second == (400, {"message": "Interaction has already been acknowledged.", "code": 40060})
    assert rec.final_content() == "showing 1"
    assert [r["code"] for r in rec.rejected] == [40060]


async def test_unknown_routes_are_recorded(fake: FakeDiscord, world: World) -> None:
    bot = await rest_only_bot()
    try:
        with pytest.raises(discord.NotFound):
            await bot.http.get_ban(world.alice, world.guild_id)
    finally:
        await bot.close()
    assert [(r.method, r.path) for r in fake.unhandled] == [
        ("GET", f"/guilds/{world.guild_id}/bans/{world.alice}")
    ]


async def test_wrong_token_fails_login(fake: FakeDiscord) -> None:
    bot = RecordingBot()
    try:
        with pytest.raises(discord.LoginFailure):
            await bot.login("wrong-token")
    finally:
        await bot.close()


# --------------------------------------------------------------------------- faults & permissions


async def test_rate_limit_is_retried_and_errors_surface(fake: FakeDiscord, world: World) -> None:
    limited = fake.fail_next("POST", r"/channels/\d+/messages", 429)
    bot = await rest_only_bot()
    try:
        channel = await bot.fetch_channel(world.channel_id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("after the rate limit")
        fake.fail_next("POST", r"/channels/\d+/messages", 403)
        with pytest.raises(discord.Forbidden) as forbidden:
            await channel.send("blocked")
        fake.fail_next("GET", r"/channels/\d+/messages/\d+", 404)
        with pytest.raises(discord.NotFound) as missing:
            await channel.fetch_message(sent.id)
    finally:
        await bot.close()
    posts = fake.requests_to("POST", r"/channels/\d+/messages")
    assert [(r.status, r.faulted) for r in posts] == [(429, True), (200, False), (403, True)]
    assert len(limited.hits) == 1 and limited.remaining == 0
    assert forbidden.value.code == 50013 and missing.value.code == 10008
    assert [m["content"] for m in fake.messages_in(world.channel_id)] == ["after the rate limit"]


async def test_malformed_answers_reach_the_client_as_sent(fake: FakeDiscord, world: World) -> None:
    page = b"<html><body>502 Bad Gateway</body></html>"
    fake.fail_next("GET", r"/channels/\d+/messages/\d+", 503, raw=page)
    fake.fail_next("GET", r"/channels/\d+/messages/\d+", 200, json={"unexpected": True})
    bot = await rest_only_bot()
    try:
        with pytest.raises(discord.DiscordServerError) as outage:
            await bot.http.get_message(world.channel_id, 1)
        assert dict(await bot.http.get_message(world.channel_id, 1)) == {"unexpected": True}
    finally:
        await bot.close()
    assert outage.value.status == 503 and outage.value.text == page.decode()
    first, second = fake.requests_to("GET", r"/channels/\d+/messages/\d+")
    assert (first.status, first.faulted, second.status, second.faulted) == (503, True, 200, True)


async def test_channel_overwrites_are_enforced_and_cached(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    bot = await start_bot()
    channel = bot.get_channel(world.channel_id)
    assert isinstance(channel, discord.TextChannel)
    assert bot.user is not None

    fake.set_channel_overwrite(
        world.channel_id, fake.bot_user_id, deny=int(Perm.SEND_MESSAGES | Perm.ADD_REACTIONS)
    )
    await fake.wait_for(lambda: bot.events["guild_channel_update"])

    me = channel.guild.me
    assert not channel.permissions_for(me).send_messages
    assert channel.permissions_for(me).value == fake.bot_permissions(world.channel_id)
    with pytest.raises(discord.Forbidden) as excinfo:
        await channel.send("should not post")
    assert excinfo.value.code == 50013
    assert fake.messages_in(world.channel_id) == []


# --------------------------------------------------------------------------- gateway sessions


async def test_resume_replays_events_missed_while_disconnected(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    bot = await start_bot()
    channel = bot.get_channel(world.channel_id)
    assert isinstance(channel, discord.TextChannel)
    msg = await channel.send("vote while I reconnect")

    await fake.drop_gateway(resumable=True, hold=True)
    assert not fake.connected
    await fake.user_add_reaction(world.alice, world.channel_id, msg.id, CHECK)
    fake.release_gateway()

    await fake.wait_for(lambda: bot.events["resumed"] and bot.events["raw_reaction_add"])
    [event] = bot.events["raw_reaction_add"]
    assert (event.user_id, str(event.emoji)) == (world.alice, CHECK)
    assert (fake.identify_count, fake.resume_count) == (1, 1)
    assert len(bot.events["ready"]) == 1

    await fake.drop_gateway(use_reconnect_opcode=True)  # op 7 RECONNECT -> RESUME as well
    await fake.wait_for(lambda: len(bot.events["resumed"]) == 2)
    assert (fake.identify_count, fake.resume_count) == (1, 2)


async def test_invalid_session_reidentifies_without_replay(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    bot = await start_bot()
    channel = bot.get_channel(world.channel_id)
    assert isinstance(channel, discord.TextChannel)
    msg = await channel.send("vote while my session dies")

    await fake.drop_gateway(resumable=False, hold=True)
    await fake.user_add_reaction(world.bob, world.channel_id, msg.id, CROSS)
    fake.release_gateway()
    await fake.wait_for(lambda: len(bot.events["ready"]) == 2)
    assert (fake.resume_count, fake.identify_count) == (1, 2)  # RESUME refused with op 9

    await fake.invalidate_session()
    await fake.wait_for(lambda: len(bot.events["ready"]) == 3)
    assert fake.identify_count == 3
    assert bot.events["raw_reaction_add"] == []
    assert fake.reactions(msg.id) == {CROSS: {world.bob}}
    assert bot.get_guild(world.guild_id) is not None


async def test_auto_sharded_bot_uses_gateway_bot(fake: FakeDiscord, world: World) -> None:

    bot = commands.AutoShardedBot(
        command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05
    )
    task = asyncio.create_task(bot.start("test-token"))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        assert [g.id for g in bot.guilds] == [world.guild_id]
    finally:
        await bot.close()
        await task
    assert fake.requests_to("GET", "/gateway/bot")


async def test_pytest_plugin_fixture(fake_discord: FakeDiscord) -> None:
    assert fake_discord.api_base == f"http://127.0.0.1:{fake_discord.port}/api/v10"
    assert fake_discord.api_base == discord.http.Route.BASE
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == fake_discord.gateway_url


async def test_late_interaction_callback_is_unknown(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    await start_with_synced_commands(fake, world, start_bot)
    fake.options.interaction_deadline = 0.0  # every callback is now "after 3 seconds"

    rec = await fake.invoke_slash(
        world.guild_id, world.channel_id, world.alice, "claim show", options={"claim_id": "7"}
    )

    [rejection] = await rec.wait_rejected()
    assert (rejection["status"], rejection["code"]) == (404, 10062)
    assert rec.callback is None and rec.original is None


async def test_intents_are_honoured(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    intents = discord.Intents.default()  # no members, no message content
    intents.reactions = False
    bot = await start_bot(intents=intents)
    guild = bot.get_guild(world.guild_id)
    assert guild is not None
    assert [m.id for m in guild.members] == [fake.bot_user_id]  # no GUILD_MEMBERS intent
    channel = guild.get_channel(world.channel_id)
    assert isinstance(channel, discord.TextChannel)
    msg = await channel.send("react to me")

    await fake.user_add_reaction(world.alice, world.channel_id, msg.id, CHECK)
    await fake.user_send_message(world.bob, world.channel_id, "secret content")
    await fake.user_send_message(world.bob, world.channel_id, f"hey <@{fake.bot_user_id}>")

    await fake.wait_for(lambda: len(bot.events["message"]) == 3)
    assert [m.content for m in bot.events["message"]] == [
        "react to me",  # the bot's own message keeps its content
        "",  # no MESSAGE_CONTENT intent
        f"hey <@{fake.bot_user_id}>",  # mentions of the bot keep content
    ]
    assert bot.events["raw_reaction_add"] == []
    assert "MESSAGE_REACTION_ADD" not in fake.dispatched()
    assert fake.reactions(msg.id) == {CHECK: {world.alice}}


async def test_history_pagination(fake: FakeDiscord, world: World) -> None:
    bot = await rest_only_bot()
    try:
        channel = await bot.fetch_channel(world.channel_id)
        assert isinstance(channel, discord.TextChannel)
        sent = [await channel.send(f"m{i}") for i in range(5)]
        newest = [m.content async for m in channel.history(limit=3)]
        after_first = [m.content async for m in channel.history(after=sent[0], oldest_first=True)]
        before_last = [m.content async for m in channel.history(before=sent[4], limit=2)]
        everything = [m.content async for m in channel.history(limit=None)]
    finally:
        await bot.close()
    assert newest == ["m4", "m3", "m2"]
    assert after_first == ["m1", "m2", "m3", "m4"]
    assert before_last == ["m3", "m2"]
    assert everything == ["m4", "m3", "m2", "m1", "m0"]


async def test_select_menu_interaction(
    fake: FakeDiscord, world: World, start_bot: Callable[..., Awaitable[RecordingBot]]
) -> None:
    class VoteView(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.select(
            custom_id="vote",
            options=[discord.SelectOption(label=v, value=v) for v in ("supported", "refuted")],
        )
        async def vote(
            self, interaction: discord.Interaction, select: discord.ui.Select[Any]
        ) -> None:
            await interaction.response.defer()
            await interaction.edit_original_response(content=f"vote: {select.values[0]}")

    bot = await start_bot()
    channel = bot.get_channel(world.channel_id)
    assert isinstance(channel, discord.TextChannel)
    msg = await channel.send("Pick a vote", view=VoteView())

    rec = await fake.invoke_select(world.alice, msg.id, "vote", ["refuted"])
    assert (await rec.wait_response())["type"] == 6
    await rec.wait_edits(1)

    assert rec.original_message_id == msg.id
    assert fake.message(world.channel_id, msg.id)["content"] == "vote: refuted"  # type: ignore[index]
    with pytest.raises(InvocationError, match="not options"):
        await fake.invoke_select(world.alice, msg.id, "vote", ["maybe"])
