"""The bot's database session outlives a PostgreSQL restart: while the server is down,
`/healthz` says the database is not answering; once it is back, the next read, and the next
write, run on a new session. A write whose session was lost in the middle of its transaction
is reported failed and never run a second time: its COMMIT may have been applied."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import psycopg
import pytest

from bot.app.health import DATABASE_NOT_ANSWERING, HealthServer
from bot.core.shards import UNSHARDED, ShardScope
from bot.services.metrics import Metrics
from bot.storage import Database
from tests.support.backends import execute_directly
from tests.support.postgres import Cluster
from tests.test_metrics import free_port, get
from tests.test_storage_evidence_numbers import new_claim

HOME = 4242


@pytest.fixture
async def db(postgres_url: str) -> AsyncIterator[Database]:
    database = await Database.open(postgres_url)
    try:
        yield database
    finally:
        await database.close()


async def test_healthz_is_not_ready_while_the_server_is_down_and_reads_work_after(
    db: Database, postgres_cluster: Cluster
) -> None:
    claim_id = await new_claim(db, HOME, "The ferry fares rose 8 percent.")
    server = HealthServer(Metrics(), db, lambda: None, shards=UNSHARDED)
    port = free_port()
    await server.start("127.0.0.1", port)
    try:
        assert (await get(port, "/healthz"))[:2] == (200, "ok\n")
        with postgres_cluster.stopped():
            assert (await get(port, "/healthz"))[:2] == (503, f"{DATABASE_NOT_ANSWERING}\n")
            assert (await get(port, "/healthz"))[:2] == (503, f"{DATABASE_NOT_ANSWERING}\n")
        # Back: the very next call runs on a new session.
        claim = await db.get_claim(HOME, claim_id)
        assert claim is not None and claim.text == "The ferry fares rose 8 percent."
        assert (await get(port, "/healthz"))[:2] == (200, "ok\n")
    finally:
        await server.close()


async def test_the_first_write_after_a_restart_runs_once_on_a_new_session(
    db: Database, postgres_cluster: Cluster, postgres_url: str
) -> None:
    await new_claim(db, HOME, "Before the restart.")
    with postgres_cluster.stopped():
        pass
    after = await new_claim(db, HOME, "After the restart.")
    rows = execute_directly(postgres_url, "SELECT id, text FROM claims ORDER BY id")
    assert [text for _, text in rows] == ["Before the restart.", "After the restart."]
    assert rows[-1][0] == after


async def test_a_write_lost_mid_transaction_fails_once_and_the_next_one_works(
    db: Database, postgres_url: str
) -> None:
    runs = 0

    def insert_then_lose_the_session(conn: Any) -> None:
        nonlocal runs
        runs += 1
        conn.execute(
            "INSERT INTO published_guilds (guild_id, slug, organization, base_url, changed_at)"
            " VALUES (?, 'lost', 'Lost Desk', 'https://lost.example', 0)",
            (HOME,),
        )
        # As a server restart or a broken network would: the session ends under the write.
        execute_directly(
            postgres_url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND state = 'idle in transaction'",
        )
        conn.execute("SELECT 1")

    with pytest.raises(psycopg.OperationalError):
        await db._write(insert_then_lose_the_session)
    assert runs == 1
    assert execute_directly(postgres_url, "SELECT count(*) FROM published_guilds") == [(0,)]
    claim_id = await new_claim(db, HOME, "The next write.")
    assert (await db.get_claim(HOME, claim_id)) is not None


async def test_a_notice_whose_lock_went_with_a_restart_is_posted_by_one_process_only(
    db: Database, postgres_cluster: Cluster, postgres_url: str
) -> None:
    """A sender's notice locks live on its session: after a restart, the sender re-checks
    each taken notice right before posting; the one it took again is still its own, the one
    another process took first is not, and is left to that process."""
    ids = [await new_claim(db, HOME, f"The ferry fares rose {n} percent.") for n in (8, 9)]
    await db.save_statuses(
        [(claim_id, "likely_true", 0.9, "", False, "consensus") for claim_id in ids],
        notices_due=100.0,
    )
    everything = ShardScope(count=1, ids=(0,))
    taken = await db.claim_due_notices(everything, 200.0, limit=10)
    kept, lost = sorted(taken, key=lambda notice: notice.claim_id)
    other = await Database.open(postgres_url)
    try:
        with postgres_cluster.stopped():
            pass
        # Re-checked before the other process looks: taken again on the new session.
        assert await db.still_taken(kept, thread_done=False) is True
        (stolen,) = await other.claim_due_notices(everything, 200.0, limit=10)
        assert stolen.claim_id == lost.claim_id
        assert await db.still_taken(lost, thread_done=False) is False
        assert await other.still_taken(stolen, thread_done=False) is True
        # Its thread post recorded by the other process: the row no longer waits for a
        # thread post, and the other process is asked with what it recorded.
        await other.notice_thread_done(stolen)
        assert await other.still_taken(stolen, thread_done=False) is False
        assert await other.claim_due_notices(everything, 200.0, limit=10) == [
            replace(stolen, thread_done=True)
        ]
        assert await other.still_taken(stolen, thread_done=True) is True
    finally:
        await other.close()
