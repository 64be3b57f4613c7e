"""A long article over the server's cap, end to end: the reply says how many more
check-worthy claims there were, and its **Post the rest** button posts exactly those, the
cap at a time, for the submitter or a moderator only, in this server only, once, also after
a restart, within the submission rate limit; `max_claims` raises the cap for one article."""

from __future__ import annotations

from dataclasses import replace

from bot.app.client import ClaimBot
from bot.core.records import ClaimRecord
from bot.core.render import claim_line, escape_markdown
from bot.documents.reader import load_text
from bot.extraction import Extraction, extract
from tests.e2e.articles import LAKESHORE_ARTICLE
from tests.fake_discord import InteractionRecord
from tests.fake_discord.state import JSON
from tests.support.world import BotRunner, World, build_world, setup_review

VOTE_EMOJI = ["✅", "❌", "❓", "⚠️"]
CAP = 3
HELD_NOTE = "more check-worthy claims were not posted (this server's cap is 3)."
PRESS = "Press **Post the rest** to post them."
NOT_YOURS = (
    "Only the member who submitted that article, or a moderator, can post the rest of its claims."
)


def extraction() -> Extraction:
    """What the extractor finds in the article under a cap of 3: three claims and the rest."""
    found = extract(load_text(LAKESHORE_ARTICLE).text, max_claims=CAP)
    assert (len(found.claims), found.left_out) == (3, 5)
    return found


async def lower_cap(bot: ClaimBot, world: World, cap: int = CAP) -> None:
    """The server's `max_claims` option, which lowers CLAIMBOT_MAX_CLAIMS for one server."""
    configs = bot.services.configs
    config = await configs.configured(world.guild_id)
    options = {**config.options, "max_claims": cap}
    await configs.save(replace(config, options=options), actor_id=world.admin)


async def submit(world: World, user: int, **options: object) -> InteractionRecord:
    rec = await world.slash(user, "claim submit", {"text": LAKESHORE_ARTICLE, **options})
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    return rec


def button(rec: InteractionRecord) -> JSON:
    (row,) = rec.final_components()
    (only,) = row["components"]
    return dict(only)


async def press(world: World, user: int, rec: InteractionRecord) -> InteractionRecord:
    """Press **Post the rest** on a submission's reply; returns the press's interaction."""
    assert rec.original is not None
    click = await world.fake.invoke_button(user, rec.original, button(rec)["custom_id"])
    await click.wait_response()
    return click


async def press_and_post(world: World, user: int, rec: InteractionRecord) -> InteractionRecord:
    """`press`, then wait for the reply's last edit (after "Posting claim n of m…")."""
    before = rec.final_content()
    click = await press(world, user, rec)
    assert click.callback_type == 6  # the reply itself is edited

    def edited() -> bool:
        now = rec.final_content() or ""
        return now != before and not now.startswith("Posting claim")

    await world.fake.wait_for(edited)
    return click


async def claims_posted(bot: ClaimBot, world: World) -> list[ClaimRecord]:
    """The server's claims in the order their review messages were posted."""
    found = [await bot.db.claim_for_message(int(m["id"])) for m in world.review_messages()]
    assert all(claim is not None for claim in found)
    return [claim for claim in found if claim is not None]


def reply_lines(posted: list[ClaimRecord], held: int) -> list[str]:
    noun = "claim" if len(posted) == 1 else "claims"
    lines = [f"Posted {len(posted)} {noun} for review:", *(f"• {claim_line(c)}" for c in posted)]
    if held:
        lines += [f"{held} {HELD_NOTE}", PRESS]
    return lines


def assert_posted_for_review(world: World, claims: list[ClaimRecord]) -> None:
    """Each claim has its review message with the bot's four vote reactions and its thread."""
    for claim in claims:
        assert claim.message_id is not None and claim.thread_id is not None
        assert world.fake.reactions(claim.message_id) == {
            e: {world.fake.bot_user_id} for e in VOTE_EMOJI
        }
        threads = world.fake.threads_of(claim.message_id)
        assert [int(t["id"]) for t in threads] == [claim.thread_id]


async def test_the_reply_counts_the_held_claims_and_the_button_posts_exactly_those(
    runner: BotRunner, world: World
) -> None:
    bot = await runner.start()
    await setup_review(world)
    await lower_cap(bot, world)
    found = extraction()
    submitter = world.reviewers[0]

    rec = await submit(world, submitter)
    await runner.settle()

    first = await claims_posted(bot, world)
    assert [c.text for c in first] == [c.text for c in found.claims]
    assert rec.ephemeral
    assert (rec.final_content() or "").splitlines() == reply_lines(first, 5)
    document_id = first[0].document_id
    assert document_id is not None and {c.document_id for c in first} == {document_id}
    shown = button(rec)
    assert (shown["type"], shown["style"], shown["label"], shown["custom_id"]) == (
        2,
        1,
        "Post the rest",
        f"claimbot:held:{document_id}",
    )

    # The first press posts the next three, best first; the reply counts the two left.
    await press_and_post(world, submitter, rec)
    await runner.settle()
    second = (await claims_posted(bot, world))[3:]
    assert [c.text for c in second] == [c.text for c in found.rest[:3]]
    assert_posted_for_review(world, second)
    assert {(c.submitter_id, c.document_id) for c in second} == {(submitter, document_id)}
    assert (rec.final_content() or "").splitlines() == reply_lines(second, 2)
    assert button(rec)["custom_id"] == f"claimbot:held:{document_id}"

    # The second press posts the last two; the reply has no button left.
    await press_and_post(world, submitter, rec)
    await runner.settle()
    assert rec.final_components() == []
    everything = await claims_posted(bot, world)
    last = everything[6:]
    assert [c.text for c in last] == [c.text for c in found.rest[3:]]
    assert_posted_for_review(world, last)
    assert (rec.final_content() or "").splitlines() == reply_lines(last, 0)
    assert [c.text for c in everything] == [c.text for c in [*found.claims, *found.rest]]
    assert [c.number for c in everything] == list(range(1, 9))
    assert [m["embeds"][0]["description"] for m in world.review_messages()] == [
        escape_markdown(c.text) for c in [*found.claims, *found.rest]
    ]


async def test_a_press_after_the_claims_were_posted_posts_nothing(
    runner: BotRunner, world: World
) -> None:
    bot = await runner.start()
    await setup_review(world)
    await lower_cap(bot, world, 6)
    submitter = world.reviewers[0]
    rec = await submit(world, submitter)
    assert (rec.final_content() or "").splitlines()[-2:] == [
        "2 more check-worthy claims were not posted (this server's cap is 6).",
        PRESS,
    ]
    stale = rec.original
    assert stale is not None
    await press_and_post(world, submitter, rec)
    await runner.settle()
    assert rec.final_components() == []
    assert len(world.review_messages()) == 8

    # A client still showing the button (or sending its id) presses it again.
    message = world.fake.state.messages[int(stale["id"])]
    message.components = stale["components"]
    again = await press(world, submitter, rec)

    assert again.callback_type == 4 and again.ephemeral
    assert again.callback["data"]["content"] == "Those claims were already posted."
    await runner.settle()
    assert len(world.review_messages()) == 8


async def test_only_the_submitter_or_a_moderator_may_press(runner: BotRunner, world: World) -> None:
    bot = await runner.start()
    await setup_review(world)
    await lower_cap(bot, world)
    found = extraction()
    rec = await submit(world, world.reviewers[0])
    shown = (rec.final_content(), rec.final_components())

    for someone in (world.outsider, world.reviewers[1]):
        refused = await press(world, someone, rec)
        assert refused.callback_type == 4 and refused.ephemeral
        assert refused.callback["data"]["content"] == NOT_YOURS
    assert (rec.final_content(), rec.final_components()) == shown
    assert len(world.review_messages()) == 3
    denials = [
        (entry["action"], entry["actor_id"], entry["detail"])
        for entry in await bot.db.audit_entries(world.guild_id)
        if entry["action"].startswith("denied_")
    ]
    document_id = (await claims_posted(bot, world))[0].document_id
    assert denials == [
        ("denied_post_held", world.reviewers[1], {"document": document_id}),
        ("denied_post_held", world.outsider, {"document": document_id}),
    ]

    # A moderator may: the claims are still the submitter's.
    await press_and_post(world, world.moderator, rec)
    await runner.settle()
    posted = (await claims_posted(bot, world))[3:]
    assert [c.text for c in posted] == [c.text for c in found.rest[:3]]
    assert {c.submitter_id for c in posted} == {world.reviewers[0]}


async def test_a_button_carrying_another_servers_document_posts_nothing(
    runner: BotRunner, world: World
) -> None:
    bot = await runner.start()
    await setup_review(world)
    await lower_cap(bot, world)
    rival = build_world(world.fake, "Rival")
    await setup_review(rival)
    await lower_cap(bot, rival)
    home = await submit(world, world.reviewers[0])
    away = await submit(rival, rival.reviewers[0])
    home_document = (await claims_posted(bot, world))[0].document_id
    assert home_document is not None

    # The rival's own reply, its button forged to carry the home server's document.
    assert away.original is not None
    forged = world.fake.state.messages[int(away.original["id"])]
    forged.components[0]["components"][0]["custom_id"] = f"claimbot:held:{home_document}"
    for someone in (rival.reviewers[0], rival.admin):
        answer = await press(rival, someone, away)
        assert answer.callback["data"]["content"] == "That button does not belong to this server."

    await runner.settle()
    assert len(world.review_messages()) == 3 and len(rival.review_messages()) == 3
    held = await bot.db.held_batch(world.guild_id, home_document, limit=10)
    assert held is not None and held.held == 5
    assert await bot.db.held_batch(rival.guild_id, home_document, limit=10) is None
    assert home.final_components() != []


async def test_the_button_works_after_a_restart(runner: BotRunner, world: World) -> None:
    bot = await runner.start()
    await setup_review(world)
    await lower_cap(bot, world)
    found = extraction()
    rec = await submit(world, world.reviewers[0])
    await runner.stop()

    bot = await runner.start()
    await press_and_post(world, world.reviewers[0], rec)
    await runner.settle()

    posted = (await claims_posted(bot, world))[3:]
    assert [c.text for c in posted] == [c.text for c in found.rest[:3]]
    assert_posted_for_review(world, posted)
    assert (rec.final_content() or "").splitlines() == reply_lines(posted, 2)


async def test_a_press_waits_its_turn_like_an_article(runner: BotRunner, world: World) -> None:
    bot = await runner.start(CLAIMBOT_SUBMIT_BURST=1, CLAIMBOT_SUBMIT_INTERVAL=600)
    await setup_review(world)
    await lower_cap(bot, world)
    rec = await submit(world, world.reviewers[0])
    shown = (rec.final_content(), rec.final_components())

    slowed = await press(world, world.reviewers[0], rec)

    assert slowed.callback_type == 4 and slowed.ephemeral
    assert slowed.callback["data"]["content"].startswith("Slow down: you can submit again in ")
    assert (rec.final_content(), rec.final_components()) == shown
    await runner.settle()
    assert len(world.review_messages()) == 3


async def test_max_claims_raises_the_cap_for_one_article(runner: BotRunner, world: World) -> None:
    bot = await runner.start()
    await setup_review(world)
    await lower_cap(bot, world)
    found = extraction()

    rec = await submit(world, world.reviewers[0], max_claims=10)

    posted = await claims_posted(bot, world)
    assert [c.text for c in posted] == [c.text for c in [*found.claims, *found.rest]]
    assert (rec.final_content() or "").splitlines() == reply_lines(posted, 0)
    assert rec.final_components() == []

    fewer = await world.slash(
        world.reviewers[1],
        "claim submit",
        {"text": LAKESHORE_ARTICLE.replace("Thursday", "Friday"), "max_claims": 1},
    )
    await world.fake.wait_for(lambda: "max_claims" in (fewer.final_content() or ""))
    assert (fewer.final_content() or "").splitlines()[-2:] == [
        "7 more check-worthy claims were not posted (`max_claims` was 1).",
        PRESS,
    ]
