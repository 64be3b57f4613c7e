"""`/claim submit`, `/claim add` and the message command, end to end."""

from __future__ import annotations

from bot.app.client import ClaimBot
from bot.core.render import escape_markdown
from bot.documents.reader import load_text
from bot.extraction import extract_claims
from tests.e2e.articles import HARBOUR_ARTICLE, HOSTILE_ARTICLE
from tests.fake_discord import FakeFile
from tests.support.world import BotRunner, World, setup_review

VOTE_EMOJI = ["✅", "❌", "❓", "⚠️"]


def expected_claims(text: str) -> list[str]:
    return [c.text for c in extract_claims(load_text(text).text)]


def posted_texts(world: World) -> list[str]:
    return [m["embeds"][0]["description"] for m in world.review_messages()]


async def test_submit_text_posts_one_message_per_claim(bot: ClaimBot, world: World) -> None:
    await setup_review(world)
    expected = expected_claims(HARBOUR_ARTICLE)
    assert len(expected) >= 3

    rec = await world.slash(world.reviewers[0], "claim submit", {"text": HARBOUR_ARTICLE})
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))

    assert rec.callback_type == 5 and rec.ephemeral
    messages = world.review_messages()
    assert posted_texts(world) == [escape_markdown(t) for t in expected]
    claims = [await bot.db.claim_for_message(int(m["id"])) for m in messages]
    for message, claim in zip(messages, claims, strict=True):
        assert claim is not None
        assert claim.submitter_id == world.reviewers[0]
        embed = message["embeds"][0]
        assert embed["title"] == f"Claim #{claim.number} · Unreviewed"
        assert world.fake.reactions(int(message["id"])) == {
            e: {world.fake.bot_user_id} for e in VOTE_EMOJI
        }
        threads = world.fake.threads_of(int(message["id"]))
        assert [int(t["id"]) for t in threads] == [claim.thread_id]
    final = rec.final_content()
    assert final is not None
    lines = final.splitlines()
    assert lines[0] == f"Posted {len(expected)} claims for review:"
    for line, claim, message in zip(lines[1:], claims, messages, strict=True):
        assert claim is not None
        link = f"https://discord.com/channels/{world.guild_id}/{world.review_channel_id}/{message['id']}"
        assert line.startswith(f"• [#{claim.number}](<{link}>) ")


async def test_submit_file_posts_the_same_claims(bot: ClaimBot, world: World) -> None:
    await setup_review(world)
    markdown = "# " + HARBOUR_ARTICLE
    expected = expected_claims(HARBOUR_ARTICLE)

    rec = await world.slash(
        world.reviewers[1],
        "claim submit",
        attachments={"file": FakeFile("ferries.md", markdown.encode(), "text/markdown")},
    )
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))

    assert posted_texts(world) == [escape_markdown(t) for t in expected]


async def test_the_same_article_twice_posts_nothing_new(bot: ClaimBot, world: World) -> None:
    await setup_review(world)
    first = await world.slash(world.reviewers[0], "claim submit", {"text": HARBOUR_ARTICLE})
    await world.fake.wait_for(lambda: (first.final_content() or "").startswith("Posted"))
    posted = len(world.review_messages())

    again = await world.slash(world.reviewers[1], "claim submit", {"text": HARBOUR_ARTICLE})
    await world.fake.wait_for(lambda: (again.final_content() or "").startswith("Already"))

    assert len(world.review_messages()) == posted
    lines = (again.final_content() or "").splitlines()
    assert lines[0] == "Already under review, not posted again:"
    assert len(lines) == 1 + posted
    assert all(line.endswith("(Unreviewed)") for line in lines[1:])


async def test_add_posts_one_claim_as_written(bot: ClaimBot, world: World) -> None:
    await setup_review(world)
    rec = await world.slash(
        world.outsider,
        "claim add",
        {
            "text": "The Brindle bridge was closed for 41 days in 2024.",
            "origin": "https://news.example/b",
        },
    )
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    (message,) = world.review_messages()
    embed = message["embeds"][0]
    assert embed["description"] == "The Brindle bridge was closed for 41 days in 2024."
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Origin"] == "[https\\://news.example/b](https://news.example/b)"


async def test_add_refuses_an_origin_that_is_not_a_web_link(bot: ClaimBot, world: World) -> None:
    await setup_review(world)
    rec = await world.slash(
        world.outsider,
        "claim add",
        {"text": "The Brindle bridge was closed for 41 days in 2024.", "origin": "ftp://b"},
    )
    await world.fake.wait_for(lambda: rec.final_content() is not None)
    assert rec.final_content() == "`origin` must be an http(s) link."
    assert world.review_messages() == []


async def test_message_command_extracts_from_a_message(bot: ClaimBot, world: World) -> None:
    await setup_review(world)
    said = await world.fake.user_send_message(
        world.outsider,
        world.general_channel_id,
        "The Port Averly council voted 9 to 2 on Tuesday to buy three electric ferries.",
    )
    rec = await world.fake.invoke_message_context_menu(world.reviewers[0], "Extract claims", said)
    await rec.wait_response()
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    (message,) = world.review_messages()
    fields = {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}
    assert fields["Speaker"] == "outsider"


async def test_hostile_text_pings_nobody(bot: ClaimBot, world: World) -> None:
    await setup_review(world)
    rec = await world.slash(world.outsider, "claim submit", {"text": HOSTILE_ARTICLE})
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    (message,) = world.review_messages()
    description = message["embeds"][0]["description"]
    assert "<@&123456789>" not in description
    assert "[the ledger](https://evil.example)" not in description
    assert world.fake.bot_messages_pinging() == []


async def test_submit_needs_exactly_one_input(bot: ClaimBot, world: World) -> None:
    await setup_review(world)
    rec = await world.slash(
        world.outsider, "claim submit", {"text": "a", "url": "https://x.example"}
    )
    assert rec.callback["data"]["content"] == "Give exactly one of `text`, `url` or `file`."
    none = await world.slash(world.outsider, "claim submit", {})
    assert none.callback["data"]["content"] == "Give exactly one of `text`, `url` or `file`."
    assert world.review_messages() == []


async def test_submit_before_setup_says_how(bot: ClaimBot, world: World) -> None:
    rec = await world.slash(world.outsider, "claim submit", {"text": HARBOUR_ARTICLE})
    assert rec.callback["data"]["content"] == (
        "claimbot is not set up here yet: someone with Manage Server runs `/claimbot setup`."
    )


async def test_binary_file_is_refused_clearly(bot: ClaimBot, world: World) -> None:
    await setup_review(world)
    rec = await world.slash(
        world.outsider,
        "claim submit",
        attachments={"file": FakeFile("scan.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "text/plain")},
    )
    await world.fake.wait_for(lambda: len(rec.followups) >= 1)
    (reply,) = rec.followups
    assert "binary" in reply["content"].lower()
    assert "Traceback" not in reply["content"]
    assert world.review_messages() == []


async def test_cooldown_between_submissions(runner: BotRunner, world: World) -> None:
    await runner.start(CLAIMBOT_ADD_BURST=1, CLAIMBOT_ADD_INTERVAL=600)
    await setup_review(world)
    first = await world.slash(
        world.outsider, "claim add", {"text": "The Brindle bridge was closed for 41 days in 2024."}
    )
    await world.fake.wait_for(lambda: (first.final_content() or "").startswith("Posted"))
    second = await world.slash(
        world.outsider, "claim add", {"text": "The Brindle ferry carried 3,000 people in May."}
    )
    assert second.callback["data"]["content"].startswith("Slow down: you can submit again in ")
    assert second.ephemeral
    other = await world.slash(
        world.reviewers[0], "claim add", {"text": "The Brindle ferry carried 3,000 people in May."}
    )
    await world.fake.wait_for(lambda: (other.final_content() or "").startswith("Posted"))
    assert len(world.review_messages()) == 2


ARTICLE_PAGE = """<!doctype html><html><head><title>Ferries approved | Coastal Ledger</title>
<meta property="og:title" content="Harbour city approves ferry expansion"></head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour city approves ferry expansion</h1>
<p>The city council of Port Averly voted 9 to 2 on Tuesday to buy three electric ferries.</p>
<p>According to the transport office, the ferries will cost 48 million dollars in total.</p>
<figure><img src="f.jpg"><figcaption>Photo: Coastal Ledger archive</figcaption></figure>
</article><footer>© Coastal Ledger. Subscribe to our newsletter.</footer></body></html>"""


async def test_submit_url_fetches_the_article(bot: ClaimBot, world: World) -> None:
    from tests.e2e.hosts import local_fetcher, web_host

    await setup_review(world)
    bot.fetcher = local_fetcher()
    async with web_host({"/ferries": ARTICLE_PAGE}) as host:
        rec = await world.slash(world.outsider, "claim submit", {"url": f"{host}/ferries"})
        await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    assert sorted(posted_texts(world)) == [
        "According to the transport office, the ferries will cost 48 million dollars in total.",
        "The city council of Port Averly voted 9 to 2 on Tuesday to buy three electric ferries.",
    ]
    fields = {f["name"]: f["value"] for f in world.review_messages()[0]["embeds"][0]["fields"]}
    assert fields["Origin"] == f"[Harbour city approves ferry expansion]({host}/ferries)"


async def test_message_command_reads_a_link_without_the_sentence_around_it(
    bot: ClaimBot, world: World
) -> None:
    """The link ends before the bracket and full stop that close the member's sentence."""
    from tests.e2e.hosts import local_fetcher, web_host

    await setup_review(world)
    bot.fetcher = local_fetcher()
    async with web_host({"/ferries": ARTICLE_PAGE}) as host:
        said = await world.fake.user_send_message(
            world.outsider, world.general_channel_id, f"Worth a read ({host}/ferries)."
        )
        rec = await world.fake.invoke_message_context_menu(
            world.reviewers[0], "Extract claims", said
        )
        await rec.wait_response()
        await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    assert sorted(posted_texts(world)) == [
        "According to the transport office, the ferries will cost 48 million dollars in total.",
        "The city council of Port Averly voted 9 to 2 on Tuesday to buy three electric ferries.",
        escape_markdown(f"Worth a read ({host}/ferries)."),
    ]
