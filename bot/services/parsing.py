"""Reading a submission off the event loop, within a time budget.

Every pattern in bot.documents is linear, so parsing no longer freezes anything; this is the
second wall. A worker thread keeps the loop free while lxml and trafilatura run (lxml lets go
of the GIL while it parses), and the budget turns a document that is still too costly into a
clear answer instead of a wait with no end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from bot.documents.budget import TOO_COMPLEX, time_budget
from bot.documents.document import DocumentError

__all__ = ["PARSE_BUDGET_SECONDS", "parse_off_loop", "parse_within_budget"]

# A real article, even a 5 MB page, reads in well under 2 s on one core; 5 s leaves room for
# a busy machine while keeping the member's wait short.
PARSE_BUDGET_SECONDS = 5.0
# The thread checks the budget itself between stages; the loop gives up this much later in
# case one stage (a library call) overruns, and answers anyway. The thread then finishes on
# its own: a Python thread cannot be stopped.
_LOOP_GRACE_SECONDS = 2.0

P = ParamSpec("P")
T = TypeVar("T")


def parse_within_budget(parse: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run `parse` here, raising DocumentError(TOO_COMPLEX) once the budget is spent."""
    with time_budget(PARSE_BUDGET_SECONDS):
        return parse(*args, **kwargs)


async def parse_off_loop(parse: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run `parse` in a worker thread within the budget; the event loop never waits on it."""
    budget = PARSE_BUDGET_SECONDS

    def run() -> T:
        with time_budget(budget):
            return parse(*args, **kwargs)

    try:
        return await asyncio.wait_for(asyncio.to_thread(run), budget + _LOOP_GRACE_SECONDS)
    except TimeoutError:
        raise DocumentError(TOO_COMPLEX) from None
