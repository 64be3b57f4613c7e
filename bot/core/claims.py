"""From extracted candidates to claims worth posting: a document's identity, and the triage of
candidates into new claims and repeats (the rule itself is `sameness.same_claim`).

Pure: the cog gives it the guild's recent claims and gets back what is new and what
already exists, so a team never reviews the same statement twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.records import NewClaim
from bot.core.sameness import Wording, normalize_claim, same_claim

# How many of a guild's newest claims a submission is compared with.
RECENT_CLAIMS_COMPARED = 2_000
MAX_MANUAL_CLAIM_CHARS = 1_000
# `/claim add` text shorter than this (spaces folded) is refused: too short to say who or what
# did what, checkably, and a stray word would cost a review message, 4 reactions and a thread.
MIN_MANUAL_CLAIM_CHARS = 10


def content_hash(text: str) -> str:
    """Identity of a submitted document: the same article pasted twice hashes the same."""
    return hashlib.sha256(normalize_claim(text).encode("utf-8")).hexdigest()


class Extracted(Protocol):
    """What triage reads of the extractor's `ClaimCandidate` (bot.extraction), named here as
    a protocol because the core does not import the extractor."""

    @property
    def text(self) -> str: ...
    @property
    def speaker(self) -> str | None: ...
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


def triage(
    candidates: Iterable[Extracted | str],
    recent: Sequence[tuple[int, str]],
    *,
    originals: Mapping[int, str] | None = None,
) -> Triage:
    """Split candidates into new claims and repeats (`sameness.same_claim`) of the guild's
    recent claims, given as (id, normalized text) with their `originals` texts. A bare string
    is a claim typed in by a member: no score, span, language nor speaker.

    Exact repeats (same normalised text) are left to the database's unique index; here
    we catch close rewordings, and repeats inside the submission itself. A recent claim whose
    original text is not given is compared by its words alone.
    """
    texts = originals or {}
    known = [
        (claim_id, Wording.stored(normalized, texts.get(claim_id)))
        for claim_id, normalized in recent
    ]
    new: list[NewClaim] = []
    taken: list[Wording] = []
    existing: list[int] = []
    for candidate in candidates:
        text = candidate if isinstance(candidate, str) else candidate.text
        language = "en" if isinstance(candidate, str) else candidate.language or "en"
        normalized = normalize_claim(text)
        if not normalized:
            continue
        wording = Wording.stored(normalized, text)
        match = next((cid for cid, other in known if same_claim(wording, other, language)), None)
        if match is not None:
            if match not in existing:
                existing.append(match)
            continue
        if any(same_claim(wording, other, language) for other in taken):
            continue
        taken.append(wording)
        if isinstance(candidate, str):
            new.append(NewClaim(text=text, normalized=normalized))
            continue
        new.append(
            NewClaim(
                text=text,
                normalized=normalized,
                speaker=candidate.speaker,
                language=candidate.language,
                score=candidate.score,
                reasons=candidate.reasons,
                span_start=candidate.start if candidate.start >= 0 else None,
                span_end=candidate.end if candidate.start >= 0 else None,
            )
        )
    return Triage(new=new, existing_ids=existing)
