"""`/factchecks import|search|stats` through the fake Discord: moderators import by file or
link, a bad feed imports nothing, each server sees only its own imports plus those done for
all servers, and an import by `claimbot factchecks import` reaches the running bot at its
next poll."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app.client import ClaimBot
from tests.e2e.hosts import local_fetcher, web_host
from tests.fake_discord import InteractionRecord
from tests.support.cli import claimbot
from tests.support.clock import ManualClock
from tests.support.world import BotRunner, World, add_claim, build_world, setup_review

BRIDGES = "Steel bridges in the capital melt every June."
FERRIES = "The council bought three electric ferries for the harbour."
RECENT = (datetime.now(UTC).date() - timedelta(days=30)).isoformat()  # no "far apart" note


def review(url: str, claim: str, **extra: object) -> dict[str, object]:
    return {"@type": "ClaimReview", "url": url, "claimReviewed": claim, **extra}


FEED = json.dumps(
    [
        review(
            "https://checks.test/bridges",
            BRIDGES,
            author={"name": "**Desk** @everyone"},
            datePublished="2021-03-01",
            reviewRating={"alternateName": "False_ish", "ratingValue": "two"},
            inLanguage="en",
        ),
        review("javascript:alert(1)", "A claim behind a script link."),
    ]
).encode()

PAGE = (
    "<html><head><title>Ferries</title><script type='application/ld+json'>"
    + json.dumps(
        review(
            "https://checks.test/ferries",
            FERRIES,
            author={"name": "Wire"},
            datePublished=RECENT,
            reviewRating={"alternateName": "True"},
        )
    )
    + "</script></head><body>Fact-check</body></html>"
)


async def answer(world: World, rec: InteractionRecord) -> str:
    """The reply's final text; a deferred one once it has been filled in."""
    if rec.callback_type == 5:
        await world.fake.wait_for(lambda: bool(rec.edits or rec.followups))
    return rec.final_content() or ""


async def slash(world: World, user: int, command: str, options: dict[str, object]) -> str:
    return await answer(world, await world.slash(user, command, options))


async def import_file(world: World, user: int, data: bytes, name: str = "feed.json") -> str:
    return await slash(world, user, "factchecks import", {"file": (name, data)})


async def library_size(bot: ClaimBot, guild_id: int) -> int:
    return (await bot.db.library_stats(guild_id)).fact_checks


async def test_a_moderator_imports_a_file_and_searches_it(bot: ClaimBot, world: World) -> None:
    reply = await import_file(world, world.admin, FEED)
    assert reply == (
        "Imported 1 fact-check(s) for this server: 1 new, 0 updated.\n"
        "Skipped 1: url is not http(s) 1.\n"
        "Numbers dropped (1): ratingValue is not a number 1."
    )
    audit = await bot.db.last_audit(world.guild_id, "factchecks_import")
    assert audit is not None and audit["actor_id"] == world.admin
    assert audit["detail"] == {
        "feed": "file feed.json",
        "read": 1,
        "added": 1,
        "updated": 0,
        "skipped": 1,
    }

    again = await import_file(world, world.admin, FEED)
    assert again.startswith("Imported 1 fact-check(s) for this server: 0 new, 1 updated.")

    search = await world.slash(
        world.outsider, "factchecks search", {"query": "Do steel bridges melt in June?"}
    )
    lines = (await answer(world, search)).splitlines()
    assert search.ephemeral
    assert lines[0] == "Fact-checks closest to “Do steel bridges melt in June?”:"
    score, description = lines[1].split(" · ", 1)
    assert score.startswith("**1.** score ") and 0 < float(score.split()[-1]) <= 1
    years = (datetime.now(UTC).date() - date(2021, 3, 1)).days // 365
    assert description == (
        rf"\*\*Desk\*\* @everyone: **False\_ish** (2021-03-01) ⚠ checked {years} years before"
        " this claim"
    )
    assert lines[2] == rf"[https\://checks.test/bridges](https://checks.test/bridges): “{BRIDGES}”"

    stats = await world.slash(world.outsider, "factchecks stats")
    assert stats.ephemeral
    assert (stats.final_content() or "").splitlines()[:3] == [
        "**1 fact-check(s)** in this server's library.",
        r"Top publishers: \*\*Desk\*\* @everyone 1.",
        "Newest fact-check: 2021-03-01; oldest: 2021-03-01.",
    ]


async def test_import_by_link_goes_through_the_safe_fetcher(bot: ClaimBot, world: World) -> None:
    bot.fact_check_import.fetcher = local_fetcher()
    async with web_host({"/ferries": PAGE}) as base:
        done = await slash(world, world.admin, "factchecks import", {"url": f"{base}/ferries"})
        refused = await slash(world, world.admin, "factchecks import", {"url": f"{base}/missing"})
        inside = await slash(
            world, world.admin, "factchecks import", {"url": "http://intranet.test/feed.json"}
        )
    assert done == "Imported 1 fact-check(s) for this server: 1 new, 0 updated."
    assert refused == "The site answered with an error (HTTP 404 Not Found)."
    assert inside == (
        "That link points to a private or internal network address, so I won't fetch it."
    )
    assert await library_size(bot, world.guild_id) == 1
    found = await slash(world, world.admin, "factchecks search", {"query": FERRIES})
    assert found.splitlines()[1].endswith(f"· Wire: **True** ({RECENT})")


async def test_a_member_who_is_not_a_moderator_is_refused(bot: ClaimBot, world: World) -> None:
    reply = await import_file(world, world.outsider, FEED)
    assert reply == (
        "Only moderators can import fact-checks (the moderator role or Manage Server)."
    )
    assert await library_size(bot, world.guild_id) == 0
    denied = await bot.db.last_audit(world.guild_id, "denied_factchecks_import")
    assert denied is not None and denied["actor_id"] == world.outsider


async def test_a_bad_feed_is_refused_with_nothing_imported(bot: ClaimBot, world: World) -> None:
    broken = json.dumps([review(f"https://b.test/{n}", f"Claim {n}.") for n in range(2_500)])
    cases = [
        (b"Just some words.", "This is not JSON: a ClaimReview feed starts with { or [."),
        (b'{"@type": "NewsArticle"}', "No ClaimReview found in it."),
        (b"[" * 5_000, "The JSON is nested more than 32 levels deep."),
        (broken.encode()[:-30], "The JSON is broken: parse error: premature EOF."),
    ]
    for data, message in cases:
        assert await import_file(world, world.admin, data) == message
    assert await library_size(bot, world.guild_id) == 0
    both = await slash(
        world, world.admin, "factchecks import", {"url": "http://a.test/x", "file": ("f", FEED)}
    )
    assert both == "Give exactly one of `url` or `file`."


@pytest.mark.slow
async def test_servers_see_only_their_imports_and_those_for_all(
    runner: BotRunner, world: World
) -> None:
    database = runner.database
    env = {"DATABASE_PATH": str(database)}
    assert claimbot("migrate", cwd=database.parent, env=env).returncode == 0
    (database.parent / "all.html").write_text(PAGE, encoding="utf-8")
    everyone = claimbot("factchecks", "import", "all.html", cwd=database.parent, env=env)
    assert everyone.returncode == 0, everyone.stderr
    rival = build_world(world.fake, "Rival")
    bot = await runner.start()

    assert (await import_file(world, world.admin, FEED)).startswith("Imported 1 fact-check(s)")
    home_stats = await world.slash(world.outsider, "factchecks stats")
    rival_stats = await rival.slash(rival.outsider, "factchecks stats")
    assert (home_stats.final_content() or "").splitlines()[0] == (
        "**2 fact-check(s)** in this server's library."
    )
    assert (rival_stats.final_content() or "").splitlines()[:2] == [
        "**1 fact-check(s)** in this server's library.",
        "Top publishers: Wire 1.",
    ]
    hidden = await slash(rival, rival.outsider, "factchecks search", {"query": BRIDGES})
    assert "checks.test/bridges" not in hidden
    seen = await slash(rival, rival.outsider, "factchecks search", {"query": FERRIES})
    assert seen.splitlines()[1].endswith(f"· Wire: **True** ({RECENT})")
    home = await slash(world, world.outsider, "factchecks search", {"query": BRIDGES})
    assert "checks.test/bridges" in home.splitlines()[2]
    assert len(bot.library) == 2


MILL = "The Old Mill bridge in Dunmore was closed after engineers found cracks in 2024."
MILL_CLAIM = "Engineers found cracks in the Old Mill bridge in Dunmore, which closed in 2024."
MILL_URL = "https://checks.test/old-mill-bridge"


@pytest.mark.slow
async def test_a_cli_import_is_searched_by_the_running_bot_after_one_poll(
    runner: BotRunner, world: World
) -> None:
    clock = ManualClock(time.time())  # wall time: the poll sleeps on it, leases are read on it
    runner.bot_options["clock"] = clock
    bot = await runner.start(CLAIMBOT_LIBRARY_POLL=10)
    await setup_review(world)
    query = "Did engineers close the Old Mill bridge in Dunmore over cracks?"
    assert await slash(world, world.outsider, "factchecks search", {"query": query}) == (
        f"No fact-check found for “{query}”."
    )

    folder = runner.database.parent
    mill = review(
        MILL_URL,
        MILL,
        author={"name": "Wire"},
        datePublished=RECENT,
        reviewRating={"alternateName": "False"},
    )
    (folder / "mill.json").write_text(json.dumps([mill]), encoding="utf-8")
    env = {"DATABASE_PATH": str(runner.database)}
    done = await asyncio.to_thread(
        claimbot, "factchecks", "import", "mill.json", cwd=folder, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        "Imported 1 fact-check(s) for all servers: 1 new, 0 updated. Matching index of 1 "
        "fact-check(s) built and saved in "
    )
    # Not yet: the bot searches the index it holds until its next poll.
    unseen = await slash(world, world.outsider, "factchecks search", {"query": query})
    assert unseen == f"No fact-check found for “{query}”."

    polls = bot.library.polls
    clock.advance(10)
    await world.fake.wait_for(lambda: bot.library.polls > polls)
    assert (bot.library.builds, len(bot.library)) == (0, 1)  # loaded, never rebuilt here
    searched = await slash(world, world.outsider, "factchecks search", {"query": query})
    found = searched.splitlines()
    assert found[1].endswith(f"· Wire: **False** ({RECENT})")
    assert found[2] == rf"[https\://checks.test/old\-mill\-bridge]({MILL_URL}): “{MILL}”"

    claim = await add_claim(world, bot, MILL_CLAIM)
    await runner.settle()
    stored = await bot.db.get_claim(world.guild_id, claim.id)
    assert stored is not None and stored.thread_id is not None
    (suggestion,) = await bot.db.suggestions_for_claim(claim.id)
    imported = await bot.db.get_fact_check(world.guild_id, suggestion.fact_check_id or 0)
    assert imported is not None and imported.url == MILL_URL
    (message,) = [m for m in world.fake.messages_in(stored.thread_id) if m["source"] == "rest"]
    assert message["content"].startswith("🔎 **Already fact-checked?**")
    assert f"<{MILL_URL}>" in message["content"]
