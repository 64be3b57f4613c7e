"""A hostile document does not stop the bot: while one is being read, votes are still counted
and review messages still edited, on every path a document takes (file, pasted text, link,
message command, evidence page); and one that is too costly ends in a clear answer.

Each test holds the parse at its start (a gate in the worker thread) until a vote has been
counted and shown, so none depends on how fast the parse is; on the old code, which parsed on
the event loop, the documents below would have blocked it for minutes.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import pytest

import bot.services.parsing
from bot.app.client import ClaimBot
from bot.core.records import ClaimRecord
from bot.documents.budget import TOO_COMPLEX, time_budget
from tests.e2e.hosts import local_fetcher, web_host
from tests.e2e.test_hostile import answer
from tests.fake_discord import FakeFile, InteractionRecord
from tests.support.world import BotRunner, World, add_claim, setup_review

CLAIM = "The harbour council spent 5 million euros on cranes in 2024."
# Quadratic before: each `<http:` was scanned to the end of the line as a possible autolink.
HOSTILE_MARKDOWN = (CLAIM + "\n\n" + "<http:" * 333_000).encode()  # just under 2 MB
# Quadratic before: libxml2 compares each attribute name with all earlier ones in the tag.
HOSTILE_PAGE = (
    "<html><head><title>Crane spending</title></head><body><article><p>"
    + CLAIM
    + "</p><p "
    + " ".join(f"a{i}=1" for i in range(40_000))
    + ">More.</p></article></body></html>"
)


class Gate:
    """Holds every parse at its start until released; `started` tells that one is waiting."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    gate = Gate()
    real_budget = time_budget

    @contextmanager
    def held_budget(seconds: float) -> Iterator[None]:
        gate.started.set()
        gate.release.wait(timeout=120)
        with real_budget(seconds):
            yield

    monkeypatch.setattr(bot.services.parsing, "time_budget", held_budget)
    # The loop's own wall must not fire while the test holds the parse.
    monkeypatch.setattr(bot.services.parsing, "_LOOP_GRACE_SECONDS", 600.0)
    try:
        yield gate
    finally:
        gate.release.set()


@pytest.fixture
async def ready(runner: BotRunner, world: World) -> ClaimBot:
    claimbot = await runner.start()
    claimbot.fetcher = local_fetcher()
    claimbot.evidence.fetcher = local_fetcher()
    await setup_review(world)
    return claimbot


@pytest.fixture
async def host() -> AsyncIterator[str]:
    async with web_host({"/cranes": HOSTILE_PAGE}) as base:
        yield base


async def vote_while_parsing(
    world: World, runner: BotRunner, claimbot: ClaimBot, claim: ClaimRecord, gate: Gate
) -> None:
    """With a parse held in its thread: a reaction is counted and the embed shows it."""
    await world.fake.wait_for(gate.started.is_set, timeout=10)
    assert claim.message_id is not None
    reviewer = world.reviewers[0]
    await world.fake.user_add_reaction(reviewer, world.review_channel_id, claim.message_id, "✅")
    await runner.settle()
    assert not gate.release.is_set()  # the parse is still waiting
    assert await claimbot.db.current_votes(claim.id) == {reviewer: "supported"}
    message = world.fake.message(world.review_channel_id, claim.message_id)
    assert message is not None
    fields = {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}
    assert fields["Votes"] == "✅ 1  ❌ 0  ❓ 0  ⚠️ 0"
    gate.release.set()


async def submit(world: World, path: str, host: str) -> InteractionRecord:
    if path == "file":
        file = FakeFile("cranes.md", HOSTILE_MARKDOWN, "text/markdown")
        return await world.slash(world.outsider, "claim submit", attachments={"file": file})
    if path == "url":
        return await world.slash(world.outsider, "claim submit", {"url": f"{host}/cranes"})
    if path == "text":
        text = CLAIM + "\n\n" + "<http:" * 900
        return await world.slash(world.outsider, "claim submit", {"text": text})
    said = await world.fake.user_send_message(
        world.outsider, world.general_channel_id, CLAIM + "\n\n" + "<http:" * 300
    )
    rec = await world.fake.invoke_message_context_menu(world.reviewers[1], "Extract claims", said)
    await rec.wait_response()
    return rec


@pytest.mark.slow
@pytest.mark.parametrize("path", ["file", "url", "text", "message"])
async def test_votes_are_counted_while_a_hostile_document_is_read(
    ready: ClaimBot, runner: BotRunner, world: World, gate: Gate, host: str, path: str
) -> None:
    claim = await add_claim(world, ready)
    rec = await submit(world, path, host)
    await vote_while_parsing(world, runner, ready, claim, gate)
    assert (await answer(world, rec)).startswith("Posted 1 claim for review:")
    posted = world.review_messages()[-1]
    assert posted["id"] != str(claim.message_id)
    assert posted["embeds"][0]["description"] == CLAIM


@pytest.mark.slow
@pytest.mark.parametrize("path", ["file", "url", "text", "message"])
async def test_a_document_over_the_budget_gets_a_clear_answer(
    ready: ClaimBot,
    runner: BotRunner,
    world: World,
    gate: Gate,
    host: str,
    path: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        bot.services.parsing, "PARSE_BUDGET_SECONDS", -1.0
    )  # spent before it starts
    claim = await add_claim(world, ready)
    rec = await submit(world, path, host)
    await vote_while_parsing(world, runner, ready, claim, gate)
    assert await answer(world, rec) == TOO_COMPLEX
    assert len(world.review_messages()) == 1  # only the claim voted on


async def test_an_evidence_page_is_read_off_the_loop(
    ready: ClaimBot, runner: BotRunner, world: World, gate: Gate, host: str
) -> None:
    claim = await add_claim(world, ready)
    rec = await world.fake.invoke_slash(
        world.guild_id,
        world.general_channel_id,
        world.reviewers[1],
        "evidence add",
        {"claim": claim.number, "url": f"{host}/cranes", "stance": "supports"},
    )
    await vote_while_parsing(world, runner, ready, claim, gate)
    assert await answer(world, rec) == (
        f"Added a source that supports claim #{claim.number} (“Crane spending”)."
    )
    (item,) = await ready.db.evidence_for(claim.id)
    assert (item.fetch_status, item.title) == ("ok", "Crane spending")


@pytest.mark.slow
async def test_an_evidence_page_over_the_budget_is_kept_undescribed(
    ready: ClaimBot,
    runner: BotRunner,
    world: World,
    gate: Gate,
    host: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bot.services.parsing, "PARSE_BUDGET_SECONDS", -1.0)
    claim = await add_claim(world, ready)
    rec = await world.fake.invoke_slash(
        world.guild_id,
        world.general_channel_id,
        world.reviewers[1],
        "evidence add",
        {"claim": claim.number, "url": f"{host}/cranes", "stance": "supports"},
    )
    await vote_while_parsing(world, runner, ready, claim, gate)
    assert await answer(world, rec) == (
        f"Added a source that supports claim #{claim.number} (page read)."
    )
    (item,) = await ready.db.evidence_for(claim.id)
    assert (item.fetch_status, item.title) == ("ok", None)
