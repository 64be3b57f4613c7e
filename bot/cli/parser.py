"""The `claimbot` argument parser: every command, its options, and the exit codes its
`--help` lists (from each command's FAILURES, worded by the one table in `common`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from bot.cli import (
    db_copy,
    evidence,
    export,
    extract,
    factchecks,
    match,
    migrate,
    recompute,
    run,
    score,
    web,
)
from bot.cli.common import INPUT_MAX_BYTES, Failure, exit_codes_note

_A = TypeVar("_A", bound=argparse.Action)

SETTINGS_NOTE = (
    "Settings come from the environment, then from .env in the current directory; the "
    "database is DATABASE_PATH (default: claimbot.db)."
)
FOLDER_NOTE = (
    "The folder of DATABASE_PATH must exist: claimbot creates the database file, never its "
    "folder, so a mistyped path is refused instead of starting an empty database."
)
INPUT_NOTE = (
    f"A file or standard input is read whole (at most {INPUT_MAX_BYTES // 1_000_000} MB); "
    "binary content is refused, and text that is not UTF-8 is read in its detected "
    "encoding, as the bot reads a submitted file."
)


class CommandParser(argparse.ArgumentParser):
    """argparse, except that an unknown option is named by the command it was given to.

    argparse checks required arguments before it reports unknown ones, and hands a
    subcommand's unknown options up to the top level, which prints its own usage: so
    `claimbot --bogus` said a command was missing, and `claimbot extract x --bogus` showed
    the top-level usage. Here required arguments are checked after unknown ones, by the
    parser that owns them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._required: list[argparse.Action] = []

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        return self._check_later(super().add_argument(*args, **kwargs))

    def add_subparsers(self, **kwargs: Any) -> Any:
        return self._check_later(super().add_subparsers(**kwargs))

    def _check_later(self, action: _A) -> _A:
        if action.required:
            action.required = False
            self._required.append(action)
        return action

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        missing = [_name(a) for a in self._required if getattr(parsed, a.dest, None) is None]
        if missing:
            self.error(f"the following arguments are required: {', '.join(missing)}")
        return parsed, extras


def _name(action: argparse.Action) -> str:
    if action.option_strings:
        return "/".join(action.option_strings)
    return str(action.metavar or action.dest)


def _epilog(failures: Iterable[Failure], *notes: str) -> str:
    return " ".join((*notes, exit_codes_note(failures) + "."))


def build_parser() -> argparse.ArgumentParser:
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("claimbot")
    except PackageNotFoundError:
        installed = "unknown version"
    every = (
        *run.FAILURES,
        *migrate.FAILURES,
        *extract.FAILURES,
        *export.FAILURES,
        *recompute.FAILURES,
        *score.FAILURES,
        *factchecks.IMPORT_FAILURES,
        *factchecks.STATS_FAILURES,
        *match.FAILURES,
        *evidence.RECHECK_FAILURES,
        *web.FAILURES,
        *db_copy.FAILURES,
    )
    parser = CommandParser(
        prog="claimbot",
        description="Claim verification bot for Discord teams.",
        epilog=_epilog(every, SETTINGS_NOTE),
    )
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {installed}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser(
        "run",
        help="start the Discord bot (needs DISCORD_TOKEN)",
        description="Start the Discord bot: needs DISCORD_TOKEN; creates and migrates the "
        "database, and refuses to start while another claimbot runs on it (with shards: one "
        "of its shards, or another shard count).",
        epilog=_epilog(run.FAILURES, SETTINGS_NOTE, FOLDER_NOTE),
    ).set_defaults(handler=run.cmd_run)
    sub.add_parser(
        "migrate",
        help="apply database migrations and exit",
        description="Create the database if need be and apply pending migrations.",
        epilog=_epilog(migrate.FAILURES, SETTINGS_NOTE, FOLDER_NOTE),
    ).set_defaults(handler=migrate.cmd_migrate)

    _add_extract(sub)

    exporter = sub.add_parser(
        "export",
        help="write the claims as CSV, JSON or ClaimReview",
        description="Write the claims of the database as CSV, JSON or ClaimReview.",
        epilog=_epilog(export.FAILURES, SETTINGS_NOTE),
    )
    exporter.add_argument(
        "--format",
        choices=("json", "csv", "claimreview"),
        default="json",
        help="default: %(default)s",
    )
    exporter.add_argument("--guild", type=int, default=None, help="only this server (id)")
    exporter.add_argument("--output", default=None, help="a file path (default: standard output)")
    exporter.add_argument(
        "--organization",
        default="claimbot",
        help="the reviewing organisation's name (default: %(default)s)",
    )
    exporter.set_defaults(handler=export.cmd_export)

    sub.add_parser(
        "recompute",
        help="rebuild every vote tally and status from the event log",
        description="Rebuild every current vote and status from the event log.",
        epilog=_epilog(recompute.FAILURES, SETTINGS_NOTE),
    ).set_defaults(handler=recompute.cmd_recompute)

    scorer = sub.add_parser(
        "score",
        help="score one sentence per line, JSON lines out",
        description='One sentence per line in (blank lines skipped); one {"text", "score", '
        '"checkworthy", "backend", "fallback"} per line out.',
        epilog=_epilog(score.FAILURES, INPUT_NOTE),
    )
    scorer.add_argument("input", nargs="?", default="-", help="a file path or - (default)")
    _add_backend_option(scorer)
    scorer.set_defaults(handler=score.cmd_score)

    _add_fact_check_commands(sub)
    _add_evidence_commands(sub)
    sub.add_parser(
        "web",
        help="serve the public verdict pages of the servers that publish",
        description="Serve the public verdict pages (read-only) on CLAIMBOT_WEB_HOST:"
        "CLAIMBOT_WEB_PORT, from the bot's database, until interrupted: the published claims "
        "of each server that turned publishing on with /claimbot publish.",
        epilog=_epilog(web.FAILURES, SETTINGS_NOTE),
    ).set_defaults(handler=web.cmd_web)
    _add_db_commands(sub)
    return parser


def _add_db_commands(sub: argparse._SubParsersAction[CommandParser]) -> None:
    database = sub.add_parser(
        "db",
        help="copy the SQLite database into PostgreSQL",
        description="Work on the database as a whole.",
        epilog=_epilog(db_copy.FAILURES, SETTINGS_NOTE),
    )
    actions = database.add_subparsers(dest="action", required=True, metavar="ACTION")
    copy = actions.add_parser(
        "copy",
        help="copy the SQLite database into a PostgreSQL database, then check the copy",
        description="Copy the SQLite database (DATABASE_PATH, or --from) into the PostgreSQL "
        "database of --to, migrated to the same schema version first: every table in "
        "batches (the claims with their search index), then the sequences, then a check "
        "(row counts, and every status recomputed). Refuses while a bot runs on either. "
        "Run again, an interrupted copy resumes where it stopped; a target holding anything "
        "else is refused unless --force. See docs/operations.md.",
        epilog=_epilog(db_copy.FAILURES, SETTINGS_NOTE),
    )
    copy.add_argument("--to", required=True, metavar="URL", help="postgresql://user:pw@host/db")
    copy.add_argument(
        "--from",
        dest="source",
        default=None,
        metavar="PATH",
        help="the SQLite database to copy (default: DATABASE_PATH)",
    )
    copy.add_argument(
        "--force",
        action="store_true",
        help="delete every row the target holds (an earlier copy, or another database's "
        "data) and copy from the start",
    )
    copy.add_argument(
        "--batch-rows",
        type=_positive_int,
        default=5_000,
        metavar="N",
        help="rows per batch, each one transaction (default: %(default)s)",
    )
    copy.set_defaults(handler=db_copy.cmd_db_copy)


def _add_extract(sub: argparse._SubParsersAction[CommandParser]) -> None:
    command = sub.add_parser(
        "extract",
        help="print the check-worthy claims of an article",
        description="The check-worthy claims of an article (a file, a URL fetched through "
        "the safe fetcher, or standard input), best first, as a table or JSON.",
        epilog=_epilog(extract.FAILURES, INPUT_NOTE),
    )
    command.add_argument("input", help="a file path, a URL, or - for standard input")
    command.add_argument(
        "--json",
        action="store_true",
        help='print {"claims": [...], "truncated": bool, "capped": bool, "max_claims": N, '
        '"backend": "llm" or "builtin", "fallback": {"reason": str} or null}',
    )
    _add_backend_option(command)
    command.add_argument(
        "--max",
        type=_positive_int,
        default=None,
        metavar="N",
        help="at most N claims (default: CLAIMBOT_MAX_CLAIMS, as the bot; 40 when unset)",
    )
    command.add_argument(
        "--min-score",
        type=_unit_float,
        default=None,
        metavar="S",
        help="drop claims scoring below S (0..1; default: the extractor's threshold)",
    )
    command.set_defaults(handler=extract.cmd_extract)


def _add_fact_check_commands(sub: argparse._SubParsersAction[CommandParser]) -> None:
    scope_help = (
        "import for this server only (id); without it the fact-checks are for all servers, "
        "and every server sees them"
    )
    library = sub.add_parser(
        "factchecks",
        help="import ClaimReview feeds into the fact-check library, show its size",
        description="The fact-check library the bot matches new claims against.",
        epilog=_epilog((*factchecks.IMPORT_FAILURES, *factchecks.STATS_FAILURES), SETTINGS_NOTE),
    )
    actions = library.add_subparsers(dest="action", required=True, metavar="ACTION")
    feed = actions.add_parser(
        "import",
        help="import a ClaimReview feed (JSON, DataFeed, @graph or HTML page)",
        description="Import schema.org ClaimReviews from a file, a URL (through the safe "
        "fetcher) or - for standard input; at most 300 MB. A fact-check already imported with "
        "the same url is updated. A feed that cannot be read imports nothing. Then the scope's "
        "matching index is built and saved (about a minute per 100,000 fact-checks), which "
        "running bots load at their next poll (CLAIMBOT_LIBRARY_POLL).",
        epilog=_epilog(factchecks.IMPORT_FAILURES, SETTINGS_NOTE),
    )
    feed.add_argument("feed", help="a file path, a URL, or - for standard input")
    feed.add_argument("--guild", type=int, default=None, metavar="ID", help=scope_help)
    feed.set_defaults(handler=factchecks.cmd_factchecks_import)
    stats = actions.add_parser(
        "stats",
        help="how many fact-checks, from which publishers, how recent",
        description="Size of the library: the fact-checks for all servers, or with --guild the "
        "ones that server sees (its own and those for all servers).",
        epilog=_epilog(factchecks.STATS_FAILURES, SETTINGS_NOTE),
    )
    stats.add_argument(
        "--guild", type=int, default=None, metavar="ID", help="as this server sees it"
    )
    stats.add_argument("--top", type=_positive_int, default=5, metavar="N", help="publishers shown")
    stats.set_defaults(handler=factchecks.cmd_factchecks_stats)

    matcher = sub.add_parser(
        "match",
        help="match claims (one per line) against the fact-check library, JSON lines out",
        description='One claim per line in; one {"text", "matches": [{"url", "claim_reviewed", '
        '"publisher", "rating", "date", "score"}]} per line out, in input order (an empty '
        "line gets no matches). Searches DATABASE_PATH's library as the bot does; a line "
        "ending in a tweet's signature (— Name (@handle) May 1, 2021) is matched with that date.",
        epilog=_epilog(match.FAILURES, INPUT_NOTE, SETTINGS_NOTE),
    )
    matcher.add_argument("input", nargs="?", default="-", help="a file path or - (default)")
    matcher.add_argument("--top", type=_positive_int, default=5, metavar="K", help="default: 5")
    matcher.add_argument(
        "--guild",
        type=int,
        default=None,
        metavar="ID",
        help="the library this server sees (default: the fact-checks for all servers)",
    )
    matcher.set_defaults(handler=match.cmd_match)


def _add_evidence_commands(sub: argparse._SubParsersAction[CommandParser]) -> None:
    epilog = _epilog(evidence.RECHECK_FAILURES, SETTINGS_NOTE)
    group = sub.add_parser(
        "evidence",
        help="recheck the archived sources (snapshots of evidence pages)",
        description="The sources linked to claims, and their snapshots.",
        epilog=epilog,
    )
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    recheck = actions.add_parser(
        "recheck",
        help="fetch archived sources again: unchanged, changed or gone",
        description="Fetch each archived source again through the safe fetcher, one at a "
        "time, and compare the body with its first snapshot: the same is unchanged; another "
        "is changed (and kept as a new snapshot); 404, 410 or a refused or failed fetch is "
        "gone; a timeout or a 5xx records nothing (tried again at the next recheck).",
        epilog=epilog,
    )
    recheck.add_argument("--guild", type=int, default=None, metavar="ID", help="only this server")
    recheck.add_argument(
        "--older-than",
        type=_days,
        default=0.0,
        metavar="DAYS",
        help="only sources not checked for DAYS days (default: every archived source)",
    )
    recheck.set_defaults(handler=evidence.cmd_evidence_recheck)


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


def _number_between(low: float, high: float, unit: str = "") -> Callable[[str], float]:
    """An argument type: a number from `low` to `high`, its refusals naming the `unit`."""
    of_unit = f" of {unit}" if unit else ""
    in_unit = f" {unit}" if unit else ""

    def number_between(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a number{of_unit}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be between {low:g} and {high:g}{in_unit}")
        return number

    return number_between


_unit_float = _number_between(0.0, 1.0)
_days = _number_between(0.0, 3650.0, "days")
