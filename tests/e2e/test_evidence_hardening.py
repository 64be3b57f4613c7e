"""Evidence under hostile pages and members: a charset that cannot decode, a fetch that fails
in any way, a crash with fetches pending, stance changes by someone else, non-reviewers, and
page titles written as Markdown links."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from bot.app.client import ClaimBot
from bot.core.records import ClaimRecord, EvidenceRecord
from bot.core.urls import normalize_url
from bot.storage.database import Database
from tests.e2e.hosts import EVIDENCE_PAGE, local_fetcher, serve
from tests.e2e.test_hostile import answer
from tests.support.world import BotRunner, World, add_claim, setup_review

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

IDNA = "text/html; charset=idna"
UTF8 = "text/html; charset=utf-8"
FERRIES_TITLE = "Council confirms three electric ferries"
HOSTILE_TITLE = "[Official WHO report](https://evil.example/phish)"
HOSTILE_ESCAPED = r"\[Official WHO report\]\(https\://evil.example/phish\)"
ARTICLE = (
    "<!DOCTYPE html><html><head><title>Ferries</title></head><body><article>"
    "<p>The Café Council of Port Averly spent 3 million euros on electric ferries in 2024.</p>"
    "</article></body></html>"
)
PAGES: dict[str, tuple[bytes, str]] = {
    "/ferries": (EVIDENCE_PAGE.encode(), UTF8),
    # Declared as idna, which passes codecs.lookup but raises on every decode.
    "/idna": (EVIDENCE_PAGE.encode(), IDNA),
    "/idna-cp1252": (
        "<html><head><title>Le café des ferries</title></head><body>…</body></html>".encode(
            "cp1252"
        ),
        IDNA,
    ),
    "/article-idna": (ARTICLE.encode("cp1252"), IDNA),
    "/hostile": (
        f"<html><head><title>{HOSTILE_TITLE}</title></head><body>Report</body></html>".encode(),
        UTF8,
    ),
}


@asynccontextmanager
async def page_host(gate: asyncio.Event) -> AsyncIterator[str]:
    """Serve PAGES with their exact bytes and Content-Type, and under /gated/ the same pages
    once `gate` is set (so a fetch is still running when the reply is sent); yields
    "http://news.test:PORT"."""
    app = web.Application()

    def page(body: bytes, content_type: str, *, gated: bool) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            if gated:
                await gate.wait()
            return web.Response(body=body, headers={"Content-Type": content_type})

        return handler

    for path, (body, content_type) in PAGES.items():
        app.router.add_get(path, page(body, content_type, gated=False))
        app.router.add_get(f"/gated{path}", page(body, content_type, gated=True))
    async with serve(app) as base:
        yield base


@pytest.fixture(autouse=True)
def title_in_the_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replies wait for the local page however loaded the machine is; the background path
    is reached deterministically through /gated/ instead."""
    monkeypatch.setattr("bot.services.evidence.QUICK_ANSWER_SECONDS", 10.0)


@pytest.fixture
def gate() -> asyncio.Event:
    return asyncio.Event()


@pytest.fixture
async def host(gate: asyncio.Event) -> AsyncIterator[str]:
    async with page_host(gate) as base:
        yield base


@pytest.fixture
async def ready(runner: BotRunner, world: World) -> ClaimBot:
    bot = await runner.start()
    bot.evidence.fetcher = local_fetcher()
    bot.fetcher = local_fetcher()
    await setup_review(world)
    return bot


async def add_source(
    world: World, user: int, claim: ClaimRecord, url: str, stance: str, note: str | None = None
) -> str:
    options: dict[str, object] = {"claim": claim.number, "url": url, "stance": stance}
    if note is not None:
        options["note"] = note
    return await answer(world, await world.slash(user, "evidence add", options))


async def listing(world: World, claim: ClaimRecord) -> str:
    return await answer(
        world, await world.slash(world.outsider, "evidence list", {"claim": claim.number})
    )


def archived(item: EvidenceRecord) -> str:
    """What `/evidence list` adds after a source the bot archived."""
    return f" (archived <t:{int(item.archived_at or 0)}:d>)"


def escaped(host: str) -> str:
    """`http://news.test:PORT` as a link label shows it: its colons escaped."""
    return host.replace(":", r"\:")


def review_embed(world: World, claim: ClaimRecord) -> dict[str, object]:
    message = world.fake.message(world.review_channel_id, claim.message_id)  # type: ignore[arg-type]
    assert message is not None
    embed: dict[str, object] = message["embeds"][0]
    return embed


def field(embed: dict[str, object], name: str) -> str:
    fields = embed["fields"]
    assert isinstance(fields, list)
    return next(str(f["value"]) for f in fields if f["name"] == name)


async def vote(world: World, claim: ClaimRecord, user: int, emoji: str) -> None:
    assert claim.message_id is not None
    await world.fake.user_add_reaction(user, world.review_channel_id, claim.message_id, emoji)


# -- 2. a charset that cannot decode; any failure finishes the row ----------------------------


async def test_a_page_declaring_charset_idna_is_read(
    ready: ClaimBot, runner: BotRunner, world: World, host: str
) -> None:
    claim = await add_claim(world, ready)
    reply = await add_source(world, world.reviewers[0], claim, f"{host}/idna", "supports")
    assert reply == f"Added a source that supports claim #{claim.number} (“{FERRIES_TITLE}”)."
    reply = await add_source(world, world.reviewers[0], claim, f"{host}/idna-cp1252", "context")
    assert reply == f"Added a source that context claim #{claim.number} (“Le café des ferries”)."
    await runner.settle()
    first, second = await ready.db.evidence_for(claim.id)
    assert (first.fetch_status, first.site_name) == ("ok", "Coastal Ledger")
    assert (second.fetch_status, second.title) == ("ok", "Le café des ferries")
    assert await listing(world, claim) == (
        f"Sources for claim #{claim.number}:\n"
        f"#{first.number} supports: [{FERRIES_TITLE}]({host}/idna){archived(first)}\n"
        f"#{second.number} context: [Le café des ferries]({host}/idna-cp1252){archived(second)}"
    )
    assert field(review_embed(world, claim), "Sources linked") == (
        f"supports: [{FERRIES_TITLE}]({host}/idna)\n"
        f"context: [Le café des ferries]({host}/idna-cp1252)"
    )


async def test_a_page_declaring_charset_idna_is_read_in_the_background(
    ready: ClaimBot,
    runner: BotRunner,
    world: World,
    host: str,
    gate: asyncio.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("bot.services.evidence.QUICK_ANSWER_SECONDS", 0.0)
    claim = await add_claim(world, ready)
    url = f"{host}/gated/idna"
    reply = await add_source(world, world.reviewers[0], claim, url, "supports")
    assert (
        reply == f"Added a source that supports claim #{claim.number} (still fetching its title)."
    )
    (item,) = await ready.db.evidence_for(claim.id)
    assert await listing(world, claim) == (
        f"Sources for claim #{claim.number}:\n"
        f"#{item.number} supports: [{escaped(host)}/gated/idna]({url}) (fetching…)"
    )
    gate.set()
    await runner.settle()
    (item,) = await ready.db.evidence_for(claim.id)
    assert (item.fetch_status, item.title) == ("ok", FERRIES_TITLE)
    assert await listing(world, claim) == (
        f"Sources for claim #{claim.number}:\n"
        f"#{item.number} supports: [{FERRIES_TITLE}]({url}){archived(item)}"
    )


@pytest.mark.parametrize("path", ["/ferries", "/gated/ferries"], ids=["in-reply", "background"])
async def test_any_failure_reading_a_page_finishes_it_unreachable_with_a_reason(
    ready: ClaimBot,
    runner: BotRunner,
    world: World,
    host: str,
    gate: asyncio.Event,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
) -> None:
    def broken_metadata(html: str, url: str) -> None:
        raise RuntimeError("a bug while reading the page")

    if "gated" in path:
        monkeypatch.setattr("bot.services.evidence.QUICK_ANSWER_SECONDS", 0.0)
    monkeypatch.setattr("bot.services.evidence.page_metadata", broken_metadata)
    claim = await add_claim(world, ready)
    url = f"{host}{path}"
    reply = await add_source(world, world.reviewers[0], claim, url, "supports")
    state = (
        "still fetching its title"
        if "gated" in path
        else "recorded as unreachable: the page could not be read"
    )
    assert reply == f"Added a source that supports claim #{claim.number} ({state})."
    gate.set()
    await runner.settle()
    (item,) = await ready.db.evidence_for(claim.id)
    assert (item.fetch_status, item.fetch_error) == ("unreachable", "the page could not be read")
    assert await listing(world, claim) == (
        f"Sources for claim #{claim.number}:\n"
        f"#{item.number} supports: [{escaped(host)}{path}]({url})"
        " (unreachable: the page could not be read; not archived)"
    )
    assert field(review_embed(world, claim), "Sources linked") == (
        f"supports: [{escaped(host)}{path}]({url}) (unreachable)"
    )


async def test_claim_submit_reads_an_article_declaring_charset_idna(
    ready: ClaimBot, world: World, host: str
) -> None:
    rec = await world.slash(world.outsider, "claim submit", {"url": f"{host}/article-idna"})
    assert (await answer(world, rec)).startswith("Posted 1 claim for review:")
    claim = await ready.db.claim_for_message(int(world.review_messages()[-1]["id"]))
    assert claim is not None
    assert claim.text == (
        "The Café Council of Port Averly spent 3 million euros on electric ferries in 2024."
    )


async def test_links_left_pending_by_a_crash_are_fetched_at_start(
    runner: BotRunner, world: World, host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, bot)
    await runner.settle()
    await runner.stop()
    # What a crash mid-fetch leaves behind: rows recorded, their fetch never finished.
    db = await Database.open(runner.database)
    try:
        for url in (f"{host}/ferries", "http://intranet.test/minutes"):
            _, created = await db.add_evidence(
                guild_id=world.guild_id,
                claim_id=claim.id,
                url=url,
                normalized_url=normalize_url(url),
                stance="supports",
                note=None,
                added_by=world.reviewers[0],
                origin="command",
            )
            assert created
        assert [e.fetch_status for e in await db.evidence_for(claim.id)] == ["pending"] * 2
    finally:
        await db.close()

    monkeypatch.setattr(
        "bot.services.evidence.SafeFetcher", lambda limits, slots: local_fetcher(slots)
    )
    bot = await runner.start()
    await runner.settle()
    page, intranet = await bot.db.evidence_for(claim.id)
    assert (page.fetch_status, page.title) == ("ok", FERRIES_TITLE)
    assert intranet.fetch_status == "unreachable"
    assert intranet.fetch_error is not None
    assert "private or internal network address" in intranet.fetch_error
    assert field(review_embed(world, claim), "Sources linked") == (
        f"supports: [{FERRIES_TITLE}]({host}/ferries)\n"
        r"supports: [http\://intranet.test/minutes](http://intranet.test/minutes) (unreachable)"
    )


# -- 3. who may change a source's stance, and who may add one --------------------------------


async def test_a_member_cannot_flip_the_stance_of_a_reviewers_source(
    ready: ClaimBot, runner: BotRunner, world: World, host: str
) -> None:
    claim = await add_claim(world, ready)
    r1, r2, r3 = world.reviewers
    for reviewer in world.reviewers:
        await vote(world, claim, reviewer, "✅")
    await add_source(world, r1, claim, f"{host}/ferries", "supports", note="Tender list")
    await runner.settle()
    assert review_embed(world, claim)["title"] == f"Claim #{claim.number} · Verified true"

    refused = (
        f"That source is already linked to claim #{claim.number}: <@{r1}> added it as supports."
        " Only they or a moderator can change its stance or note, so nothing changed."
    )
    assert await add_source(world, r2, claim, f"{host}/ferries?utm_source=x", "refutes") == refused
    assert await add_source(world, r3, claim, f"{host}/ferries", "supports", "Fake") == refused
    # Re-adding it unchanged is no attempt to change it: the same answer, nothing audited.
    assert await add_source(world, r2, claim, f"{host}/ferries", "supports") == refused
    await runner.settle()

    (item,) = await ready.db.evidence_for(claim.id)
    assert (item.stance, item.note, item.added_by) == ("supports", "Tender list", r1)
    assert review_embed(world, claim)["title"] == f"Claim #{claim.number} · Verified true"
    audit = await ready.db.audit_entries(world.guild_id)
    denied = [e for e in audit if e["action"] == "denied_evidence_stance"]
    assert [(e["action"], e["actor_id"], e["claim_id"], e["detail"]) for e in denied] == [
        (
            "denied_evidence_stance",
            r3,
            claim.id,
            {"evidence_id": item.id, "from": "supports", "to": "supports", "note": "Fake"},
        ),
        (
            "denied_evidence_stance",
            r2,
            claim.id,
            {"evidence_id": item.id, "from": "supports", "to": "refutes"},
        ),
    ]


async def test_the_adder_and_a_moderator_change_a_stance_and_each_change_is_audited(
    ready: ClaimBot, runner: BotRunner, world: World, host: str
) -> None:
    claim = await add_claim(world, ready)
    r1 = world.reviewers[0]
    await add_source(world, r1, claim, f"{host}/ferries", "supports")
    assert await add_source(world, r1, claim, f"{host}/ferries", "refutes", "Only two") == (
        f"That source was already linked to claim #{claim.number}; its stance is now refutes."
    )
    assert await add_source(world, world.moderator, claim, f"{host}/ferries", "context") == (
        f"That source was already linked to claim #{claim.number}; its stance is now context."
    )
    await runner.settle()
    (item,) = await ready.db.evidence_for(claim.id)
    assert (item.stance, item.note, item.added_by) == ("context", "Only two", r1)
    audit = await ready.db.audit_entries(world.guild_id, limit=2)
    assert [(e["action"], e["actor_id"], e["claim_id"], e["detail"]) for e in audit] == [
        (
            "evidence_stance",
            world.moderator,
            claim.id,
            {"evidence_id": item.id, "from": "refutes", "to": "context"},
        ),
        (
            "evidence_stance",
            r1,
            claim.id,
            {"evidence_id": item.id, "from": "supports", "to": "refutes", "note": "Only two"},
        ),
    ]


async def test_without_a_reviewer_role_anyone_adds_but_only_adder_or_moderator_changes(
    runner: BotRunner, world: World, host: str
) -> None:
    bot = await runner.start()
    bot.evidence.fetcher = local_fetcher()
    await setup_review(world, reviewer_role=False)
    claim = await add_claim(world, bot)
    reply = await add_source(world, world.outsider, claim, f"{host}/ferries", "supports")
    assert reply == f"Added a source that supports claim #{claim.number} (“{FERRIES_TITLE}”)."
    assert await add_source(world, world.reviewers[0], claim, f"{host}/ferries", "refutes") == (
        f"That source is already linked to claim #{claim.number}: <@{world.outsider}> added it as"
        " supports. Only they or a moderator can change its stance or note, so nothing changed."
    )
    # Manage Server makes the admin a moderator.
    assert await add_source(world, world.admin, claim, f"{host}/ferries", "refutes") == (
        f"That source was already linked to claim #{claim.number}; its stance is now refutes."
    )
    (item,) = await bot.db.evidence_for(claim.id)
    assert (item.stance, item.added_by) == ("refutes", world.outsider)


async def test_evidence_from_a_member_without_the_reviewer_role_is_not_recorded(
    ready: ClaimBot, runner: BotRunner, world: World, host: str
) -> None:
    claim = await add_claim(world, ready)
    reply = await add_source(world, world.outsider, claim, f"{host}/ferries", "refutes")
    assert reply == (
        f"Not recorded: only members with the <@&{world.reviewer_role_id}> role can add sources."
    )
    audit = await ready.db.audit_entries(world.guild_id, limit=1)
    assert [(e["action"], e["actor_id"], e["claim_id"]) for e in audit] == [
        ("denied_evidence_add", world.outsider, claim.id)
    ]
    assert claim.thread_id is not None
    posted = await world.fake.user_send_message(
        world.outsider, claim.thread_id, f"See {host}/ferries"
    )
    await runner.settle()
    assert world.fake.reactions(int(posted["id"])) == {"🚫": {world.fake.bot_user_id}}
    assert await ready.db.evidence_for(claim.id) == []

    # Moderators (here: Manage Server, without the reviewer role) may always add sources.
    reply = await add_source(world, world.admin, claim, f"{host}/ferries", "refutes")
    assert reply.startswith(f"Added a source that refutes claim #{claim.number} (")
    assert [(e.stance, e.added_by) for e in await ready.db.evidence_for(claim.id)] == [
        ("refutes", world.admin)
    ]


async def test_a_moderator_without_the_reviewer_role_may_link_sources_in_the_thread(
    ready: ClaimBot, runner: BotRunner, world: World, host: str
) -> None:
    """The thread and /evidence add answer alike: moderators always may add sources."""
    claim = await add_claim(world, ready)
    assert claim.thread_id is not None
    posted = await world.fake.user_send_message(world.admin, claim.thread_id, f"See {host}/ferries")
    await runner.settle()
    assert world.fake.reactions(int(posted["id"])) == {"📎": {world.fake.bot_user_id}}
    assert [(e.stance, e.added_by) for e in await ready.db.evidence_for(claim.id)] == [
        ("context", world.admin)
    ]


async def test_a_thread_link_never_changes_the_stance_of_a_known_source(
    ready: ClaimBot, runner: BotRunner, world: World, host: str
) -> None:
    claim = await add_claim(world, ready)
    await add_source(world, world.reviewers[0], claim, f"{host}/ferries", "supports")
    assert claim.thread_id is not None
    posted = await world.fake.user_send_message(
        world.reviewers[1], claim.thread_id, f"Same as {host}/ferries"
    )
    await runner.settle()
    assert world.fake.reactions(int(posted["id"])) == {"📎": {world.fake.bot_user_id}}
    (item,) = await ready.db.evidence_for(claim.id)
    assert (item.stance, item.added_by) == ("supports", world.reviewers[0])


# -- 6. a page title written as a masked link -------------------------------------------------


async def test_a_hostile_title_is_escaped_in_every_reply_and_embed(
    ready: ClaimBot, runner: BotRunner, world: World, host: str
) -> None:
    claim = await add_claim(world, ready)
    url = f"{host}/hostile"
    reply = await add_source(world, world.reviewers[0], claim, url, "supports")
    assert reply == f"Added a source that supports claim #{claim.number} (“{HOSTILE_ESCAPED}”)."
    await runner.settle()
    (item,) = await ready.db.evidence_for(claim.id)
    assert item.title == HOSTILE_TITLE
    assert await listing(world, claim) == (
        f"Sources for claim #{claim.number}:\n"
        f"#{item.number} supports: [{HOSTILE_ESCAPED}]({url}){archived(item)}"
    )
    assert field(review_embed(world, claim), "Sources linked") == (
        f"supports: [{HOSTILE_ESCAPED}]({url})"
    )
    status = await world.slash(world.outsider, "claim status", {"claim": claim.number})
    assert field(status.callback["data"]["embeds"][0], "Sources linked") == (
        f"supports: [{HOSTILE_ESCAPED}]({url})"
    )
