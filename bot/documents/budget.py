"""The time budget of one reading: every stage is linear, but a large enough document still
takes long, and the member must get an answer, not a hang."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.documents.document import DocumentError

TOO_COMPLEX = "That document is too complex to read."

# When the current parse must give up (time.monotonic()); set by `time_budget`, per thread/task.
_deadline: ContextVar[float] = ContextVar("document_deadline", default=math.inf)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Parsing inside this block raises DocumentError(TOO_COMPLEX) once `seconds` have passed.

    Checked between stages and every few hundred lines: every stage is linear, so a check is
    never far away, and a document that still takes too long gets an answer, not a hang.
    """
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def check_time() -> None:
    """Give up with TOO_COMPLEX once the current budget is spent (never, outside one)."""
    if time.monotonic() > _deadline.get():
        raise DocumentError(TOO_COMPLEX)
