"""`claimbot match`: claims, one per line, against the fact-check library; JSON lines out."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import TYPE_CHECKING

from bot.cli.common import (
    DATABASE_FAILURES,
    EXIT_OK,
    NO_DATABASE,
    UNREADABLE_INPUT,
    database_errors,
    read_input_lines,
    with_database,
)

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage.database import Database

FAILURES = (UNREADABLE_INPUT, NO_DATABASE, *DATABASE_FAILURES)


def cmd_match(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.text import tweet_date
    from bot.extraction.language import detect_language
    from bot.services.factcheck_library import FactCheckLibrary

    lines = read_input_lines(args.input)

    async def work(db: Database) -> None:
        library = FactCheckLibrary(db)
        await library.load()
        for text in lines:
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

    with database_errors():
        asyncio.run(with_database(settings, work))
    return EXIT_OK
