"""Status, list with pagination, search, autocomplete, stats and export, end to end."""

from __future__ import annotations

import csv
import io
import json
import sys
from functools import partial

import pytest

from bot.core.exports import claimreview_problems
from tests.fake_discord import InteractionRecord
from tests.support.world import BotRunner, World, setup_review

STATEMENTS = [
    f"Claim number {i}: the harbour line carried {1000 + i} passengers on its busiest day."
    for i in range(23)
]


def posted(rec: InteractionRecord) -> bool:
    return (rec.final_content() or "").startswith("Posted")


async def seed(world: World, runner: BotRunner, count: int = len(STATEMENTS)) -> list[int]:
    """Posts the statements; returns their numbers, in posting order."""
    numbers = []
    for text in STATEMENTS[:count]:
        rec = await world.slash(world.reviewers[0], "claim add", {"text": text})
        await world.fake.wait_for(partial(posted, rec))
    assert runner.bot is not None
    for message in world.review_messages():
        claim = await runner.bot.db.claim_for_message(int(message["id"]))
        assert claim is not None
        numbers.append(claim.number)
    return numbers


def page_footer(embed: dict[str, object]) -> str:
    return str(embed["footer"]["text"])  # type: ignore[index]


@pytest.mark.slow
async def test_list_pages_with_buttons_only_for_the_asker(runner: BotRunner, world: World) -> None:
    await runner.start()
    await setup_review(world)
    numbers = await seed(world, runner)

    rec = await world.slash(world.outsider, "claim list")
    first = rec.callback["data"]["embeds"][0]
    assert page_footer(first) == "Page 1 of 3 · 23 claim(s)"
    assert first["description"].splitlines()[0].startswith(f"• [#{numbers[-1]}]")
    buttons = rec.callback["data"]["components"][0]["components"]
    assert [(b["label"], b.get("disabled", False)) for b in buttons] == [
        ("Previous", True),
        ("Next", False),
    ]
    message = rec.original
    assert message is not None

    stranger = await world.fake.invoke_button(world.reviewers[1], message, buttons[1]["custom_id"])
    await stranger.wait_response()
    assert stranger.callback["data"]["content"] == (
        "These buttons belong to whoever ran `/claim list`: run it yourself."
    )

    click = await world.fake.invoke_button(world.outsider, message, buttons[1]["custom_id"])
    await click.wait_response()
    assert click.callback_type == 7
    second = click.callback["data"]["embeds"][0]
    assert page_footer(second) == "Page 2 of 3 · 23 claim(s)"
    assert second["description"].splitlines()[0].startswith(f"• [#{numbers[-11]}]")


async def test_list_filters_by_status_and_mine(runner: BotRunner, world: World) -> None:
    await runner.start()
    await setup_review(world)
    await seed(world, runner, count=3)
    mine = await world.slash(world.reviewers[0], "claim list", {"mine": True})
    assert page_footer(mine.callback["data"]["embeds"][0]) == "Page 1 of 1 · 3 claim(s)"
    theirs = await world.slash(world.outsider, "claim list", {"mine": True})
    assert theirs.callback["data"]["embeds"][0]["description"] == "No claims match."
    verified = await world.slash(world.outsider, "claim list", {"status": "verified_true"})
    assert page_footer(verified.callback["data"]["embeds"][0]) == "Page 1 of 1 · 0 claim(s)"


async def test_search_ranks_and_survives_fts_syntax(runner: BotRunner, world: World) -> None:
    await runner.start()
    await setup_review(world)
    numbers = await seed(world, runner, count=3)
    found = await world.slash(world.outsider, "claim search", {"query": "passengers 1001"})
    lines = found.callback["data"]["content"].splitlines()
    assert lines[0] == "Claims matching “passengers 1001”, best first:"
    assert len(lines) == 2 and lines[1].startswith(f"• [#{numbers[1]}]")
    for hostile in ['"unbalanced', "NEAR(a b)", "text:*", "a OR", "'; DROP TABLE claims; --", "*"]:
        rec = await world.slash(world.outsider, "claim search", {"query": hostile})
        content = rec.callback["data"]["content"]
        assert content.startswith(("No claim matches", "Claims matching")), content


async def test_autocomplete_by_number_and_words(runner: BotRunner, world: World) -> None:
    await runner.start()
    await setup_review(world)
    numbers = await seed(world, runner, count=3)

    async def choices(value: str) -> list[int]:
        rec = await world.fake.invoke_autocomplete(
            world.guild_id,
            world.general_channel_id,
            world.outsider,
            "claim status",
            focused="claim",
            value=value,
        )
        await rec.wait_response()
        return [int(c["value"]) for c in rec.choices or []]

    assert await choices("") == list(reversed(numbers))
    assert await choices(f"#{numbers[0]}") == [numbers[0]]
    assert await choices("1002 passeng") == [numbers[2]]
    assert await choices("zzz") == []


async def test_stats(runner: BotRunner, world: World) -> None:
    bot = await runner.start()
    await setup_review(world)
    (number,) = await seed(world, runner, count=1)
    claim = await bot.db.claim_by_number(world.guild_id, number)
    assert claim is not None and claim.message_id is not None
    for reviewer in world.reviewers[:2]:
        await world.fake.user_add_reaction(
            reviewer, world.review_channel_id, claim.message_id, "✅"
        )
    await runner.settle()
    rec = await world.slash(world.outsider, "claim stats")
    embed = rec.callback["data"]["embeds"][0]
    assert embed["title"] == "Review stats · 1 claim(s)"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["By status"] == "`████████████` Needs review: 1"
    assert fields["Agreement"] == (
        "100% of votes side with the leading vote (claims with 2+ votes)"
    )
    assert embed["image"]["url"] == "attachment://claim-stats.png"
    (upload,) = [r for r in world.fake.requests if r.files and rec.token in r.path]
    assert upload.files[0].filename == "claim-stats.png"
    assert upload.files[0].data.startswith(b"\x89PNG")


async def test_export_needs_a_moderator_and_attaches_files(runner: BotRunner, world: World) -> None:
    bot = await runner.start()
    await setup_review(world)
    numbers = await seed(world, runner, count=2)
    denied = await world.slash(world.reviewers[0], "claim export", {"format": "csv"})
    assert denied.callback["data"]["content"] == (
        "Only moderators can export claims (the moderator role or Manage Server)."
    )
    await world.slash(
        world.moderator, "claim resolve", {"claim": numbers[0], "verdict": "verified_false"}
    )

    def attachment(rec: object) -> bytes:
        (request,) = [
            r
            for r in world.fake.requests
            if r.files and rec.token in r.path  # type: ignore[attr-defined]
        ]
        return request.files[0].data

    rec = await world.slash(world.moderator, "claim export", {"format": "csv"})
    await world.fake.wait_for(lambda: bool(rec.followups))
    rows = list(csv.DictReader(io.StringIO(attachment(rec).decode("utf-8-sig"))))
    assert [int(r["number"]) for r in rows] == numbers
    assert rows[0]["status"] == "verified_false"

    rec = await world.slash(world.admin, "claim export", {"format": "json"})
    await world.fake.wait_for(lambda: bool(rec.followups))
    data = json.loads(attachment(rec))
    assert [d["number"] for d in data] == numbers
    assert data[1]["votes"] == {"supported": 0, "refuted": 0, "unverifiable": 0, "misleading": 0}

    rec = await world.slash(world.moderator, "claim export", {"format": "claimreview"})
    await world.fake.wait_for(lambda: bool(rec.followups))
    reviews = json.loads(attachment(rec))
    assert len(reviews) == 1
    assert reviews[0]["claimReviewed"] == STATEMENTS[0]
    assert reviews[0]["reviewRating"]["alternateName"] == "False"
    assert claimreview_problems(reviews[0]) == []
    assert rec.followups[0]["content"] == "1 claim(s) exported as claimreview."
    actions = [e["action"] for e in await bot.db.audit_entries(world.guild_id, limit=4)]
    assert actions[:3] == ["export", "export", "export"]


async def test_list_buttons_expire_cleanly(
    runner: BotRunner, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await runner.start()
    # load_extension executes the cog module afresh: patch the instance the bot loaded.
    monkeypatch.setattr(sys.modules["cogs.claims.queries"], "LIST_TIMEOUT_SECONDS", 0.3)
    await setup_review(world)
    await seed(world, runner, count=12)
    rec = await world.slash(world.outsider, "claim list")

    def disabled() -> list[bool]:
        components = rec.final_components()
        return [bool(b.get("disabled")) for b in components[0]["components"]] if components else []

    await world.fake.wait_for(lambda: disabled() == [True, True], timeout=5)
