"""Plain records passed between storage, the pure core and the cogs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.status import UNREVIEWED
from bot.core.vocabulary import Stance, Status


@dataclass(frozen=True, slots=True)
class GuildConfig:
    """One server's setup; `options` holds per-guild overrides (limits, emoji, thresholds)."""

    guild_id: int
    review_channel_id: int | None = None
    reviewer_role_id: int | None = None
    moderator_role_id: int | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NewClaim:
    """A claim about to be stored: from the extractor, or typed in by a member."""

    text: str
    normalized: str
    speaker: str | None = None
    language: str | None = None
    score: float | None = None
    reasons: tuple[str, ...] = ()
    span_start: int | None = None
    span_end: int | None = None
    # The model's answer for no input, so a fresh claim and a recomputed one never differ.
    status: str = UNREVIEWED.status
    confidence: float = UNREVIEWED.confidence
    explanation: str = UNREVIEWED.explanation


@dataclass(frozen=True, slots=True)
class NewDocument:
    guild_id: int
    submitter_id: int
    kind: str  # text | url | file | message | manual
    content_hash: str
    url: str | None = None
    title: str | None = None
    language: str | None = None
    char_count: int = 0


@dataclass(frozen=True, slots=True)
class HeldClaim:
    """A check-worthy claim of a document that the cap kept back, stored until **Post the
    rest** posts it (documents are not stored with their text). The extractor's candidate,
    its span indexing the submission (-1 when not located); `rank` 1 is the best."""

    text: str
    speaker: str | None
    language: str
    score: float
    reasons: tuple[str, ...]
    start: int = -1
    end: int = -1
    rank: int = 0


@dataclass(frozen=True, slots=True)
class HeldBatch:
    """What a press of **Post the rest** posts: the next held claims of a document, best
    first, with what its claims are stored with (its submitter, link and title)."""

    document_id: int
    submitter_id: int
    url: str | None
    title: str | None
    claims: list[HeldClaim]
    held: int  # the document's held claims in all, `claims` included


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    id: int  # internal and global: every table refers to it, no member ever sees it
    guild_id: int
    number: int  # what members see and type: #1, #2, ... in each server
    text: str
    speaker: str | None
    language: str | None
    score: float | None
    reasons: tuple[str, ...]
    submitter_id: int
    origin_url: str | None
    origin_title: str | None
    channel_id: int | None
    message_id: int | None
    thread_id: int | None
    status: Status
    confidence: float
    explanation: str
    is_final: bool
    created_at: float
    updated_at: float
    document_id: int | None = None
    carried_votes_until: int = 0  # votes up to this event id were cast on a deleted message
    status_rule: str = ""  # the rule of the status model that decided `status`


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    id: int  # internal key, never shown: it counts every server's sources
    claim_id: int
    number: int  # what members see: #1, #2, ... per claim, never reused
    url: str
    stance: Stance
    note: str | None
    added_by: int
    fetch_status: str
    fetch_error: str | None
    title: str | None
    site_name: str | None
    canonical_url: str | None
    published_at: str | None
    description: str | None
    created_at: float
    # Its snapshots (docs/evidence.md): when the first was taken and its body's SHA-256 (None:
    # not archived), and what the last rechecks found ('unchanged', 'changed', 'gone') since
    # when; `rechecked_at` is the last recheck that reached a verdict.
    archived_at: float | None = None
    archived_sha256: str | None = None
    recheck_state: str | None = None
    recheck_since: float | None = None
    rechecked_at: float | None = None


@dataclass(frozen=True, slots=True)
class NewSnapshot:
    """What the safe fetcher read of a source, about to be kept: the main text already
    trimmed to the server's cap (`text_trimmed`), the hash of the body as read."""

    final_url: str
    http_status: int
    title: str | None
    body_sha256: str
    body_bytes: int
    body_cut: bool  # the fetcher's own cap cut the body
    text: str
    text_trimmed: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class SnapshotRecord(NewSnapshot):
    """One kept snapshot of a source; never updated, deleted only by the bounds."""

    id: int
    guild_id: int
    evidence_id: int
    fetched_at: float
    stored_bytes: int


@dataclass(frozen=True, slots=True)
class ReviewMessage:
    """Where a claim is shown for review."""

    claim_id: int
    guild_id: int
    channel_id: int
    message_id: int


@dataclass(slots=True)
class SubmissionResult:
    """What a submission did, for the reply to the submitter."""

    posted: list[ClaimRecord] = field(default_factory=list)
    existing: list[ClaimRecord] = field(default_factory=list)
    unposted: list[ClaimRecord] = field(default_factory=list)
    post_error: str | None = None
    # duplicates of claims saved earlier but never posted, posted by this submission
    posted_now: list[ClaimRecord] = field(default_factory=list)
    found: int = 0
    truncated: bool = False
    # {posted claim id: an earlier claim of the server it probably rewords}
    probably_same: dict[int, ClaimRecord] = field(default_factory=dict)
    # The document stored, whose held claims **Post the rest** posts; None if none was.
    document_id: int | None = None
    held: int = 0  # check-worthy claims over the cap, still held for **Post the rest**
    cap: int = 0  # the most claims this submission could post
    cap_chosen: bool = False  # the member set `cap` with `max_claims`, not the server


# An import for all servers (`claimbot factchecks import` without --guild) has this scope.
ALL_SERVERS = 0


@dataclass(frozen=True, slots=True)
class NewFactCheck:
    """A fact-check about to be stored: what the ClaimReview reader yields (bot/documents/
    claimreview.py) and the import writes, one shape. `published` is an ISO date or None."""

    url: str
    claim_reviewed: str
    title: str | None
    publisher: str | None
    published: str | None
    rating_name: str | None
    rating_value: float | None
    best_rating: float | None
    worst_rating: float | None
    claimant: str | None
    language: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FactCheckRecord(NewFactCheck):
    """One fact-check of the library, as stored. `scope` is the server it was imported for,
    or ALL_SERVERS; `published` is an ISO date or None."""

    id: int
    scope: int
    imported_at: float
    imported_by: int | None


@dataclass(frozen=True, slots=True)
class LibraryStats:
    """What `/factchecks stats` shows: size, publishers, how recent."""

    fact_checks: int
    publishers: list[tuple[str, int]]
    newest: str | None
    oldest: str | None
    last_import: float | None


@dataclass(frozen=True, slots=True)
class SuggestionRecord:
    """A match shown in a claim's thread: a fact-check or a resolved claim of the server."""

    id: int
    guild_id: int
    claim_id: int
    fact_check_id: int | None
    matched_claim_id: int | None
    score: float
    message_id: int | None
    answer: str | None
    answered_by: int | None
    answered_at: float | None
    created_at: float


@dataclass(frozen=True, slots=True)
class FactCheckImportResult:
    """What one import did: fact-checks read from the feed, rows added and updated, records
    skipped and numbers dropped (both by reason)."""

    scope: int
    read: int
    added: int
    updated: int
    skipped: dict[str, int]
    nulled: dict[str, int]


@dataclass(frozen=True, slots=True)
class PublishedSite:
    """A server's public verdict pages (`/claimbot publish`): the slug that names the server
    in their URLs, the organisation that signs them, and where the public reads them."""

    guild_id: int
    slug: str
    organization: str
    base_url: str  # http(s), no trailing slash
    enabled: bool


@dataclass(frozen=True, slots=True)
class PublishedClaim:
    """One claim as its public page shows it: counts of votes (never who cast them), its
    sources, and when a moderator resolved it (None when votes and sources decided)."""

    claim: ClaimRecord
    votes: dict[str, int]
    evidence: list[EvidenceRecord]
    resolved_at: float | None
    resolution_note: str | None
    # What each source said when it was cited: the start of its first snapshot's text, by
    # evidence id (a source never archived has none).
    excerpts: dict[int, str] = field(default_factory=dict)
