"""The public pages in a real browser: Debian's chromium, headless, driven by Playwright
(never `playwright install`). The index and a claim page load with no console error (a CSP
violation is one), the JSON-LD block is in the DOM and is the page's ClaimReview, and a
screenshot of each lands in tests/artifacts/ for a human to look at."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.publish.server import PageServer, RateLimit
from bot.storage import Database
from tests.support.published import HOME, HOME_SITE, Shape, publish, store_claims

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CLAIMS = [
    Shape(
        "The Port Averly council voted 9 to 2 on Tuesday to buy three electric ferries.",
        status="verified_true",
        votes=("supported", "supported", "supported", "refuted"),
        sources=(
            ("https://council.example/minutes/2024-05-07", "supports"),
            ("https://news.example/ferries", "context"),
        ),
        speaker="Port Averly council",
        origin_title="Council buys electric ferries",
    ),
    Shape(
        'Ferry fares rose 80 percent </script><script>alert("x")</script> since 2020.',
        votes=("refuted", "refuted", "misleading"),
    ),
    Shape(
        "\u05e8\u05d0\u05e9 \u05d4\u05e2\u05d9\u05e8 \u05d0\u05de\u05e8 \u05e9-40% "
        "\u05de\u05d4\u05ea\u05d5\u05e9\u05d1\u05d9\u05dd \u05d2\u05e8\u05d9\u05dd "
        "\u05dc\u05d9\u05d3 \u05d4\u05d9\u05dd.",
        status="misleading",
        final=True,
        votes=(),
        speaker="\u05e8\u05d0\u05e9 \u05d4\u05e2\u05d9\u05e8",
    ),
]

pytestmark = pytest.mark.slow


@pytest.fixture
def artifacts() -> Path:
    """The screenshots' folder; Debian's chromium must be there (`.ci/run` installs it):
    without it this test fails, it is never skipped."""
    assert CHROMIUM.exists(), "apt-get install -y chromium (Debian's, not `playwright install`)"
    return ARTIFACTS


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[tuple[str, list[int]]]:
    db = await Database.open(tmp_path / "browser.db")
    made = await store_claims(db, HOME, CLAIMS)
    await publish(db, HOME_SITE)
    server = PageServer(db, rate=RateLimit(burst=1, interval=0))
    port = await server.start("127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{port}", [claim.number for claim in made]
    finally:
        await server.close()
        await db.close()


async def test_the_pages_load_cleanly_in_chromium(
    site: tuple[str, list[int]], artifacts: Path
) -> None:
    from playwright.async_api import ConsoleMessage, Error, async_playwright

    base, numbers = site
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 844})

            def on_console(message: ConsoleMessage) -> None:
                if message.type in ("error", "warning"):
                    problems.append(f"{message.type}: {message.text}")

            def on_error(error: Error) -> None:
                problems.append(f"pageerror: {error}")

            page.on("console", on_console)
            page.on("pageerror", on_error)
            page.on("dialog", lambda dialog: problems.append(f"dialog: {dialog.message}"))

            response = await page.goto(f"{base}/verif/")
            assert response is not None and response.status == 200
            assert await page.locator("main h1").inner_text() == "Verdicts of Les Vérificateurs"
            assert await page.locator("ol.claim-list > li").count() == 3
            await page.screenshot(path=str(artifacts / "index.png"), full_page=True)

            response = await page.goto(f"{base}/verif/claims/{numbers[0]}")
            assert response is not None and response.status == 200
            blocks = await page.locator('script[type="application/ld+json"]').all_text_contents()
            [doc] = [json.loads(block) for block in blocks]
            assert doc["@type"] == "ClaimReview"
            assert doc["url"] == f"https://checks.example.org/verif/claims/{numbers[0]}"
            assert doc["claimReviewed"] == CLAIMS[0].text
            heading = page.locator("#claim-heading")
            assert await heading.inner_text() == CLAIMS[0].text
            # The stylesheet applied: the badge has the embeds' colour for Verified true.
            badge = page.locator(".badge").first
            colour = await badge.evaluate("b => getComputedStyle(b).backgroundColor")
            assert colour == "rgb(31, 139, 76)"
            await page.screenshot(path=str(artifacts / "claim.png"), full_page=True)
            await page.keyboard.press("Tab")
            focused = await page.evaluate("document.activeElement.textContent")
            assert focused == "Skip to content"

            # The hostile claim stays text: no script ran, no dialog opened.
            await page.goto(f"{base}/verif/claims/{numbers[1]}")
            assert await page.locator("#claim-heading").inner_text() == CLAIMS[1].text
            await page.goto(f"{base}/verif/claims/{numbers[2]}")
            assert await page.locator("#claim-heading").inner_text() == CLAIMS[2].text
            await page.screenshot(path=str(artifacts / "claim-rtl.png"), full_page=True)
        finally:
            await browser.close()
    assert problems == []
