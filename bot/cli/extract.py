"""`claimbot extract`: the check-worthy claims of an article, as a table or JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import (
    EXIT_OK,
    UNREADABLE_INPUT,
    UNREADABLE_URL,
    CliError,
    chosen_llm,
    read_input,
)

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.documents.document import Document
    from bot.extraction.candidate import ClaimCandidate
    from bot.services.backend_results import BackendExtraction
    from bot.services.llm_extraction import LLMConfig

FAILURES = (UNREADABLE_INPUT, UNREADABLE_URL)


def read_document(given: str) -> Document:
    """A path, `-` for stdin (both through the one input reader), or a URL fetched through
    the safe fetcher (whose imports, httpx and trafilatura among them, only a URL pays for)."""
    from bot.core.urls import looks_like_url
    from bot.documents.document import DocumentError
    from bot.documents.reader import load_text
    from bot.services.parsing import parse_within_budget

    if looks_like_url(given) and given != "-":
        return _read_url(given)
    raw = read_input(given)
    name = None if given == "-" else Path(given).name
    try:
        return parse_within_budget(load_text, raw, filename=name)
    except DocumentError as exc:
        raise CliError(str(exc)) from None


def _read_url(url: str) -> Document:
    from bot.documents.document import DocumentError
    from bot.services.articles import document_from_url
    from bot.web.errors import FetchError
    from bot.web.fetcher import SafeFetcher

    async def fetch() -> Document:
        async with SafeFetcher() as fetcher:
            return await document_from_url(url, fetcher)

    try:
        return asyncio.run(fetch())
    except (DocumentError, FetchError) as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"Cannot read {url}: {exc.strerror or exc}") from None


def _extract(
    text: str, llm: LLMConfig | None, limit: int, min_score: float | None
) -> BackendExtraction:
    from bot.extraction import DEFAULT_MIN_SCORE, ExtractionError, extract_claims
    from bot.services.backend_results import BackendExtraction

    try:
        if llm is not None:
            from bot.services.llm_extraction import extract_with_fallback

            return asyncio.run(
                extract_with_fallback(text, llm, max_claims=limit, min_score=min_score)
            )
        score = DEFAULT_MIN_SCORE if min_score is None else min_score
        return BackendExtraction(extract_claims(text, max_claims=limit, min_score=score), "builtin")
    except ExtractionError as exc:
        raise CliError(str(exc)) from None


def cited_span(document: Document, claim: ClaimCandidate) -> dict[str, object] | None:
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
    document = read_document(args.input)
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
                {**claim.to_dict(), "span": cited_span(document, claim), "backend": result.backend}
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
    table.add_column("speaker")
    for number, claim in enumerate(claims, 1):
        table.add_row(str(number), f"{claim.score:.2f}", claim.text, claim.speaker or "")
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
