"""`/claimbot publish` and `/claim publish` through the fake Discord: moderators only (the
refusal audited), exact private replies that ping nobody, every change in the audit log,
and what `claimbot web` then reads."""

from __future__ import annotations

from bot.app.client import ClaimBot
from bot.core.records import PublishedSite
from tests.support.world import World, add_claim, setup_review

ON: dict[str, object] = {
    "state": "on",
    "organization": "Les Vérificateurs",
    "base_url": "https://Checks.example.org/",
}
PUBLISHING_ON = (
    "Publishing is on: the claims with a final or verified status are public at "
    "<https://checks.example.org/les-verificateurs/>, signed by Les Vérificateurs. Hold a "
    "claim back with `/claim publish claim:<number> state:off`."
)
NO_PINGS: dict[str, list[str]] = {"parse": []}


async def test_only_moderators_turn_publishing_on_and_off(
    bot: ClaimBot, world: World, neighbour: World
) -> None:
    await setup_review(world)

    refused = await world.slash(world.reviewers[0], "claimbot publish", ON)
    assert refused.ephemeral
    assert refused.callback["data"]["content"] == (
        "Only moderators can change publishing (the moderator role or Manage Server)."
    )
    assert await bot.db.published_site(world.guild_id) is None

    first = await world.slash(world.moderator, "claimbot publish", {"state": "on"})
    assert first.callback["data"]["content"] == (
        "The first time, give `organization` (who signs the pages) and `base_url` (the address "
        "they are served at, like https://checks.example.org)."
    )
    bad = await world.slash(
        world.moderator, "claimbot publish", {**ON, "base_url": "https://checks.example.org/x"}
    )
    assert bad.callback["data"]["content"] == (
        "`base_url` must be the site's address alone, with no path (like "
        "https://checks.example.org)."
    )

    on = await world.slash(world.moderator, "claimbot publish", ON)
    assert on.ephemeral
    assert on.callback["data"]["content"] == PUBLISHING_ON
    assert on.callback["data"]["allowed_mentions"] == NO_PINGS
    site = PublishedSite(
        guild_id=world.guild_id,
        slug="les-verificateurs",
        organization="Les Vérificateurs",
        base_url="https://checks.example.org",
        enabled=True,
    )
    assert await bot.db.published_site(world.guild_id) == site
    assert await bot.db.site_by_slug("les-verificateurs") == site

    # Another server cannot take the same slug.
    taken = await neighbour.slash(neighbour.admin, "claimbot publish", ON)
    assert taken.callback["data"]["content"] == (
        "Another server publishes at `les-verificateurs` already: choose another `slug`."
    )
    assert await bot.db.published_site(neighbour.guild_id) is None

    off = await world.slash(world.admin, "claimbot publish", {"state": "off"})
    assert off.callback["data"]["content"] == (
        "Publishing is off: this server's pages now answer “not found”."
    )
    assert await bot.db.site_by_slug("les-verificateurs") is None
    again = await world.slash(world.moderator, "claimbot publish", {"state": "on"})
    assert again.callback["data"]["content"] == PUBLISHING_ON  # the choices were kept

    audit = await bot.db.audit_entries(world.guild_id)
    assert [(e["actor_id"], e["action"]) for e in audit[:4]] == [
        (world.moderator, "publish"),
        (world.admin, "publish"),
        (world.moderator, "publish"),
        (world.reviewers[0], "denied_publish"),
    ]
    assert audit[1]["detail"] == {
        "enabled": False,
        "slug": "les-verificateurs",
        "organization": "Les Vérificateurs",
        "base_url": "https://checks.example.org",
    }


async def test_a_moderator_holds_a_claim_back_and_lets_it_back(bot: ClaimBot, world: World) -> None:
    await setup_review(world)
    await world.slash(world.moderator, "claimbot publish", ON)
    claim = await add_claim(world, bot)
    await world.slash(
        world.moderator, "claim resolve", {"claim": claim.number, "verdict": "verified_false"}
    )
    found = await bot.db.published_claim("les-verificateurs", claim.number)
    assert found is not None and found[1] is not None
    assert found[1].claim.status == "verified_false"

    refused = await world.slash(
        world.outsider, "claim publish", {"claim": claim.number, "state": "off"}
    )
    assert refused.ephemeral
    assert refused.callback["data"]["content"] == (
        "Only moderators can publish claims (the moderator role or Manage Server)."
    )
    assert not await bot.db.is_withheld(claim.id)

    held = await world.slash(
        world.moderator, "claim publish", {"claim": claim.number, "state": "off"}
    )
    assert held.ephemeral
    assert held.callback["data"]["content"] == (
        f"Claim #{claim.number} is held back: its public page answers “not found”."
    )
    assert held.callback["data"]["allowed_mentions"] == NO_PINGS
    assert await bot.db.is_withheld(claim.id)
    assert await bot.db.published_claim("les-verificateurs", claim.number) == (found[0], None)

    twice = await world.slash(
        world.moderator, "claim publish", {"claim": claim.number, "state": "off"}
    )
    assert twice.callback["data"]["content"] == (
        f"Nothing changed. Claim #{claim.number} is held back: its public page answers “not found”."
    )

    back = await world.slash(world.admin, "claim publish", {"claim": claim.number, "state": "on"})
    assert back.callback["data"]["content"] == (
        f"Claim #{claim.number} is no longer held back: it is public while this server "
        "publishes and the claim has a final or verified status."
    )
    assert await bot.db.published_claim("les-verificateurs", claim.number) == found

    missing = await world.slash(world.moderator, "claim publish", {"claim": 999, "state": "off"})
    assert missing.callback["data"]["content"] == "There is no claim #999 in this server."

    audit = await bot.db.audit_entries(world.guild_id)
    assert [(e["actor_id"], e["action"], e["claim_id"]) for e in audit[:4]] == [
        (world.admin, "publish_claim", claim.id),
        (world.moderator, "publish_claim", claim.id),
        (world.moderator, "publish_claim", claim.id),
        (world.outsider, "denied_publish", claim.id),
    ]
    assert [e["detail"] for e in audit[:3]] == [
        {"published": True, "changed": True},
        {"published": False, "changed": False},
        {"published": False, "changed": True},
    ]
