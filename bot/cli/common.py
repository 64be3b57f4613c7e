"""What every command shares: the one error line and its exit code, the table of ways a
command fails (its `--help` lists them), the one input reader, the database opener, the
backend choice and the progress bar.

Only the standard library is imported here at start-up: `claimbot score` must not pay for
discord.py, httpx or SQLite, so each piece imports what it needs when called.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import stat
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import ProgressColumn, TaskID

    from bot.config import Settings
    from bot.services.llm_extraction import LLMConfig
    from bot.storage.database import Database

T = TypeVar("T")

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_CONFIG = 2
EXIT_UNREACHABLE = 3  # Discord or the DATABASE_URL server: trying again later may work
EXIT_DATABASE_IN_USE = 4
EXIT_COPY_DIFFERS = 5  # `claimbot db copy`: the check found a difference
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """One line for stderr, and the exit code that goes with it."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


# -- the ways a command fails --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Failure:
    """One way a command can fail: its exit code, and the words its `--help` uses."""

    code: int
    words: str


UNREADABLE_INPUT = Failure(EXIT_BAD_INPUT, "an unreadable or binary input")
UNREADABLE_URL = Failure(EXIT_BAD_INPUT, "a URL that cannot be fetched")
NOTHING_IMPORTED = Failure(EXIT_BAD_INPUT, "a feed that imports nothing")
NO_DATABASE = Failure(EXIT_BAD_INPUT, "no database at DATABASE_PATH")
UNWRITABLE_OUTPUT = Failure(EXIT_BAD_INPUT, "an --output that cannot be written")
USAGE = Failure(EXIT_CONFIG, "a usage error")
BAD_SETTING = Failure(EXIT_CONFIG, "a missing or malformed setting")
UNUSABLE_DATABASE = Failure(EXIT_CONFIG, "an unusable DATABASE_PATH or DATABASE_URL")
DATABASE_UNREACHABLE = Failure(EXIT_UNREACHABLE, "the DATABASE_URL server unreachable")
# What opening the database can meet, whichever backend it is.
DATABASE_FAILURES = (UNUSABLE_DATABASE, DATABASE_UNREACHABLE)
DISCORD_REFUSED = Failure(EXIT_CONFIG, "Discord refused the token or the intents")
DISCORD_UNREACHABLE = Failure(EXIT_UNREACHABLE, "Discord unreachable")
DATABASE_IN_USE = Failure(
    EXIT_DATABASE_IN_USE, "another claimbot is running on the database (on a shard this one runs)"
)
HEALTH_PORT_UNAVAILABLE = Failure(EXIT_CONFIG, "CLAIMBOT_HEALTH_PORT cannot be listened on")
WEB_PORT_UNAVAILABLE = Failure(EXIT_CONFIG, "CLAIMBOT_WEB_PORT cannot be listened on")
# Every command parses its arguments and loads the settings, and can be interrupted.
EVERY_COMMAND = (USAGE, BAD_SETTING)


def exit_codes_note(failures: Iterable[Failure]) -> str:
    """The `exit codes: ...` sentence of a `--help`: only the codes that can happen there."""
    by_code: dict[int, list[str]] = {EXIT_OK: ["done"], EXIT_INTERRUPTED: ["interrupted"]}
    for failure in (*EVERY_COMMAND, *failures):
        words = by_code.setdefault(failure.code, [])
        if failure.words not in words:
            words.append(failure.words)
    return "exit codes: " + "; ".join(
        f"{code} {', '.join(words)}" for code, words in sorted(by_code.items())
    )


# -- the one input reader -----------------------------------------------------------------

# Far above any article or list of sentences, and a bound on memory for `yes | claimbot score`
# (the reader needs the whole input to tell text from binary and to detect its encoding).
INPUT_MAX_BYTES = 64_000_000


def input_too_large(limit: int = INPUT_MAX_BYTES) -> str:
    return f"The input is larger than {limit / 1_000_000:,.0f} MB, the limit here."


@contextlib.contextmanager
def open_input(path: str) -> Iterator[tuple[IO[bytes], int | None]]:
    """A file, or standard input for `-`, as bytes with its size when it is a regular file.
    Every command that reads input opens it here, so a missing file, a directory or an
    unreadable one is the same line, and the same exit code, whichever command was given."""
    if path == "-":
        yield sys.stdin.buffer, None
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below, after the size is read)
    except FileNotFoundError:
        raise CliError(f"No such file: {path}") from None
    except IsADirectoryError:
        raise CliError(f"{path} is a directory: give a file, or - for standard input.") from None
    except OSError as exc:
        raise CliError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    with handle:
        status = os.fstat(handle.fileno())
        yield handle, status.st_size if stat.S_ISREG(status.st_mode) else None


def read_input(path: str) -> bytes:
    """The bytes of `path` (see `open_input`), refusing more than INPUT_MAX_BYTES."""
    limit = INPUT_MAX_BYTES
    with open_input(path) as (handle, size):
        if size is not None and size > limit:
            raise CliError(input_too_large(limit))
        try:
            raw = handle.read(limit + 1)
        except OSError as exc:
            raise CliError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if len(raw) > limit:
        raise CliError(input_too_large(limit))
    return raw


def read_input_text(path: str) -> str:
    """The text of `path`, decoded as the bot decodes a submitted file: binary content is
    refused, and a file that is not UTF-8 is read in its detected encoding (cp1252 and the
    like). Blank input is the empty string; what it means is the command's call."""
    from bot.documents.decoding import decode_document
    from bot.documents.document import DocumentError

    raw = read_input(path)
    if not raw.strip():
        return ""
    try:
        return decode_document(raw)
    except DocumentError as exc:
        raise CliError(str(exc)) from None


def read_input_lines(path: str) -> list[str]:
    """The lines of `path` (read by `read_input_text`), split as a text file is: at LF,
    CRLF or CR and at no other character, so each line in is one line out."""
    lines = read_input_text(path).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


# -- the database ---------------------------------------------------------------------------


@contextlib.contextmanager
def database_errors() -> Iterator[None]:
    """An unusable DATABASE_PATH or DATABASE_URL, or one another bot holds, becomes its one
    line."""
    from bot.storage import DatabaseInUse, DatabaseUnreachable, DatabaseUnusable

    try:
        yield
    except DatabaseUnreachable as exc:
        raise CliError(str(exc), EXIT_UNREACHABLE) from None
    except DatabaseUnusable as exc:
        raise CliError(str(exc), EXIT_CONFIG) from None
    except DatabaseInUse as exc:
        raise CliError(str(exc), EXIT_DATABASE_IN_USE) from None


async def with_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """`work` on the existing database; any way it is unusable becomes DatabaseUnusable."""
    from bot.storage import Database

    location = settings.database_location
    path = settings.database_path
    if location == path and not path.exists() and not any(p.is_file() for p in path.parents):
        raise CliError(
            f"No database at {path}: run `claimbot migrate` to create it (`claimbot run` "
            "also creates it), or set DATABASE_PATH in the environment or .env."
        )
    db = await Database.open(location)
    try:
        with failures_described(db):
            return await work(db)
    finally:
        await db.close()


@contextlib.contextmanager
def failures_described(db: Database) -> Iterator[None]:
    """A database error met after opening (damage past the pages that opening reads, a server
    gone) becomes its one-line DatabaseUnusable; any other error passes."""
    try:
        yield
    except Exception as exc:
        unusable = db.describe_failure(exc)
        if unusable is None:
            raise
        raise unusable from None


# -- the backend ----------------------------------------------------------------------------


def chosen_llm(args: argparse.Namespace, settings: Settings) -> LLMConfig | None:
    """The LLM backend for `--backend`; without the option, whatever the bot would use."""
    if args.backend == "builtin" or (args.backend is None and not settings.llm_enabled):
        return None
    if not settings.llm_enabled:
        raise CliError(
            "--backend llm needs CLAIMBOT_LLM_BASE_URL and CLAIMBOT_LLM_MODEL (in the "
            "environment or .env; see .env.example).",
            EXIT_CONFIG,
        )
    from bot.services.llm_extraction import llm_config

    return llm_config(settings)


# -- progress -------------------------------------------------------------------------------


@contextlib.contextmanager
def progress_bar(
    columns: Callable[[], tuple[ProgressColumn, ...]], *, transient: bool
) -> Iterator[RichProgress | None]:
    """A rich progress bar on stderr with `columns()` when a person watches it; None (and rich
    not even imported) when stderr is a file or a pipe."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(*columns(), console=Console(stderr=True), transient=transient) as bar:
        yield bar


@contextlib.contextmanager
def import_progress(total: int | None) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr (bytes read, fact-checks kept) when a person watches it."""

    def columns() -> tuple[ProgressColumn, ...]:
        from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeElapsedColumn

        return (
            TextColumn("importing"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[fact_checks]:,} fact-checks"),
            TimeElapsedColumn(),
        )

    with progress_bar(columns, transient=True) as bar:
        if bar is None:
            yield None
            return
        task = bar.add_task("import", total=total, fact_checks=0)

        def update(read: int, fact_checks: int) -> None:
            bar.update(task, completed=read, fact_checks=fact_checks)

        yield update


@contextlib.contextmanager
def copy_progress() -> Iterator[Callable[[str, int, int], None] | None]:
    """A bar per table (rows copied of its rows, rows/s) for `claimbot db copy`, when a
    person watches it."""

    def columns() -> tuple[ProgressColumn, ...]:
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn

        return (
            TextColumn("{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
        )

    with progress_bar(columns, transient=False) as bar:
        if bar is None:
            yield None
            return
        tasks: dict[str, tuple[TaskID, float, int]] = {}

        def update(table: str, copied: int, total: int) -> None:
            if table not in tasks:
                task = bar.add_task(table, total=total, completed=copied, rate="")
                tasks[table] = (task, time.perf_counter(), copied)
                return
            task, began, first = tasks[table]
            elapsed = time.perf_counter() - began
            rate = f"{(copied - first) / elapsed:,.0f} rows/s" if elapsed > 0 else ""
            bar.update(task, completed=copied, rate=rate)

        yield update
