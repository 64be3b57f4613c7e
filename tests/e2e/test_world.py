"""The world every end-to-end test runs in has a neighbouring server whose claims were stored
first. Then no claim's internal id equals the number members see, and a test that expects
`claim.id` where the bot shows `claim.number` fails instead of passing by luck."""

from __future__ import annotations

from bot.app.client import ClaimBot
from tests.support.world import NEIGHBOUR_CLAIMS, World, add_claim, setup_review


async def test_the_first_claim_of_a_world_is_number_one_but_not_id_one(
    bot: ClaimBot, world: World
) -> None:
    """Asks for nothing but the world: the neighbour must come with it."""
    await setup_review(world)
    claim = await add_claim(world, bot)
    later = await add_claim(world, bot, "Port Averly spent 4 million euros on harbour repairs.")

    assert (claim.number, later.number) == (1, 2)
    assert claim.id != claim.number and later.id != later.number
    servers = {c.guild_id for c in await bot.db.all_claims(None)}
    assert len(servers) >= 2 and world.guild_id in servers


async def test_the_bot_posts_the_neighbours_claims_at_its_start(
    bot: ClaimBot, neighbour: World
) -> None:
    stored = await bot.db.all_claims(neighbour.guild_id)
    assert [(c.number, c.text) for c in stored] == list(enumerate(NEIGHBOUR_CLAIMS, 1))
    assert all(c.message_id is not None and c.thread_id is not None for c in stored)
    assert [m["embeds"][0]["title"] for m in neighbour.review_messages()] == [
        f"Claim #{n} · Unreviewed" for n in range(1, len(NEIGHBOUR_CLAIMS) + 1)
    ]
