"""`claimbot evidence recheck` as an operator runs it: each archived source fetched again and
found unchanged, changed, gone or not reached; one server with `--guild`, the recently checked
left alone with `--older-than`; one line when there is no database; the progress bar on a
terminal only."""

from __future__ import annotations

import asyncio
import hashlib
import io
import time
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

import bot.cli.evidence
from bot.core.records import NewSnapshot
from bot.core.snapshots import SnapshotBounds
from bot.storage import Database
from tests.e2e.hosts import local_fetcher, threaded_host
from tests.support.backends import database_setting
from tests.support.cli import InProcess
from tests.test_storage_evidence_numbers import link, new_claim

HOME, RIVAL = 4242, 4343
PAGE = b"<html><head><title>Ferries</title></head><body><p>Three ferries.</p></body></html>"
EDITED = PAGE.replace(b"Three", b"Two")
# path -> (status, body) the host answers with now
ANSWERS = {
    "/same": (200, PAGE),
    "/edited": (200, EDITED),
    "/removed": (404, b"not here"),
    "/down": (503, b"try later"),
    "/rival": (200, PAGE),
}


def evidence_host() -> AbstractContextManager[str]:
    def answer(path: str) -> tuple[int, str, bytes]:
        status, body = ANSWERS[path]
        return status, "text/html", body

    return threaded_host(answer)


def snapshot(url: str) -> NewSnapshot:
    """A source as archived when it was added: the page was PAGE then."""
    return NewSnapshot(
        final_url=url,
        http_status=200,
        title="Ferries",
        body_sha256=hashlib.sha256(PAGE).hexdigest(),
        body_bytes=len(PAGE),
        body_cut=False,
        text="Three ferries.",
        text_trimmed=False,
    )


async def archive(database: Path | str, base: str, *, archived_at: float) -> dict[str, int]:
    """One claim per server, a source per path of ANSWERS, each archived at `archived_at`;
    the source ids by path."""
    db = await Database.open(database)
    ids: dict[str, int] = {}
    try:
        for guild in (HOME, RIVAL):
            claim_id = await new_claim(db, guild, "Three ferries.")
            for path in ANSWERS:
                if (path == "/rival") != (guild == RIVAL):
                    continue
                source = await link(db, guild, claim_id, path[1:], f"{base}/")
                await db.save_snapshot(
                    source.id, snapshot(source.url), now=archived_at, bounds=SnapshotBounds()
                )
                ids[path] = source.id
    finally:
        await db.close()
    return ids


async def states(database: Path | str, ids: dict[str, int]) -> dict[str, tuple[str | None, int]]:
    """(recheck state, snapshots kept) of each source, by path."""
    db = await Database.open(database)
    try:
        found = {}
        for path, evidence_id in ids.items():
            guild = RIVAL if path == "/rival" else HOME
            item = await db.get_evidence(guild, evidence_id)
            assert item is not None
            found[path] = (item.recheck_state, len(await db.snapshots_of(evidence_id)))
        return found
    finally:
        await db.close()


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_location: Path | str
) -> InProcess:
    """`claimbot` in this process on a migrated database: an SQLite file or PostgreSQL."""
    run = InProcess(monkeypatch, tmp_path, database_setting(database_location))
    assert run("migrate").returncode == 0
    monkeypatch.setattr(bot.cli.evidence, "recheck_fetcher", local_fetcher)
    return run


def test_recheck_one_server_then_the_recently_checked_are_left_alone(
    cli: InProcess, database_location: Path | str
) -> None:
    database = database_location
    with evidence_host() as base:
        ids = asyncio.run(archive(database, base, archived_at=time.time() - 3 * 86_400))
        home = cli("evidence", "recheck", "--guild", str(HOME))
        assert (home.returncode, home.stderr) == (0, "")
        assert home.stdout == (
            f"Rechecked 4 archived source(s) of server {HOME}: 1 unchanged, 1 changed, 1 gone,"
            " 1 not reached (tried again at the next recheck).\n"
        )
        assert asyncio.run(states(database, ids)) == {
            "/same": ("unchanged", 1),
            "/edited": ("changed", 2),
            "/removed": ("gone", 1),
            "/down": (None, 1),
            "/rival": (None, 1),
        }
        # Checked a moment ago: only the one not reached, and the other server's, are due.
        again = cli("evidence", "recheck", "--older-than", "1")
        assert again.stdout == (
            "Rechecked 2 archived source(s): 1 unchanged, 0 changed, 0 gone, 1 not reached "
            "(tried again at the next recheck).\n"
        )
        ANSWERS["/down"] = (200, PAGE)
        try:
            back = cli("evidence", "recheck", "--older-than", "1")
            assert back.stdout.startswith("Rechecked 1 archived source(s): 1 unchanged, 0 changed")
            later = cli("evidence", "recheck", "--older-than", "1")
        finally:
            ANSWERS["/down"] = (503, b"try later")
        assert later.stdout == "No archived source was due for a recheck.\n"
        assert asyncio.run(states(database, ids)) == {
            "/same": ("unchanged", 1),
            "/edited": ("changed", 2),
            "/removed": ("gone", 1),
            "/down": ("unchanged", 1),
            "/rival": ("unchanged", 1),
        }


def test_recheck_needs_a_database_and_days_that_make_sense(cli: InProcess, tmp_path: Path) -> None:
    no_file = {"DATABASE_PATH": str(tmp_path / "none.db"), "DATABASE_URL": ""}
    missing = cli("evidence", "recheck", env=no_file)
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"claimbot: No database at {tmp_path / 'none.db'}: run")
    assert missing.stderr.count("\n") == 1
    negative = cli("evidence", "recheck", "--older-than", "-2")
    assert negative.returncode == 2
    assert "argument --older-than: must be between 0 and 3650 days" in negative.stderr
    words = cli("evidence", "recheck", "--older-than", "week")
    assert words.returncode == 2
    assert "'week' is not a number of days" in words.stderr
    nothing = cli("evidence", "recheck")
    assert (nothing.returncode, nothing.stdout) == (
        0,
        "No archived source was due for a recheck.\n",
    )


def test_the_progress_bar_shows_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli.evidence import recheck_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    with recheck_progress() as progress:
        assert progress is None
    assert piped.getvalue() == ""

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with recheck_progress() as progress:
        assert progress is not None
        progress(3, 8)
    shown = terminal.getvalue()
    assert "rechecking" in shown and "3/8" in shown
