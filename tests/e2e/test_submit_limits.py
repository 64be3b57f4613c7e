"""Submission rates through the fake Discord: a burst of `/claim add`, then one more per
interval, on the bot's pace clock moved by hand; articles on their own stricter bucket."""

from __future__ import annotations

from bot.app.client import ClaimBot
from tests.fake_discord import InteractionRecord
from tests.support.clock import VirtualClock
from tests.support.world import BotRunner, World, setup_review

# Close wordings would be refused as repeats: each names its own place, number and year.
CLAIMS = [
    "The Harlow ferry carried 3,100 passengers in May 2024.",
    "Brindle county opened 4 new clinics in 2023.",
    "Port Averly spent 12 million euros on its sea wall in 2022.",
    "The Kelso library lent 48,000 books in 2021.",
    "Dunmore recorded 212 days of rain in 2020.",
    "The Marrow bridge closed for 41 days in 2019.",
    "Lindqvist school hired 17 teachers in 2018.",
]
ARTICLES = [
    "The Elmsford council approved 3 wind farms in March 2024. Critics said the plan "
    "cost 90 million euros.",
    "Harrow county closed 14 rural schools between 2015 and 2022. Enrolment fell by "
    "a third over the period.",
    "The Ashby tram line carried 2.4 million riders in 2023, up 18 per cent on 2022.",
]


async def start(runner: BotRunner, **limits: object) -> tuple[ClaimBot, VirtualClock]:
    clock = VirtualClock(5_000.0)
    runner.bot_options["pace_clock"] = clock
    return await runner.start(**limits), clock


async def posted(world: World, user: int, command: str, options: dict[str, object]) -> None:
    rec = await world.slash(user, command, options)
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))


async def refused(
    world: World, user: int, command: str, options: dict[str, object]
) -> InteractionRecord:
    rec = await world.slash(user, command, options)
    assert rec.ephemeral
    return rec


async def test_five_adds_in_a_row_then_one_per_interval(runner: BotRunner, world: World) -> None:
    bot, clock = await start(runner, CLAIMBOT_ADD_BURST=5, CLAIMBOT_ADD_INTERVAL=6)
    await setup_review(world)
    member = world.reviewers[0]

    for text in CLAIMS[:5]:
        await posted(world, member, "claim add", {"text": text})
    sixth = await refused(world, member, "claim add", {"text": CLAIMS[5]})
    assert sixth.callback["data"]["content"] == "Slow down: you can submit again in 6 s."
    # Another member has their own bucket.
    await posted(world, world.reviewers[1], "claim add", {"text": CLAIMS[5]})

    clock.advance(6)
    await posted(world, member, "claim add", {"text": CLAIMS[6]})
    again = await refused(world, member, "claim add", {"text": "Ashby grew by 900 homes in 2017."})
    assert again.callback["data"]["content"] == "Slow down: you can submit again in 6 s."
    assert len(world.review_messages()) == 7
    assert len(await bot.db.recent_claim_texts(world.guild_id, 100)) == 7


async def test_a_message_without_a_link_takes_from_the_add_bucket(
    runner: BotRunner, world: World
) -> None:
    await start(runner, CLAIMBOT_ADD_BURST=1, CLAIMBOT_ADD_INTERVAL=60)
    await setup_review(world)
    member = world.reviewers[0]
    await posted(world, member, "claim add", {"text": CLAIMS[0]})
    said = await world.fake.user_send_message(world.outsider, world.general_channel_id, CLAIMS[1])

    rec = await world.fake.invoke_message_context_menu(member, "Extract claims", said)
    await rec.wait_response()
    assert rec.callback["data"]["content"] == "Slow down: you can submit again in 60 s."
    # The article bucket is another: a pasted article still goes through.
    await posted(world, member, "claim submit", {"text": ARTICLES[0]})


async def test_articles_have_a_stricter_bucket_of_their_own(
    runner: BotRunner, world: World
) -> None:
    _, clock = await start(runner, CLAIMBOT_SUBMIT_BURST=2, CLAIMBOT_SUBMIT_INTERVAL=30)
    await setup_review(world)
    member = world.reviewers[0]

    for article in ARTICLES[:2]:
        await posted(world, member, "claim submit", {"text": article})
    third = await refused(world, member, "claim submit", {"text": ARTICLES[2]})
    assert third.callback["data"]["content"] == "Slow down: you can submit again in 30 s."
    await posted(world, member, "claim add", {"text": CLAIMS[0]})  # adds are not articles

    clock.advance(30)
    await posted(world, member, "claim submit", {"text": ARTICLES[2]})
