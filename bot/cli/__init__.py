"""`claimbot` command line: run the bot, migrate, and the offline tools.

One module per command; `common` holds what they share (the error line and its exit code,
the one input reader, the database opener) and `parser` the arguments. Heavy imports
(discord, the extractor, httpx) happen inside each command, so that `claimbot score` does
not pay for discord.py and `claimbot run` fails fast on config.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.cli.common import EXIT_CONFIG, EXIT_INTERRUPTED, EXIT_OK, CliError
from bot.config import ConfigError, load_settings

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    from bot.cli.parser import build_parser

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help, --version or a usage error, already printed
        return done.code if isinstance(done.code, int) else EXIT_CONFIG
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
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
