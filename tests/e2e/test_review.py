"""Votes by reaction: counting, changes, retractions, catch-up, bursts, guild isolation."""

from __future__ import annotations

import pytest

from bot.core.records import ClaimRecord
from tests.support.world import BotRunner, World, add_claim, build_world, setup_review


def votes_field(world: World, claim: ClaimRecord) -> str:
    message = world.fake.message(world.review_channel_id, claim.message_id)  # type: ignore[arg-type]
    assert message is not None
    fields = {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}
    return fields["Votes"]


async def test_votes_changes_retractions_and_who_counts(runner: BotRunner, world: World) -> None:
    bot = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, runner.bot)  # type: ignore[arg-type]
    fake, mid, channel = world.fake, claim.message_id, world.review_channel_id
    assert mid is not None
    r1, r2, r3 = world.reviewers

    await fake.user_add_reaction(r1, channel, mid, "✅")
    await fake.user_add_reaction(r2, channel, mid, "✅")
    await fake.user_add_reaction(r3, channel, mid, "❌")
    await fake.user_add_reaction(world.moderator, channel, mid, "⚠️")
    await fake.user_add_reaction(world.outsider, channel, mid, "❌")  # not a reviewer
    await fake.user_add_reaction(r1, channel, mid, "👍")  # not a vote emoji
    await runner.settle()
    await fake.user_add_reaction(r3, channel, mid, "✅")  # r3 changes their mind
    await runner.settle()
    await fake.user_remove_reaction(world.moderator, channel, mid, "⚠️")  # retracts
    await runner.settle()

    assert await bot.db.current_votes(claim.id) == {
        r1: "supported",
        r2: "supported",
        r3: "supported",
    }
    reactions = fake.reactions(mid)
    assert reactions["✅"] == {fake.bot_user_id, r1, r2, r3}
    assert reactions["❌"] == {fake.bot_user_id}  # r3's old vote and the outsider's removed
    assert reactions["⚠️"] == {fake.bot_user_id}
    assert reactions["👍"] == {r1}
    assert votes_field(world, claim) == "✅ 3  ❌ 0  ❓ 0  ⚠️ 0"
    stored = await bot.db.get_claim(world.guild_id, claim.id)
    assert stored is not None and stored.status == "likely_true"
    message = fake.message(channel, mid)
    assert message is not None
    assert message["embeds"][0]["title"] == f"Claim #{claim.number} · Likely true"
    events = [(r, v) for _, r, v, _ in await bot.db.vote_events(claim.id)]
    assert events == [
        (r1, "supported"),
        (r2, "supported"),
        (r3, "refuted"),
        (world.moderator, "misleading"),
        (r3, "supported"),
        (world.moderator, None),
    ]


async def test_catch_up_counts_offline_reactions_exactly_once(
    runner: BotRunner, world: World
) -> None:
    bot = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, runner.bot)  # type: ignore[arg-type]
    fake, mid, channel = world.fake, claim.message_id, world.review_channel_id
    assert mid is not None
    r1, r2, r3 = world.reviewers
    await fake.user_add_reaction(r1, channel, mid, "✅")
    await fake.user_add_reaction(r2, channel, mid, "❌")
    await runner.settle()
    await runner.stop()

    # While the bot is down: r2 retracts, r3 votes twice, an outsider votes.
    await fake.user_remove_reaction(r2, channel, mid, "❌")
    await fake.user_add_reaction(r3, channel, mid, "❓")
    await fake.user_add_reaction(r3, channel, mid, "⚠️")
    await fake.user_add_reaction(world.outsider, channel, mid, "✅")

    bot = await runner.start()
    await runner.settle()
    assert await bot.db.current_votes(claim.id) == {r1: "supported", r3: "unverifiable"}
    reactions = fake.reactions(mid)
    assert reactions["⚠️"] == {fake.bot_user_id}
    assert reactions["✅"] == {fake.bot_user_id, r1}

    # A second catch-up with nothing new writes nothing.
    events_before = len(await bot.db.vote_events(claim.id))
    await bot.catch_up.run()
    await runner.settle()
    assert len(await bot.db.vote_events(claim.id)) == events_before
    assert votes_field(world, claim) == "✅ 1  ❌ 0  ❓ 1  ⚠️ 0"


async def test_moderators_without_the_reviewer_role_vote_live_and_after_a_restart(
    runner: BotRunner, world: World
) -> None:
    """Moderators may resolve a claim and work the queue, so their votes count too."""
    bot = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, runner.bot)  # type: ignore[arg-type]
    fake, mid, channel = world.fake, claim.message_id, world.review_channel_id
    assert mid is not None
    role_moderator = fake.add_member(world.guild_id, "mod2", roles=[world.moderator_role_id])
    await runner.settle()
    await fake.user_add_reaction(world.admin, channel, mid, "✅")  # Manage Server, no role
    await fake.user_add_reaction(role_moderator, channel, mid, "✅")  # moderator role only
    await fake.user_add_reaction(world.outsider, channel, mid, "✅")
    await runner.settle()
    assert await bot.db.current_votes(claim.id) == {
        world.admin: "supported",
        role_moderator: "supported",
    }
    assert fake.reactions(mid)["✅"] == {fake.bot_user_id, world.admin, role_moderator}
    await runner.stop()

    # While the bot is down the admin changes their vote and the outsider tries again.
    await fake.user_remove_reaction(world.admin, channel, mid, "✅")
    await fake.user_add_reaction(world.admin, channel, mid, "❌")
    await fake.user_add_reaction(world.outsider, channel, mid, "❌")
    bot = await runner.start()
    await runner.settle()
    assert await bot.db.current_votes(claim.id) == {
        world.admin: "refuted",
        role_moderator: "supported",
    }
    assert fake.reactions(mid)["❌"] == {fake.bot_user_id, world.admin}
    assert votes_field(world, claim) == "✅ 1  ❌ 1  ❓ 0  ⚠️ 0"


@pytest.mark.slow
async def test_burst_of_500_reactions_counts_exactly_with_few_edits(
    runner: BotRunner, world: World
) -> None:
    bot = await runner.start()
    await setup_review(world, reviewer_role=False)
    claim = await add_claim(world, runner.bot)  # type: ignore[arg-type]
    fake, mid, channel = world.fake, claim.message_id, world.review_channel_id
    assert mid is not None
    voters = [fake.add_member(world.guild_id, f"voter{i}") for i in range(500)]
    edits_before = fake.edits_of(mid)
    for i, voter in enumerate(voters):
        await fake.user_add_reaction(voter, channel, mid, "❌" if i % 5 == 0 else "✅")
    await fake.wait_for(lambda: bot.ingest.events_written >= 500, timeout=20)
    await runner.settle()

    votes = await bot.db.current_votes(claim.id)
    assert len(votes) == 500
    assert sum(1 for v in votes.values() if v == "refuted") == 100
    assert votes_field(world, claim) == "✅ 400  ❌ 100  ❓ 0  ⚠️ 0"
    edits = fake.edits_of(mid) - edits_before
    assert 1 <= edits <= 10


async def test_two_guilds_never_see_each_other(runner: BotRunner, world: World) -> None:
    other = build_world(world.fake, "Rival")
    await runner.start()
    await setup_review(world)
    await setup_review(other)
    mine = await add_claim(world, runner.bot)  # type: ignore[arg-type]

    status = await other.slash(other.outsider, "claim status", {"claim": mine.number})
    assert status.callback["data"]["content"] == f"There is no claim #{mine.number} in this server."
    search = await other.slash(other.outsider, "claim search", {"query": "ferries"})
    assert search.callback["data"]["content"] == "No claim matches “ferries”."
    auto = await world.fake.invoke_autocomplete(
        other.guild_id,
        other.general_channel_id,
        other.outsider,
        "claim status",
        focused="claim",
        value="",
    )
    await auto.wait_response()
    assert auto.choices == []

    # The same statement in the other guild is a new claim there, not a duplicate.
    theirs = await add_claim(other, runner.bot)  # type: ignore[arg-type]
    assert theirs.id != mine.id and theirs.guild_id == other.guild_id
    assert other.review_messages()[0]["channel_id"] == str(other.review_channel_id)
    assert len(world.review_messages()) == 1
