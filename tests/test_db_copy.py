"""`claimbot db copy --to URL`: a real SQLite file copied into a real PostgreSQL database
(the throwaway cluster), row for row and status for status; an interrupted copy (a stop after
batch N, a lost connection) resumed without duplicates; and its refusals, each one line."""

from __future__ import annotations

import asyncio
import os
import pty
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.dataset import Shape, fill
from benchmarks.db_copy import recompute
from bot.core.shards import ShardScope
from bot.services.db_copy import Progress, copy_database, open_source
from bot.storage import Database, DatabaseInUse, PostgresShardLock, ShardLock, load_migrations
from bot.storage.connection import fetch_one
from bot.storage.db_copy import CHECKPOINTS
from tests.support.backends import execute_directly
from tests.support.cli import REPO, InProcess, clean_environment
from tests.support.postgres import Cluster

NEWEST = load_migrations()[-1].version
SMALL = Shape(claims=240, votes=900, evidence=120, guilds=3, seed=11)


class Stop(Exception):
    """What the tests raise to stop a copy after a given batch."""


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> InProcess:
    return InProcess(monkeypatch, tmp_path)


def make_source(path: Path, shape: Shape = SMALL) -> Path:
    """The benchmarks' claims, votes and sources, a row in every other table, and every
    status recomputed by the real code (so the stored ones are what recompute gives)."""
    fill(path, shape)
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            INSERT INTO documents (id, guild_id, submitter_id, kind, url, title, content_hash,
                language, char_count, created_at)
            VALUES (1, 900000000000000000, 5, 'url', 'https://news.example/a', 'A', 'h1',
                'en', 1200, 1700000000.5),
                   (2, 900000000000000001, 6, 'text', NULL, NULL, 'h2', 'fr', 80, 1700000001);
            UPDATE claims SET document_id = 1 WHERE id IN (1, 4);
            INSERT INTO moderation_events (guild_id, claim_id, actor_id, action, status, note,
                created_at)
            VALUES (900000000000000000, 1, 7, 'resolve', 'verified_false', 'see the report', 1.5e9),
                   (900000000000000001, 2, 7, 'resolve', 'verified_true', NULL, 1.6e9),
                   (900000000000000001, 2, 7, 'reopen', NULL, 'new data', 1.7e9);
            INSERT INTO audit_log (guild_id, actor_id, action, claim_id, detail, created_at)
            VALUES (900000000000000000, 7, 'resolve', 1, '{"status": "verified_false"}', 1.5e9);
            INSERT INTO fact_checks (id, scope, url, claim_reviewed, publisher, published,
                rating_name, rating_value, language, imported_at)
            VALUES (1, 0, 'https://checks.example/1', 'Wheat exports doubled', 'Checks',
                '2024-01-02', 'False', 1.0, 'en', 1700000000);
            INSERT INTO match_suggestions (guild_id, claim_id, fact_check_id, score,
                message_id, answer, answered_by, answered_at, created_at)
            VALUES (900000000000000000, 1, 1, 0.91, 42, 'same', 7, 1.7e9, 1.6e9);
            INSERT INTO match_suggestions (guild_id, claim_id, matched_claim_id, score,
                created_at)
            VALUES (900000000000000000, 4, 1, 0.88, 1.6e9);
            INSERT INTO queue_skips VALUES (7, 3, 900000000000000002, 1.8e9),
                                           (7, 6, 900000000000000002, 1.8e9);
            INSERT INTO verdict_notices (claim_id, guild_id, status, final, due_at, sent_status,
                sent_at)
            VALUES (1, 900000000000000000, 'verified_false', 1, NULL, 'verified_false', 1.5e9);
            INSERT INTO digest_schedules (guild_id, cadence, time_of_day, timezone, weekday,
                updated_at)
            VALUES (900000000000000000, 'weekly', '09:30', 'Europe/Paris', 2, 1.7e9);
            INSERT INTO held_claims (document_id, rank, guild_id, text, speaker, language,
                score, reasons)
            VALUES (1, 1, 900000000000000000, 'Rainfall fell by half.', 'the mayor', 'en',
                0.6, '["number"]'),
                   (1, 2, 900000000000000000, 'Rail ridership rose.', NULL, 'en', 0.5, '[]');
            INSERT INTO fact_check_versions VALUES (0, 3, 1.7e9, NULL, NULL);
            INSERT INTO fact_check_indexes VALUES (0, 3, 1.7e9, '{"parts": 2}', 1.7e9);
            INSERT INTO fact_check_index_parts VALUES (0, 3, 'postings', x'00ff10'),
                                                      (0, 3, 'vocabulary', x'6162');
            UPDATE evidence SET archived_at = 1.7e9, archived_sha256 = 'ab' WHERE id = 1;
            INSERT INTO evidence_snapshots (guild_id, evidence_id, fetched_at, final_url,
                http_status, title, body_sha256, body_bytes, body_cut, text, text_trimmed,
                stored_bytes)
            SELECT guild_id, id, 1.7e9, url, 200, 'Report', 'ab', 5000, 0,
                'Exports rose « 3 % » in 2024.', 0, 60 FROM evidence WHERE id = 1;
            INSERT INTO published_guilds VALUES (900000000000000000, 'verif', 'Les Vérifs',
                'https://checks.example.org', 1, 1.7e9);
            INSERT INTO withheld_claims VALUES (4, 900000000000000000, 7, 1.7e9);
            """
        )
    asyncio.run(recompute(path))
    return path


def copied_tables(path: Path) -> list[tuple[str, str]]:
    """(table, its primary key as an ORDER BY) of every table the copy carries."""
    with sqlite3.connect(path) as conn:
        names = [
            str(name)
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if not str(name).startswith(("sqlite_", "claims_search", "schema_migrations"))
        ]
        return [
            (
                name,
                ", ".join(
                    str(c[1])
                    for c in sorted(conn.execute(f"PRAGMA table_info({name})"), key=lambda c: c[5])
                    if c[5]
                ),
            )
            for name in names
        ]


def assert_identical(source: Path, url: str) -> None:
    """Every row of every table equal, the search index full, and nothing else copied."""
    tables = copied_tables(source)
    assert len(tables) == 20
    for table, key in tables:
        rows = execute_directly(source, f"SELECT * FROM {table} ORDER BY {key}")
        copied = execute_directly(url, f"SELECT * FROM {table} ORDER BY {key}")
        assert [tuple(r) for r in copied] == [tuple(r) for r in rows], table
    claims = execute_directly(url, "SELECT count(*) FROM claims")
    assert execute_directly(url, "SELECT count(*) FROM claims_search") == claims


def stop_after(batches: int) -> Progress:
    seen = {"batches": 0}

    def progress(table: str, copied: int, total: int) -> None:
        if copied:  # a table's first call, before any batch, says where it starts
            seen["batches"] += 1
            if seen["batches"] == batches:
                raise Stop

    return progress


async def interrupted_copy(source: Path, url: str, batches: int, batch_rows: int) -> None:
    """A copy stopped right after its batch number `batches` was committed."""
    db = await open_source(source)
    target = await Database.open(url)
    try:
        with pytest.raises(Stop):
            await copy_database(
                db,
                target,
                batch_rows=batch_rows,
                progress=stop_after(batches),
            )
    finally:
        await target.close()
        await db.close()


def checkpoint_counts(url: str) -> dict[str, tuple[int, int]]:
    rows = execute_directly(url, f"SELECT table_name, copied, done FROM {CHECKPOINTS}")
    return {str(table): (_int(copied), _int(done)) for table, copied, done in rows}


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def test_a_copy_holds_every_row_and_status_of_its_source(
    cli: InProcess, tmp_path: Path, postgres_url: str
) -> None:
    source = make_source(tmp_path / "claims.db")
    result = cli("db", "copy", "--to", postgres_url, env={"DATABASE_PATH": str(source)})
    assert result.stderr == ""
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["table", "source", "target"]
    assert lines[1].split() == ["guild_settings", "3", "3"]
    assert ["claims", "240", "240"] in [line.split() for line in lines]
    assert lines[-2] == "Statuses recomputed on the target: 240 of 240 equal to the stored ones."
    assert lines[-1].startswith("Copied: ")
    assert_identical(source, postgres_url)
    # Identity sequences carry on past the copied ids.
    new_id = execute_directly(
        postgres_url,
        "INSERT INTO documents (guild_id, submitter_id, kind, content_hash, created_at)"
        " VALUES (1, 1, 'text', 'x', 0) RETURNING id",
    )
    assert new_id == [(3,)]
    event = execute_directly(
        postgres_url,
        "INSERT INTO audit_log (guild_id, actor_id, action, created_at)"
        " VALUES (1, 1, 'x', 0) RETURNING id",
    )
    assert event == [(2,)]


async def test_the_copy_searches_as_the_source_does(tmp_path: Path, postgres_url: str) -> None:
    source_path = await asyncio.to_thread(make_source, tmp_path / "claims.db")
    source = await open_source(source_path)
    target = await Database.open(postgres_url)
    try:
        await copy_database(source, target)
        guild = 900_000_000_000_000_001
        for words in (["wheat"], ["exports"], ["inflation", "reached"]):
            found = await source.search_claims(guild, words, limit=1_000)
            assert found, words
            copied = await target.search_claims(guild, words, limit=1_000)
            assert sorted(c.id for c in copied) == sorted(c.id for c in found)
    finally:
        await target.close()
        await source.close()


async def test_a_copy_stopped_after_a_batch_resumes_there_without_duplicates(
    tmp_path: Path, postgres_url: str, cli: InProcess
) -> None:
    source = await asyncio.to_thread(make_source, tmp_path / "claims.db")
    # guild_settings (3 rows) is one batch, then documents, then claims 100 at a time.
    await interrupted_copy(source, postgres_url, batches=4, batch_rows=100)
    counts = checkpoint_counts(postgres_url)
    assert counts["guild_settings"] == (3, 1)
    assert counts["documents"] == (2, 1)
    assert counts["claims"] == (200, 0)
    assert counts["vote_events"] == (0, 0)
    assert execute_directly(postgres_url, "SELECT count(*) FROM claims") == [(200,)]
    assert execute_directly(postgres_url, "SELECT count(*) FROM claims_search") == [(200,)]

    result = await asyncio.to_thread(
        cli, "db", "copy", "--to", postgres_url, "--from", str(source), "--batch-rows", "100"
    )
    assert result.stderr == ""
    assert result.returncode == 0
    copied_before = 3 + 2 + 200
    total = sum(_int(n) for ((n,),) in _counts(source))
    assert result.stdout.splitlines()[-1].startswith(
        f"Resumed the copy: {total - copied_before:,} row(s) in "
    )
    assert_identical(source, postgres_url)


def _counts(source: Path) -> list[list[tuple[object, ...]]]:
    return [
        execute_directly(source, f"SELECT count(*) FROM {table}")
        for table, _ in copied_tables(source)
    ]


async def test_a_copy_that_lost_its_server_resumes_when_run_again(
    tmp_path: Path, postgres_url: str, postgres_cluster: Cluster, cli: InProcess
) -> None:
    source_path = await asyncio.to_thread(make_source, tmp_path / "claims.db")
    source = await open_source(source_path)
    target = await Database.open(postgres_url)
    session = await target._read(fetch_one, "SELECT pg_backend_pid() AS pid")
    assert session is not None
    name = urlsplit(postgres_url).path.lstrip("/")

    def cut_connection(table: str, copied: int, total: int) -> None:
        """The session ended and the server refusing a new one, as while it is down (a
        session lost with the server up is replaced, and the copy goes on)."""
        if table == "vote_events" and copied == 300:
            admin = postgres_cluster.admin()
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute("SELECT pg_terminate_backend(%s)", (session["pid"],))

    try:
        with pytest.raises(Exception) as lost:
            await copy_database(source, target, batch_rows=300, progress=cut_connection)
        assert target.describe_failure(lost.value) is not None
    finally:
        postgres_cluster.admin().execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await target.close()
        await source.close()
    assert checkpoint_counts(postgres_url)["vote_events"] == (300, 0)

    result = await asyncio.to_thread(
        cli, "db", "copy", "--to", postgres_url, "--from", str(source_path)
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert "Resumed the copy" in result.stdout
    assert_identical(source_path, postgres_url)


async def test_a_source_changed_between_runs_is_refused_and_force_starts_over(
    tmp_path: Path, postgres_url: str, cli: InProcess
) -> None:
    source = await asyncio.to_thread(make_source, tmp_path / "claims.db")
    await interrupted_copy(source, postgres_url, batches=4, batch_rows=100)
    execute_directly(source, "UPDATE claims SET text = 'Changed by a bot.' WHERE id = 7")

    refused = await asyncio.to_thread(
        cli, "db", "copy", "--to", postgres_url, "--from", str(source)
    )
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        f"claimbot: {source} changed since the copy into {_shown(postgres_url)} began (its "
        "claims differs; did a bot run on it?): --force to delete what it holds and copy from "
        "the start."
    ]
    forced = await asyncio.to_thread(
        cli, "db", "copy", "--to", postgres_url, "--from", str(source), "--force"
    )
    assert (forced.returncode, forced.stderr) == (0, "")
    assert_identical(source, postgres_url)


def _shown(url: str) -> str:
    from bot.storage.dialect import redact_url

    return redact_url(url)


def test_a_target_with_other_data_is_refused_unless_forced(
    cli: InProcess, tmp_path: Path, postgres_url: str
) -> None:
    source = make_source(tmp_path / "claims.db")
    asyncio.run(_migrate(postgres_url))
    execute_directly(
        postgres_url, "INSERT INTO guild_settings (guild_id, updated_at) VALUES (12345, 0)"
    )
    refused = cli("db", "copy", "--to", postgres_url, "--from", str(source))
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.splitlines() == [
        f"claimbot: {_shown(postgres_url)} is not empty (rows in guild_settings) and holds no "
        "interrupted copy: give an empty database, or --force to delete its rows and copy "
        "from the start."
    ]
    assert execute_directly(postgres_url, "SELECT guild_id FROM guild_settings") == [(12345,)]
    assert execute_directly(postgres_url, f"SELECT to_regclass('{CHECKPOINTS}')") == [(None,)]
    forced = cli("db", "copy", "--to", postgres_url, "--from", str(source), "--force")
    assert (forced.returncode, forced.stderr) == (0, "")
    assert_identical(source, postgres_url)


async def _migrate(url: str) -> None:
    await (await Database.open(url)).close()


def test_a_finished_copy_run_again_copies_nothing_and_checks_again(
    cli: InProcess, tmp_path: Path, postgres_url: str
) -> None:
    source = make_source(tmp_path / "claims.db")
    assert cli("db", "copy", "--to", postgres_url, "--from", str(source)).returncode == 0
    execute_directly(postgres_url, "UPDATE claims SET status = 'supported' WHERE id = 1")
    again = cli("db", "copy", "--to", postgres_url, "--from", str(source))
    assert again.returncode == 5
    assert again.stdout.splitlines()[-1].startswith("Resumed the copy: 0 row(s) in ")
    assert len(again.stderr.splitlines()) == 1
    assert again.stderr.startswith("claimbot: claim 1: stored supported (")
    assert ", recomputed verified_false (" in again.stderr
    assert execute_directly(postgres_url, "SELECT count(*) FROM claims") == [(240,)]


def test_rows_appended_to_the_source_after_a_copy_are_copied_by_the_next_run(
    cli: InProcess, tmp_path: Path, postgres_url: str
) -> None:
    source = make_source(tmp_path / "claims.db")
    assert cli("db", "copy", "--to", postgres_url, "--from", str(source)).returncode == 0
    execute_directly(
        source,
        "INSERT INTO audit_log (guild_id, actor_id, action, detail, created_at)"
        " VALUES (1, 2, 'export', '{}', 1.8e9)",
    )
    again = cli("db", "copy", "--to", postgres_url, "--from", str(source))
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout.splitlines()[-1].startswith("Resumed the copy: 1 row(s) in ")
    assert_identical(source, postgres_url)


def test_a_source_a_bot_holds_is_refused_naming_its_pid(
    cli: InProcess, tmp_path: Path, postgres_url: str
) -> None:
    source = make_source(tmp_path / "claims.db")
    with ShardLock(source, ShardScope.every(1)):
        result = cli("db", "copy", "--to", postgres_url, "--from", str(source))
    assert result.returncode == 4
    assert result.stderr.splitlines() == [
        f"claimbot: another claimbot is running on {source} (pid {os.getpid()})."
    ]
    assert execute_directly(
        postgres_url, "SELECT count(*) FROM pg_tables WHERE tablename = 'claims'"
    ) == [(0,)]


def test_a_newer_target_is_refused(cli: InProcess, tmp_path: Path, postgres_url: str) -> None:
    source = make_source(tmp_path / "claims.db")
    asyncio.run(_migrate(postgres_url))
    execute_directly(
        postgres_url,
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 0)",
        (NEWEST + 1,),
    )
    result = cli("db", "copy", "--to", postgres_url, "--from", str(source))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"claimbot: {_shown(postgres_url)} has schema version {NEWEST + 1}, but this claimbot "
        f"only knows up to {NEWEST}: upgrade claimbot before using this database."
    ]


def test_a_source_behind_the_newest_schema_is_refused(
    cli: InProcess, tmp_path: Path, postgres_url: str
) -> None:
    source = make_source(tmp_path / "claims.db")
    execute_directly(source, "DELETE FROM schema_migrations WHERE version = ?", (NEWEST,))
    result = cli("db", "copy", "--to", postgres_url, "--from", str(source))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"claimbot: {source} has schema version {NEWEST - 1}, and a copy needs the newest "
        f"({NEWEST}): run `claimbot migrate` on it first."
    ]


def test_bad_urls_and_missing_sources_are_one_line(cli: InProcess, tmp_path: Path) -> None:
    source = make_source(tmp_path / "claims.db", Shape(claims=10, votes=10, evidence=2))
    not_url = cli("db", "copy", "--to", "mysql://x/y", "--from", str(source))
    assert (not_url.returncode, not_url.stderr) == (
        2,
        "claimbot: --to must be a PostgreSQL URL (postgresql://user:password@host/database).\n",
    )
    missing = cli("db", "copy", "--to", "postgresql://u@127.0.0.1:1/x", "--from", "nope.db")
    assert (missing.returncode, missing.stderr) == (
        1,
        "claimbot: No database at nope.db: give the SQLite database to copy with --from, or "
        "set DATABASE_PATH.\n",
    )
    unreachable = cli(
        "db", "copy", "--to", "postgresql://u:secret@127.0.0.1:1/x", "--from", str(source)
    )
    assert unreachable.returncode == 3  # the server did not answer: trying again may work
    assert len(unreachable.stderr.splitlines()) == 1
    assert unreachable.stderr.startswith(
        "claimbot: Cannot use the database postgresql://u:***@127.0.0.1:1/x: "
    )
    assert "secret" not in unreachable.stderr


def copy_command(url: str, source: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "bot", "db", "copy", "--to", url, "--from", str(source), *options]


def test_a_person_watching_sees_a_bar_per_table_with_its_rate(
    tmp_path: Path, postgres_url: str
) -> None:
    """stderr on a terminal (a pty here) gets rich's bars; the other tests see none."""
    source = make_source(tmp_path / "claims.db")
    terminal, its_end = pty.openpty()
    screen: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(terminal, 65_536)
            except OSError:  # EIO: every end of the terminal is closed
                return
            if not data:
                return
            screen.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        done = subprocess.run(
            copy_command(postgres_url, source, "--batch-rows", "50"),
            stdout=subprocess.PIPE,
            stderr=its_end,
            env=clean_environment({"COLUMNS": "120"}),
            cwd=REPO,
            text=True,
            timeout=120,
        )
    finally:
        os.close(its_end)
        reader.join(timeout=30)
        os.close(terminal)
    shown = b"".join(screen).decode("utf-8", "replace")
    assert done.returncode == 0
    assert "Statuses recomputed on the target: 240 of 240" in done.stdout
    for table in ("guild_settings", "claims", "vote_events", "fact_check_index_parts"):
        assert table in shown
    assert "240/240" in shown
    assert " rows/s" in shown


@pytest.mark.slow
def test_a_copy_killed_mid_table_resumes_when_run_again(
    tmp_path: Path, postgres_url: str, cli: InProcess
) -> None:
    """SIGKILL: no handler runs; the server rolls the open batch back and drops the locks."""
    source = make_source(tmp_path / "claims.db")
    copying = subprocess.Popen(
        copy_command(postgres_url, source, "--batch-rows", "1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=clean_environment(),
        cwd=REPO,
    )
    try:
        while copied_vote_events(postgres_url) == 0:
            assert copying.poll() is None, "the copy ended before it could be killed"
            time.sleep(0.02)
        # Paused mid-table (its session and its locks stay), so however slow the checks
        # below, the copy is killed in the middle of the vote log.
        copying.send_signal(signal.SIGSTOP)
        # Meanwhile no bot can start on either database: the copy holds both locks.
        every = ShardScope.every(1)
        with pytest.raises(DatabaseInUse, match=rf"\(pid {copying.pid}\)\.$"):
            ShardLock(source, every).acquire()
        with pytest.raises(DatabaseInUse, match=rf"\(pid {copying.pid}\)\.$"):
            PostgresShardLock(postgres_url, every).acquire()
        copying.kill()
        copying.wait(timeout=30)
    finally:
        if copying.poll() is None:
            copying.kill()
            copying.wait(timeout=30)
    copied = checkpoint_counts(postgres_url)["vote_events"][0]
    assert 0 < copied < 900
    in_target = execute_directly(postgres_url, "SELECT count(*) FROM vote_events")
    assert in_target == [(copied,)]

    result = cli("db", "copy", "--to", postgres_url, "--from", str(source))
    assert (result.returncode, result.stderr) == (0, "")
    assert "Resumed the copy" in result.stdout
    assert_identical(source, postgres_url)


def copied_vote_events(url: str) -> int:
    if execute_directly(url, f"SELECT to_regclass('{CHECKPOINTS}')") == [(None,)]:
        return 0
    found = execute_directly(
        url, f"SELECT copied FROM {CHECKPOINTS} WHERE table_name = 'vote_events'"
    )
    return _int(found[0][0]) if found else 0


@pytest.mark.slow
async def test_a_large_copy_interrupted_and_resumed_ends_identical(
    tmp_path: Path, postgres_url: str, cli: InProcess
) -> None:
    shape = Shape(claims=10_000, votes=40_000, evidence=5_000, guilds=20)
    source = await asyncio.to_thread(make_source, tmp_path / "claims.db", shape)
    await interrupted_copy(source, postgres_url, batches=7, batch_rows=5_000)
    assert checkpoint_counts(postgres_url)["vote_events"] == (15_000, 0)
    result = await asyncio.to_thread(cli, "db", "copy", "--to", postgres_url, "--from", str(source))
    assert (result.returncode, result.stderr) == (0, "")
    assert_identical(source, postgres_url)
