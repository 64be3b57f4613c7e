"""`/claimbot`: the bot logs in, syncs, answers, keeps its data across restarts."""

from __future__ import annotations

import pytest

from bot.app.client import ClaimBot
from tests.fake_discord.interactions import InvocationError
from tests.support.world import BotRunner, World, add_claim, setup_review

EPHEMERAL = 64
NO_ALERTS = "Alerts channel: none (problems show here and in the log)"
DEFAULT_THRESHOLDS = (
    "Thresholds: 3 reviewers before a verdict shows, 60% of them agreeing; "
    "verified with 1 source on its side and 60% confidence."
)


async def test_logs_in_syncs_and_answers_ping(bot: ClaimBot, world: World) -> None:
    names = sorted(c["name"] for c in world.fake.commands())
    assert names == ["Extract claims", "claim", "claimbot", "evidence", "factchecks"]

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
        NO_ALERTS,
        DEFAULT_THRESHOLDS,
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
        NO_ALERTS,
        DEFAULT_THRESHOLDS,
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


async def test_thresholds_move_open_claims_and_need_manage_server(
    runner: BotRunner, bot: ClaimBot, world: World
) -> None:
    await setup_review(world)
    claim = await add_claim(world, bot)
    mid = claim.message_id
    assert mid is not None
    for reviewer in world.reviewers[:2]:
        await world.fake.user_add_reaction(reviewer, world.review_channel_id, mid, "✅")
    await runner.settle()
    assert await status_of(bot, world, claim.id) == "needs_review"

    refused = await world.slash(world.reviewers[0], "claimbot thresholds", {"quorum": 2})
    assert refused.ephemeral
    assert refused.callback["data"]["content"] == "You need the Manage Server permission for this."

    shown = await world.slash(world.admin, "claimbot thresholds")
    assert shown.ephemeral
    assert shown.callback["data"]["content"] == DEFAULT_THRESHOLDS

    changed = await world.slash(world.admin, "claimbot thresholds", {"quorum": 2, "consensus": 75})
    (answer,) = await changed.wait_followups(1)
    assert answer["content"] == (
        "Saved. Thresholds: 2 reviewers before a verdict shows, 75% of them agreeing; "
        "verified with 1 source on its side and 60% confidence.\n"
        "1 open claim changed status; their review messages are being updated."
    )
    await runner.settle()
    assert await status_of(bot, world, claim.id) == "likely_true"
    message = world.fake.message(world.review_channel_id, mid)
    assert message is not None
    assert message["embeds"][0]["title"] == f"Claim #{claim.number} · Likely true"
    settings = await world.slash(world.outsider, "claimbot settings")
    assert settings.callback["data"]["content"].splitlines()[5] == (
        "Thresholds: 2 reviewers before a verdict shows, 75% of them agreeing; "
        "verified with 1 source on its side and 60% confidence."
    )

    back = await world.slash(world.admin, "claimbot thresholds", {"reset": True})
    (answer,) = await back.wait_followups(1)
    assert answer["content"] == (
        f"Saved. {DEFAULT_THRESHOLDS}\n"
        "1 open claim changed status; their review messages are being updated."
    )
    await runner.settle()
    assert await status_of(bot, world, claim.id) == "needs_review"
    audit = await bot.db.audit_entries(world.guild_id)
    assert [(e["actor_id"], e["action"]) for e in audit] == [
        (world.admin, "thresholds"),
        (world.admin, "thresholds"),
        (world.admin, "setup"),
    ]


async def test_thresholds_out_of_range_never_reach_the_bot(bot: ClaimBot, world: World) -> None:
    """Discord's client enforces the ranges the command declares; the fake does too."""
    await setup_review(world)
    with pytest.raises(InvocationError, match="option 'quorum' out of range: 0"):
        await world.slash(world.admin, "claimbot thresholds", {"quorum": 0})
    with pytest.raises(InvocationError, match="option 'consensus' out of range: 50"):
        await world.slash(world.admin, "claimbot thresholds", {"consensus": 50})
    config = await bot.db.get_guild_config(world.guild_id)
    assert config is not None and "status" not in config.options


async def status_of(bot: ClaimBot, world: World, claim_id: int) -> str:
    claim = await bot.db.get_claim(world.guild_id, claim_id)
    assert claim is not None
    return claim.status
