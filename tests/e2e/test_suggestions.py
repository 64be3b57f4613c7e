""" "Already checked?" end to end: suggestions in a claim's thread from the server's fact-check
library and its own claims, the Same claim / Not the same buttons (also after a restart),
`/claim similar`, paraphrases pointed at, and servers kept apart."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.app.client import ClaimBot
from bot.core.records import ALL_SERVERS, ClaimRecord, NewFactCheck
from bot.core.render import jump_url
from tests.fake_discord.state import JSON
from tests.support.world import BotRunner, World, add_claim, build_world, setup_review

BRIDGE = "The Old Mill bridge in Dunmore was closed after engineers found cracks in 2024."
BRIDGE_CLAIM = "Engineers found cracks in the Old Mill bridge in Dunmore, which closed in 2024."
BRIDGE_URL = "https://checks.test/old-mill-bridge"
SALT = "Eating a spoon of salt every morning cures migraines, a nurse says."
SALT_URL = "https://checks.test/salt-migraine"
RECENT = (date.today() - timedelta(days=20)).isoformat()
UNRELATED = "The Port Averly council voted 9 to 2 on Tuesday to buy three electric ferries."


def fact_check(
    url: str,
    claim: str,
    *,
    rating: str = "False",
    publisher: str = "Dunmore *Checks*",
    published: str | None = RECENT,
    title: str | None = None,
) -> NewFactCheck:
    return NewFactCheck(
        url=url,
        claim_reviewed=claim,
        title=title,
        publisher=publisher,
        published=published,
        rating_name=rating,
        rating_value=None,
        best_rating=None,
        worst_rating=None,
        claimant=None,
        language="en",
    )


async def library(bot: ClaimBot, scope: int, *fact_checks: NewFactCheck) -> None:
    await bot.db.import_fact_checks(scope, list(fact_checks), imported_by=None)
    await bot.library.rebuild(scope)


def thread_messages(world: World, claim: ClaimRecord) -> list[JSON]:
    assert claim.thread_id is not None
    return [m for m in world.fake.messages_in(claim.thread_id) if m["source"] == "rest"]


async def posted(world: World, runner: BotRunner, text: str) -> ClaimRecord:
    assert runner.bot is not None
    claim = await add_claim(world, runner.bot, text)
    await runner.settle()
    stored = await runner.bot.db.get_claim(world.guild_id, claim.id)
    assert stored is not None and stored.thread_id is not None
    return stored


@pytest.fixture
async def ready(runner: BotRunner, world: World) -> ClaimBot:
    bot = await runner.start()
    await setup_review(world)
    return bot


async def test_a_posted_claim_gets_the_fact_check_in_its_thread(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    await library(
        ready,
        world.guild_id,
        fact_check(BRIDGE_URL, BRIDGE + " <@&1> @everyone"),
        fact_check(SALT_URL, SALT),
    )
    claim = await posted(world, runner, BRIDGE_CLAIM)
    (message,) = thread_messages(world, claim)
    (suggestion,) = await ready.db.suggestions_for_claim(claim.id)
    score = f"{suggestion.score:.0%}"
    assert message["content"] == (
        f"🔎 **Already fact-checked?** (match {score})\n"
        f"**Dunmore \\*Checks\\*** · rated **False** on {RECENT}\n"
        "“The Old Mill bridge in Dunmore was closed after engineers found cracks in 2024."
        " \\<@&1\\> @everyone”\n"
        f"<{BRIDGE_URL}>\n"
        "Reviewers: is it the same claim?"
    )
    assert message["allowed_mentions"] == {"parse": []}
    buttons = message["components"][0]["components"]
    assert [(b["label"], b["custom_id"]) for b in buttons] == [
        ("Same claim", f"claimbot:suggest:{suggestion.id}:same"),
        ("Not the same", f"claimbot:suggest:{suggestion.id}:not_same"),
    ]
    assert suggestion.message_id == int(message["id"])


def review_embed(world: World, claim: ClaimRecord) -> JSON:
    assert claim.message_id is not None
    message = world.fake.message(world.review_channel_id, claim.message_id)
    assert message is not None
    return dict(message["embeds"][0])


def field(embed: JSON, name: str) -> str:
    return next(str(f["value"]) for f in embed["fields"] if f["name"] == name)


async def press(world: World, user: int, message: JSON, answer: str) -> JSON:
    """Press a suggestion's button; returns the interaction's first answer."""
    button = next(
        b
        for row in message["components"]
        for b in row["components"]
        if str(b["custom_id"]).endswith(f":{answer}")
    )
    rec = await world.fake.invoke_button(user, message, button["custom_id"])
    return await rec.wait_response()


async def test_same_claim_records_the_fact_check_as_a_refuting_source(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    await library(ready, world.guild_id, fact_check(BRIDGE_URL, BRIDGE, rating="Pants on Fire"))
    claim = await posted(world, runner, BRIDGE_CLAIM)
    (message,) = thread_messages(world, claim)
    shown = str(message["content"])
    reviewer = world.reviewers[0]

    answer = await press(world, reviewer, message, "same")
    await runner.settle()

    assert answer["type"] == 7  # the suggestion itself is edited
    expected = shown.removesuffix("\nReviewers: is it the same claim?") + (
        f"\n✅ Same claim, said <@{reviewer}>: recorded as a source that refutes this claim."
    )
    edited = world.fake.message(claim.thread_id, int(message["id"]))  # type: ignore[arg-type]
    assert edited is not None
    assert (edited["content"], edited["components"]) == (expected, [])
    (source,) = await ready.db.evidence_for(claim.id)
    assert (source.url, source.stance, source.added_by, source.fetch_status) == (
        BRIDGE_URL,
        "refutes",
        reviewer,
        "ok",
    )
    assert (source.title, source.site_name, source.published_at, source.note) == (
        BRIDGE,
        "Dunmore *Checks*",
        RECENT,
        f"Fact-check by Dunmore *Checks* ({RECENT}): Pants on Fire",
    )
    embed = review_embed(world, claim)
    assert field(embed, "Evidence") == "1"
    assert field(embed, "Sources linked") == (
        "refutes: [The Old Mill bridge in Dunmore was closed after engineers found cracks in"
        f" 2024.]({BRIDGE_URL})"
    )
    (audit,) = [e for e in await ready.db.audit_entries(world.guild_id) if "suggest" in e["action"]]
    assert (audit["action"], audit["actor_id"], audit["claim_id"]) == (
        "suggestion_same",
        reviewer,
        claim.id,
    )


async def test_a_second_answer_racing_the_first_is_refused(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    """Two reviewers press before the first answer removed the buttons."""
    await library(ready, world.guild_id, fact_check(BRIDGE_URL, BRIDGE))
    claim = await posted(world, runner, BRIDGE_CLAIM)
    (message,) = thread_messages(world, claim)
    (suggestion,) = await ready.db.suggestions_for_claim(claim.id)
    first = await ready.suggestions.answer(world.guild_id, suggestion.id, "same", world.moderator)
    assert first.stance == "refutes"

    answer = await press(world, world.reviewers[1], message, "not_same")
    await runner.settle()

    assert (answer["type"], answer["data"]["content"]) == (
        4,
        "That suggestion was already answered.",
    )
    (stored,) = await ready.db.suggestions_for_claim(claim.id)
    assert (stored.answer, stored.answered_by) == ("same", world.moderator)
    assert len(await ready.db.evidence_for(claim.id)) == 1


async def test_not_the_same_is_never_shown_again_for_that_claim(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    await library(ready, world.guild_id, fact_check(BRIDGE_URL, BRIDGE))
    claim = await posted(world, runner, BRIDGE_CLAIM)
    (message,) = thread_messages(world, claim)
    moderator = world.moderator

    answer = await press(world, moderator, message, "not_same")
    await runner.settle()
    assert answer["data"]["content"] == (
        str(message["content"]).removesuffix("\nReviewers: is it the same claim?")
        + f"\n❌ Not the same, said <@{moderator}>: not shown again for this claim."
    )
    assert answer["data"]["components"] == []
    assert await ready.db.evidence_for(claim.id) == []

    # The review message is deleted: the claim is posted again with a new thread, and the
    # dismissed suggestion does not come back; nor at the next start (catch-up).
    assert claim.message_id is not None
    await world.fake.delete_message(world.review_channel_id, claim.message_id)
    await runner.settle()
    reposted = await ready.db.get_claim(world.guild_id, claim.id)
    assert reposted is not None and reposted.thread_id not in (None, claim.thread_id)
    await runner.stop()
    bot = await runner.start()
    await runner.settle()
    await bot.suggestions.suggest(reposted, reposted.thread_id)
    assert thread_messages(world, reposted) == []
    (only,) = await bot.db.suggestions_for_claim(claim.id)
    assert (only.answer, only.answered_by) == ("not_same", moderator)


async def test_members_without_the_reviewer_role_cannot_answer(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    await library(ready, world.guild_id, fact_check(BRIDGE_URL, BRIDGE))
    claim = await posted(world, runner, BRIDGE_CLAIM)
    (message,) = thread_messages(world, claim)

    answer = await press(world, world.outsider, message, "same")
    await runner.settle()

    assert (answer["type"], answer["data"]["content"], answer["data"]["flags"]) == (
        4,
        "Only reviewers can answer these suggestions.",
        64,
    )
    unchanged = world.fake.message(claim.thread_id, int(message["id"]))  # type: ignore[arg-type]
    assert unchanged is not None and unchanged["content"] == message["content"]
    assert await ready.db.evidence_for(claim.id) == []
    (suggestion,) = await ready.db.suggestions_for_claim(claim.id)
    assert suggestion.answer is None
    denied = [
        e for e in await ready.db.audit_entries(world.guild_id) if "suggestion" in e["action"]
    ]
    assert [(e["action"], e["actor_id"]) for e in denied] == [
        ("denied_suggestion_answer", world.outsider)
    ]

    # Manage Server without the reviewer role: a moderator, who may always answer.
    by_admin = await press(world, world.admin, message, "not_same")
    assert (by_admin["type"], by_admin["data"]["components"]) == (7, [])


async def test_the_buttons_work_after_a_restart(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    await library(ready, world.guild_id, fact_check(BRIDGE_URL, BRIDGE, rating="Mostly true"))
    claim = await posted(world, runner, BRIDGE_CLAIM)
    (message,) = thread_messages(world, claim)
    await runner.stop()

    bot = await runner.start()
    answer = await press(world, world.reviewers[1], message, "same")
    await runner.settle()

    assert answer["data"]["content"].endswith(
        f"said <@{world.reviewers[1]}>: recorded as a source that supports this claim."
    )
    (source,) = await bot.db.evidence_for(claim.id)
    assert (source.url, source.stance) == (BRIDGE_URL, "supports")


async def test_a_paraphrase_is_posted_and_points_at_the_earlier_claim(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    first = await posted(world, runner, BRIDGE)
    assert first.message_id is not None and first.channel_id is not None
    first_link = jump_url(world.guild_id, first.channel_id, first.message_id)

    rec = await world.slash(world.outsider, "claim add", {"text": BRIDGE_CLAIM})
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    await runner.settle()
    second = await ready.db.claim_for_message(int(world.review_messages()[-1]["id"]))
    assert second is not None and second.message_id is not None
    second_link = jump_url(world.guild_id, world.review_channel_id, second.message_id)
    assert rec.final_content() == (
        "Posted 1 claim for review:\n"
        f"• [#{second.number}](<{second_link}>) Engineers found cracks in the Old Mill bridge in"
        f" Dunmore, which closed in 2024. — probably the same as [#{first.number}](<{first_link}>)"
        " (Unreviewed)"
    )
    (message,) = thread_messages(world, second)
    (suggestion,) = await ready.db.suggestions_for_claim(second.id)
    assert suggestion.matched_claim_id == first.id
    assert message["content"] == (
        f"🔎 **Already checked in this server?** (match {suggestion.score:.0%})\n"
        f"Claim [#{first.number}](<{first_link}>) · still open: Unreviewed\n"
        f"“{BRIDGE}”\n"
        "Reviewers: is it the same claim?"
    )
    assert thread_messages(world, first) == []  # the earlier claim's thread is left alone

    answer = await press(world, world.reviewers[0], message, "same")
    await runner.settle()
    assert answer["data"]["content"].endswith(
        "recorded as a source that gives context to this claim."
    )
    (source,) = await ready.db.evidence_for(second.id)
    assert (source.url, source.stance, source.title, source.note) == (
        first_link,
        "context",
        f"Claim #{first.number}: {BRIDGE}",
        f"Same as claim #{first.number}",
    )


async def test_a_near_miss_is_posted_with_no_pointer(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    """Same words, another year: a different claim, so no "probably the same"."""
    await posted(world, runner, BRIDGE)
    other_year = BRIDGE.replace("2024", "2019")
    rec = await world.slash(world.outsider, "claim add", {"text": other_year})
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    await runner.settle()
    second = await ready.db.claim_for_message(int(world.review_messages()[-1]["id"]))
    assert second is not None
    assert "probably the same" not in (rec.final_content() or "")
    assert await ready.db.suggestions_for_claim(second.id) == []
    assert thread_messages(world, second) == []


async def test_a_resolved_claim_of_the_server_lends_its_verdict(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    earlier = await posted(world, runner, SALT)
    resolve = await world.slash(
        world.moderator, "claim resolve", {"claim": earlier.number, "verdict": "verified_false"}
    )
    assert resolve.callback["data"]["content"].startswith(f"Claim #{earlier.number} is now")
    await runner.settle()

    claim = await posted(world, runner, "A nurse says a spoon of salt each morning cures migraine.")
    (message,) = thread_messages(world, claim)
    assert "· resolved **Verified false**\n" in message["content"]
    answer = await press(world, world.reviewers[2], message, "same")
    await runner.settle()
    assert answer["data"]["content"].endswith("recorded as a source that refutes this claim.")
    (source,) = await ready.db.evidence_for(claim.id)
    assert source.stance == "refutes"
    assert field(review_embed(world, claim), "Evidence") == "1"


async def test_claim_similar_lists_fact_checks_and_claims_with_scores(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    await library(
        ready,
        world.guild_id,
        fact_check(BRIDGE_URL, BRIDGE, publisher="Dunmore Checks", rating="False"),
        fact_check(SALT_URL, SALT, publisher="Health Desk", rating="Misleading"),
    )
    first = await posted(world, runner, BRIDGE)
    claim = await posted(world, runner, BRIDGE_CLAIM)

    rec = await world.slash(world.outsider, "claim similar", {"claim": claim.number})
    await world.fake.wait_for(lambda: bool(rec.final_content()))
    lines = (rec.final_content() or "").splitlines()
    assert rec.ephemeral
    assert lines[0] == f"Similar to claim #{claim.number}, best first:"
    scores = [int(line.split("%")[0].removeprefix("• ")) for line in lines[1:]]
    assert scores == sorted(scores, reverse=True)
    assert first.message_id is not None and first.channel_id is not None
    first_link = jump_url(world.guild_id, first.channel_id, first.message_id)
    assert {line.split("% · ", 1)[1] for line in lines[1:]} == {
        f"fact-check · **Dunmore Checks** · rated **False** on {RECENT}: “{BRIDGE}” <{BRIDGE_URL}>",
        f"claim [#{first.number}](<{first_link}>) (still open: Unreviewed): “{BRIDGE}”",
    }

    nothing = await world.slash(world.outsider, "claim similar", {"claim": 99})
    assert nothing.callback["data"]["content"] == "There is no claim #99 in this server."


async def test_servers_never_see_each_others_fact_checks_claims_or_suggestions(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    rival = build_world(world.fake, "Rival")
    await setup_review(rival)
    await library(ready, world.guild_id, fact_check(BRIDGE_URL, BRIDGE))
    await library(ready, ALL_SERVERS, fact_check(SALT_URL, SALT, publisher="Wire"))
    home_claim = await posted(world, runner, BRIDGE_CLAIM)
    (home_message,) = thread_messages(world, home_claim)
    (home_suggestion,) = await ready.db.suggestions_for_claim(home_claim.id)

    # The rival server posts the same claim: neither the home library nor the home claim is
    # suggested or pointed at; a fact-check imported for all servers is suggested to both.
    rec = await rival.slash(rival.outsider, "claim add", {"text": BRIDGE_CLAIM})
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    assert "probably the same" not in (rec.final_content() or "")
    salty = "A nurse says a spoon of salt each morning cures migraine."
    await add_claim(rival, ready, salty)
    await runner.settle()
    rival_claim, rival_salt = [
        c for c in await ready.db.all_claims(rival.guild_id) if c.thread_id is not None
    ]
    assert await ready.db.suggestions_for_claim(rival_claim.id) == []
    assert rival_claim.thread_id is not None and rival_salt.thread_id is not None
    assert [m for m in world.fake.messages_in(rival_claim.thread_id) if m["source"] == "rest"] == []
    (rival_message,) = [
        m for m in world.fake.messages_in(rival_salt.thread_id) if m["source"] == "rest"
    ]
    assert str(rival_message["content"]).splitlines()[1].startswith("**Wire** · rated **False**")

    similar = await rival.slash(rival.outsider, "claim similar", {"claim": rival_claim.number})
    await world.fake.wait_for(lambda: bool(similar.final_content()))
    shown = similar.final_content() or ""
    assert shown == (
        f"Nothing similar to claim #{rival_claim.number} among this server's fact-checks and"
        " claims."
    )

    # A button carrying the home server's suggestion id, pressed in the rival server.
    forged = world.fake.state.messages[int(rival_message["id"])]
    forged.components[0]["components"][0]["custom_id"] = (
        f"claimbot:suggest:{home_suggestion.id}:same"
    )
    answer = await press(
        rival, rival.reviewers[0], rival_message | {"components": forged.components}, "same"
    )
    assert answer["data"]["content"] == "That suggestion does not belong to this server."
    assert (await ready.db.suggestions_for_claim(home_claim.id))[0].answer is None
    assert await ready.db.evidence_for(home_claim.id) == []
    assert home_message["components"]


async def test_a_refused_suggestion_never_stops_the_claim_being_posted(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    await library(ready, world.guild_id, fact_check(BRIDGE_URL, BRIDGE))
    refused = world.fake.fail_next(
        "POST",
        rf"/channels/(?!{world.review_channel_id}/)\d+/messages",
        403,
        json={"code": 50001, "message": "Missing Access"},
    )
    rec = await world.slash(world.outsider, "claim add", {"text": BRIDGE_CLAIM})
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    await runner.settle()

    assert refused.remaining == 0
    claim = await ready.db.claim_for_message(int(world.review_messages()[-1]["id"]))
    assert claim is not None and claim.thread_id is not None
    assert thread_messages(world, claim) == []
    (suggestion,) = await ready.db.suggestions_for_claim(claim.id)
    assert (suggestion.message_id, suggestion.answer) == (None, None)
    problem = await ready.db.last_audit(world.guild_id, "discord_refused")
    assert problem is not None
    assert (problem["detail"]["what"], problem["detail"]["error"]) == (
        "post a suggestion in its thread",
        "Missing Access",
    )

    # Posted again (its review message deleted), the claim's thread gets it then.
    assert claim.message_id is not None
    await world.fake.delete_message(world.review_channel_id, claim.message_id)
    await runner.settle()
    reposted = await ready.db.get_claim(world.guild_id, claim.id)
    assert reposted is not None
    (message,) = thread_messages(world, reposted)
    assert str(message["content"]).startswith("🔎 **Already fact-checked?**")


async def test_a_failing_lookup_never_stops_the_claim_being_posted(
    ready: ClaimBot, runner: BotRunner, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("index exploded")

    ready.library.similar = broken  # type: ignore[method-assign, assignment]
    claim = await posted(world, runner, BRIDGE_CLAIM)
    assert thread_messages(world, claim) == []
    assert await ready.db.suggestions_for_claim(claim.id) == []
    assert [r.getMessage() for r in caplog.records if r.exc_info] == [
        f"background work suggest-{claim.id} failed"
    ]
