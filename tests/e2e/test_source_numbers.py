"""A claim's sources are numbered per claim (#1, #2, ...), never by the row id every server
shares: a member cannot watch the ids grow to learn how busy other servers are, and a
removed source's number is never given again, so "source 2" always names the same link."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app.client import ClaimBot
from bot.core.records import ClaimRecord
from tests.e2e.hosts import local_fetcher, web_host
from tests.support.world import BotRunner, World, add_claim, build_world, setup_review

RIVAL_CLAIM = "The Rival harbour authority counted 412 cruise ship visits in 2024."
PAGES = {
    "/tender": "Ferry tender results",
    "/budget": "Harbour budget 2024",
    "/vote": "Council minutes of Tuesday",
    "/cruise": "Cruise visits in 2024",
    "/berths": "New berths at the Rival quay",
}


def page(title: str) -> str:
    return (
        f"<!doctype html><html><head><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>The figures are in the report.</p></article>"
        "</body></html>"
    )


@pytest.fixture
async def host() -> AsyncIterator[str]:
    async with web_host({path: page(title) for path, title in PAGES.items()}) as base:
        yield base


@pytest.fixture
async def ready(runner: BotRunner, world: World) -> ClaimBot:
    bot = await runner.start()
    bot.evidence.fetcher = local_fetcher()
    await setup_review(world)
    return bot


async def add_source(
    world: World, claim: ClaimRecord, user: int, url: str, stance: str = "supports"
) -> None:
    rec = await world.slash(
        user, "evidence add", {"claim": claim.number, "url": url, "stance": stance}
    )
    await world.fake.wait_for(lambda: bool(rec.final_content()))
    assert (rec.final_content() or "").startswith("Added a source"), rec.final_content()


async def archived(bot: ClaimBot, claim: ClaimRecord) -> list[str]:
    """What `/evidence list` adds after each of the claim's sources: when it was archived."""
    return [
        f" (archived <t:{int(item.archived_at or 0)}:d>)"
        for item in await bot.db.evidence_for(claim.id)
    ]


async def listing(world: World, claim: ClaimRecord) -> str:
    rec = await world.slash(world.outsider, "evidence list", {"claim": claim.number})
    return str(rec.callback["data"]["content"])


async def source_choices(
    world: World, claim_number: object, typed: str = ""
) -> list[dict[str, object]]:
    rec = await world.fake.invoke_autocomplete(
        world.guild_id,
        world.general_channel_id,
        world.reviewers[0],
        "evidence remove",
        focused="source",
        value=typed,
        options={"claim": claim_number},
    )
    await rec.wait_response()
    return rec.choices or []


async def rival_server(world: World, bot: ClaimBot) -> tuple[World, ClaimRecord]:
    """A second server on the same bot, with its own claim #1."""
    rival = build_world(world.fake, "Rival")
    await setup_review(rival)
    return rival, await add_claim(rival, bot, RIVAL_CLAIM)


async def test_each_server_lists_its_sources_from_one(
    ready: ClaimBot, world: World, host: str
) -> None:
    home_claim = await add_claim(world, ready)
    rival, rival_claim = await rival_server(world, ready)
    assert (home_claim.number, rival_claim.number) == (1, 1)
    await add_source(world, home_claim, world.reviewers[0], f"{host}/tender")
    await add_source(world, home_claim, world.reviewers[1], f"{host}/budget", "refutes")
    await add_source(rival, rival_claim, rival.reviewers[0], f"{host}/cruise")
    await add_source(rival, rival_claim, rival.reviewers[1], f"{host}/berths", "context")
    await add_source(world, home_claim, world.reviewers[0], f"{host}/vote")

    t1, t2, t3 = await archived(ready, home_claim)
    assert await listing(world, home_claim) == (
        "Sources for claim #1:\n"
        f"#1 supports: [Ferry tender results]({host}/tender){t1}\n"
        f"#2 refutes: [Harbour budget 2024]({host}/budget){t2}\n"
        f"#3 supports: [Council minutes of Tuesday]({host}/vote){t3}"
    )
    r1, r2 = await archived(ready, rival_claim)
    assert await listing(rival, rival_claim) == (
        "Sources for claim #1:\n"
        f"#1 supports: [Cruise visits in 2024]({host}/cruise){r1}\n"
        f"#2 context: [New berths at the Rival quay]({host}/berths){r2}"
    )
    # The rows behind them are numbered across both servers, and stay unseen.
    rows = await ready.db.evidence_for(rival_claim.id)
    assert [(item.id, item.number) for item in rows] == [(3, 1), (4, 2)]


async def test_a_removed_sources_number_is_never_given_again(
    ready: ClaimBot, world: World, host: str
) -> None:
    claim = await add_claim(world, ready)
    adder = world.reviewers[0]
    await add_source(world, claim, adder, f"{host}/tender")
    await add_source(world, claim, adder, f"{host}/budget", "refutes")
    (first, _) = await ready.db.evidence_for(claim.id)

    removed = await world.slash(adder, "evidence remove", {"claim": 1, "source": 1})
    assert removed.callback["data"]["content"] == "Removed source #1 from claim #1."
    (entry,) = await ready.db.audit_entries(world.guild_id, limit=1)
    assert (entry["action"], entry["actor_id"], entry["claim_id"], entry["detail"]) == (
        "evidence_remove",
        adder,
        claim.id,
        {"source": 1, "evidence_id": first.id},
    )
    again = await world.slash(adder, "evidence remove", {"claim": 1, "source": 1})
    assert again.callback["data"]["content"] == "Claim #1 has no source #1."

    await add_source(world, claim, adder, f"{host}/vote")
    await add_source(world, claim, adder, f"{host}/tender")  # the removed link, linked again
    t2, t3, t4 = await archived(ready, claim)
    assert await listing(world, claim) == (
        "Sources for claim #1:\n"
        f"#2 refutes: [Harbour budget 2024]({host}/budget){t2}\n"
        f"#3 supports: [Council minutes of Tuesday]({host}/vote){t3}\n"
        f"#4 supports: [Ferry tender results]({host}/tender){t4}"
    )
    unknown = await world.slash(adder, "evidence remove", {"claim": 1, "source": 9})
    assert unknown.callback["data"]["content"] == "Claim #1 has no source #9."


async def test_a_moderator_removal_is_audited_with_the_number_and_the_row(
    ready: ClaimBot, world: World, host: str
) -> None:
    claim = await add_claim(world, ready)
    await add_source(world, claim, world.reviewers[0], f"{host}/tender")
    await add_source(world, claim, world.reviewers[0], f"{host}/budget")
    (_, second) = await ready.db.evidence_for(claim.id)
    removed = await world.slash(world.moderator, "evidence remove", {"claim": 1, "source": 2})
    assert removed.callback["data"]["content"] == "Removed source #2 from claim #1."
    (entry,) = await ready.db.audit_entries(world.guild_id, limit=1)
    assert (entry["action"], entry["actor_id"], entry["claim_id"], entry["detail"]) == (
        "evidence_remove",
        world.moderator,
        claim.id,
        {"source": 2, "evidence_id": second.id},
    )


async def test_autocomplete_offers_the_claims_sources_in_this_server_only(
    ready: ClaimBot, world: World, host: str
) -> None:
    home_claim = await add_claim(world, ready)
    rival, rival_claim = await rival_server(world, ready)
    await add_source(world, home_claim, world.reviewers[0], f"{host}/tender")
    await add_source(world, home_claim, world.reviewers[0], f"{host}/budget", "refutes")
    await add_source(world, home_claim, world.reviewers[0], f"{host}/vote", "context")
    await add_source(rival, rival_claim, rival.reviewers[0], f"{host}/cruise")
    short = host.removeprefix("http://")

    assert await source_choices(world, 1) == [
        {"name": f"1 · supports · {short}/tender", "value": 1},
        {"name": f"2 · refutes · {short}/budget", "value": 2},
        {"name": f"3 · context · {short}/vote", "value": 3},
    ]
    assert await source_choices(rival, 1) == [
        {"name": f"1 · supports · {short}/cruise", "value": 1}
    ]
    assert await source_choices(world, 1, "#2") == [
        {"name": f"2 · refutes · {short}/budget", "value": 2}
    ]
    assert await source_choices(world, 1, "minutes") == [  # words of its title
        {"name": f"3 · context · {short}/vote", "value": 3}
    ]
    assert await source_choices(world, 1, "7") == []
    assert await source_choices(rival, 2) == []  # no claim #2 in that server

    removed = await world.slash(world.reviewers[0], "evidence remove", {"claim": 1, "source": 1})
    assert removed.callback["data"]["content"] == "Removed source #1 from claim #1."
    assert [choice["value"] for choice in await source_choices(world, 1)] == [2, 3]
