"""A claim being built from one sentence, before it is frozen into a ClaimCandidate."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Draft:
    """A claim being built; frozen into a ClaimCandidate at the end."""

    text: str
    start: int
    end: int
    speaker: str | None
    external_source: bool
    segment_index: int
    span_text: str = ""
    unresolved: tuple[str, ...] = ()
    #: the speaker's phrase as written ("the report", "une étude de l'Observatoire…")
    written: str = ""
    #: the speaker is the actor of an account with no reporting verb (`own_account.py`)
    own_account: bool = False
