"""`/claimbot`: the bot logs in, syncs, answers, keeps its data across restarts."""

from __future__ import annotations

from bot.client import ClaimBot
from tests.e2e.conftest import BotRunner, World, setup_review

EPHEMERAL = 64


async def test_logs_in_syncs_and_answers_ping(bot: ClaimBot, world: World) -> None:
    names = sorted(c["name"] for c in world.fake.commands())
    assert names == ["Extract claims", "claim", "claimbot", "evidence"]

    rec = await world.slash(world.outsider, "claimbot ping")

    assert rec.callback_type == 4
    assert rec.ephemeral
    assert rec.callback["data"]["content"].startswith("Pong: gateway latency ")
    assert rec.callback["data"]["allowed_mentions"] == {"parse": []}


async def test_setup_needs_manage_server(bot: ClaimBot, world: World) -> None:
    rec = await world.slash(
        world.outsider, "claimbot setup", {"review_channel": world.review_channel_id}
    )
    assert rec.callback["data"]["content"] == "You need the Manage Server permission for this."
    assert rec.ephemeral
    assert await bot.db.get_guild_config(world.guild_id) is None


async def test_settings_before_setup_explains_what_to_do(bot: ClaimBot, world: World) -> None:
    rec = await world.slash(world.outsider, "claimbot settings")
    assert rec.callback["data"]["content"] == (
        "claimbot is not set up here yet: someone with Manage Server runs `/claimbot setup`."
    )


async def test_setup_is_stored_and_survives_a_restart(runner: BotRunner, world: World) -> None:
    await runner.start()
    rec = await setup_review(world)
    content = rec.callback["data"]["content"]
    assert content.splitlines() == [
        "**claimbot settings**",
        f"Review channel: <#{world.review_channel_id}>",
        f"Reviewer role: <@&{world.reviewer_role_id}>",
        f"Moderator role: <@&{world.moderator_role_id}>",
        "",
        "Saved. Claims will be posted there.",
    ]
    await runner.stop()

    await runner.start()
    rec = await world.slash(world.outsider, "claimbot settings")
    assert rec.callback["data"]["content"].splitlines()[1:] == [
        f"Review channel: <#{world.review_channel_id}>",
        f"Reviewer role: <@&{world.reviewer_role_id}>",
        f"Moderator role: <@&{world.moderator_role_id}>",
    ]
    audit = await runner.bot.db.audit_entries(world.guild_id)  # type: ignore[union-attr]
    assert [(e["actor_id"], e["action"]) for e in audit] == [(world.admin, "setup")]


async def test_setup_names_missing_permissions(bot: ClaimBot, world: World) -> None:
    add_reactions = 1 << 6
    world.fake.set_channel_overwrite(
        world.review_channel_id, world.fake.bot_user_id, deny=add_reactions, kind="member"
    )
    rec = await setup_review(world, reviewer_role=False)
    assert rec.callback["data"]["content"].splitlines()[-1] == (
        f"Saved, but I am missing these permissions in <#{world.review_channel_id}>: "
        "Add Reactions. Claims cannot be posted until they are granted."
    )
