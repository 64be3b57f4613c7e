"""Hostile and bad input through Discord: each gets a short, clear answer, bounded work,
and nothing the bot posts can ping anyone (checked after every test by the runner)."""

from __future__ import annotations

import pytest

from bot.app.client import ClaimBot
from tests.e2e.hosts import local_fetcher, web_host
from tests.fake_discord import FakeFile, InteractionRecord
from tests.support.world import World, setup_review

PROGRESS = ("Fetching the article", "Reading the claims", "Posting claim ")


async def answer(world: World, rec: InteractionRecord) -> str:
    """The last thing the user sees: the callback, the edited original, or a followup."""

    def seen() -> str:
        if rec.followups:
            return str(rec.followups[-1]["content"])
        if rec.callback_type == 4:
            return str(rec.callback["data"]["content"])
        content = rec.final_content() or ""
        return "" if content.startswith(PROGRESS) else content

    await world.fake.wait_for(lambda: bool(seen()), timeout=15)
    text = seen()
    assert "Traceback" not in text and "Error:" not in text
    return text


@pytest.fixture
async def ready(bot: ClaimBot, world: World) -> ClaimBot:
    await setup_review(world)
    return bot


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("   \n\t  ", "That input is empty."),
        ("\u200b\u200c\u200d\u2060\ufeff", "That input is empty."),
        (
            "Hello? Is anyone there? Why not?",
            "I found no check-worthy factual claims in that text.",
        ),
        ("A. " * 1999, "I found no check-worthy factual claims in that text."),
    ],
)
async def test_text_without_claims(ready: ClaimBot, world: World, text: str, expected: str) -> None:
    rec = await world.slash(world.outsider, "claim submit", {"text": text})
    assert await answer(world, rec) == expected
    assert world.review_messages() == []


async def test_invisible_and_bidi_characters_are_removed(ready: ClaimBot, world: World) -> None:
    text = "The\u200b harbour\u202e council spent 5 million euros on cranes in 2024.\u2066"
    rec = await world.slash(world.outsider, "claim submit", {"text": text})
    assert (await answer(world, rec)).startswith("Posted 1 claim for review:")
    (message,) = world.review_messages()
    assert message["embeds"][0]["description"] == (
        "The harbour council spent 5 million euros on cranes in 2024."
    )


async def test_mentions_and_masked_links_do_not_ping_or_render(
    ready: ClaimBot, world: World
) -> None:
    text = (
        f"@everyone @here <@{world.admin}> <@&{world.moderator_role_id}> The council spent "
        "3 million euros on [free money](https://evil.example) bridges in 2023."
    )
    rec = await world.slash(world.outsider, "claim submit", {"text": text})
    reply = await answer(world, rec)
    assert reply.startswith("Posted 1 claim for review:")
    (message,) = world.review_messages()
    description = message["embeds"][0]["description"]
    assert f"<@{world.admin}>" not in description
    assert "](https://evil.example)" not in description
    assert world.fake.bot_messages_pinging() == []


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (
            FakeFile("big.txt", b"The council met. " * 700_000, "text/plain"),
            "That file is 11.9 MB; the limit is 2 MB.",
        ),
        (
            FakeFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
            "Attach a .txt, .md or .html file.",
        ),
        (FakeFile("scan.txt", b"%PDF-1.7\n" + bytes(range(256)) * 4, "text/plain"), "binary"),
    ],
)
async def test_bad_files(ready: ClaimBot, world: World, file: FakeFile, expected: str) -> None:
    rec = await world.slash(world.outsider, "claim submit", attachments={"file": file})
    assert expected in await answer(world, rec)
    assert world.review_messages() == []


async def test_invalid_utf8_file_is_read_not_crashed(ready: ClaimBot, world: World) -> None:
    data = "Le conseil a voté un budget de 12 millions d'euros en mars 2024.".encode("latin-1")
    rec = await world.slash(
        world.outsider, "claim submit", attachments={"file": FakeFile("note.txt", data)}
    )
    assert (await answer(world, rec)).startswith("Posted 1 claim for review:")
    (message,) = world.review_messages()
    assert "12 millions d'euros" in message["embeds"][0]["description"].replace("\\", "")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://2130706434/", "private or internal network address"),
        ("http://0177.0.0.2/", "private or internal network address"),
        ("http://[::1]/", "private or internal network address"),
        ("http://[::ffff:127.0.0.1]/", "private or internal network address"),
        ("http://169.254.169.254/latest/meta-data/", "private or internal network address"),
        ("http://user:pass@news.test/", "username or password"),
        ("gopher://news.test/", "http"),
        ("file:///etc/passwd", "http"),
        ("http://intranet.test/", "private or internal network address"),
        ("{host}/to-metadata", "redirect"),
    ],
)
async def test_ssrf_forms_are_refused(
    ready: ClaimBot, world: World, url: str, expected: str
) -> None:
    ready.fetcher = local_fetcher()
    async with web_host({}) as host:
        rec = await world.slash(world.outsider, "claim submit", {"url": url.format(host=host)})
        reply = await answer(world, rec)
    assert expected in reply.lower()
    assert world.review_messages() == []


async def test_unknown_and_foreign_claim_ids(ready: ClaimBot, world: World) -> None:
    for command in ("claim status", "evidence list"):
        rec = await world.slash(world.outsider, command, {"claim": 987654})
        assert await answer(world, rec) == "There is no claim #987654 in this server."


async def test_options_at_discords_maximum_lengths(ready: ClaimBot, world: World) -> None:
    long_query = ("ferry " * 40)[:200]
    rec = await world.slash(world.outsider, "claim search", {"query": long_query})
    assert await answer(world, rec) == f"No claim matches “{long_query[:79]}…”."
    statement = ("The council spent 3 million euros on ferries in 2024 " * 20)[:1000]
    rec = await world.slash(world.outsider, "claim add", {"text": statement})
    assert (await answer(world, rec)).startswith("Posted 1 claim for review:")
    article = ("The council spent 3 million euros on ferries in 2024. " * 120)[:6000]
    rec = await world.slash(world.reviewers[0], "claim submit", {"text": article})
    assert (await answer(world, rec)).startswith("Already under review, not posted again:")


async def test_non_moderators_cannot_reopen(ready: ClaimBot, world: World) -> None:
    rec = await world.slash(
        world.outsider, "claim add", {"text": "Tram fares rose by 10 percent in 2024."}
    )
    await answer(world, rec)
    claim = await ready.db.claim_for_message(int(world.review_messages()[0]["id"]))
    assert claim is not None
    denied = await world.slash(world.reviewers[1], "claim reopen", {"claim": claim.number})
    assert await answer(world, denied) == (
        "Only moderators can reopen claims (the moderator role or Manage Server)."
    )
    audit = await ready.db.audit_entries(world.guild_id, limit=1)
    assert (audit[0]["action"], audit[0]["actor_id"]) == ("denied_reopen", world.reviewers[1])
