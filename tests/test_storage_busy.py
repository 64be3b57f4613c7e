"""Another process holding the database: writes wait and land, or fail loudly. SQLite only:
its busy timeout and file lock; on PostgreSQL writers queue on the write lock
(tests/test_storage_postgresql.py)."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import bot.storage.connection
from bot.core.records import NewClaim, NewDocument
from bot.services.vote_ingest import ReactionVote, VoteIngest
from bot.storage.database import Database

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


async def one_claim(db: Database) -> int:
    document = NewDocument(guild_id=1, submitter_id=1, kind="manual", content_hash="h")
    _, (claim,), _ = await db.store_submission(
        document, [NewClaim(text="x", normalized="x")], origin_url=None, origin_title=None
    )
    return claim.id


async def hold_lock(path: Path, seconds: float) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLD_LOCK, str(path), str(seconds), stdout=subprocess.PIPE
    )
    assert process.stdout is not None
    assert (await process.stdout.readline()).strip() == b"locked"
    return process


async def no_op(ids: set[int]) -> None:
    return None


@pytest.mark.slow
async def test_writes_wait_for_a_lock_and_then_land(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    db = await Database.open(path)
    claim = await one_claim(db)
    ingest = VoteIngest(db, no_op)
    ingest.start()
    locker = await hold_lock(path, 1.0)
    votes = [ingest.submit(ReactionVote(1, claim, r, "supported", True)) for r in range(20)]
    results = await asyncio.gather(*votes)
    await locker.wait()
    await ingest.stop()
    assert all(result is not None for result in results)
    assert len(await db.current_votes(claim)) == 20
    await db.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.slow
async def test_a_lock_held_too_long_fails_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.storage.connection, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "stuck.db"
    db = await Database.open(path)
    claim = await one_claim(db)
    ingest = VoteIngest(db, no_op)
    ingest.start()
    locker = await hold_lock(path, 1.5)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        await ingest.submit(ReactionVote(1, claim, 7, "refuted", True))
    await locker.wait()
    # The worker survives the failure: the next vote lands.
    assert await ingest.submit(ReactionVote(1, claim, 7, "refuted", True)) is not None
    await ingest.stop()
    assert await db.current_votes(claim) == {7: "refuted"}
    await db.close()
