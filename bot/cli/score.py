"""`claimbot score`: one sentence per line in, one JSON object per line out."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from bot.cli.common import EXIT_OK, UNREADABLE_INPUT, chosen_llm, read_input_lines

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.services.backend_results import SentenceScore
    from bot.services.llm_extraction import LLMConfig

FAILURES = (UNREADABLE_INPUT,)


def sentences(lines: Iterable[str]) -> Iterator[str]:
    """The non-blank lines, stripped."""
    for line in lines:
        text = line.strip()
        if text:
            yield text


async def _score_with_llm(texts: Iterator[str], llm: LLMConfig) -> None:
    """A window of batches at a time, so output starts after the first window."""
    from itertools import islice

    from bot.services.llm_extraction import LLMUsage, open_client, score_with_llm

    usage = LLMUsage(llm.max_tokens_per_run)
    window = llm.batch_size * llm.concurrency
    async with open_client(llm) as client:
        while chunk := list(islice(texts, window)):
            for score in await score_with_llm(chunk, llm, usage, client=client):
                _print_score(score)


# One encoder for every line: json.dumps with options builds a new one per call.
_SCORE_LINE = json.JSONEncoder(ensure_ascii=False)


def _print_score(score: SentenceScore) -> None:
    sys.stdout.write(_SCORE_LINE.encode(score.to_dict()) + "\n")


def cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    llm = chosen_llm(args, settings)
    lines = sentences(read_input_lines(args.input))
    if llm is not None:
        asyncio.run(_score_with_llm(lines, llm))
        return EXIT_OK
    from bot.services.backend_results import builtin_score

    for text in lines:
        _print_score(builtin_score(text))
    return EXIT_OK
