"""`/claim next` end to end: the reviewer's queue in order, Skip and Next, the claims it
leaves out, the empty queue, whose buttons they are (also after a restart), who may ask."""

from __future__ import annotations

import re
import sqlite3

import pytest

from bot.app.client import GENERIC_FAILURE
from bot.core.queue import SKIP_SECONDS, QueueEntry
from bot.core.render import jump_url
from bot.core.render_queue import thread_url
from tests.e2e.test_guards import OUTSIDE_A_SERVER, sent_from_a_dm
from tests.fake_discord import InteractionRecord
from tests.fake_discord.state import JSON
from tests.support.clock import ManualClock
from tests.support.world import BotRunner, World, add_claim, build_world, setup_review

STATEMENTS = [
    "The Port Averly council voted 9 to 2 on Tuesday to buy three electric ferries.",
    "Unemployment in Kelso fell to 4.1 per cent last year, the statistics office said.",
    "The new bridge over the Marrow river cost 212 million euros, twice its budget.",
    "Wheat exports from the northern province doubled between 2019 and 2023.",
    "Hospital waiting times in Dunmore rose to 41 days on average in March.",
    "The Lindqvist school enrolled 1,240 pupils this autumn, a record for the town.",
]
NOT_YOURS = "These buttons belong to whoever ran `/claim next`: run it yourself."


def shown(message: JSON | None) -> int | None:
    """The claim number a `/claim next` reply shows, None for the empty queue."""
    assert message is not None
    found = re.match(r"Next for you: claim #(\d+),", str(message["content"]))
    return int(found[1]) if found else None


def buttons(message: JSON | None) -> dict[str, str]:
    """label -> custom id of the reply's buttons."""
    assert message is not None
    return {
        button["label"]: button["custom_id"]
        for row in message["components"]
        for button in row["components"]
    }


async def ask(world: World, user: int) -> InteractionRecord:
    rec = await world.slash(user, "claim next")
    assert rec.ephemeral
    return rec


async def press(world: World, user: int, rec: InteractionRecord, label: str) -> InteractionRecord:
    """Press a button of the reply's current version and wait for the answer."""
    click = await world.fake.invoke_button(user, rec.original or {}, buttons(rec.original)[label])
    await click.wait_response()
    return click


async def vote(world: World, runner: BotRunner, claim_message: int, *voters: int) -> None:
    for voter in voters:
        await world.fake.user_add_reaction(voter, world.review_channel_id, claim_message, "✅")
    await runner.settle()


async def test_closest_to_a_verdict_first_then_oldest_and_next_walks_the_queue(
    runner: BotRunner, world: World
) -> None:
    bot = await runner.start()
    await setup_review(world)
    claims = [await add_claim(world, bot, text) for text in STATEMENTS[:5]]
    _first, second, third, fourth, fifth = (c.message_id or 0 for c in claims)
    reviewer_a, reviewer_b, asker = world.reviewers
    await vote(world, runner, second, reviewer_a, reviewer_b)  # 1 vote short
    await vote(world, runner, third, reviewer_a)  # 2 short, older than #4
    await vote(world, runner, fourth, reviewer_b)  # 2 short
    await vote(world, runner, fifth, reviewer_a, reviewer_b, world.moderator)  # a verdict
    # #1 has no vote: 3 short

    rec = await ask(world, asker)
    assert rec.final_content() == "Next for you: claim #2, 1 vote short of a verdict (2 of 3)."
    (embed,) = rec.final_embeds()
    assert embed["title"] == "Claim #2 · Needs review"
    assert embed["description"] == STATEMENTS[1]
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    claim = claims[1]
    assert fields["Review message"] == (
        f"[Jump to it]({jump_url(world.guild_id, world.review_channel_id, second)})"
    )
    assert fields["Thread"] == f"[Discuss it]({thread_url(world.guild_id, claim.thread_id or 0)})"
    assert fields["Speaker"] == "—"  # `/claim add` takes the claim as written
    assert embed["footer"]["text"] == (
        "Your queue: closest to a verdict first, then oldest · vote on the review message"
        " · Skip hides a claim from you for 24 h"
    )
    assert list(buttons(rec.original)) == ["Skip", "Next"]

    walked = []
    for _ in range(5):
        click = await press(world, asker, rec, "Next")
        assert click.callback_type == 7  # the same private message, updated
        walked.append(rec.final_content())
    assert shown(rec.original) == 2
    assert walked == [
        "Next for you: claim #3, 2 votes short of a verdict (1 of 3).",
        "Next for you: claim #4, 2 votes short of a verdict (1 of 3).",
        "Next for you: claim #1, 3 votes short of a verdict (0 of 3).",
        "Next for you: claim #5, 3 votes, enough for a verdict (3); more votes firm it up.",
        "Next for you: claim #2, 1 vote short of a verdict (2 of 3).",  # round again
    ]


async def test_skip_hides_a_claim_from_the_asker_for_a_day(runner: BotRunner, world: World) -> None:
    clock = ManualClock(1_000_000.0)  # the bot's clock: skips are timed on it
    runner.bot_options["clock"] = clock
    bot = await runner.start()
    await setup_review(world)
    for text in STATEMENTS[:2]:
        await add_claim(world, bot, text)
    asker = world.reviewers[0]

    rec = await ask(world, asker)
    assert shown(rec.original) == 1
    click = await press(world, asker, rec, "Skip")
    assert click.callback_type == 7
    assert shown(rec.original) == 2
    assert shown((await ask(world, asker)).original) == 2  # not offered again
    assert shown((await ask(world, world.reviewers[1])).original) == 1  # a skip is one's own

    await press(world, asker, rec, "Skip")
    assert rec.final_content() == (
        "Nothing left for you to review: you have voted on, submitted or skipped (for 24 h)"
        " every open claim. The team has 2 open claims."
    )
    assert rec.final_embeds() == [] and rec.final_components() == []

    clock.advance(SKIP_SECONDS - 1)
    assert shown((await ask(world, asker)).original) is None
    clock.advance(1)
    assert shown((await ask(world, asker)).original) == 1  # a day later, both are back


async def test_own_claims_and_claims_voted_on_are_left_out(runner: BotRunner, world: World) -> None:
    bot = await runner.start()
    await setup_review(world)
    asker = world.reviewers[0]
    assert (await ask(world, asker)).final_content() == (
        "Nothing to review: this server has no open claims."
    )
    own = await world.slash(asker, "claim add", {"text": STATEMENTS[0]})
    await world.fake.wait_for(lambda: (own.final_content() or "").startswith("Posted"))
    other = await add_claim(world, bot, STATEMENTS[1])

    rec = await ask(world, asker)
    assert shown(rec.original) == other.number == 2
    assert shown((await ask(world, world.reviewers[1])).original) == 1

    await vote(world, runner, other.message_id or 0, asker)
    await press(world, asker, rec, "Next")  # Next computes the queue again: #2 is gone
    assert rec.final_content() == (
        "Nothing left for you to review: you have voted on, submitted or skipped (for 24 h)"
        " every open claim. The team has 2 open claims."
    )
    assert rec.final_components() == []

    # A resolved claim is not open: it leaves the queue and the count.
    await world.slash(world.moderator, "claim resolve", {"claim": 1, "verdict": "misleading"})
    assert shown((await ask(world, world.reviewers[1])).original) == 2
    assert (await ask(world, asker)).final_content() == (
        "Nothing left for you to review: you have voted on, submitted or skipped (for 24 h)"
        " every open claim. The team has 1 open claim."
    )


async def test_only_the_asker_presses_the_buttons_also_after_a_restart(
    runner: BotRunner, world: World
) -> None:
    bot = await runner.start()
    await setup_review(world)
    for text in STATEMENTS[:3]:
        await add_claim(world, bot, text)
    asker, other = world.reviewers[0], world.reviewers[1]
    rec = await ask(world, asker)
    assert shown(rec.original) == 1

    for label in ("Skip", "Next"):
        refused = await press(world, other, rec, label)
        assert refused.callback_type == 4 and refused.ephemeral
        assert refused.callback["data"]["content"] == NOT_YOURS
    assert shown(rec.original) == 1
    assert shown((await ask(world, other)).original) == 1  # their Skip did not count

    await runner.stop()
    await runner.start()
    click = await press(world, asker, rec, "Next")
    assert click.callback_type == 7
    assert shown(rec.original) == 2
    await press(world, asker, rec, "Skip")
    assert shown(rec.original) == 3
    refused = await press(world, other, rec, "Next")
    assert refused.callback["data"]["content"] == NOT_YOURS
    assert shown(rec.original) == 3
    assert shown((await ask(world, asker)).original) == 1  # #2 skipped, #1 first again


async def test_reviewers_and_moderators_may_ask_others_are_refused(
    runner: BotRunner, world: World
) -> None:
    bot = await runner.start()
    await setup_review(world)
    await add_claim(world, bot, STATEMENTS[0])
    refused = await ask(world, world.outsider)
    assert refused.final_content() == (
        f"Only reviewers can use `/claim next`: members with the <@&{world.reviewer_role_id}>"
        " role, and moderators."
    )
    assert shown((await ask(world, world.admin)).original) == 1  # Manage Server, no role
    assert shown((await ask(world, world.moderator)).original) == 1

    # The outsider keeps the reply another member's buttons would give: no way in by a press.
    rec = await ask(world, world.reviewers[0])
    refused_press = await press(world, world.outsider, rec, "Next")
    assert refused_press.callback["data"]["content"] == NOT_YOURS

    dm = sent_from_a_dm(
        world,
        world.fake.registry.slash(
            world.guild_id, world.general_channel_id, world.reviewers[0], "claim next", {}
        ),
    )
    await dm.wait_response()
    assert dm.final_content() == OUTSIDE_A_SERVER


async def test_another_servers_claims_are_never_offered(runner: BotRunner, world: World) -> None:
    bot = await runner.start()
    other = build_world(world.fake, "Bureau")
    await setup_review(world)
    await setup_review(other)
    await add_claim(other, bot, STATEMENTS[0])
    await add_claim(other, bot, STATEMENTS[1])
    await add_claim(world, bot, STATEMENTS[2])

    rec = await ask(world, world.reviewers[0])
    assert shown(rec.original) == 1
    assert rec.final_embeds()[0]["description"].startswith("The new bridge")
    await press(world, world.reviewers[0], rec, "Next")
    assert shown(rec.original) == 1  # the only one here: Next wraps to it
    await press(world, world.reviewers[0], rec, "Skip")
    assert "The team has 1 open claim." in (rec.final_content() or "")

    theirs = await ask(other, other.reviewers[0])
    assert shown(theirs.original) == 1
    assert theirs.final_embeds()[0]["description"].startswith("The Port Averly")


async def test_a_failure_on_our_side_gets_the_short_answer(
    runner: BotRunner, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await runner.start()
    await setup_review(world)
    for text in STATEMENTS[:2]:
        await add_claim(world, bot, text)
    rec = await ask(world, world.reviewers[0])

    async def locked(*_args: object, **_kwargs: object) -> list[QueueEntry]:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(bot.db, "queue_candidates", locked)
    click = await press(world, world.reviewers[0], rec, "Next")
    assert (click.callback_type, click.ephemeral) == (4, True)
    assert click.callback["data"]["content"] == GENERIC_FAILURE
    assert shown(rec.original) == 1  # the reply is left as it was
    failed = await ask(world, world.reviewers[1])
    assert failed.final_content() == GENERIC_FAILURE

    monkeypatch.undo()
    await press(world, world.reviewers[0], rec, "Next")
    assert shown(rec.original) == 2
