"""The `claimbot` command as a user runs it: exit codes and the one line they read.

Most tests call `main` in this process (`cli`); a few run the real process, for what only
a process shows (its imports, `run` and its signals, concurrent processes, the entry point).
The input reader's own tests are in test_cli_input.py.
"""

from __future__ import annotations

import argparse
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
from tests.support.cli import REPO, InProcess, Outcome, claimbot, clean_environment
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


# -- usage errors: the bad flag named, the usage of the command it was given to ---------------

TOP_USAGE = "usage: claimbot [-h] [-V] COMMAND ..."
EXTRACT_USAGE = (
    "usage: claimbot extract [-h] [--json] [--backend {builtin,llm}] [--max N]\n"
    "                        [--min-score S]\n"
    "                        source"
)
IMPORT_USAGE = "usage: claimbot factchecks import [-h] [--guild ID] source"
COMMANDS = "'run', 'migrate', 'extract', 'export', 'recompute', 'score', 'factchecks', 'match'"


@pytest.mark.parametrize(
    ("argv", "usage", "error"),
    [
        (["--bogus"], TOP_USAGE, "claimbot: error: unrecognized arguments: --bogus"),
        (["-x"], TOP_USAGE, "claimbot: error: unrecognized arguments: -x"),
        (
            ["--bogus", "extract", "a.txt"],
            TOP_USAGE,
            "claimbot: error: unrecognized arguments: --bogus",
        ),
        ([], TOP_USAGE, "claimbot: error: the following arguments are required: COMMAND"),
        (
            ["bogus"],
            TOP_USAGE,
            f"claimbot: error: argument COMMAND: invalid choice: 'bogus' (choose from {COMMANDS})",
        ),
        (
            ["extract", "--bogus"],
            EXTRACT_USAGE,
            "claimbot extract: error: unrecognized arguments: --bogus",
        ),
        (
            ["extract", "a.txt", "--bogus", "-q"],
            EXTRACT_USAGE,
            "claimbot extract: error: unrecognized arguments: --bogus -q",
        ),
        (
            ["extract"],
            EXTRACT_USAGE,
            "claimbot extract: error: the following arguments are required: source",
        ),
        (
            ["extract", "a.txt", "--max", "0"],
            EXTRACT_USAGE,
            "claimbot extract: error: argument --max: must be at least 1",
        ),
        (
            ["factchecks", "import", "--bogus"],
            IMPORT_USAGE,
            "claimbot factchecks import: error: unrecognized arguments: --bogus",
        ),
        (
            ["factchecks"],
            "usage: claimbot factchecks [-h] ACTION ...",
            "claimbot factchecks: error: the following arguments are required: ACTION",
        ),
    ],
)
def test_a_usage_error_names_the_flag_under_its_commands_usage(
    cli: InProcess, argv: list[str], usage: str, error: str
) -> None:
    result = cli(*argv)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"{usage}\n{error}\n"


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(cli: InProcess, flag: str) -> None:
    result = cli(flag)
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"claimbot {metadata.version('claimbot')}\n",
        "",
    )


def test_the_entry_point_reports_a_usage_error(tmp_path: Path) -> None:
    result = claimbot("extract", "a.txt", "--bogus", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines()[0].startswith("usage: claimbot extract [-h]")
    assert result.stderr.splitlines()[-1] == (
        "claimbot extract: error: unrecognized arguments: --bogus"
    )


# -- help -----------------------------------------------------------------------------------


def help_text(cli: InProcess, *command: str) -> str:
    result = cli(*command, "--help")
    assert (result.returncode, result.stderr) == (0, "")
    return " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("command", "codes"),
    [
        ((), "0 1 2 3 4 130"),
        (("run",), "0 2 3 4 130"),
        (("migrate",), "0 2 130"),
        (("extract",), "0 1 2 130"),
        (("score",), "0 1 2 130"),
        (("export",), "0 1 2 130"),
        (("recompute",), "0 1 2 130"),
        (("factchecks",), "0 1 2 130"),
        (("factchecks", "import"), "0 1 2 130"),
        (("factchecks", "stats"), "0 1 2 130"),
        (("match",), "0 1 2 130"),
    ],
)
def test_help_lists_only_the_exit_codes_that_can_happen(
    cli: InProcess, command: tuple[str, ...], codes: str
) -> None:
    """Before, `factchecks import --help` listed Discord unreachable (3) and another bot on
    the database (4), which only `run` can meet."""
    sentence = help_text(cli, *command).split("exit codes: ", 1)[1]
    listed = [part.split(" ", 1)[0] for part in sentence.split("; ")]
    assert " ".join(listed) == codes


def test_help_words_each_exit_code(cli: InProcess) -> None:
    assert help_text(cli, "factchecks", "import").endswith(
        "exit codes: 0 done; 1 an unreadable or binary input, a URL that cannot be fetched, a "
        "feed that imports nothing, no database at DATABASE_PATH; 2 a usage error, a missing or "
        "malformed setting, an unusable DATABASE_PATH; 130 interrupted."
    )
    assert help_text(cli, "run").endswith(
        "exit codes: 0 done; 2 a usage error, a missing or malformed setting, an unusable "
        "DATABASE_PATH, Discord refused the token or the intents; 3 Discord unreachable; "
        "4 another claimbot is running on the database; 130 interrupted."
    )


@pytest.mark.parametrize("command", ["run", "migrate", "recompute", "export"])
def test_help_of_database_commands_names_database_path_and_env_file(
    cli: InProcess, command: str
) -> None:
    text = help_text(cli, command)
    assert "DATABASE_PATH (default: claimbot.db)" in text
    assert "from .env in the current directory" in text


@pytest.mark.parametrize("command", ["run", "migrate"])
def test_help_says_the_folder_is_never_created(cli: InProcess, command: str) -> None:
    assert "The folder of DATABASE_PATH must exist: claimbot creates the database file, never" in (
        help_text(cli, command)
    )


def test_help_shows_defaults(cli: InProcess) -> None:
    assert "--format {json,csv,claimreview} default: json" in help_text(cli, "export")
    assert "--organization ORGANIZATION the reviewing organisation's name (default: claimbot)" in (
        help_text(cli, "export")
    )
    assert "--max N at most N claims (default: CLAIMBOT_MAX_CLAIMS, as the bot; 15" in help_text(
        cli, "extract"
    )
    assert "--top N publishers shown" in help_text(cli, "factchecks", "stats")


def commands(parser: argparse.ArgumentParser, path: str = "claimbot") -> Iterator[tuple[str, str]]:
    """(command path, long option) for every option of every command, help aside."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from commands(child, f"{path} {name}")
        else:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    yield path, option


def test_the_readme_names_every_option_of_every_command() -> None:
    """Before, `export --organization` and `factchecks stats --top` were missing from it."""
    from itertools import takewhile

    from bot.cli.parser import build_parser

    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Command line", 1)[1]
    usage: dict[str, str] = {}  # command path: the first cell of its row
    for row in section.split("\n## ", 1)[0].splitlines():
        if row.startswith("| `claimbot"):
            cell = row[2:].split(" | ", 1)[0]
            words = cell.replace("`", " ").split()
            usage[" ".join(takewhile(lambda w: w.isalpha() and w.islower(), words))] = cell
    found = list(commands(build_parser()))
    assert {path for path, _ in found} - {"claimbot"} <= set(usage)
    assert [f"{path} {option}" for path, option in found if option not in usage[path]] == []


# -- extract --------------------------------------------------------------------------------

EXAMPLE_EN = REPO / "examples" / "article_en_vaccination.txt"


def test_extract_json_on_an_example_article(cli: InProcess) -> None:
    result = cli("extract", "--json", "--max", "4", str(EXAMPLE_EN))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"claims", "truncated", "capped", "max_claims", "backend", "fallback"}
    assert (report["truncated"], report["max_claims"]) == (False, 4)
    assert (report["backend"], report["fallback"]) == ("builtin", None)
    claims = report["claims"]
    assert 1 <= len(claims) <= 4
    assert set(claims[0]) == {
        "claim",
        "span",
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
        span = claim["span"]
        assert set(span) == {"start", "end", "text", "byte_start", "byte_end"}
        assert given[span["start"] : span["end"]] == span["text"]
        assert raw[span["byte_start"] : span["byte_end"]].decode() == span["text"]
    scores = [c["score"] for c in claims]
    assert scores == sorted(scores, reverse=True)


def test_extract_json_cites_the_file_as_given(cli: InProcess, tmp_path: Path) -> None:
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
    result = cli("extract", "--json", str(article))
    assert result.returncode == 0, result.stderr
    (claim,) = json.loads(result.stdout)["claims"]
    assert (
        claim["claim"] == "Outre les 40 bus promis, la région a commandé 12 tramways en mars 2024."
    )
    assert claim["span"] == {
        "start": 63,
        "end": 134,
        "text": "outre les 40 bus promis, la région a commandé 12\u00a0tramways en mars 2024.",
        "byte_start": 64,
        "byte_end": 138,
    }
    assert given[63:134] == claim["span"]["text"]
    assert article.read_bytes()[64:138].decode() == claim["span"]["text"]


def test_extract_json_of_markdown_gives_the_passage_without_offsets(
    cli: InProcess, tmp_path: Path
) -> None:
    article = tmp_path / "article.md"
    article.write_text("# Budget\n\nLe conseil a voté **48 millions** d'euros en mars 2024.\n")
    result = cli("extract", "--json", str(article))
    assert result.returncode == 0, result.stderr
    (claim,) = json.loads(result.stdout)["claims"]
    assert claim["span"] == {
        "start": None,
        "end": None,
        "text": "Le conseil a voté 48 millions d'euros en mars 2024.",
        "byte_start": None,
        "byte_end": None,
    }


def test_extract_table_reads_stdin(cli: InProcess) -> None:
    text = "According to the city statistics office, 1,240 homes were built in 2024.\n"
    result = cli("extract", "-", stdin=text)
    assert result.returncode == 0, result.stderr
    assert "1 check-worthy claim(s) found." in result.stdout
    assert "city statistics office" in result.stdout


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("http://127.0.0.1/", "private or internal network address"),
        ("http://169.254.169.254/latest/meta-data/", "private or internal network address"),
        ("file:///etc/passwd", "http"),
    ],
)
def test_extract_refuses_bad_urls_in_one_line(cli: InProcess, source: str, message: str) -> None:
    result = cli("extract", source)
    assert (result.returncode, result.stdout) == (1, "")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_extract_a_page_declaring_a_charset_that_is_no_text_encoding(
    cli: InProcess, tmp_path: Path
) -> None:
    """`charset=idna` passes codecs.lookup but cannot decode: the page is sniffed instead."""
    page = (
        "<!DOCTYPE html><html><head><meta charset='idna'><title>Prices</title></head><body>"
        "<article><p>According to the Café Owners' Association, coffee prices rose 12 percent"
        " in 2024.</p></article></body></html>"
    )
    (tmp_path / "page.html").write_bytes(page.encode("cp1252"))
    result = cli("extract", "--json", "page.html")
    assert result.returncode == 0, result.stderr
    assert [c["claim"] for c in json.loads(result.stdout)["claims"]] == [
        "According to the Café Owners' Association, coffee prices rose 12 percent in 2024."
    ]


def test_extract_of_blank_input_is_one_line(cli: InProcess) -> None:
    assert cli("extract", "-", stdin="   \n") == Outcome(1, "", "claimbot: That input is empty.\n")


def test_extract_reads_a_hostile_markdown_file(cli: InProcess, tmp_path: Path) -> None:
    # Unclosed autolinks were quadratic: 1.8 MB of them did not finish in 120 s.
    claim = "According to the city statistics office, 1,240 homes were built in 2024."
    (tmp_path / "a.md").write_text(claim + "\n\n" + "<http:" * 300_000, encoding="utf-8")
    result = cli("extract", "a.md")
    assert result.returncode == 0, result.stderr
    assert "1 check-worthy claim(s) found." in result.stdout
    assert "city statistics office" in result.stdout


def test_extract_over_the_parse_budget_is_one_clear_line(
    cli: InProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.services.parsing

    monkeypatch.setattr(bot.services.parsing, "PARSE_BUDGET_SECONDS", -1.0)
    (tmp_path / "a.md").write_text("# Title\n\nWords.", encoding="utf-8")
    result = cli("extract", "a.md")
    assert (result.returncode, result.stderr) == (
        1,
        "claimbot: That document is too complex to read.\n",
    )


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
    cli: InProcess,
    args: tuple[str, ...],
    env: dict[str, str],
    count: int,
    capped: bool,
    max_claims: int,
) -> None:
    result = cli("extract", "--json", *args, str(EXAMPLE_EN), env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (len(report["claims"]), report["capped"], report["max_claims"]) == (
        count,
        capped,
        max_claims,
    )
    assert report["truncated"] is False


def test_extract_says_when_the_input_was_cut(cli: InProcess) -> None:
    article = EXAMPLE_EN.read_text(encoding="utf-8")
    long_input = "\n\n".join([article] * (250_000 // len(article) + 1))
    as_json = cli("extract", "--json", "-", stdin=long_input)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["truncated"] is True
    table = cli("extract", "--max", "2", "-", stdin=long_input)
    assert table.stdout.splitlines()[-3:] == [
        "2 check-worthy claim(s) found.",
        "Note: the input was long and only its beginning was read.",
        "Note: more claims qualified; only the best 2 are shown (--max).",
    ]


# -- score ----------------------------------------------------------------------------------


def test_score_prints_json_lines(cli: InProcess) -> None:
    lines = "Unemployment fell to 4.1 percent in March.\r\n\nThank you all for coming tonight.\n"
    result = cli("score", stdin=lines)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == [
        "Unemployment fell to 4.1 percent in March.",
        "Thank you all for coming tonight.",
    ]
    assert [r["checkworthy"] for r in records] == [True, False]
    assert all(0.0 <= r["score"] <= 1.0 for r in records)


def test_score_of_a_program_is_one_line(cli: InProcess) -> None:
    """Before, `claimbot score /bin/ls` printed 706 lines, 34 of them "check-worthy"."""
    program = Path(sys.executable).resolve()
    result = cli("score", str(program))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "claimbot: That file looks binary (a program), not text. Send text, Markdown or HTML.\n"
    )


# -- what only a process shows: imports ----------------------------------------------------

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


@pytest.mark.slow
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


# -- export and recompute ----------------------------------------------------------------------


def test_export_and_recompute_on_a_database(cli: InProcess, tmp_path: Path) -> None:
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
def test_concurrent_migrate_processes_all_succeed(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"
    newest = len(load_migrations())
    env = clean_environment({"DATABASE_PATH": str(database)})
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
