"""The checks every command shares: a server, a claim of that server, a moderator (with the
refusal kept in the audit log)."""

from __future__ import annotations

from tests.fake_discord import InteractionRecord
from tests.support.world import BotRunner, World, add_claim, setup_review

OUTSIDE_A_SERVER = "This command only works inside a server."


def sent_from_a_dm(world: World, rec: InteractionRecord) -> InteractionRecord:
    """The fake builds interactions inside a server only: make this one look like it came
    from a DM with the bot (no guild, no member, a DM channel), as a stale command, or a
    client that ignores `dm_permission`, could still send it, and dispatch it."""
    payload = rec.payload
    for key in ("guild_id", "guild", "member", "guild_locale"):
        payload.pop(key)
    user = world.fake.state.user_payload(rec.user_id)
    payload["user"] = user
    payload["channel"] = {"id": str(rec.channel_id), "type": 1, "recipients": [user]}
    payload["context"] = 1  # BOT_DM
    world.fake.gateway.dispatch("INTERACTION_CREATE", payload)
    return rec


async def test_commands_sent_from_a_dm_get_the_short_refusal(
    runner: BotRunner, world: World
) -> None:
    bot = await runner.start()
    await setup_review(world)
    await add_claim(world, bot)
    posted = await world.fake.user_send_message(
        world.reviewers[0], world.general_channel_id, "The ferry cost 3 million euros in 2024."
    )
    fake = world.fake
    commands: list[tuple[int, str, dict[str, object]]] = [
        (world.outsider, "claimbot ping", {}),
        (world.outsider, "claim status", {"claim": 1}),
        (world.outsider, "claim list", {}),
        (world.outsider, "claim add", {"text": "The ferries cost 3 million euros in 2024."}),
        (world.moderator, "claim export", {"format": "csv"}),
        (world.outsider, "evidence list", {"claim": 1}),
        (world.outsider, "evidence remove", {"claim": 1, "source": 1}),
        (world.moderator, "factchecks import", {"url": "http://news.test/feed.json"}),
        (world.outsider, "factchecks search", {"query": "ferries cost"}),
        (world.outsider, "factchecks stats", {}),
    ]
    asked = [
        fake.registry.slash(world.guild_id, world.general_channel_id, user, command, options)
        for user, command, options in commands
    ]
    asked.append(
        fake.registry.message_context_menu(
            world.outsider, "Extract claims", fake.state.messages[int(posted["id"])]
        )
    )
    audit = await bot.db.audit_entries(world.guild_id)
    for rec in asked:
        sent_from_a_dm(world, rec)
        await rec.wait_response()
        assert (rec.callback_type, rec.final_content(), rec.ephemeral) == (
            4,
            OUTSIDE_A_SERVER,
            True,
        ), rec.command_name
    await runner.settle()
    _, claims = await bot.db.list_claims(
        world.guild_id, status=None, submitter_id=None, offset=0, limit=10
    )
    assert claims == 1  # only the one added before: `claim add` from a DM stored nothing
    assert await bot.db.audit_entries(world.guild_id) == audit


async def test_every_command_is_synced_for_servers_only(runner: BotRunner, world: World) -> None:
    await runner.start()
    synced = {
        cmd.name: (cmd.data.get("dm_permission"), cmd.data.get("contexts"))
        for cmd in world.fake.state.global_commands.values()
    }
    assert synced == {
        name: (False, [0])
        for name in ("claim", "claimbot", "evidence", "factchecks", "Extract claims")
    }


async def test_a_non_moderator_export_is_refused_and_audited(
    runner: BotRunner, world: World
) -> None:
    bot = await runner.start()
    await setup_review(world)
    denied = await world.slash(world.reviewers[0], "claim export", {"format": "json"})
    assert denied.callback["data"]["content"] == (
        "Only moderators can export claims (the moderator role or Manage Server)."
    )
    (entry,) = await bot.db.audit_entries(world.guild_id, limit=1)
    assert (entry["action"], entry["actor_id"], entry["claim_id"]) == (
        "denied_export",
        world.reviewers[0],
        None,
    )


async def test_removing_someone_elses_source_is_refused_and_audited(
    runner: BotRunner, world: World
) -> None:
    bot = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, bot)
    item, _ = await bot.db.add_evidence(
        guild_id=world.guild_id,
        claim_id=claim.id,
        url="https://example.org/ferries",
        normalized_url="https://example.org/ferries",
        stance="supports",
        note=None,
        added_by=world.reviewers[0],
        origin="command",
    )
    refused = await world.slash(
        world.reviewers[1], "evidence remove", {"claim": claim.number, "source": 1}
    )
    assert refused.callback["data"]["content"] == (
        "Only the member who added a source, or a moderator, can remove it."
    )
    (entry,) = await bot.db.audit_entries(world.guild_id, limit=1)
    assert (entry["action"], entry["actor_id"], entry["claim_id"], entry["detail"]) == (
        "denied_evidence_remove",
        world.reviewers[1],
        claim.id,
        {"source": 1, "evidence_id": item.id},
    )
    own = await world.slash(
        world.reviewers[0], "evidence remove", {"claim": claim.number, "source": 1}
    )
    assert own.callback["data"]["content"] == f"Removed source #1 from claim #{claim.number}."
    assert await bot.db.evidence_for(claim.id) == []
