"""`claimbot run`, `migrate`, `export` and `recompute`: settings, DATABASE_PATH and the one
line for each way it is unusable, Discord unreachable, one bot per database. Most tests call
`main` in this process; `run` and concurrent processes run as the real process."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.storage import load_migrations
from tests.fake_discord import FakeDiscord
from tests.support.backends import execute_directly
from tests.support.cli import InProcess, claimbot, clean_environment
from tests.support.process import BotProcess


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> InProcess:
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps its usage to the terminal
    return InProcess(monkeypatch, tmp_path)


def test_run_without_token_prints_one_line_and_exits_2(cli: InProcess) -> None:
    result = cli("run")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "claimbot: DISCORD_TOKEN is not set: put your bot token in the environment or in .env "
        "(see .env.example)."
    ]


def test_run_with_malformed_token_exits_2_without_echoing_it(cli: InProcess) -> None:
    result = cli("run", env={"DISCORD_TOKEN": "not-a-token-secret"})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "claimbot: DISCORD_TOKEN does not look like a bot token (three dot-separated parts): "
        "copy it again from the Developer Portal, Bot page, Reset Token."
    ]


def test_migrate_creates_then_reports_nothing_to_do(cli: InProcess, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    env = {"DATABASE_PATH": str(tmp_path / "data" / "bot.db")}
    first = cli("migrate", env=env)
    second = cli("migrate", env=env)
    newest = len(load_migrations())
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == (
        f"Applied migrations {', '.join(map(str, range(1, newest + 1)))}; "
        f"schema is at version {newest}.\n"
    )
    assert (tmp_path / "data" / "bot.db").is_file()
    assert (second.returncode, second.stdout) == (
        0,
        f"Nothing to do; schema is at version {newest}.\n",
    )


def test_bad_setting_is_reported_by_name(cli: InProcess) -> None:
    result = cli("migrate", env={"CLAIMBOT_MAX_CLAIMS": "many"})
    assert result.returncode == 2
    assert result.stderr.startswith("claimbot: CLAIMBOT_MAX_CLAIMS: ")


@pytest.mark.parametrize("value", ["", "   "])
@pytest.mark.parametrize("command", ["migrate", "run", "export", "match"])
def test_an_empty_database_path_is_named(
    cli: InProcess, tmp_path: Path, command: str, value: str
) -> None:
    """Before, `DATABASE_PATH=` meant the current directory: "it is a directory"."""
    result = cli(command, env={"DATABASE_PATH": value, "DISCORD_TOKEN": TOKEN})
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "claimbot: DATABASE_PATH: is empty; set it to a file path, or remove it to use claimbot.db"
    ]
    assert os.listdir(tmp_path) == []


def test_migrate_refuses_a_missing_folder_and_does_not_create_it(
    cli: InProcess, tmp_path: Path
) -> None:
    """claimbot creates the database file, never its folder: a typo in DATABASE_PATH must
    not start an empty database somewhere new."""
    database = tmp_path / "typo" / "bot.db"
    result = cli("migrate", env={"DATABASE_PATH": str(database)})
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"claimbot: Cannot use the database {database}: the folder {tmp_path / 'typo'} does "
        "not exist (claimbot does not create folders)."
    ]
    assert not (tmp_path / "typo").exists()


# -- export and recompute ----------------------------------------------------------------------


def test_export_and_recompute_on_a_database(
    cli: InProcess, tmp_path: Path, database_location: Path | str
) -> None:
    """On an SQLite file (DATABASE_PATH) and on PostgreSQL (DATABASE_URL) alike."""
    from bot.core.records import NewClaim, NewDocument
    from bot.storage.database import Database

    async def seed() -> None:
        db = await Database.open(database_location)
        document = NewDocument(guild_id=5, submitter_id=9, kind="manual", content_hash="x")
        _, (claim,), _ = await db.store_submission(
            document,
            [NewClaim(text="Tram fares rose by 10 percent.", normalized="tram fares")],
            origin_url=None,
            origin_title=None,
        )
        await db.record_votes(
            [claim.id], lambda _: [(5, claim.id, r, "refuted", "reaction", 1.0) for r in (1, 2, 3)]
        )
        await db.close()

    asyncio.run(seed())
    if isinstance(database_location, Path):
        env = {"DATABASE_PATH": str(database_location)}
    else:
        env = {"DATABASE_URL": database_location}
    recompute = cli("recompute", env=env)
    assert (recompute.returncode, recompute.stderr) == (0, "")
    assert recompute.stdout == "Recomputed 1 claim(s) from the event log; 1 status(es) changed.\n"
    exported = cli("export", "--format", "json", "--guild", "5", env=env)
    assert exported.returncode == 0, exported.stderr
    (row,) = json.loads(exported.stdout)
    assert (row["status"], row["votes"]["refuted"]) == ("likely_false", 3)
    out = tmp_path / "claims.csv"
    as_csv = cli("export", "--format", "csv", "--output", str(out), env=env)
    assert as_csv.returncode == 0, as_csv.stderr
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("number,guild_id,created_at,status")
    missing = cli("export", env={"DATABASE_PATH": str(tmp_path / "no.db")})
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"claimbot: No database at {tmp_path / 'no.db'}: run ")


def test_export_to_an_unwritable_output_is_one_line(cli: InProcess, tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "bot.db")}
    assert cli("migrate", env=env).returncode == 0
    missing_dir = tmp_path / "nodir" / "x.json"
    result = cli("export", "--output", str(missing_dir), env=env)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"claimbot: Cannot write {missing_dir}: No such file or directory."
    ]
    result = cli("export", "--output", str(tmp_path), env=env)
    assert result.stderr.splitlines() == [f"claimbot: Cannot write {tmp_path}: Is a directory."]


@pytest.mark.parametrize("command", ["export", "recompute"])
def test_a_database_from_a_newer_claimbot_is_refused(
    cli: InProcess, tmp_path: Path, command: str
) -> None:
    database = tmp_path / "future.db"
    assert cli("migrate", env={"DATABASE_PATH": str(database)}).returncode == 0
    with sqlite3.connect(database) as conn:
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'later', 0)"
        )
    result = cli(command, env={"DATABASE_PATH": str(database)})
    assert result.returncode == 2
    newest = len(load_migrations())
    assert result.stderr.splitlines() == [
        f"claimbot: {database} has schema version 999, but this claimbot only knows up to "
        f"{newest}: upgrade claimbot before using this database."
    ]


@pytest.mark.parametrize("command", ["export", "recompute"])
def test_a_missing_database_says_how_to_create_one(
    cli: InProcess, tmp_path: Path, command: str
) -> None:
    result = cli(command)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "claimbot: No database at claimbot.db: run `claimbot migrate` to create it "
        "(`claimbot run` also creates it), or set DATABASE_PATH in the environment or .env."
    ]
    assert not (tmp_path / "claimbot.db").exists()


# -- a bad DATABASE_PATH is one line --------------------------------------------------------

TOKEN = "MTA4NzY1NDMyMTAwMDAwMDAwMA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_env(database: Path | str, **extra: str) -> dict[str, str]:
    """`claimbot run` aimed at a closed local port, so nothing can reach the internet."""
    return {
        "DISCORD_TOKEN": TOKEN,
        "DATABASE_PATH": str(database),
        "DISCORD_API_BASE": f"http://127.0.0.1:{closed_port()}/api/v10",
        "DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{closed_port()}/",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """chattr +i: a location even root cannot write to (root ignores permission bits)."""
    subprocess.run(["chattr", "+i", *map(str, paths)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


def bad_databases(root: Path) -> dict[str, tuple[Path, str]]:
    """Name: (DATABASE_PATH, the reason the one line gives)."""
    from bot.storage.database import Database

    async def create(path: Path) -> None:
        await (await Database.open(path)).close()

    good = root / "good.db"
    asyncio.run(create(good))
    (root / "text.db").write_text("id,claim\n1,Trams are free\n" * 50)
    (root / "cut.db").write_bytes(good.read_bytes()[:6000])
    (root / "folder.db").mkdir()
    (root / "plain").write_text("x")
    (root / "locked").mkdir()
    (root / "locked" / "old.db").write_bytes(good.read_bytes())
    (root / "frozen.db").write_bytes(good.read_bytes())
    locked = root / "locked"
    return {
        "not sqlite": (root / "text.db", "it is not an SQLite database, or it is damaged"),
        "truncated": (root / "cut.db", "it is not an SQLite database, or it is damaged"),
        "directory": (root / "folder.db", "it is a directory, not a database file"),
        "parent is a file": (
            root / "plain" / "x.db",
            f"{root / 'plain'} is a file, not a directory",
        ),
        "read-only directory": (
            locked / "old.db",
            f"{locked} is not writable, and SQLite must create its -wal and -shm files there",
        ),
        "read-only file": (
            root / "frozen.db",
            "it cannot be opened for writing (Operation not permitted)",
        ),
    }


@pytest.mark.parametrize("command", ["migrate", "export", "recompute"])
def test_a_bad_database_path_is_one_line_and_exit_2(
    cli: InProcess, tmp_path: Path, command: str
) -> None:
    cases = bad_databases(tmp_path)
    with immutable(tmp_path / "locked", tmp_path / "frozen.db"):
        for name, (database, reason) in cases.items():
            result = cli(command, env={"DATABASE_PATH": str(database)})
            assert (name, result.returncode) == (name, 2)
            assert (name, result.stderr.splitlines()) == (
                name,
                [f"claimbot: Cannot use the database {database}: {reason}."],
            )
            assert result.stdout == ""


@pytest.mark.slow
def test_run_on_a_bad_database_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """`run` as its own process: it configures logging and signals, which a test shares."""
    cases = bad_databases(tmp_path)
    cases["missing folder"] = (
        tmp_path / "typo" / "bot.db",
        f"the folder {tmp_path / 'typo'} does not exist (claimbot does not create folders)",
    )
    with immutable(tmp_path / "locked", tmp_path / "frozen.db"):
        for name, (database, reason) in cases.items():
            result = claimbot("run", cwd=tmp_path, env=run_env(database))
            assert (name, result.returncode) == (name, 2)
            assert (name, result.stderr.splitlines()) == (
                name,
                [f"claimbot: Cannot use the database {database}: {reason}."],
            )
            assert result.stdout == ""
    assert not (tmp_path / "typo").exists()


def test_migrate_cannot_create_a_database_in_a_read_only_directory(
    cli: InProcess, tmp_path: Path
) -> None:
    (tmp_path / "ro").mkdir()
    with immutable(tmp_path / "ro"):
        result = cli("migrate", env={"DATABASE_PATH": "ro/new.db"})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "claimbot: Cannot use the database ro/new.db: "
        "ro is not writable, and SQLite must create it there."
    ]


# -- run: Discord unreachable, and one bot per database ----------------------------------------


def test_run_when_discord_is_unreachable_prints_one_line_and_exits_3(tmp_path: Path) -> None:
    env = run_env(tmp_path / "bot.db")
    port = env["DISCORD_API_BASE"].split(":")[2].split("/")[0]
    result = claimbot("run", cwd=tmp_path, env=env)
    assert result.returncode == 3
    # Nothing else at WARNING: no traceback, and no voice-support warnings from discord.py.
    assert result.stderr.splitlines() == [
        f"claimbot: Cannot reach Discord at 127.0.0.1:{port}: Connection refused."
    ]
    assert result.stdout == ""


def test_unreachable_names_the_cause_the_system_gave() -> None:
    from types import SimpleNamespace

    import aiohttp

    from bot.cli.run import discord_unreachable

    key = SimpleNamespace(host="discord.com", port=443, ssl=True)
    dns = aiohttp.ClientConnectorDNSError(
        key,  # type: ignore[arg-type]
        socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"),
    )
    assert discord_unreachable(dns) == (
        "Cannot reach Discord at discord.com:443: Temporary failure in name resolution."
    )
    down = aiohttp.ClientConnectorError(
        key,  # type: ignore[arg-type]
        OSError(errno.ENETUNREACH, "Connect call failed ('162.159.128.233', 443)"),
    )
    assert discord_unreachable(down) == (
        "Cannot reach Discord at discord.com:443: Network is unreachable."
    )


@pytest.mark.slow
def test_concurrent_migrate_processes_all_succeed(
    database_location: Path | str, tmp_path: Path
) -> None:
    """Several hosts migrating one database at once: each waits for the lock (SQLite's write
    lock, PostgreSQL's advisory lock), the schema is applied once."""
    newest = len(load_migrations())
    variable = "DATABASE_PATH" if isinstance(database_location, Path) else "DATABASE_URL"
    env = clean_environment({variable: str(database_location)})
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "migrate"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outcomes = [(p.wait(timeout=60), *p.communicate()) for p in processes]
    assert [(code, err) for code, _, err in outcomes] == [(0, "")] * len(processes)
    for _, out, _ in outcomes:
        assert out.rstrip().endswith(f"schema is at version {newest}.")
    rows = execute_directly(database_location, "SELECT version FROM schema_migrations ORDER BY 1")
    assert [v for (v,) in rows] == list(range(1, newest + 1))


@pytest.mark.slow
async def test_a_second_bot_on_the_same_database_refuses_to_start(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    database = tmp_path / "shared.db"
    first = BotProcess(fake_discord, database)
    await first.start()
    try:
        env = run_env(
            database,
            DISCORD_API_BASE=fake_discord.api_base,
            DISCORD_GATEWAY_URL=fake_discord.gateway_url,
        )
        identified = fake_discord.identify_count
        second = await asyncio.to_thread(claimbot, "run", cwd=tmp_path, env=env)
        assert second.returncode == 4
        assert second.stderr.splitlines() == [
            f"claimbot: another claimbot is running on {database} (pid {first.pid})."
        ]
        assert fake_discord.identify_count == identified  # it never reached Discord
        assert first.running
        # The lock dies with its process: after a SIGKILL, a new bot starts at once.
        first.kill()
        await first.stop()
        again = BotProcess(fake_discord, database)
        try:
            await again.start()
        finally:
            assert await again.stop() == 0
    finally:
        await first.stop()
