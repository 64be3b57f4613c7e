"""From extracted candidates to claims worth posting: normalisation and duplicate checks.

Pure: the cog gives it the guild's recent claims and gets back what is new and what
already exists, so a team never reviews the same statement twice.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.records import NewClaim
from bot.core.text import jaccard

# Two wordings whose word sets overlap this much are one claim ("very close wording").
NEAR_DUPLICATE_JACCARD = 0.85
# How many of a guild's newest claims a submission is compared with.
RECENT_CLAIMS_COMPARED = 2_000
MAX_MANUAL_CLAIM_CHARS = 1_000
# `/claim add` text shorter than this (spaces folded) is refused: too short to say who or what
# did what, checkably, and a stray word would cost a review message, 4 reactions and a thread.
MIN_MANUAL_CLAIM_CHARS = 10

_NON_WORD = re.compile(r"[^\w%]+")


def normalize_claim(text: str) -> str:
    """Lowercase, accents folded, punctuation and spacing collapsed: the identity of a claim."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare).strip()


def content_hash(text: str) -> str:
    """Identity of a submitted document: the same article pasted twice hashes the same."""
    return hashlib.sha256(normalize_claim(text).encode("utf-8")).hexdigest()


def _words(normalized: str) -> frozenset[str]:
    return frozenset(normalized.split())


class Extracted(Protocol):
    """What triage reads of the extractor's `ClaimCandidate` (bot.extraction), named here as
    a protocol because the core does not import the extractor."""

    @property
    def text(self) -> str: ...
    @property
    def attribution(self) -> str | None: ...
    @property
    def language(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Triage:
    new: list[NewClaim]
    existing_ids: list[int]  # claims of the guild the submission repeats, in submission order


# Two close wordings that are nonetheless different claims ("… in 2019" / "… in 2021"):
# (candidate text, other claim's text, language) -> True when they differ in substance.
Different = Callable[[str, str, str], bool]


def _repeats(
    candidate: tuple[frozenset[str], str, str],
    other: frozenset[str],
    other_text: str | None,
    different: Different | None,
) -> bool:
    words, text, language = candidate
    if jaccard(words, other) < NEAR_DUPLICATE_JACCARD:
        return False
    return different is None or other_text is None or not different(text, other_text, language)


def triage(
    candidates: Iterable[Extracted | str],
    recent: Sequence[tuple[int, str]],
    *,
    originals: Mapping[int, str] | None = None,
    different: Different | None = None,
) -> Triage:
    """Split candidates into new claims and repeats of the guild's recent claims. A bare
    string is a claim typed in by a member: no score, span, language nor attribution.

    Exact repeats (same normalised text) are left to the database's unique index; here
    we catch close rewordings, and repeats inside the submission itself. With `different`
    (and the recent claims' `originals`), a close wording that it tells apart is new.
    """
    known = [(claim_id, _words(normalized)) for claim_id, normalized in recent]
    texts = originals or {}
    new: list[NewClaim] = []
    taken: list[tuple[frozenset[str], str]] = []
    existing: list[int] = []
    for candidate in candidates:
        text = candidate if isinstance(candidate, str) else candidate.text
        language = "en" if isinstance(candidate, str) else candidate.language or "en"
        normalized = normalize_claim(text)
        if not normalized:
            continue
        words = _words(normalized)

        this = (words, text, language)
        match = next(
            (cid for cid, other in known if _repeats(this, other, texts.get(cid), different)),
            None,
        )
        if match is not None:
            if match not in existing:
                existing.append(match)
            continue
        if any(_repeats(this, other, other_text, different) for other, other_text in taken):
            continue
        taken.append((words, text))
        if isinstance(candidate, str):
            new.append(NewClaim(text=text, normalized=normalized))
            continue
        new.append(
            NewClaim(
                text=text,
                normalized=normalized,
                attribution=candidate.attribution,
                language=candidate.language,
                score=candidate.score,
                reasons=candidate.reasons,
                span_start=candidate.start if candidate.start >= 0 else None,
                span_end=candidate.end if candidate.start >= 0 else None,
            )
        )
    return Triage(new=new, existing_ids=existing)
