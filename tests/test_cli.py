"""The `claimbot` command as a user runs it: exit codes and the one line they read."""

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
from importlib import metadata
from pathlib import Path

import pytest

from bot.storage import load_migrations
from tests.fake_discord import FakeDiscord
from tests.support.process import BotProcess

REPO = Path(__file__).resolve().parent.parent


def claimbot(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    stdin: str = "",
    python_options: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "CLAIMBOT_"))}
    clean.pop("DATABASE_PATH", None)
    clean.pop("DATABASE_URL", None)
    clean["PYTHONPATH"] = str(REPO)
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, *python_options, "-m", "bot", *args],
        cwd=cwd,
        env=clean,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_token_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    result = claimbot("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "claimbot: DISCORD_TOKEN is not set: put your bot token in the environment or in .env "
        "(see .env.example)."
    ]


def test_run_with_malformed_token_exits_2_without_echoing_it(tmp_path: Path) -> None:
    result = claimbot("run", cwd=tmp_path, env={"DISCORD_TOKEN": "not-a-token-secret"})
    assert result.returncode == 2
    assert "does not look like a bot token" in result.stderr
    assert "not-a-token-secret" not in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_migrate_creates_then_reports_nothing_to_do(tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "data" / "bot.db")}
    first = claimbot("migrate", cwd=tmp_path, env=env)
    second = claimbot("migrate", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Applied migrations 1")
    assert (tmp_path / "data" / "bot.db").is_file()
    assert second.returncode == 0
    assert second.stdout.startswith("Nothing to do; schema is at version ")


def test_bad_setting_is_reported_by_name(tmp_path: Path) -> None:
    result = claimbot("migrate", cwd=tmp_path, env={"CLAIMBOT_MAX_CLAIMS": "many"})
    assert result.returncode == 2
    assert result.stderr.startswith("claimbot: CLAIMBOT_MAX_CLAIMS: ")


@pytest.mark.parametrize("argv", [["extract"], ["bogus"], ["extract", "x", "--max", "0"]])
def test_usage_errors_exit_2_with_usage(tmp_path: Path, argv: list[str]) -> None:
    result = claimbot(*argv, cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: claimbot" in result.stderr


EXAMPLE_EN = REPO / "examples" / "article_en_vaccination.txt"


def test_extract_json_on_an_example_article(tmp_path: Path) -> None:
    result = claimbot("extract", "--json", "--max", "4", str(EXAMPLE_EN), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"claims", "truncated", "capped", "max_claims", "backend", "fallback"}
    assert (report["truncated"], report["max_claims"]) == (False, 4)
    assert (report["backend"], report["fallback"]) == ("builtin", None)
    claims = report["claims"]
    assert 1 <= len(claims) <= 4
    assert set(claims[0]) == {
        "claim",
        "source",
        "score",
        "attribution",
        "needs_context",
        "context_hint",
        "language",
        "reasons",
        "backend",
    }
    assert all(c["language"] == "en" and c["backend"] == "builtin" for c in claims)
    raw = EXAMPLE_EN.read_bytes()
    given = raw.decode("utf-8")
    for claim in claims:
        source = claim["source"]
        assert set(source) == {"start", "end", "text", "byte_start", "byte_end"}
        assert given[source["start"] : source["end"]] == source["text"]
        assert raw[source["byte_start"] : source["byte_end"]].decode() == source["text"]
    scores = [c["score"] for c in claims]
    assert scores == sorted(scores, reverse=True)


def test_extract_json_cites_the_file_as_given(tmp_path: Path) -> None:
    """Before, spans indexed the reader's cleaned text: one character off for a file that
    starts with a space, more after CRLF line ends, and the claim "Outre ..." (edited)
    stood where its source "outre ..." should have."""
    given = (
        " Transports : la région investit\r\n\r\n"
        "  Mais ce n'est pas tout : outre les 40 bus promis, la région a commandé 12\u00a0tramways"
        " en mars 2024.\r\n\r\n\r\n"
    )
    article = tmp_path / "article.txt"
    article.write_bytes(given.encode("utf-8"))
    result = claimbot("extract", "--json", str(article), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (claim,) = json.loads(result.stdout)["claims"]
    assert (
        claim["claim"] == "Outre les 40 bus promis, la région a commandé 12 tramways en mars 2024."
    )
    assert claim["source"] == {
        "start": 63,
        "end": 134,
        "text": "outre les 40 bus promis, la région a commandé 12\u00a0tramways en mars 2024.",
        "byte_start": 64,
        "byte_end": 138,
    }
    assert given[63:134] == claim["source"]["text"]
    assert article.read_bytes()[64:138].decode() == claim["source"]["text"]


def test_extract_json_of_markdown_gives_the_passage_without_offsets(tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    article.write_text("# Budget\n\nLe conseil a voté **48 millions** d'euros en mars 2024.\n")
    result = claimbot("extract", "--json", str(article), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (claim,) = json.loads(result.stdout)["claims"]
    assert claim["source"] == {
        "start": None,
        "end": None,
        "text": "Le conseil a voté 48 millions d'euros en mars 2024.",
        "byte_start": None,
        "byte_end": None,
    }


# What the offline commands must not pay for at start-up: the Discord client, the HTTP
# clients, the database layer, the HTML extractor and (for JSON) the table renderer.
HEAVY_FOR_OFFLINE = ("discord", "aiohttp", "httpx", "bot.storage", "sqlite3", "trafilatura", "lxml")


def imported_modules(*args: str, cwd: Path, stdin: str = "") -> set[str]:
    """The modules `python -X importtime -m bot ARGS` imported (its stderr lists each)."""
    result = claimbot(*args, cwd=cwd, stdin=stdin, python_options=("-X", "importtime"))
    assert result.returncode == 0, result.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_score_imports_neither_discord_nor_http_clients(tmp_path: Path) -> None:
    """Before, `claimbot score` imported httpx (through the LLM client) even for the
    built-in model: start-up paid for it on every run."""
    lines = tmp_path / "lines.txt"
    lines.write_text("The council approved 48 new homes on Tuesday.\nHello there.\n")
    modules = imported_modules("score", str(lines), cwd=tmp_path)
    assert "bot.extraction.scoring" in modules
    assert heavy(modules, (*HEAVY_FOR_OFFLINE, "rich", "bot.services.llm_extraction")) == []


def test_extract_json_of_plain_text_imports_neither_discord_nor_http_clients(
    tmp_path: Path,
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("According to the statistics office, 1,240 homes were built in 2024.\n")
    modules = imported_modules("extract", "--json", str(article), cwd=tmp_path)
    assert "bot.extraction.pipeline" in modules
    assert heavy(modules, (*HEAVY_FOR_OFFLINE, "rich", "bot.services.llm_extraction")) == []
    from_stdin = imported_modules("extract", "-", cwd=tmp_path, stdin=article.read_text())
    assert heavy(from_stdin, HEAVY_FOR_OFFLINE) == []


def test_extract_table_reads_stdin(tmp_path: Path) -> None:
    text = "According to the city statistics office, 1,240 homes were built in 2024.\n"
    result = claimbot("extract", "-", cwd=tmp_path, stdin=text)
    assert result.returncode == 0, result.stderr
    assert "1 check-worthy claim(s) found." in result.stdout
    assert "city statistics office" in result.stdout


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("http://127.0.0.1/", "private or internal network address"),
        ("http://169.254.169.254/latest/meta-data/", "private or internal network address"),
        ("file:///etc/passwd", "http"),
        ("missing.txt", "No such file: missing.txt"),
    ],
)
def test_extract_refuses_bad_sources_in_one_line(tmp_path: Path, source: str, message: str) -> None:
    result = claimbot("extract", source, cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_extract_a_page_declaring_a_charset_that_is_no_text_encoding(tmp_path: Path) -> None:
    """`charset=idna` passes codecs.lookup but cannot decode: the page is sniffed instead."""
    page = (
        "<!DOCTYPE html><html><head><meta charset='idna'><title>Prices</title></head><body>"
        "<article><p>According to the Café Owners' Association, coffee prices rose 12 percent"
        " in 2024.</p></article></body></html>"
    )
    (tmp_path / "page.html").write_bytes(page.encode("cp1252"))
    result = claimbot("extract", "--json", "page.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [c["claim"] for c in json.loads(result.stdout)["claims"]] == [
        "According to the Café Owners' Association, coffee prices rose 12 percent in 2024."
    ]


def test_extract_empty_and_binary_input(tmp_path: Path) -> None:
    empty = claimbot("extract", "-", cwd=tmp_path, stdin="   \n")
    assert empty.returncode == 1 and empty.stderr.startswith("claimbot: ")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    binary = claimbot("extract", "blob.txt", cwd=tmp_path)
    assert binary.returncode == 1 and "binary" in binary.stderr.lower()


def test_extract_reads_a_hostile_markdown_file(tmp_path: Path) -> None:
    # Unclosed autolinks were quadratic: 1.8 MB of them did not finish in 120 s.
    claim = "According to the city statistics office, 1,240 homes were built in 2024."
    (tmp_path / "a.md").write_text(claim + "\n\n" + "<http:" * 300_000, encoding="utf-8")
    result = claimbot("extract", "a.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 check-worthy claim(s) found." in result.stdout
    assert "city statistics office" in result.stdout


def test_extract_over_the_parse_budget_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.services.parsing
    from bot.cli import CliError, read_input

    monkeypatch.setattr(bot.services.parsing, "PARSE_BUDGET_SECONDS", -1.0)
    (tmp_path / "a.md").write_text("# Title\n\nWords.", encoding="utf-8")
    with pytest.raises(CliError) as info:
        read_input(str(tmp_path / "a.md"))
    assert str(info.value) == "That document is too complex to read."


def test_score_prints_json_lines(tmp_path: Path) -> None:
    lines = "Unemployment fell to 4.1 percent in March.\nThank you all for coming tonight.\n"
    result = claimbot("score", cwd=tmp_path, stdin=lines)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == lines.strip().splitlines()
    assert [r["checkworthy"] for r in records] == [True, False]
    assert all(0.0 <= r["score"] <= 1.0 for r in records)


def test_score_of_binary_junk_lines_is_zero(tmp_path: Path) -> None:
    junk = bytes(range(256)) * 4 + b"\n\xff\xfe Zq 88 \x01\x02\n\x9c\x80\x81 ABX 12\n"
    (tmp_path / "blob.bin").write_bytes(junk)
    result = claimbot("score", "blob.bin", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records
    assert {(r["score"], r["checkworthy"]) for r in records} == {(0.0, False)}


def test_export_and_recompute_on_a_database(tmp_path: Path) -> None:
    import asyncio

    from bot.core.records import NewClaim, NewDocument
    from bot.storage.database import Database

    db_path = tmp_path / "bot.db"

    async def seed() -> None:
        db = await Database.open(db_path)
        document = NewDocument(guild_id=5, submitter_id=9, kind="manual", content_hash="x")
        _, (claim,), _ = await db.store_submission(
            document,
            [NewClaim(text="Tram fares rose by 10 percent.", normalized="tram fares")],
            source_url=None,
            source_title=None,
        )
        await db.record_votes(
            [claim.id], lambda _: [(5, claim.id, r, "refuted", "reaction", 1.0) for r in (1, 2, 3)]
        )
        await db.close()

    asyncio.run(seed())
    env = {"DATABASE_PATH": str(db_path)}
    recompute = claimbot("recompute", cwd=tmp_path, env=env)
    assert recompute.returncode == 0, recompute.stderr
    assert recompute.stdout.strip() == (
        "Recomputed 1 claim(s) from the event log; 1 status(es) changed."
    )
    exported = claimbot("export", "--format", "json", "--guild", "5", cwd=tmp_path, env=env)
    assert exported.returncode == 0, exported.stderr
    (row,) = json.loads(exported.stdout)
    assert (row["status"], row["votes"]["refuted"]) == ("likely_false", 3)
    out = tmp_path / "claims.csv"
    as_csv = claimbot("export", "--format", "csv", "--output", str(out), cwd=tmp_path, env=env)
    assert as_csv.returncode == 0, as_csv.stderr
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("number,guild_id,created_at,status")
    missing = claimbot("export", cwd=tmp_path, env={"DATABASE_PATH": str(tmp_path / "no.db")})
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"claimbot: No database at {tmp_path / 'no.db'}: run ")


# -- failures a user reads as one line ------------------------------------------------------

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

    from bot.cli import discord_unreachable

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
    import asyncio

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


@pytest.mark.parametrize("command", ["migrate", "export", "recompute", "run"])
def test_a_bad_database_path_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    cases = bad_databases(tmp_path)
    with immutable(tmp_path / "locked", tmp_path / "frozen.db"):
        for name, (database, reason) in cases.items():
            result = claimbot(command, cwd=tmp_path, env=run_env(database))
            assert (name, result.returncode) == (name, 2)
            assert (name, result.stderr.splitlines()) == (
                name,
                [f"claimbot: Cannot use the database {database}: {reason}."],
            )
            assert result.stdout == ""


def test_migrate_cannot_create_a_database_in_a_read_only_directory(tmp_path: Path) -> None:
    (tmp_path / "ro").mkdir()
    with immutable(tmp_path / "ro"):
        result = claimbot("migrate", cwd=tmp_path, env={"DATABASE_PATH": "ro/new.db"})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "claimbot: Cannot use the database ro/new.db: "
        "ro is not writable, and SQLite must create it there."
    ]


@pytest.mark.parametrize("command", ["export", "recompute"])
def test_a_database_from_a_newer_claimbot_is_refused(tmp_path: Path, command: str) -> None:
    database = tmp_path / "future.db"
    assert claimbot("migrate", cwd=tmp_path, env={"DATABASE_PATH": str(database)}).returncode == 0
    with sqlite3.connect(database) as conn:
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'later', 0)"
        )
    result = claimbot(command, cwd=tmp_path, env={"DATABASE_PATH": str(database)})
    assert result.returncode == 2
    newest = len(load_migrations())
    assert result.stderr.splitlines() == [
        f"claimbot: {database} has schema version 999, but this claimbot only knows up to "
        f"{newest}: upgrade claimbot before using this database."
    ]


@pytest.mark.parametrize("command", ["export", "recompute"])
def test_a_missing_database_says_how_to_create_one(tmp_path: Path, command: str) -> None:
    result = claimbot(command, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "claimbot: No database at claimbot.db: run `claimbot migrate` to create it "
        "(`claimbot run` also creates it), or set DATABASE_PATH in the environment or .env."
    ]
    assert not (tmp_path / "claimbot.db").exists()


def test_export_to_an_unwritable_output_is_one_line(tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "bot.db")}
    assert claimbot("migrate", cwd=tmp_path, env=env).returncode == 0
    missing_dir = tmp_path / "nodir" / "x.json"
    result = claimbot("export", "--output", str(missing_dir), cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"claimbot: Cannot write {missing_dir}: No such file or directory."
    ]
    result = claimbot("export", "--output", str(tmp_path), cwd=tmp_path, env=env)
    assert result.stderr.splitlines() == [f"claimbot: Cannot write {tmp_path}: Is a directory."]


def test_extract_of_a_directory_says_so(tmp_path: Path) -> None:
    result = claimbot("extract", "../", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "claimbot: ../ is a directory: give a file, a URL, or - for stdin."
    ]


# -- concurrency --------------------------------------------------------------------------


def test_concurrent_migrate_processes_all_succeed(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"
    newest = len(load_migrations())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "CLAIMBOT_"))}
    env.update({"PYTHONPATH": str(REPO), "DATABASE_PATH": str(database)})
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "migrate"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outcomes = [(p.wait(timeout=60), *p.communicate()) for p in processes]
    assert [(code, err) for code, _, err in outcomes] == [(0, "")] * len(processes)
    for _, out, _ in outcomes:
        assert out.rstrip().endswith(f"schema is at version {newest}.")
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    assert [v for (v,) in rows] == list(range(1, newest + 1))


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


# -- extract: the cap and the cut ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "count", "capped", "max_claims"),
    [
        ((), {}, 8, False, 15),
        ((), {"CLAIMBOT_MAX_CLAIMS": "3"}, 3, True, 3),
        (("--max", "4"), {"CLAIMBOT_MAX_CLAIMS": "2"}, 4, True, 4),
        (("--max", "8"), {}, 8, False, 8),
    ],
)
def test_extract_json_says_when_the_claim_cap_was_reached(
    tmp_path: Path,
    args: tuple[str, ...],
    env: dict[str, str],
    count: int,
    capped: bool,
    max_claims: int,
) -> None:
    result = claimbot("extract", "--json", *args, str(EXAMPLE_EN), cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (len(report["claims"]), report["capped"], report["max_claims"]) == (
        count,
        capped,
        max_claims,
    )
    assert report["truncated"] is False


def test_extract_says_when_the_input_was_cut(tmp_path: Path) -> None:
    article = EXAMPLE_EN.read_text(encoding="utf-8")
    long_input = "\n\n".join([article] * (250_000 // len(article) + 1))
    as_json = claimbot("extract", "--json", "-", cwd=tmp_path, stdin=long_input)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["truncated"] is True
    table = claimbot("extract", "--max", "2", "-", cwd=tmp_path, stdin=long_input)
    assert table.stdout.splitlines()[-3:] == [
        "2 check-worthy claim(s) found.",
        "Note: the input was long and only its beginning was read.",
        "Note: more claims qualified; only the best 2 are shown (--max).",
    ]


# -- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "migrate", "recompute", "export"])
def test_help_of_database_commands_names_database_path_and_env_file(
    tmp_path: Path, command: str
) -> None:
    result = claimbot(command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "DATABASE_PATH (default: claimbot.db)" in text
    assert "from .env in the current directory" in text


def test_help_shows_defaults_and_version(tmp_path: Path) -> None:
    export = " ".join(claimbot("export", "--help", cwd=tmp_path).stdout.split())
    assert "--format {json,csv,claimreview} default: json" in export
    extract = " ".join(claimbot("extract", "--help", cwd=tmp_path).stdout.split())
    assert "--max N at most N claims (default: CLAIMBOT_MAX_CLAIMS, as the bot; 15" in extract
    version = claimbot("--version", cwd=tmp_path)
    assert (version.returncode, version.stdout) == (0, f"claimbot {metadata.version('claimbot')}\n")
