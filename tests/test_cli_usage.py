"""`claimbot` usage errors, `--version` and `--help`: the bad flag named under the usage
of the command it was given to, and only the exit codes a command can give."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from tests.support.cli import REPO, InProcess, claimbot


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> InProcess:
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps its usage to the terminal
    return InProcess(monkeypatch, tmp_path)


# -- usage errors: the bad flag named, the usage of the command it was given to ---------------

TOP_USAGE = "usage: claimbot [-h] [-V] COMMAND ..."
EXTRACT_USAGE = (
    "usage: claimbot extract [-h] [--json] [--backend {builtin,llm}] [--max N]\n"
    "                        [--min-score S]\n"
    "                        input"
)
IMPORT_USAGE = "usage: claimbot factchecks import [-h] [--guild ID] feed"
COMMANDS = (
    "'run', 'migrate', 'extract', 'export', 'recompute', 'score', 'factchecks', 'match', "
    "'evidence', 'web', 'db'"
)


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
            "claimbot extract: error: the following arguments are required: input",
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
        ((), "0 1 2 3 4 5 130"),
        (("run",), "0 2 3 4 130"),
        (("migrate",), "0 2 3 130"),
        (("extract",), "0 1 2 130"),
        (("score",), "0 1 2 130"),
        (("export",), "0 1 2 3 130"),
        (("recompute",), "0 1 2 3 130"),
        (("factchecks",), "0 1 2 3 130"),
        (("factchecks", "import"), "0 1 2 3 130"),
        (("factchecks", "stats"), "0 1 2 3 130"),
        (("match",), "0 1 2 3 130"),
        (("web",), "0 1 2 3 130"),
        (("db",), "0 1 2 3 4 5 130"),
        (("db", "copy"), "0 1 2 3 4 5 130"),
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
        "malformed setting, an unusable DATABASE_PATH or DATABASE_URL; 3 the DATABASE_URL server "
        "unreachable; 130 interrupted."
    )
    assert help_text(cli, "run").endswith(
        "exit codes: 0 done; 2 a usage error, a missing or malformed setting, an unusable "
        "DATABASE_PATH or DATABASE_URL, Discord refused the token or the intents, "
        "CLAIMBOT_HEALTH_PORT cannot be listened on; 3 the DATABASE_URL server unreachable, "
        "Discord unreachable; "
        "4 another claimbot is running on the database (on a shard this one runs); "
        "130 interrupted."
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
    assert "--max N at most N claims (default: CLAIMBOT_MAX_CLAIMS, as the bot; 40" in help_text(
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
