"""Snapshots of sources through Discord (docs/evidence.md): a source is archived when it is
added; the bot's background recheck finds a page changed (the original snapshot intact, byte
for byte) or gone; `/evidence list` and the export say so. The evidence host is a local server
whose pages the tests change; the wall clock is one the tests move."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from bot.app.client import ClaimBot
from bot.core.records import ClaimRecord
from tests.e2e.hosts import EVIDENCE_PAGE, local_fetcher, serve
from tests.e2e.test_hostile import answer
from tests.e2e.test_numbers import attachment
from tests.support.clock import ManualClock
from tests.support.world import BotRunner, World, add_claim, setup_review

DAY = 86_400.0
EDITED_PAGE = EVIDENCE_PAGE.replace("three vessels", "two vessels").replace(
    "Council confirms three electric ferries", "Council now plans two electric ferries"
)
MAIN_TEXT = "Council confirms three electric ferries\nThe tender documents published on Tuesday"


@dataclass
class Host:
    """A web host whose pages a test changes: path -> (HTTP status, HTML)."""

    base: str = ""
    pages: dict[str, tuple[int, bytes]] = field(default_factory=dict)

    def serve_page(self, path: str, html: str | bytes, status: int = 200) -> None:
        body = html.encode("utf-8") if isinstance(html, str) else html
        self.pages[path] = (status, body)


@pytest.fixture
async def host() -> AsyncIterator[Host]:
    site = Host()

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path == "/old":
            raise web.HTTPFound("/ferries")
        status, body = site.pages.get(request.path, (404, b"<html><body>Not here</body></html>"))
        charset = "windows-1252" if request.path.startswith("/cp1252") else "utf-8"
        response = web.Response(status=status, body=body, content_type="text/html", charset=charset)
        if request.path.startswith("/gzip"):
            response.enable_compression(web.ContentCoding.gzip)
        return response

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    async with serve(app) as base:
        site.base = base
        yield site


@pytest.fixture
def clock(runner: BotRunner) -> ManualClock:
    wall = ManualClock(time.time())
    runner.bot_options["clock"] = wall
    return wall


@pytest.fixture
async def ready(runner: BotRunner, world: World, clock: ManualClock) -> ClaimBot:
    bot = await runner.start(CLAIMBOT_RECHECK_INTERVAL=DAY)
    bot.evidence.fetcher = local_fetcher()
    await setup_review(world)
    return bot


def day(moment: float) -> str:
    return f"<t:{int(moment)}:d>"


async def cite(world: World, claim: ClaimRecord, url: str) -> str:
    rec = await world.slash(
        world.reviewers[0],
        "evidence add",
        {"claim": claim.number, "url": url, "stance": "supports"},
    )
    return await answer(world, rec)


async def listing(world: World, claim: ClaimRecord) -> str:
    rec = await world.slash(world.outsider, "evidence list", {"claim": claim.number})
    return await answer(world, rec)


async def recheck_pass(world: World, bot: ClaimBot, runner: BotRunner, clock: ManualClock) -> None:
    """A day later: the bot's background recheck runs, and the test waits for its end."""
    done = bot.evidence.snapshots.passes
    clock.advance(DAY)
    await world.fake.wait_for(lambda: bot.evidence.snapshots.passes > done, timeout=15)
    await runner.settle()


async def test_a_page_changed_after_it_was_cited_is_changed_since_and_the_original_stays(
    ready: ClaimBot, runner: BotRunner, world: World, host: Host, clock: ManualClock
) -> None:
    host.serve_page("/ferries", EVIDENCE_PAGE)
    claim = await add_claim(world, ready)
    cited = clock.now()
    reply = await cite(world, claim, f"{host.base}/old")  # redirects to /ferries
    assert reply == (
        f"Added a source that supports claim #{claim.number} "
        "(“Council confirms three electric ferries”)."
    )
    await runner.settle()
    (item,) = await ready.db.evidence_for(claim.id)
    (original,) = await ready.db.snapshots_of(item.id)
    served = EVIDENCE_PAGE.encode("utf-8")
    assert (original.final_url, original.http_status, original.title) == (
        f"{host.base}/ferries",
        200,
        "Council confirms three electric ferries",
    )
    assert (original.body_sha256, original.body_bytes, original.body_cut) == (
        hashlib.sha256(served).hexdigest(),
        len(served),
        False,
    )
    assert original.text.startswith(MAIN_TEXT) and not original.text_trimmed
    assert (original.fetched_at, item.archived_at) == (cited, cited)
    assert await listing(world, claim) == (
        f"Sources for claim #{claim.number}:\n"
        f"#1 supports: [Council confirms three electric ferries]({host.base}/old)"
        f" (archived {day(cited)})"
    )

    # A day later, nothing changed.
    await recheck_pass(world, ready, runner, clock)
    first_check = clock.now()
    assert await listing(world, claim) == (
        f"Sources for claim #{claim.number}:\n"
        f"#1 supports: [Council confirms three electric ferries]({host.base}/old)"
        f" (archived {day(cited)}, unchanged {day(first_check)})"
    )
    assert await ready.db.snapshots_of(item.id) == [original]

    # The page is edited: changed since that recheck, and kept as a second snapshot.
    host.serve_page("/ferries", EDITED_PAGE)
    await recheck_pass(world, ready, runner, clock)
    changed_at = clock.now()
    first, edited = await ready.db.snapshots_of(item.id)
    assert first == original  # byte for byte: text, hash, title, time
    assert edited.body_sha256 == hashlib.sha256(EDITED_PAGE.encode("utf-8")).hexdigest()
    assert edited.text.startswith("Council now plans two electric ferries")
    assert edited.fetched_at == changed_at
    expected_list = (
        f"Sources for claim #{claim.number}:\n"
        f"#1 supports: [Council confirms three electric ferries]({host.base}/old)"
        f" (archived {day(cited)}, changed since {day(changed_at)})"
    )
    assert await listing(world, claim) == expected_list

    # Still edited a day later: still changed since the same day, no third snapshot.
    await recheck_pass(world, ready, runner, clock)
    assert await listing(world, claim) == expected_list
    assert await ready.db.snapshots_of(item.id) == [original, edited]

    # The export carries the first snapshot's date and hash, and what the rechecks found.
    rec = await world.slash(world.moderator, "claim export", {"format": "json"})
    await world.fake.wait_for(lambda: bool(rec.followups))
    (exported,) = json.loads(attachment(world, rec))
    (source,) = exported["evidence"]
    assert {key: source[key] for key in ("archived_sha256", "recheck_state")} == {
        "archived_sha256": original.body_sha256,
        "recheck_state": "changed",
    }
    assert source["archived_at"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(cited))
    assert source["recheck_since"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(changed_at))


async def test_a_page_that_starts_answering_404_is_gone_since_and_a_503_records_nothing(
    ready: ClaimBot, runner: BotRunner, world: World, host: Host, clock: ManualClock
) -> None:
    host.serve_page("/ferries", EVIDENCE_PAGE)
    claim = await add_claim(world, ready)
    cited = clock.now()
    await cite(world, claim, f"{host.base}/ferries")
    await runner.settle()
    (item,) = await ready.db.evidence_for(claim.id)
    line = f"#1 supports: [Council confirms three electric ferries]({host.base}/ferries)"

    host.serve_page("/ferries", "<html><body>Try later</body></html>", status=503)
    await recheck_pass(world, ready, runner, clock)
    assert await listing(world, claim) == (
        f"Sources for claim #{claim.number}:\n{line} (archived {day(cited)})"
    )
    after_503 = await ready.db.get_evidence(world.guild_id, item.id)
    assert after_503 is not None and after_503.rechecked_at is None

    del host.pages["/ferries"]  # 404 from now on
    await recheck_pass(world, ready, runner, clock)
    gone_at = clock.now()
    assert await listing(world, claim) == (
        f"Sources for claim #{claim.number}:\n{line} (archived {day(cited)}, gone since"
        f" {day(gone_at)})"
    )
    await recheck_pass(world, ready, runner, clock)  # still gone: since the same day
    assert await listing(world, claim) == (
        f"Sources for claim #{claim.number}:\n{line} (archived {day(cited)}, gone since"
        f" {day(gone_at)})"
    )
    (kept,) = await ready.db.snapshots_of(item.id)
    assert kept.fetched_at == cited and kept.text.startswith(MAIN_TEXT)


async def test_a_failed_fetch_leaves_the_source_not_archived(
    ready: ClaimBot, runner: BotRunner, world: World, host: Host
) -> None:
    claim = await add_claim(world, ready)
    reply = await cite(world, claim, f"{host.base}/missing")
    assert reply == (
        f"Added a source that supports claim #{claim.number} (recorded as unreachable: The site"
        r" answered with an error \(HTTP 404 Not Found\).)."
    )
    await runner.settle()
    (item,) = await ready.db.evidence_for(claim.id)
    assert await ready.db.snapshots_of(item.id) == []
    assert await listing(world, claim) == (
        f"Sources for claim #{claim.number}:\n"
        f"#1 supports: [{host.base.replace(':', chr(92) + ':')}/missing]({host.base}/missing)"
        " (unreachable: The site answered with an error \\(HTTP 404 Not Found\\).; not archived)"
    )


async def test_a_5_mb_page_is_cut_by_the_fetcher_then_its_text_trimmed_to_the_cap(
    ready: ClaimBot, runner: BotRunner, world: World, host: Host
) -> None:
    # Distinct paragraphs: the main-text reader drops repeated ones as page chrome.
    paragraphs = "".join(
        f"<p>Crossing {n}: the harbour board counted {n * 7} passengers on ferry {n % 3}.</p>\n"
        for n in range(80_000)
    )
    big = (
        "<!doctype html><html><head><title>Ferry crossings, the full log</title></head><body>"
        "<article><h1>Ferry crossings, the full log</h1>\n"
        + paragraphs
        + "</article></body></html>"
    ).encode("utf-8")
    assert len(big) > 5_000_000
    host.serve_page("/log", big)
    claim = await add_claim(world, ready)
    await cite(world, claim, f"{host.base}/log")
    await runner.settle()
    (item,) = await ready.db.evidence_for(claim.id)
    (snapshot,) = await ready.db.snapshots_of(item.id)
    # The evidence fetcher reads 1 MB at most: the hash is of that megabyte as read.
    assert (snapshot.body_bytes, snapshot.body_cut) == (1_000_000, True)
    assert snapshot.body_sha256 == hashlib.sha256(big[:1_000_000]).hexdigest()
    # Its main text, read from it, is trimmed to CLAIMBOT_SNAPSHOT_TEXT_BYTES (20 kB).
    assert snapshot.text_trimmed
    assert 19_900 < len(snapshot.text.encode("utf-8")) <= 20_000
    assert snapshot.text.startswith(
        "Ferry crossings, the full log\nCrossing 0: the harbour board counted 0 passengers"
    )
    assert snapshot.stored_bytes == len(snapshot.text.encode("utf-8")) + len(
        "Ferry crossings, the full log"
    ) + len(f"{host.base}/log")


@pytest.mark.parametrize(
    ("path", "served"),
    [
        ("/gzip", EVIDENCE_PAGE.encode("utf-8")),  # sent gzipped: hashed as the fetcher read it
        ("/cp1252", EVIDENCE_PAGE.replace("Tuesday", "mardi, café").encode("cp1252")),
    ],
    ids=["gzip", "cp1252"],
)
async def test_the_hash_is_of_the_body_as_read_decompressed_but_not_decoded(
    ready: ClaimBot, runner: BotRunner, world: World, host: Host, path: str, served: bytes
) -> None:
    host.serve_page(path, served)
    claim = await add_claim(world, ready)
    await cite(world, claim, f"{host.base}{path}")
    await runner.settle()
    (item,) = await ready.db.evidence_for(claim.id)
    (snapshot,) = await ready.db.snapshots_of(item.id)
    assert (snapshot.body_sha256, snapshot.body_bytes) == (
        hashlib.sha256(served).hexdigest(),
        len(served),
    )
    assert item.archived_sha256 == snapshot.body_sha256
    # The text is decoded in the charset the page declared.
    day_named = "mardi, café" if path == "/cp1252" else "Tuesday"
    assert snapshot.text == (
        "Council confirms three electric ferries\n"
        f"The tender documents published on {day_named} list three vessels."
    )
