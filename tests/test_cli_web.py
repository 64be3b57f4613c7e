"""`claimbot web` as a user runs it: it serves the published pages of the database until
SIGTERM (exit 0), and a port it cannot listen on, or a missing database, is one line."""

from __future__ import annotations

import asyncio
import os
import signal
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


def worker_pids(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc)."""
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def running(pids: list[int]) -> list[int]:
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 3])
async def test_the_process_serves_the_pages_until_sigterm(
    database_location: Path | str, workers: int
) -> None:
    """On an SQLite file and on PostgreSQL, one process or workers sharing the port; the page
    it keeps of a claim goes once the claim is withheld, when its poll of the database sees the
    change (the cache keeps pages 60 s)."""
    claim = await published_database(database_location)
    # A burst as large as the polling below asks for: the rate limit has tests of its own.
    env = {"CLAIMBOT_WEB_WORKERS": str(workers), "CLAIMBOT_WEB_BURST": "10000"}
    web = WebProcess(database_location, env=env)
    await asyncio.to_thread(web.start)
    forked = worker_pids(web.pid)
    try:
        assert len(forked) == (0 if workers == 1 else workers)
        page = f"{web.base}/verif/claims/{claim.number}"
        # Separate connections, which the kernel spreads among the workers: each answers.
        for _ in range(4 * workers):
            async with aiohttp.ClientSession() as session:
                async with session.get(page) as response:
                    assert response.status == 200
                    assert "The ferry fares rose 8 percent." in await response.text()
                async with session.get(f"{web.base}/verif/claims/{claim.number + 1}") as response:
                    assert response.status == 404
        await withhold(database_location, claim.id)
        for _ in range(300):  # up to 30 s on a loaded machine; a poll is every second
            statuses = set()
            for _ in range(2 * workers):  # a new connection each, so each worker is asked
                async with aiohttp.ClientSession() as session, session.get(page) as response:
                    statuses.add(response.status)
            if statuses == {404}:
                break
            await asyncio.sleep(0.1)
        assert statuses == {404}
    finally:
        assert await asyncio.to_thread(web.stop) == 0
    assert running(forked) == []


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
async def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path, workers: str) -> None:
    await published_database(tmp_path / "bot.db")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            "DATABASE_PATH": str(tmp_path / "bot.db"),
            "CLAIMBOT_WEB_PORT": str(port),
            "CLAIMBOT_WEB_WORKERS": workers,
        }
        result = await asyncio.to_thread(claimbot, "web", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"claimbot: Cannot serve the pages on 127.0.0.1:{port} "
        "(CLAIMBOT_WEB_HOST, CLAIMBOT_WEB_PORT): Address already in use."
    ]
    assert result.stdout == ""


@pytest.mark.parametrize("workers", ["1", "2"])
def test_no_database_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, workers: str
) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "none.db"), "CLAIMBOT_WEB_WORKERS": workers}
    result = InProcess(monkeypatch, tmp_path, env)("web")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"claimbot: No database at {tmp_path / 'none.db'}: run `claimbot migrate` to create it "
        "(`claimbot run` also creates it), or set DATABASE_PATH in the environment or .env."
    ]
    assert not (tmp_path / "none.db").exists()


@pytest.mark.slow
async def test_a_worker_killed_stops_the_others_and_exit_1(tmp_path: Path) -> None:
    await published_database(tmp_path / "bot.db")
    web = WebProcess(tmp_path / "bot.db", env={"CLAIMBOT_WEB_WORKERS": "2"})
    await asyncio.to_thread(web.start)
    first, second = worker_pids(web.pid)
    os.kill(first, signal.SIGKILL)
    assert web.process is not None
    assert await asyncio.to_thread(web.process.wait, 20) == 1
    assert running([second]) == []
    web.stop()
