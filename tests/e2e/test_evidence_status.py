"""Evidence and the status model through Discord: the path to verified, disputes,
moderator verdicts, thread links and refused links."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app.client import ClaimBot
from bot.core.records import ClaimRecord
from tests.e2e.hosts import EVIDENCE_PAGE, local_fetcher, web_host
from tests.support.world import BotRunner, World, add_claim, setup_review


@pytest.fixture
async def host() -> AsyncIterator[str]:
    async with web_host({"/ferries": EVIDENCE_PAGE}) as base:
        yield base


@pytest.fixture
async def ready(runner: BotRunner, world: World) -> ClaimBot:
    bot = await runner.start()
    bot.evidence.fetcher = local_fetcher()
    await setup_review(world)
    return bot


async def vote(world: World, claim: ClaimRecord, user: int, emoji: str) -> None:
    assert claim.message_id is not None
    await world.fake.user_add_reaction(user, world.review_channel_id, claim.message_id, emoji)


def title(world: World, claim: ClaimRecord) -> str:
    message = world.fake.message(world.review_channel_id, claim.message_id)  # type: ignore[arg-type]
    assert message is not None
    return str(message["embeds"][0]["title"])


async def test_needs_review_then_likely_true_then_verified_true(
    ready: ClaimBot, runner: BotRunner, world: World, host: str
) -> None:
    claim = await add_claim(world, ready)
    r1, r2, r3 = world.reviewers
    await vote(world, claim, r1, "✅")
    await vote(world, claim, r2, "✅")
    await runner.settle()
    assert title(world, claim) == f"Claim #{claim.number} · Needs review"

    await vote(world, claim, r3, "✅")
    await runner.settle()
    assert title(world, claim) == f"Claim #{claim.number} · Likely true"

    rec = await world.slash(
        r1, "evidence add", {"claim": claim.number, "url": f"{host}/ferries", "stance": "supports"}
    )
    await world.fake.wait_for(lambda: bool(rec.final_content()))
    assert rec.final_content() == (
        f"Added a source that supports claim #{claim.number} "
        "(“Council confirms three electric ferries”)."
    )
    await runner.settle()
    assert title(world, claim) == f"Claim #{claim.number} · Verified true"
    stored = await ready.db.get_claim(world.guild_id, claim.id)
    assert stored is not None
    assert stored.explanation == (
        "Verified true: 3 of 3 reviewers support it; 1 source supports it, none refute it"
    )
    (item,) = await ready.db.evidence_for(claim.id)
    assert (item.site_name, item.canonical_url, item.fetch_status) == (
        "Coastal Ledger",
        "http://news.test/ferries",
        "ok",
    )

    status = await world.slash(world.outsider, "claim status", {"claim": claim.number})
    embed = status.callback["data"]["embeds"][0]
    assert embed["title"] == f"Claim #{claim.number} · Verified true"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Sources linked"] == (
        f"supports: [Council confirms three electric ferries]({host}/ferries)"
    )


async def test_split_vote_is_disputed(ready: ClaimBot, runner: BotRunner, world: World) -> None:
    claim = await add_claim(world, ready)
    r1, r2, r3 = world.reviewers
    await vote(world, claim, r1, "✅")
    await vote(world, claim, r2, "❌")
    await vote(world, claim, r3, "❓")
    await runner.settle()
    assert title(world, claim) == f"Claim #{claim.number} · Disputed"


async def test_resolution_holds_until_reopened(
    ready: ClaimBot, runner: BotRunner, world: World
) -> None:
    claim = await add_claim(world, ready)
    denied = await world.slash(
        world.reviewers[0], "claim resolve", {"claim": claim.number, "verdict": "verified_false"}
    )
    assert denied.callback["data"]["content"] == (
        "Only moderators can resolve claims (the moderator role or Manage Server)."
    )
    audit = await ready.db.audit_entries(world.guild_id, limit=1)
    assert (audit[0]["action"], audit[0]["actor_id"]) == ("denied_resolve", world.reviewers[0])

    done = await world.slash(
        world.moderator,
        "claim resolve",
        {"claim": claim.number, "verdict": "verified_false", "note": "Council minutes show 5 to 6"},
    )
    assert done.callback["data"]["content"] == (
        f"Claim #{claim.number} is now Verified false (final until `/claim reopen`)."
    )
    for reviewer in world.reviewers:
        await vote(world, claim, reviewer, "✅")
    await runner.settle()
    assert title(world, claim) == f"Claim #{claim.number} · Verified false"

    reopened = await world.slash(world.moderator, "claim reopen", {"claim": claim.number})
    assert (
        reopened.callback["data"]["content"] == f"Claim #{claim.number} is open again: Likely true."
    )
    await runner.settle()
    assert title(world, claim) == f"Claim #{claim.number} · Likely true"
    actions = [e["action"] for e in await ready.db.audit_entries(world.guild_id)]
    assert actions[:3] == ["reopen", "resolve", "denied_resolve"]


async def test_thread_links_become_context_evidence(
    ready: ClaimBot, runner: BotRunner, world: World, host: str
) -> None:
    claim = await add_claim(world, ready)
    assert claim.thread_id is not None
    posted = await world.fake.user_send_message(
        world.reviewers[0], claim.thread_id, f"Minutes are here: {host}/ferries?utm_source=x"
    )
    await runner.settle()
    (item,) = await ready.db.evidence_for(claim.id)
    assert (item.stance, item.title, item.added_by) == (
        "context",
        "Council confirms three electric ferries",
        world.reviewers[0],
    )
    assert world.fake.reactions(int(posted["id"])) == {"📎": {world.fake.bot_user_id}}

    # Setting the stance: /evidence add with the same link, by whoever posted it, updates it.
    rec = await world.slash(
        world.reviewers[0],
        "evidence add",
        {"claim": claim.number, "url": f"{host}/ferries", "stance": "refutes"},
    )
    await world.fake.wait_for(lambda: bool(rec.final_content()))
    assert rec.final_content() == (
        f"That source was already linked to claim #{claim.number}; its stance is now refutes."
    )
    (item,) = await ready.db.evidence_for(claim.id)
    assert item.stance == "refutes"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.2/admin", "private or internal network address"),
        ("http://169.254.169.254/latest/meta-data/", "private or internal network address"),
        ("http://[::1]/", "private or internal network address"),
        ("http://2130706433/", "private or internal network address"),
        ("file:///etc/passwd", "http"),
        ("http://intranet.test/", "private or internal network address"),
        ("{host}/to-metadata", "redirect"),
    ],
)
async def test_forbidden_links_are_refused(
    ready: ClaimBot, world: World, host: str, url: str, reason: str
) -> None:
    claim = await add_claim(world, ready)
    rec = await world.slash(
        world.reviewers[0],
        "evidence add",
        {"claim": claim.number, "url": url.format(host=host), "stance": "supports"},
    )
    await world.fake.wait_for(
        lambda: bool(rec.final_content()) or bool(rec.followups) or rec.callback_type == 4
    )
    answer = rec.final_content() or (rec.followups[0]["content"] if rec.followups else "")
    answer = answer or rec.callback["data"]["content"]
    assert reason in answer.lower()
    assert await ready.db.evidence_for(claim.id) == []


async def test_only_the_adder_or_a_moderator_removes_evidence(
    ready: ClaimBot, runner: BotRunner, world: World, host: str
) -> None:
    claim = await add_claim(world, ready)
    rec = await world.slash(
        world.reviewers[0],
        "evidence add",
        {"claim": claim.number, "url": f"{host}/ferries", "stance": "context"},
    )
    await world.fake.wait_for(lambda: bool(rec.final_content()))
    (item,) = await ready.db.evidence_for(claim.id)
    assert item.number == 1 and item.archived_at is not None
    listing = await world.slash(world.outsider, "evidence list", {"claim": claim.number})
    assert listing.callback["data"]["content"] == (
        f"Sources for claim #{claim.number}:\n"
        f"#1 context: [Council confirms three electric ferries]({host}/ferries)"
        f" (archived <t:{int(item.archived_at)}:d>)"
    )
    refused = await world.slash(
        world.reviewers[1], "evidence remove", {"claim": claim.number, "source": 1}
    )
    assert refused.callback["data"]["content"] == (
        "Only the member who added a source, or a moderator, can remove it."
    )
    removed = await world.slash(
        world.moderator, "evidence remove", {"claim": claim.number, "source": 1}
    )
    assert removed.callback["data"]["content"] == f"Removed source #1 from claim #{claim.number}."
    assert await ready.db.evidence_for(claim.id) == []


@pytest.mark.slow
async def test_a_hanging_page_never_blocks_the_reply(
    ready: ClaimBot, runner: BotRunner, world: World, host: str
) -> None:
    from bot.services.evidence import EVIDENCE_CONTENT_TYPES
    from bot.web.fetcher import FetchLimits, SafeFetcher
    from tests.e2e.hosts import LOOPBACK_ONLY, local_resolver

    ready.evidence.fetcher = SafeFetcher(
        FetchLimits(total_timeout=4.0, read_timeout=4.0),
        resolver=local_resolver,
        allowed_content_types=EVIDENCE_CONTENT_TYPES,
        _allow_networks_for_tests=LOOPBACK_ONLY,
    )
    claim = await add_claim(world, ready)
    rec = await world.slash(
        world.reviewers[0],
        "evidence add",
        {"claim": claim.number, "url": f"{host}/hang", "stance": "supports"},
    )
    await world.fake.wait_for(lambda: bool(rec.final_content()), timeout=5)
    assert rec.final_content() == (
        f"Added a source that supports claim #{claim.number} (still fetching its title)."
    )
    (item,) = await ready.db.evidence_for(claim.id)
    assert item.fetch_status == "pending"
    await runner.settle()
    (item,) = await ready.db.evidence_for(claim.id)
    assert item.fetch_status == "unreachable"
    assert item.fetch_error is not None and "too long" in item.fetch_error.lower()
