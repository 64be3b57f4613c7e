"""The README's two screenshots of the public pages: a server's index and a claim page.

    .venv/bin/python -m tools.screenshots [--out docs/images]

Builds a small published site in a scratch database (claims written here, with votes,
sources and one archived source, through the storage package as the bot stores them),
serves it with the real page server on loopback, and photographs it with Debian's chromium
through Playwright (`apt-get install chromium`; never `playwright install`). Nothing is
fetched from the network. Writes `index.png` and `claim.png`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from bot.core.records import NewSnapshot
from bot.core.snapshots import SnapshotBounds
from bot.publish.server import PageServer, RateLimit
from bot.storage import Database
from tests.support.published import HOME, HOME_SITE, Shape, publish, store_claims

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 960, "height": 900}
DAY = 86_400.0
CITED_AT = 1_764_000_000.0  # 2025-11-24: when the first source was archived

CLAIMS = [
    Shape(
        "The Port Averly council voted 9 to 2 on Tuesday to buy three electric ferries.",
        status="verified_true",
        final=True,
        votes=("supported", "supported", "supported", "supported", "refuted"),
        sources=(
            ("https://council.example/minutes/2025-11-18", "supports"),
            ("https://harbour-news.example/ferries-vote", "context"),
        ),
        speaker="Port Averly council",
        origin_url="https://harbour-news.example/ferries-vote",
        origin_title="Council buys three electric ferries",
    ),
    Shape(
        "Ferry fares in Port Averly have risen 80 percent since 2020.",
        status="verified_false",
        final=True,
        votes=("refuted", "refuted", "refuted", "misleading"),
        sources=(("https://stats.example/transport/fares-2025", "refutes"),),
        speaker="Mayor Ines Kardos",
        origin_url="https://harbour-news.example/mayor-interview",
        origin_title="Interview with the mayor",
    ),
    Shape(
        "Half of the island's commuters now cross by ferry every working day.",
        status="misleading",
        final=True,
        votes=("misleading", "misleading", "supported"),
        sources=(("https://stats.example/transport/commuting", "context"),),
        speaker="Averly Ferry Company",
        origin_url="https://harbour-news.example/commuters",
        origin_title="Commuters and the crossing",
    ),
    Shape(
        "The new terminal will cut the crossing to 25 minutes.",
        status="likely_true",
        votes=("supported", "supported", "supported"),
        sources=(("https://council.example/terminal-plan", "supports"),),
        speaker="Deputy Mayor Ana Ruiz",
        origin_title="Terminal plans",
    ),
]

#: What a moderator wrote when resolving each claim (the bot's wording for a resolution).
NOTES = [
    "Resolved by a moderator: the council's minutes record 9 votes to 2.",
    "Resolved by a moderator: the statistics office reports a 23 percent rise since 2020.",
    "Resolved by a moderator: a third of commuters cross daily; half do at least weekly.",
    "3 sources support it, none refute it.",
]

MINUTES = (
    "Minutes of the council meeting of 18 November 2025. Item 4: purchase of three electric "
    "ferries for the Averly crossing. The motion was carried by 9 votes to 2, with no "
    "abstention. The ferries are to enter service in 2027; the contract is worth 41 million "
    "euros, a third of it paid by the regional transport fund."
)


async def build_site(path: Path) -> list[int]:
    """The scratch database, published; the numbers of its claims."""
    db = await Database.open(path)
    try:
        made = await store_claims(db, HOME, CLAIMS)
        await db.save_statuses(
            [
                (claim.id, shape.status, 0.9, note, shape.final, "rule")
                for claim, shape, note in zip(made, CLAIMS, NOTES, strict=True)
            ]
        )
        await publish(db, HOME_SITE)
        found = await db.published_claim(HOME_SITE.slug, made[0].number)
        assert found is not None and found[1] is not None
        minutes = found[1].evidence[0]
        snapshot = NewSnapshot(
            final_url=minutes.url,
            http_status=200,
            title="Council minutes, 18 November 2025",
            body_sha256="9f2c4e1ab07d3c55e8a1f0b6d2c7e4a3918b5f6c0d2e7a4b1c3f5e8d9a0b2c4e",
            body_bytes=18_412,
            body_cut=False,
            text=MINUTES,
            text_trimmed=False,
        )
        bounds = SnapshotBounds()
        assert await db.save_snapshot(minutes.id, snapshot, now=CITED_AT, bounds=bounds)
        return [claim.number for claim in made]
    finally:
        await db.close()


async def photograph(out: Path) -> None:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as scratch:
        numbers = await build_site(Path(scratch) / "site.db")
        db = await Database.open(Path(scratch) / "site.db")
        server = PageServer(db, rate=RateLimit(burst=100, interval=0))
        port = await server.start("127.0.0.1", 0)
        base = f"http://127.0.0.1:{port}/{HOME_SITE.slug}"
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
                )
                try:
                    page = await browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
                    await page.goto(f"{base}/")
                    await page.screenshot(path=str(out / "index.png"), full_page=True)
                    await page.goto(f"{base}/claims/{numbers[0]}")
                    await page.screenshot(path=str(out / "claim.png"), full_page=True)
                finally:
                    await browser.close()
        finally:
            await server.close()
            await db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print("screenshots: needs Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(photograph(args.out))
    print(f"wrote {args.out / 'index.png'} and {args.out / 'claim.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
