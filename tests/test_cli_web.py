"""`claimbot web` as a user runs it: it serves the published pages of the database until
SIGTERM (exit 0), and a port it cannot listen on, or a missing database, is one line."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.core.records import ClaimRecord
from bot.storage import Database
from tests.support.cli import InProcess, claimbot
from tests.support.published import HOME, HOME_SITE, MODERATOR, Shape, publish, store_claims
from tests.support.web_process import WebProcess


async def published_database(location: Path | str) -> ClaimRecord:
    db = await Database.open(location)
    try:
        [claim] = await store_claims(db, HOME, [Shape("The ferry fares rose 8 percent.")])
        await publish(db, HOME_SITE)
        return claim
    finally:
        await db.close()


async def withhold(location: Path | str, claim_id: int) -> None:
    """What `/claim publish state:off` does, from another process's connection."""
    db = await Database.open(location)
    try:
        await db.withhold_claim(HOME, claim_id, withheld=True, actor_id=MODERATOR)
    finally:
        await db.close()


@pytest.mark.slow
async def test_the_process_serves_the_pages_until_sigterm(database_location: Path | str) -> None:
    """On an SQLite file and on PostgreSQL; the page it keeps of a claim goes once the claim
    is withheld, when its poll of the database sees the change (the cache keeps pages 60 s)."""
    claim = await published_database(database_location)
    web = WebProcess(database_location)
    await asyncio.to_thread(web.start)
    try:
        async with aiohttp.ClientSession() as session:
            page = f"{web.base}/verif/claims/{claim.number}"
            async with session.get(page) as response:
                assert response.status == 200
                assert "The ferry fares rose 8 percent." in await response.text()
            async with session.get(f"{web.base}/verif/claims/{claim.number + 1}") as response:
                assert response.status == 404
            await withhold(database_location, claim.id)
            for _ in range(300):  # up to 30 s on a loaded machine; a poll is every second
                async with session.get(page) as response:
                    if response.status == 404:
                        break
                await asyncio.sleep(0.1)
            assert response.status == 404
    finally:
        assert await asyncio.to_thread(web.stop) == 0


@pytest.mark.slow
async def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    await published_database(tmp_path / "bot.db")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {"DATABASE_PATH": str(tmp_path / "bot.db"), "CLAIMBOT_WEB_PORT": str(port)}
        result = await asyncio.to_thread(claimbot, "web", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"claimbot: Cannot serve the pages on 127.0.0.1:{port} "
        "(CLAIMBOT_WEB_HOST, CLAIMBOT_WEB_PORT): Address already in use."
    ]
    assert result.stdout == ""


def test_no_database_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run = InProcess(monkeypatch, tmp_path, {"DATABASE_PATH": str(tmp_path / "none.db")})
    result = run("web")
    assert result.returncode == 1
    assert result.stderr.startswith(f"claimbot: No database at {tmp_path / 'none.db'}: run")
    assert not (tmp_path / "none.db").exists()
