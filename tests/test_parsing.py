"""Tests for bot.parsing: documents are read in a worker thread, within a time budget."""

from __future__ import annotations

import asyncio
import threading

import pytest

import bot.services.parsing
from bot.documents.budget import TOO_COMPLEX
from bot.documents.document import DocumentError
from bot.documents.reader import load_text
from bot.services.parsing import parse_off_loop, parse_within_budget


async def test_parse_off_loop_reads_in_a_worker_thread() -> None:
    threads: list[threading.Thread] = []

    def read(text: str, *, filename: str) -> str:
        threads.append(threading.current_thread())
        return load_text(text, filename=filename).text

    assert await parse_off_loop(read, "# Title\n\nWords.", filename="a.md") == "Title\n\nWords."
    assert threads != [threading.main_thread()]


async def test_parse_off_loop_gives_up_when_the_thread_overruns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stage that never checks the budget: the loop answers anyway."""
    monkeypatch.setattr(bot.services.parsing, "PARSE_BUDGET_SECONDS", 0.0)
    monkeypatch.setattr(bot.services.parsing, "_LOOP_GRACE_SECONDS", 0.0)
    stuck = threading.Event()
    try:
        with pytest.raises(DocumentError) as info:
            await parse_off_loop(stuck.wait, 60)
        assert str(info.value) == TOO_COMPLEX
    finally:
        stuck.set()


async def test_parse_off_loop_passes_the_budget_to_the_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bot.services.parsing, "PARSE_BUDGET_SECONDS", -1.0)
    with pytest.raises(DocumentError) as info:
        await parse_off_loop(load_text, "Plain words.")
    assert str(info.value) == TOO_COMPLEX


async def test_other_errors_pass_through() -> None:
    with pytest.raises(DocumentError) as info:
        await parse_off_loop(load_text, "   ")
    assert str(info.value) == "That input is empty."


def test_parse_within_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_within_budget(load_text, "Plain words.").text == "Plain words."
    monkeypatch.setattr(bot.services.parsing, "PARSE_BUDGET_SECONDS", -1.0)
    with pytest.raises(DocumentError) as info:
        parse_within_budget(load_text, "Plain words.")
    assert str(info.value) == TOO_COMPLEX


async def test_the_loop_keeps_running_while_a_document_is_read() -> None:
    """While the worker waits, the loop runs other tasks (the parse is not on it)."""
    in_thread = threading.Event()
    release = threading.Event()

    def read() -> str:
        in_thread.set()
        release.wait(60)
        return "done"

    reading = asyncio.create_task(parse_off_loop(read))
    assert await asyncio.to_thread(in_thread.wait, 60)
    ticks = 0
    for _ in range(5):
        await asyncio.sleep(0)
        ticks += 1
    assert ticks == 5 and not reading.done()
    release.set()
    assert await reading == "done"
