"""Claim numbers are per server: a second server's first claim is #1 everywhere its members
look, the first server's #1 stays its own, and an upgraded database renders again the
review messages whose number changed."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

from bot.core.records import ClaimRecord
from bot.core.shards import UNSHARDED
from bot.core.text import clip
from tests.fake_discord import InteractionRecord
from tests.support.world import BotRunner, World, add_claim, build_world, setup_review

HOME_FIRST = "The Port Averly council voted 9 to 2 on Tuesday to buy three electric ferries."
HOME_SECOND = "Port Averly spent 4 million euros on harbour repairs in 2024."
RIVAL_FIRST = "The Rival harbour authority counted 412 cruise ship visits in 2024."


def title(world: World, claim: ClaimRecord) -> str:
    message = world.fake.message(world.review_channel_id, claim.message_id)  # type: ignore[arg-type]
    assert message is not None
    return str(message["embeds"][0]["title"])


def review_link(world: World, claim: ClaimRecord) -> str:
    return (
        f"https://discord.com/channels/{world.guild_id}/{world.review_channel_id}/"
        f"{claim.message_id}"
    )


async def autocomplete(world: World, value: str) -> list[dict[str, object]]:
    rec = await world.fake.invoke_autocomplete(
        world.guild_id,
        world.general_channel_id,
        world.outsider,
        "claim status",
        focused="claim",
        value=value,
    )
    await rec.wait_response()
    return rec.choices or []


def attachment(world: World, rec: InteractionRecord) -> bytes:
    (request,) = [r for r in world.fake.requests if r.files and rec.token in r.path]
    return request.files[0].data


async def two_servers(runner: BotRunner, world: World) -> tuple[World, list[ClaimRecord]]:
    """Two claims in the first server, then a second server (its claims come after)."""
    rival = build_world(world.fake, "Rival")
    await runner.start()
    await setup_review(world)
    await setup_review(rival)
    assert runner.bot is not None
    home = [await add_claim(world, runner.bot, text) for text in (HOME_FIRST, HOME_SECOND)]
    return rival, home


async def test_the_second_server_counts_its_claims_from_one(
    runner: BotRunner, world: World
) -> None:
    rival, (home_first, home_second) = await two_servers(runner, world)
    assert runner.bot is not None
    db = runner.bot.db

    posted = await rival.slash(rival.outsider, "claim add", {"text": RIVAL_FIRST})
    await rival.fake.wait_for(lambda: (posted.final_content() or "").startswith("Posted"))
    theirs = await db.claim_for_message(int(rival.review_messages()[-1]["id"]))
    assert theirs is not None
    # The internal id stays global, unseen.
    assert (theirs.id, theirs.number) == (home_second.id + 1, 1)
    assert posted.final_content() == (
        f"Posted 1 claim for review:\n• [#1](<{review_link(rival, theirs)}>) {RIVAL_FIRST}"
    )
    message = rival.fake.message(rival.review_channel_id, theirs.message_id)  # type: ignore[arg-type]
    assert message is not None
    embed = message["embeds"][0]
    assert embed["title"] == "Claim #1 · Unreviewed"
    assert embed["footer"]["text"] == (
        "claim 1 · react to vote · discuss and link sources in the thread"
    )
    (thread,) = rival.fake.threads_of(theirs.message_id)  # type: ignore[arg-type]
    assert thread["name"] == clip(f"Claim #1: {RIVAL_FIRST}", 100)

    status = await rival.slash(rival.outsider, "claim status", {"claim": 1})
    shown = status.callback["data"]["embeds"][0]
    assert (shown["title"], shown["description"]) == ("Claim #1 · Unreviewed", RIVAL_FIRST)
    by_id = await rival.slash(rival.outsider, "claim status", {"claim": theirs.id})
    assert by_id.callback["data"]["content"] == f"There is no claim #{theirs.id} in this server."

    choice = {"name": clip(f"#1 · Unreviewed · {RIVAL_FIRST}", 100), "value": 1}
    for typed in ("1", "#1", "", "cruise"):
        assert await autocomplete(rival, typed) == [choice], typed
    assert await autocomplete(rival, str(theirs.id)) == []

    again = await rival.slash(rival.outsider, "claim add", {"text": RIVAL_FIRST})
    await rival.fake.wait_for(lambda: (again.final_content() or "").startswith("Already"))
    assert again.final_content() == (
        "Already under review, not posted again:\n"
        f"• [#1](<{review_link(rival, theirs)}>) {RIVAL_FIRST} (Unreviewed)"
    )
    listing = await rival.slash(rival.outsider, "claim list")
    assert listing.callback["data"]["embeds"][0]["description"] == (
        f"• [#1](<{review_link(rival, theirs)}>) {RIVAL_FIRST} (Unreviewed)"
    )
    sources = await rival.slash(rival.outsider, "evidence list", {"claim": 1})
    assert sources.callback["data"]["content"] == (
        "Claim #1 has no sources yet: `/evidence add` or post a link in its thread."
    )
    resolved = await rival.slash(
        rival.moderator, "claim resolve", {"claim": 1, "verdict": "verified_false"}
    )
    assert resolved.callback["data"]["content"] == (
        "Claim #1 is now Verified false (final until `/claim reopen`)."
    )
    await runner.settle()

    # The first server's #1 and #2 are untouched.
    home_status = await world.slash(world.outsider, "claim status", {"claim": 1})
    shown = home_status.callback["data"]["embeds"][0]
    assert (shown["title"], shown["description"]) == ("Claim #1 · Unreviewed", HOME_FIRST)
    assert [await db.claim_by_number(world.guild_id, n) for n in (1, 2)] == [
        await db.get_claim(world.guild_id, home_first.id),
        await db.get_claim(world.guild_id, home_second.id),
    ]
    assert title(world, home_first) == "Claim #1 · Unreviewed"
    assert title(world, home_second) == "Claim #2 · Unreviewed"
    assert title(rival, theirs) == "Claim #1 · Verified false"
    assert [c["value"] for c in await autocomplete(world, "")] == [2, 1]


async def test_exports_name_claims_by_their_number_in_the_server(
    runner: BotRunner, world: World
) -> None:
    rival, _ = await two_servers(runner, world)
    assert runner.bot is not None
    await add_claim(rival, runner.bot, RIVAL_FIRST)

    as_json = await rival.slash(rival.moderator, "claim export", {"format": "json"})
    await rival.fake.wait_for(lambda: bool(as_json.followups))
    (exported,) = json.loads(attachment(rival, as_json))
    as_csv = await rival.slash(rival.moderator, "claim export", {"format": "csv"})
    await rival.fake.wait_for(lambda: bool(as_csv.followups))
    (row,) = csv.DictReader(io.StringIO(attachment(rival, as_csv).decode("utf-8-sig")))
    home_json = await world.slash(world.moderator, "claim export", {"format": "json"})
    await world.fake.wait_for(lambda: bool(home_json.followups))
    home = json.loads(attachment(world, home_json))

    assert "id" not in exported and "id" not in row
    assert (exported["number"], exported["guild_id"], exported["text"]) == (
        1,
        str(rival.guild_id),
        RIVAL_FIRST,
    )
    assert (row["number"], row["guild_id"], row["text"]) == ("1", str(rival.guild_id), RIVAL_FIRST)
    assert [(c["number"], c["text"]) for c in home] == [(1, HOME_FIRST), (2, HOME_SECOND)]


async def test_an_upgrade_renders_again_the_messages_whose_number_changed(
    runner: BotRunner, world: World, neighbour: World
) -> None:
    rival, (home_first, home_second) = await two_servers(runner, world)
    assert runner.bot is not None
    theirs = await add_claim(rival, runner.bot, RIVAL_FIRST)
    # Stored first, the neighbour's claims have numbers equal to their ids: unchanged.
    unchanged = await runner.bot.db.all_claims(neighbour.guild_id)
    assert [(c.id, c.number) for c in unchanged] == [(1, 1), (2, 2), (3, 3)]
    changed = (home_first, home_second, theirs)
    assert all(c.id != c.number for c in changed)
    await runner.settle()
    await runner.stop()
    # Turn the database back into what claimbot wrote before migration 0006, and the
    # review messages into what it showed: the global id.
    with sqlite3.connect(runner.database) as conn:
        conn.execute("DROP INDEX claims_by_guild_number")
        conn.execute("ALTER TABLE claims DROP COLUMN number")
        conn.execute("DELETE FROM schema_migrations WHERE version = 6")
    fake = world.fake
    for claim in changed:
        assert claim.message_id is not None
        fake.state.messages[claim.message_id].embeds[0]["title"] = f"Claim #{claim.id} · Unreviewed"
    edits_before = {c.id: fake.edits_of(c.message_id) for c in (*unchanged, *changed)}  # type: ignore[arg-type]

    await runner.start()
    await runner.settle()

    assert [title(world, home_first), title(world, home_second), title(rival, theirs)] == [
        "Claim #1 · Unreviewed",
        "Claim #2 · Unreviewed",
        "Claim #1 · Unreviewed",
    ]
    edits = {
        c.id: fake.edits_of(c.message_id) - edits_before[c.id]  # type: ignore[arg-type]
        for c in (*unchanged, *changed)
    }
    assert edits == {**{c.id: 0 for c in unchanged}, **{c.id: 1 for c in changed}}
    assert runner.bot is not None
    assert await runner.bot.db.stale_review_messages(UNSHARDED, limit=10) == []


async def test_a_refused_edit_names_the_claim_by_its_number(
    runner: BotRunner, world: World
) -> None:
    rival, _ = await two_servers(runner, world)
    assert runner.bot is not None
    await rival.slash(
        rival.admin,
        "claimbot setup",
        {"review_channel": rival.review_channel_id, "alerts_channel": rival.general_channel_id},
    )
    theirs = await add_claim(rival, runner.bot, RIVAL_FIRST)
    rival.fake.fail_next(
        "PATCH",
        rf"/channels/\d+/messages/{theirs.message_id}",
        403,
        json={"message": "Missing Permissions", "code": 50013},
    )
    await rival.fake.user_add_reaction(
        rival.reviewers[0],
        rival.review_channel_id,
        theirs.message_id,  # type: ignore[arg-type]
        "❌",
    )
    await runner.settle()

    refusal = (
        "Discord refused to update its review message for claim #1: Missing Permissions. "
        f"Check my permissions in <#{rival.review_channel_id}>."
    )
    alerts = [
        m["content"]
        for m in rival.fake.messages_in(rival.general_channel_id)
        if m["author"]["id"] == str(rival.fake.bot_user_id)
    ]
    assert alerts == [
        f"⚠️ {refusal} Further problems in the next 10 minutes go only to "
        "`/claimbot settings` and the log."
    ]
    settings = await rival.slash(rival.admin, "claimbot settings")
    assert settings.callback["data"]["content"].splitlines()[-1].endswith(refusal)
