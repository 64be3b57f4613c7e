"""`claimbot` command line: run the bot, migrate, and the offline tools.

Heavy imports (discord, the extractor) happen inside each command so that
`claimbot score` does not pay for discord.py and `claimbot run` fails fast on config.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    import aiohttp
    import discord

    from bot.documents.reader import Document
    from bot.extraction.candidate import ClaimCandidate
    from bot.services.backend_results import Extraction, SentenceScore
    from bot.services.llm_extraction import LLMConfig
    from bot.storage.database import Database
    from bot.web.fetcher import SafeFetcher

T = TypeVar("T")

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_CONFIG = 2
EXIT_DISCORD_UNREACHABLE = 3
EXIT_DATABASE_IN_USE = 4


class CliError(Exception):
    """One line for stderr, and the exit code that goes with it."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@contextlib.contextmanager
def database_errors() -> Iterator[None]:
    """An unusable DATABASE_PATH, or one another bot holds, becomes its one line."""
    from bot.storage import DatabaseInUse, DatabaseUnusable

    try:
        yield
    except DatabaseUnusable as exc:
        raise CliError(str(exc), EXIT_CONFIG) from None
    except DatabaseInUse as exc:
        raise CliError(str(exc), EXIT_DATABASE_IN_USE) from None


# -- run ------------------------------------------------------------------------------


async def _freeze_when_ready(bot: discord.Client) -> None:
    """Once started, move everything alive (modules, models, caches) out of the garbage
    collector's sight: a full collection then scans only what came after, about 3 ms
    instead of about 40 ms during which no event is handled."""
    await bot.wait_until_ready()
    gc.collect()
    gc.freeze()


def discord_unreachable(error: aiohttp.ClientConnectorError) -> str:
    """One line naming the host and the cause, without guessing beyond what the OS said."""
    import socket

    cause = error.os_error
    if isinstance(cause, socket.gaierror) or not cause.errno:
        reason = cause.strerror or str(cause) or type(cause).__name__
    else:  # asyncio words it "Connect call failed (...)"; the errno says which failure
        reason = os.strerror(cause.errno)
    return f"Cannot reach Discord at {error.host}:{error.port}: {reason}."


async def run_bot(settings: Settings, token: str) -> None:
    """Start the bot and close it cleanly (database included) on SIGINT or SIGTERM.
    The database is opened (and migrated) before Discord is contacted, so a bad
    DATABASE_PATH is reported first; the instance lock is held from then on."""
    from bot.storage import Database, InstanceLock

    db = await Database.open(settings.database_path)
    await db.close()
    with InstanceLock(settings.database_path):
        await _run_bot(settings, token)


async def _run_bot(settings: Settings, token: str) -> None:
    import aiohttp
    import discord

    from bot.app.client import ClaimBot

    bot = ClaimBot(settings)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with bot:
        runner = asyncio.create_task(bot.start(token))
        freezer = asyncio.create_task(_freeze_when_ready(bot))
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        freezer.cancel()
        if stopper in done:
            logging.getLogger("claimbot").info("shutting down")
            await bot.close()
            await asyncio.gather(runner, return_exceptions=True)
            return
        stopper.cancel()
        try:
            runner.result()
        except discord.LoginFailure:
            raise CliError(
                "Discord rejected DISCORD_TOKEN: reset the token in the Developer Portal.",
                EXIT_CONFIG,
            ) from None
        except discord.PrivilegedIntentsRequired:
            raise CliError(
                "Enable the Message Content intent for the bot in the Developer Portal (Bot page).",
                EXIT_CONFIG,
            ) from None
        except aiohttp.ClientConnectorError as exc:
            raise CliError(discord_unreachable(exc), EXIT_DISCORD_UNREACHABLE) from None


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    token = settings.require_token()
    configure_logging(settings.log_level)
    with database_errors():
        asyncio.run(run_bot(settings, token))
    return EXIT_OK


# -- migrate --------------------------------------------------------------------------


async def _migrate(path: Path) -> tuple[list[int], int]:
    from bot.storage.database import Database

    db = await Database.open(path, migrate=False)
    try:
        applied = await db.migrate()
        return applied, await db.schema_version()
    finally:
        await db.close()


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    with database_errors():
        applied, version = asyncio.run(_migrate(settings.database_path))
    if applied:
        print(f"Applied migrations {', '.join(map(str, applied))}; schema is at version {version}.")
    else:
        print(f"Nothing to do; schema is at version {version}.")
    return EXIT_OK


# -- extract / score ------------------------------------------------------------------


def read_input(source: str) -> Document:
    """A path, `-` for stdin, or a URL fetched through the safe fetcher (whose imports,
    httpx and trafilatura among them, only a URL pays for)."""
    from bot.core.urls import looks_like_url
    from bot.documents.reader import DocumentError, load_text
    from bot.services.parsing import parse_within_budget

    if looks_like_url(source) and source != "-":
        return _read_url(source)
    try:
        if source == "-":
            return parse_within_budget(load_text, sys.stdin.buffer.read())
        path = Path(source)
        if path.is_dir():
            raise CliError(f"{source} is a directory: give a file, a URL, or - for stdin.")
        if not path.is_file():
            raise CliError(f"No such file: {source}")
        return parse_within_budget(load_text, path.read_bytes(), filename=path.name)
    except DocumentError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"Cannot read {source}: {exc.strerror or exc}") from None


def _read_url(url: str) -> Document:
    from bot.documents.reader import DocumentError
    from bot.services.articles import document_from_url
    from bot.web.fetcher import FetchError, SafeFetcher

    async def fetch() -> Document:
        async with SafeFetcher() as fetcher:
            return await document_from_url(url, fetcher)

    try:
        return asyncio.run(fetch())
    except (DocumentError, FetchError) as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"Cannot read {url}: {exc.strerror or exc}") from None


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


def _extract(text: str, llm: LLMConfig | None, limit: int, min_score: float | None) -> Extraction:
    from bot.extraction import DEFAULT_MIN_SCORE, ExtractionError, extract_claims
    from bot.services.backend_results import Extraction

    try:
        if llm is not None:
            from bot.services.llm_extraction import extract_with_fallback

            return asyncio.run(
                extract_with_fallback(text, llm, max_claims=limit, min_score=min_score)
            )
        score = DEFAULT_MIN_SCORE if min_score is None else min_score
        return Extraction(extract_claims(text, max_claims=limit, min_score=score), "builtin")
    except ExtractionError as exc:
        raise CliError(str(exc)) from None


def cited_source(document: Document, claim: ClaimCandidate) -> dict[str, object] | None:
    """Where the claim came from in the input as given: `input[start:end] == text` (the
    decoded input; byte offsets when the file is UTF-8). Markdown and HTML, whose markup
    the reader rewrote, give the passage without offsets; null when it was not located."""
    if not 0 <= claim.start < claim.end <= len(document.text):
        return None
    span = document.input_span(claim.start, claim.end)
    if span is None or document.source_map is None:
        text = document.text[claim.start : claim.end]
        return {"start": None, "end": None, "text": text, "byte_start": None, "byte_end": None}
    start, end = span
    byte_span = document.source_map.byte_span(start, end)
    return {
        "start": start,
        "end": end,
        "text": document.source_map.input[start:end],
        "byte_start": None if byte_span is None else byte_span[0],
        "byte_end": None if byte_span is None else byte_span[1],
    }


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    llm = chosen_llm(args, settings)
    document = read_input(args.source)
    limit = settings.max_claims_per_submission if args.max is None else args.max
    # One more than the cap says whether the cap cut the list (the pick is greedy,
    # so the first `limit` are the same either way).
    result = _extract(document.text, llm, limit + 1, args.min_score)
    capped = len(result.claims) > limit
    claims = result.claims[:limit]
    reason = result.fallback_reason
    if args.json:
        report = {
            "claims": [
                {
                    **claim.to_dict(),
                    "source": cited_source(document, claim),
                    "backend": result.backend,
                }
                for claim in claims
            ],
            "truncated": document.truncated,
            "capped": capped,
            "max_claims": limit,
            "backend": result.backend,
            "fallback": None if reason is None else {"reason": reason},
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title=document.title or None, show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    table.add_column("claim")
    table.add_column("who says so")
    for number, claim in enumerate(claims, 1):
        table.add_row(str(number), f"{claim.score:.2f}", claim.text, claim.attribution or "")
    console = Console()
    if claims:
        console.print(table)
    print(f"{len(claims)} check-worthy claim(s) found.")
    if document.truncated:
        print("Note: the input was long and only its beginning was read.")
    if capped:
        print(f"Note: more claims qualified; only the best {limit} are shown (--max).")
    if reason is not None:
        print(f"Note: the LLM backend failed ({reason}); the built-in extractor answered.")
    return EXIT_OK


def _sentences(handle: Iterator[str]) -> Iterator[str]:
    for line in handle:
        text = line.strip()
        if text:
            yield text


async def _score_with_llm(sentences: Iterator[str], llm: LLMConfig) -> None:
    """Reads a window of batches at a time, so output starts early and memory stays flat."""
    from itertools import islice

    from bot.services.llm_extraction import LLMUsage, open_client, score_with_llm

    usage = LLMUsage(llm.max_tokens_per_run)
    window = llm.batch_size * llm.concurrency
    async with open_client(llm) as client:
        while chunk := list(islice(sentences, window)):
            for score in await score_with_llm(chunk, llm, usage, client=client):
                _print_score(score)


# One encoder for every line: json.dumps with options builds a new one per call.
_SCORE_LINE = json.JSONEncoder(ensure_ascii=False)


def _print_score(score: SentenceScore) -> None:
    sys.stdout.write(_SCORE_LINE.encode(score.to_dict()) + "\n")


def cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    llm = chosen_llm(args, settings)
    stream = sys.stdin if args.source == "-" else None
    try:
        handle = stream or open(args.source, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        raise CliError(f"Cannot read {args.source}: {exc.strerror}") from None
    with handle:
        if llm is not None:
            asyncio.run(_score_with_llm(_sentences(handle), llm))
            return EXIT_OK
        from bot.services.backend_results import builtin_score

        for text in _sentences(handle):
            _print_score(builtin_score(text))
    return EXIT_OK


# -- export / recompute --------------------------------------------------------------


async def _with_db(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """`work` on the existing database; any way it is unusable becomes DatabaseUnusable."""
    import sqlite3

    from bot.storage import Database, describe_database_failure

    path = settings.database_path
    if not path.exists() and not any(parent.is_file() for parent in path.parents):
        raise CliError(
            f"No database at {path}: run `claimbot migrate` to create it (`claimbot run` "
            "also creates it), or set DATABASE_PATH in the environment or .env."
        )
    db = await Database.open(path)
    try:
        return await work(db)
    except sqlite3.Error as exc:  # damage found past the pages that opening reads
        raise describe_database_failure(path, exc) from None
    finally:
        await db.close()


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.exports import CSV_BOM
    from bot.services.export_files import export_all, export_guild

    async def work(db: Database) -> bytes:
        if args.guild is not None:
            _, data, _ = await export_guild(
                db, args.guild, args.format, organization=args.organization
            )
            return data
        text = await export_all(db, args.format, organization=args.organization)
        return (CSV_BOM + text if args.format == "csv" else text).encode("utf-8")

    with database_errors():
        data = asyncio.run(_with_db(settings, work))
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
        if not data.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
    else:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise CliError(f"Cannot write {args.output}: {exc.strerror or exc}.") from None
        print(f"Wrote {args.output} ({len(data)} bytes).", file=sys.stderr)
    return EXIT_OK


def cmd_recompute(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.status_refresh import recompute_all

    with database_errors():
        total, changed = asyncio.run(_with_db(settings, recompute_all))
    print(f"Recomputed {total} claim(s) from the event log; {changed} status(es) changed.")
    return EXIT_OK


# -- factchecks / match ---------------------------------------------------------------


def feed_fetcher() -> SafeFetcher:
    """The fetcher for feed URLs: the safe fetcher with the CLI's feed cap (tests swap it)."""
    from bot.services.factcheck_import import CLI_FEED_LIMITS
    from bot.web.fetcher import SafeFetcher

    return SafeFetcher(CLI_FEED_LIMITS)


def _scope_words(guild: int | None) -> str:
    return "for all servers" if guild is None else f"for server {guild}"


@contextlib.contextmanager
def _import_progress(total: int | None) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr (bytes read, reviews kept) when a person watches it."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("importing"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[reviews]:,} reviews"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("import", total=total, reviews=0)

        def update(read: int, reviews: int) -> None:
            bar.update(task, completed=read, reviews=reviews)

        yield update


def cmd_factchecks_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.errors import UserFacingError
    from bot.core.factcheck_render import render_import_result
    from bot.core.records import ALL_SERVERS, FactCheckImportResult
    from bot.core.urls import looks_like_url
    from bot.services.factcheck_import import CLI_FEED_MAX_BYTES, FactCheckImporter, too_large

    source: str = args.source
    scope = ALL_SERVERS if args.guild is None else args.guild
    size: int | None = None
    if source != "-" and not looks_like_url(source):
        path = Path(source)
        if path.is_dir():
            raise CliError(f"{source} is a directory: give a file, a URL, or - for stdin.")
        if not path.is_file():
            raise CliError(f"No such file: {source}")
        size = path.stat().st_size
        if size > CLI_FEED_MAX_BYTES:
            raise CliError(too_large(CLI_FEED_MAX_BYTES))

    try:
        stream = sys.stdin.buffer if source == "-" else None if size is None else open(source, "rb")  # noqa: SIM115
    except OSError as exc:
        raise CliError(f"Cannot read {source}: {exc.strerror or exc}") from None

    async def work(db: Database) -> FactCheckImportResult:
        importer = FactCheckImporter(db, fetcher=feed_fetcher())
        try:
            with _import_progress(size) as progress:
                if stream is None:
                    return await importer.import_url(
                        scope,
                        source,
                        imported_by=None,
                        max_bytes=CLI_FEED_MAX_BYTES,
                        progress=progress,
                    )
                return await importer.import_stream(
                    scope,
                    stream,
                    imported_by=None,
                    max_bytes=CLI_FEED_MAX_BYTES,
                    progress=progress,
                )
        except UserFacingError as exc:
            raise CliError(exc.message) from None
        except OSError as exc:
            raise CliError(f"Cannot read {source}: {exc.strerror or exc}") from None
        finally:
            await importer.close()

    with database_errors(), stream or contextlib.nullcontext():
        result = asyncio.run(_with_db(settings, work))
    summary = " ".join(render_import_result(result, _scope_words(args.guild)).splitlines())
    if result.read == 0:
        raise CliError(summary)
    print(summary)
    return EXIT_OK


def cmd_factchecks_stats(args: argparse.Namespace, settings: Settings) -> int:
    import datetime

    from bot.core.records import LibraryStats

    async def work(db: Database) -> LibraryStats:
        return await db.library_stats(args.guild, top=args.top)

    with database_errors():
        stats = asyncio.run(_with_db(settings, work))
    where = "for all servers" if args.guild is None else f"visible to server {args.guild}"
    print(f"{stats.reviews:,} fact-check(s) {where}.")
    if stats.reviews:
        named = ", ".join(f"{name or 'unknown publisher'} {n:,}" for name, n in stats.publishers)
        print(f"Top publishers: {named}.")
        print(f"Newest review: {stats.newest or 'undated'}; oldest: {stats.oldest or 'undated'}.")
    if stats.last_import is not None:
        when = datetime.datetime.fromtimestamp(stats.last_import, datetime.UTC)
        print(f"Last import: {when:%Y-%m-%d %H:%M} UTC.")
    return EXIT_OK


def cmd_match(args: argparse.Namespace, settings: Settings) -> int:
    from bot.extraction.language import detect_language
    from bot.matching.text import tweet_date
    from bot.services.factcheck_library import FactCheckLibrary

    try:
        handle = sys.stdin if args.source == "-" else open(args.source, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise CliError(f"Cannot read {args.source}: {exc.strerror}") from None

    async def work(db: Database) -> None:
        library = FactCheckLibrary(db)
        await library.load()
        for line in handle:
            text = line.rstrip("\r\n")
            found = []
            if text.strip():
                language = detect_language(text)
                found = await library.similar(
                    args.guild,
                    text,
                    "en" if language == "und" else language,
                    tweet_date(text),  # a pasted post's signature dates the claim
                    args.top,
                )
            matches = [
                {
                    "url": m.fact_check.url,
                    "claim_reviewed": m.fact_check.claim_reviewed,
                    "publisher": m.fact_check.publisher,
                    "rating": m.fact_check.rating_name,
                    "date": m.fact_check.published,
                    "score": round(m.score, 4),
                }
                for m in found
            ]
            print(json.dumps({"text": text, "matches": matches}, ensure_ascii=False))

    with handle, database_errors():
        try:
            asyncio.run(_with_db(settings, work))
        except UnicodeDecodeError:
            raise CliError(f"{args.source} is not UTF-8 text.") from None
    return EXIT_OK


# -- entry point ----------------------------------------------------------------------


SETTINGS_NOTE = (
    "Settings come from the environment, then from .env in the current directory; the "
    "database is DATABASE_PATH (default: claimbot.db)."
)
EXIT_CODES_NOTE = (
    "exit codes: 0 done; 1 bad input (file, URL, missing database, unwritable --output); "
    "2 configuration or database unusable (also usage errors); 3 Discord unreachable; "
    "4 another claimbot is running on the database; 130 interrupted"
)


def build_parser() -> argparse.ArgumentParser:
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("claimbot")
    except PackageNotFoundError:
        installed = "unknown version"
    parser = argparse.ArgumentParser(
        prog="claimbot",
        description="Claim verification bot for Discord teams.",
        epilog=f"{SETTINGS_NOTE} {EXIT_CODES_NOTE}.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser(
        "run",
        help="start the Discord bot (needs DISCORD_TOKEN)",
        description="Start the Discord bot: needs DISCORD_TOKEN; creates and migrates the "
        "database, and refuses to start while another claimbot runs on it.",
        epilog=SETTINGS_NOTE,
    ).set_defaults(handler=cmd_run)
    sub.add_parser(
        "migrate",
        help="apply database migrations and exit",
        description="Create the database if need be and apply pending migrations.",
        epilog=SETTINGS_NOTE,
    ).set_defaults(handler=cmd_migrate)

    extract = sub.add_parser("extract", help="print the check-worthy claims of an article")
    extract.add_argument("source", help="a file path, a URL, or - for standard input")
    extract.add_argument(
        "--json",
        action="store_true",
        help='print {"claims": [...], "truncated": bool, "capped": bool, "max_claims": N, '
        '"backend": "llm" or "builtin", "fallback": {"reason": str} or null}',
    )
    _add_backend_option(extract)
    extract.add_argument(
        "--max",
        type=_positive_int,
        default=None,
        metavar="N",
        help="at most N claims (default: CLAIMBOT_MAX_CLAIMS, as the bot; 40 when unset)",
    )
    extract.add_argument(
        "--min-score",
        type=_unit_float,
        default=None,
        metavar="S",
        help="drop claims scoring below S (0..1; default: the extractor's threshold)",
    )
    extract.set_defaults(handler=cmd_extract)

    export = sub.add_parser(
        "export",
        help="write the claims as CSV, JSON or ClaimReview",
        description="Write the claims of the database as CSV, JSON or ClaimReview.",
        epilog=SETTINGS_NOTE,
    )
    export.add_argument(
        "--format",
        choices=("json", "csv", "claimreview"),
        default="json",
        help="default: %(default)s",
    )
    export.add_argument("--guild", type=int, default=None, help="only this server (id)")
    export.add_argument("--output", default=None, help="a file path (default: standard output)")
    export.add_argument(
        "--organization",
        default="claimbot",
        help="the reviewing organisation's name (default: %(default)s)",
    )
    export.set_defaults(handler=cmd_export)

    sub.add_parser(
        "recompute",
        help="rebuild every vote tally and status from the event log",
        description="Rebuild every current vote and status from the event log.",
        epilog=SETTINGS_NOTE,
    ).set_defaults(handler=cmd_recompute)

    score = sub.add_parser("score", help="score one sentence per line, JSON lines out")
    score.add_argument("source", nargs="?", default="-", help="a file path or - (default)")
    _add_backend_option(score)
    score.set_defaults(handler=cmd_score)
    _add_fact_check_commands(sub)
    return parser


def _add_fact_check_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scope_help = (
        "import for this server only (id); without it the reviews are for all servers, "
        "and every server sees them"
    )
    factchecks = sub.add_parser(
        "factchecks",
        help="import ClaimReview feeds into the fact-check library, show its size",
        description="The fact-check library the bot matches new claims against.",
        epilog=SETTINGS_NOTE,
    )
    actions = factchecks.add_subparsers(dest="action", required=True, metavar="ACTION")
    feed = actions.add_parser(
        "import",
        help="import a ClaimReview feed (JSON, DataFeed, @graph or HTML page)",
        description="Import schema.org ClaimReviews from a file, a URL (through the safe "
        "fetcher) or - for standard input; at most 300 MB. A review already imported with "
        "the same url is updated. A feed that cannot be read imports nothing.",
        epilog=f"{SETTINGS_NOTE} {EXIT_CODES_NOTE}.",
    )
    feed.add_argument("source", help="a file path, a URL, or - for standard input")
    feed.add_argument("--guild", type=int, default=None, metavar="ID", help=scope_help)
    feed.set_defaults(handler=cmd_factchecks_import)
    stats = actions.add_parser(
        "stats",
        help="how many reviews, from which publishers, how recent",
        description="Size of the library: the reviews for all servers, or with --guild the "
        "ones that server sees (its own and those for all servers).",
        epilog=SETTINGS_NOTE,
    )
    stats.add_argument(
        "--guild", type=int, default=None, metavar="ID", help="as this server sees it"
    )
    stats.add_argument("--top", type=_positive_int, default=5, metavar="N", help="publishers shown")
    stats.set_defaults(handler=cmd_factchecks_stats)

    match = sub.add_parser(
        "match",
        help="match claims (one per line) against the fact-check library, JSON lines out",
        description='One claim per line in; one {"text", "matches": [{"url", "claim_reviewed", '
        '"publisher", "rating", "date", "score"}]} per line out, in input order (an empty '
        "line gets no matches). Searches DATABASE_PATH's library as the bot does; a line "
        "ending in a tweet's signature (— Name (@handle) May 1, 2021) is matched with that date.",
        epilog=SETTINGS_NOTE,
    )
    match.add_argument("source", nargs="?", default="-", help="a file path or - (default)")
    match.add_argument("--top", type=_positive_int, default=5, metavar="K", help="default: 5")
    match.add_argument(
        "--guild",
        type=int,
        default=None,
        metavar="ID",
        help="the library this server sees (default: the reviews for all servers)",
    )
    match.set_defaults(handler=cmd_match)


def _add_backend_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--backend",
        choices=("builtin", "llm"),
        default=None,
        help="builtin: the CPU model; llm: the OpenAI-compatible endpoint of "
        "CLAIMBOT_LLM_BASE_URL, falling back to builtin when it fails (default: what the "
        "bot uses, llm when CLAIMBOT_LLM_BASE_URL and CLAIMBOT_LLM_MODEL are set)",
    )


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _unit_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        result: int = args.handler(args, settings)
        return result
    except ConfigError as exc:
        print(f"claimbot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except CliError as exc:
        print(f"claimbot: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
