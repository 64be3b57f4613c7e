"""Claim status: reviewer votes + evidence + moderator resolution -> status, confidence, why.

Pure code: no I/O, no discord, no sqlite. Plain data in, plain data out, so `claimbot
recompute` can replay the append-only event tables and always get the same answer.
docs/confidence.md has the formula, the defaults and worked examples (kept equal to the
tests in tests/test_status.py).

In short: reviewer votes decide the status; reachable sources gate the `verified_*`
statuses and feed the confidence; a moderator resolution overrides both until reopened.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Final, Literal

from bot.core.text import clip_line
from bot.core.vocabulary import FINAL_VERDICTS, STANCES, STATUS_LABELS, VOTES

# Re-exported while modules written against the old layout still import the types from
# here; new code imports them from bot.core.vocabulary.
from bot.core.vocabulary import Stance as Stance
from bot.core.vocabulary import Status as Status
from bot.core.vocabulary import Vote as Vote

# Presentation limits (not thresholds, so not per-guild).
MAX_EXPLANATION_CHARS: Final = 200
MAX_NOTE_CHARS: Final = 160
# Confidence is rounded so stored values, docs and tests agree exactly.
CONFIDENCE_DECIMALS: Final = 4
# A moderator's resolution is authoritative; `final=True` says it came from a moderator.
RESOLVED_CONFIDENCE: Final = 1.0
# Float comparisons against thresholds allow this slack (3/5 must count as 0.6).
_EPS: Final = 1e-9

# --------------------------------------------------------------------------- rules

# The rule that decided a status, one per branch of compute_status, in the order they are
# tried. Stored with the status (claims.status_rule) so an audit can tell *why* without
# parsing the explanation; docs/confidence.md has a table of them. Stable identifiers:
# renaming one orphans the stored values.
Rule = Literal[
    "moderator_resolution",
    "no_votes",
    "below_quorum",
    "split_disputed",
    "majority_unverifiable",
    "majority_misleading",
    "sources_disputed",
    "verified_consensus",
    "likely_consensus",
]
RULE_MODERATOR_RESOLUTION: Final = "moderator_resolution"
RULE_NO_VOTES: Final = "no_votes"
RULE_BELOW_QUORUM: Final = "below_quorum"
RULE_SPLIT_DISPUTED: Final = "split_disputed"
RULE_MAJORITY_UNVERIFIABLE: Final = "majority_unverifiable"
RULE_MAJORITY_MISLEADING: Final = "majority_misleading"
RULE_SOURCES_DISPUTED: Final = "sources_disputed"
RULE_VERIFIED_CONSENSUS: Final = "verified_consensus"
RULE_LIKELY_CONSENSUS: Final = "likely_consensus"
RULES: Final[tuple[Rule, ...]] = (
    RULE_MODERATOR_RESOLUTION,
    RULE_NO_VOTES,
    RULE_BELOW_QUORUM,
    RULE_SPLIT_DISPUTED,
    RULE_MAJORITY_UNVERIFIABLE,
    RULE_MAJORITY_MISLEADING,
    RULE_SOURCES_DISPUTED,
    RULE_VERIFIED_CONSENSUS,
    RULE_LIKELY_CONSENSUS,
)

# --------------------------------------------------------------------------- settings

# Accepted range of each threshold, the one home of these numbers: StatusSettings rejects
# values outside them, from_mapping clamps into them, and `/claimbot thresholds` offers
# exactly them (its shares as whole percents, hence the *_PERCENT ranges).
MIN_REVIEWERS_RANGE: Final = (1, 50)
# Above half, so at most one vote can lead.
CONSENSUS_PERCENT_RANGE: Final = (51, 100)
PRIOR_VOTES_RANGE: Final = (0.1, 10.0)
SOURCE_WEIGHT_RANGE: Final = (0.0, 5.0)
# Never 0: a vote count alone never verifies a claim.
MIN_SOURCES_TO_VERIFY_RANGE: Final = (1, 20)
# Below 100: no claim could ever be verified at 100%.
VERIFY_CONFIDENCE_PERCENT_RANGE: Final = (0, 99)


def _shares(percent_range: tuple[int, int]) -> tuple[float, float]:
    low, high = percent_range
    return low / 100, high / 100


# (lowest, highest) accepted value for each setting, in the setting's own unit.
THRESHOLD_RANGES: Final[dict[str, tuple[float, float]]] = {
    "min_reviewers": MIN_REVIEWERS_RANGE,
    "consensus_share": _shares(CONSENSUS_PERCENT_RANGE),
    "prior_votes": PRIOR_VOTES_RANGE,
    "source_weight": SOURCE_WEIGHT_RANGE,
    "min_sources_to_verify": MIN_SOURCES_TO_VERIFY_RANGE,
    "verify_min_confidence": _shares(VERIFY_CONFIDENCE_PERCENT_RANGE),
}
_INTEGER_SETTINGS: Final = frozenset({"min_reviewers", "min_sources_to_verify"})

# Below the quorum there is no verdict yet: its confidence is capped at even odds. With the
# default prior the cap is never reached (2 of 2 agreeing reviewers give 0.3333); a guild
# that sets a tiny prior could otherwise show "Needs review" with 57% confidence.
NEEDS_REVIEW_MAX_CONFIDENCE = 0.5


@dataclass(frozen=True, slots=True)
class StatusSettings:
    """Every threshold of the status model, each named and explained (per-guild overridable).

    Defaults are chosen so a team of three active reviewers can move a claim all the
    way to `verified_*`; docs/confidence.md compares them with Community Notes.
    """

    # Quorum: reviewers who must vote before any verdict status is shown; below it the
    # claim is `needs_review`. Community Notes waits for 5 ratings (minRatingsNeeded); 3
    # is what a small server can reach on most claims within a day.
    min_reviewers: int = 3
    # Consensus: share of the votes the leading vote needs (2 of 3, 3 of 5, 6 of 10).
    # Below it the claim is `disputed`. Kept above 0.5 so at most one vote can lead.
    consensus_share: float = 0.6
    # Prior: imaginary votes given to each of the 4 vote values before anyone votes. Shrinks
    # confidence towards "no idea" (1/4) and makes it grow with the number of reviewers:
    # with 1.0, 2 of 2 scores 0.5 while 9 of 10 scores 0.71.
    prior_votes: float = 1.0
    # Weight of one reachable source with stance supports/refutes, counted as that many
    # extra votes for `supported`/`refuted` in the confidence. 1.0: a linked, readable
    # source is worth as much as a reviewer; 0 makes confidence votes-only.
    source_weight: float = 1.0
    # Evidence gate (the "N" of verified): reachable sources that must take the majority's
    # side, and outnumber those on the other side, before `likely_*` becomes `verified_*`.
    # The same number of sources on the other side (and outnumbering the majority's)
    # turns a reviewer consensus into `disputed`. At least 1: a vote count alone never
    # verifies a claim.
    min_sources_to_verify: int = 1
    # Confidence gate of verified: the majority vote's confidence must reach this too,
    # so verification also needs enough reviewers (3 of 3 + 1 source = 0.625 passes; 2 of
    # 3 + 1 source = 0.5 does not). Plays the role of Community Notes' crhThreshold 0.40
    # on its (differently scaled) note intercept.
    verify_min_confidence: float = 0.6

    def __post_init__(self) -> None:
        for name, (low, high) in THRESHOLD_RANGES.items():
            value = getattr(self, name)
            kind = int if name in _INTEGER_SETTINGS else int | float
            if isinstance(value, bool) or not isinstance(value, kind):
                raise TypeError(f"{name} must be {kind}, not {type(value).__name__}")
            if not low <= value <= high:
                raise ValueError(f"{name}={value!r} is outside {low}..{high}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> StatusSettings:
        """Settings from a guild's options: unknown keys and unusable values are ignored,
        numbers out of range are clamped. Never raises on user-supplied values."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            if item.name not in data:
                continue
            low, high = THRESHOLD_RANGES[item.name]
            integer = item.name in _INTEGER_SETTINGS
            number = _as_number(data[item.name], integer=integer)
            if number is None:
                continue
            clamped = min(max(number, low), high)
            values[item.name] = int(clamped) if integer else float(clamped)
        return cls(**values)

    def to_mapping(self) -> dict[str, int | float]:
        """Plain JSON-ready dict; `from_mapping(s.to_mapping()) == s`."""
        return {item.name: getattr(self, item.name) for item in fields(self)}


def _as_number(value: object, *, integer: bool) -> int | float | None:
    """A finite number from an int, float or numeric string; None when unusable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        if integer:
            return int(value) if value.is_integer() else None
        return value
    return None


DEFAULT_SETTINGS: Final = StatusSettings()

# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class VoteEvent:
    """One row of vote_events: a vote, a changed vote, or a retraction (vote None)."""

    event_id: int
    reviewer_id: int
    vote: Vote | None
    at: float

    def __post_init__(self) -> None:
        if self.vote is not None and self.vote not in VOTES:
            raise ValueError(f"unknown vote {self.vote!r}")


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """A linked source. `reachable=False` only when the fetch failed; pending counts as True."""

    stance: Stance
    reachable: bool = True
    added_by: int | None = None

    def __post_init__(self) -> None:
        if self.stance not in STANCES:
            raise ValueError(f"unknown stance {self.stance!r}")


@dataclass(frozen=True, slots=True)
class Resolution:
    """A moderator's final status; votes no longer move the claim until it is reopened."""

    status: str
    note: str | None = None
    actor_id: int | None = None

    def __post_init__(self) -> None:
        if self.status not in FINAL_VERDICTS:
            raise ValueError(f"{self.status!r} cannot be a resolution; use one of {FINAL_VERDICTS}")


@dataclass(frozen=True, slots=True)
class ModerationEvent:
    """One row of moderation_events. A resolve needs a resolvable status; reopen ignores it."""

    event_id: int
    action: Literal["resolve", "reopen"]
    status: str | None
    note: str | None
    actor_id: int
    at: float

    def __post_init__(self) -> None:
        if self.action not in ("resolve", "reopen"):
            raise ValueError(f"unknown moderation action {self.action!r}")
        if self.action == "resolve" and self.status not in FINAL_VERDICTS:
            raise ValueError(f"{self.status!r} cannot be a resolution")


@dataclass(frozen=True, slots=True)
class StatusResult:
    """What a claim shows: status, confidence 0..1, one-line reason, and the tallies."""

    status: str
    confidence: float
    explanation: str
    counts: dict[Vote, int]
    evidence_counts: dict[Stance, int]
    final: bool
    # Which branch of compute_status decided, one of RULES (the explanation says it in words).
    rule: Rule


# What a claim shows before anyone votes or links a source, spelled out so storage can
# give a new claim its defaults without running the model; equal to compute_status({}, []).
UNREVIEWED_EXPLANATION: Final = "Unreviewed: no votes yet"
UNREVIEWED: Final = StatusResult(
    status="unreviewed",
    confidence=0.0,
    explanation=UNREVIEWED_EXPLANATION,
    counts=dict.fromkeys(VOTES, 0),
    evidence_counts=dict.fromkeys(STANCES, 0),
    final=False,
    rule=RULE_NO_VOTES,
)


# --------------------------------------------------------------------------- replay


def current_votes(events: Iterable[VoteEvent]) -> dict[int, Vote]:
    """Each reviewer's last recorded vote, the one with the highest event id; a retraction
    removes it.

    Recording order, not `at`, decides: it is the rule storage applies when it writes
    claim_votes and when `claimbot recompute` rebuilds them. `at` is when the event was
    built, not when it was applied: a catch-up correction built before a live reaction
    can be recorded after it, and each event was decided against the votes recorded
    before it.

    Order-independent and idempotent: events are deduplicated by event_id (if two rows
    share an id, a fixed tie-break picks one), so replaying any permutation of the log,
    or a log with repeated rows, gives the same votes.
    """
    by_id: dict[int, VoteEvent] = {}
    for event in events:
        kept = by_id.get(event.event_id)
        if kept is None or _vote_key(event) > _vote_key(kept):
            by_id[event.event_id] = event
    latest: dict[int, VoteEvent] = {}
    for event in by_id.values():
        kept = latest.get(event.reviewer_id)
        if kept is None or event.event_id > kept.event_id:
            latest[event.reviewer_id] = event
    return {
        reviewer: event.vote for reviewer, event in sorted(latest.items()) if event.vote is not None
    }


def _vote_key(event: VoteEvent) -> tuple[float, int, str]:
    # Only makes conflicting rows that share an event id deterministic.
    return (event.at, event.reviewer_id, event.vote or "")


def current_resolution(events: Iterable[ModerationEvent]) -> Resolution | None:
    """The resolution in force: the latest event by (at, event_id); a reopen clears it."""
    latest: ModerationEvent | None = None
    for event in events:
        if latest is None or _moderation_key(event) > _moderation_key(latest):
            latest = event
    if latest is None or latest.action == "reopen" or latest.status is None:
        return None
    return Resolution(status=latest.status, note=latest.note, actor_id=latest.actor_id)


def _moderation_key(event: ModerationEvent) -> tuple[float, int, str, str, str, int]:
    # (at, event_id) decides; the rest only makes conflicting duplicate rows deterministic.
    return (
        event.at,
        event.event_id,
        event.action,
        event.status or "",
        event.note or "",
        event.actor_id,
    )


# --------------------------------------------------------------------------- scoring


def vote_confidences(
    counts: Mapping[Vote, int],
    evidence_counts: Mapping[Stance, int],
    settings: StatusSettings = DEFAULT_SETTINGS,
) -> dict[Vote, float]:
    """Posterior mean share of each vote (Dirichlet prior, sources as weighted votes).

        conf(v) = (votes[v] + prior + weight * sources[v]) / (n + 4 * prior + weight * S)

    sources[supported] = reachable supports, sources[refuted] = reachable refutes,
    S = their sum. Grows with agreement and with the number of reviewers; sums to 1.
    """
    prior = settings.prior_votes
    weight = settings.source_weight
    supports = evidence_counts.get("supports", 0)
    refutes = evidence_counts.get("refutes", 0)
    total = sum(counts.get(v, 0) for v in VOTES)
    denominator = total + len(VOTES) * prior + weight * (supports + refutes)
    pseudo: dict[Vote, float] = {"supported": weight * supports, "refuted": weight * refutes}
    return {v: (counts.get(v, 0) + prior + pseudo.get(v, 0.0)) / denominator for v in VOTES}


def compute_status(
    votes: Mapping[int, Vote],
    evidence: Sequence[EvidenceItem],
    resolution: Resolution | None = None,
    settings: StatusSettings = DEFAULT_SETTINGS,
) -> StatusResult:
    """The status a claim shows, decided in this order (first match wins):

    1. a moderator resolution -> that status, final;
    2. no votes -> unreviewed;  3. fewer than `min_reviewers` -> needs_review;
    4. no vote with `consensus_share` of the votes -> disputed;
    5. majority unverifiable / misleading -> that status;
    6. majority supported/refuted, but reachable sources mostly on the other side -> disputed;
    7. ... with enough sources on its side and confidence -> verified_true/false;
    8. otherwise -> likely_true/false.
    """
    counts: dict[Vote, int] = dict.fromkeys(VOTES, 0)
    for vote in votes.values():
        if vote not in counts:
            raise ValueError(f"unknown vote {vote!r}")
        counts[vote] += 1
    evidence_counts: dict[Stance, int] = dict.fromkeys(STANCES, 0)
    unreachable = 0
    for item in evidence:
        if item.reachable:
            evidence_counts[item.stance] += 1
        else:
            # Kept on the record as context (readers can still see what was linked) but
            # weightless: nobody can check a source that does not load.
            evidence_counts["context"] += 1
            unreachable += 1
    sources = _Sources(
        evidence_counts["supports"],
        evidence_counts["refutes"],
        evidence_counts["context"],
        unreachable,
    )

    def result(status: Status, rule: Rule, confidence: float, explanation: str) -> StatusResult:
        return StatusResult(
            status=status,
            confidence=round(min(max(confidence, 0.0), 1.0), CONFIDENCE_DECIMALS),
            explanation=clip_line(explanation, MAX_EXPLANATION_CHARS),
            counts=counts,
            evidence_counts=evidence_counts,
            final=False,
            rule=rule,
        )

    if resolution is not None:
        return StatusResult(
            status=resolution.status,
            confidence=RESOLVED_CONFIDENCE,
            explanation=_resolution_explanation(resolution),
            counts=counts,
            evidence_counts=evidence_counts,
            final=True,
            rule=RULE_MODERATOR_RESOLUTION,
        )

    total = sum(counts.values())
    if total == 0:
        text = UNREVIEWED_EXPLANATION
        if sources.any:
            text += "; " + sources.phrase()
        return result("unreviewed", RULE_NO_VOTES, 0.0, text)

    confidences = vote_confidences(counts, evidence_counts, settings)
    best = max(confidences.values())
    if total < settings.min_reviewers:
        missing = settings.min_reviewers - total
        text = (
            f"Needs review: so far {_split(counts)}; "
            f"{missing} more {_plural(missing, 'reviewer')} needed; {sources.phrase()}"
        )
        # Scaled by the share of the quorum reached: low, and continuous at the quorum with
        # the default prior; never above even odds, whatever the guild's settings.
        share = best * total / settings.min_reviewers
        confidence = min(share, NEEDS_REVIEW_MAX_CONFIDENCE)
        return result("needs_review", RULE_BELOW_QUORUM, confidence, text)

    leader = max(VOTES, key=lambda v: counts[v])
    top = counts[leader]
    if top / total < settings.consensus_share - _EPS:
        percent = round(settings.consensus_share * 100)
        text = (
            f"Disputed: no vote has {percent}% of {total} {_plural(total, 'reviewer')} "
            f"({_split(counts, name_reviewers=False)}); {sources.phrase()}"
        )
        return result("disputed", RULE_SPLIT_DISPUTED, best, text)

    confidence = confidences[leader]
    majority = f"{top} of {total} {_plural(total, 'reviewer')} {_verb(leader, top)}"
    if leader in ("unverifiable", "misleading"):
        text = f"{STATUS_LABELS[leader]}: {majority}; {sources.phrase()}"
        if leader == "unverifiable":
            return result(leader, RULE_MAJORITY_UNVERIFIABLE, confidence, text)
        return result(leader, RULE_MAJORITY_MISLEADING, confidence, text)

    true_side = leader == "supported"
    pro, con = (
        (sources.supports, sources.refutes) if true_side else (sources.refutes, sources.supports)
    )
    if con >= settings.min_sources_to_verify and con > pro:
        text = f"Disputed: {majority}, but {sources.phrase(lead=_opposite(leader))}"
        return result("disputed", RULE_SOURCES_DISPUTED, best, text)
    verified = (
        pro >= settings.min_sources_to_verify
        and con < pro
        and confidence >= settings.verify_min_confidence - _EPS
    )
    status: Status
    if true_side:
        status = "verified_true" if verified else "likely_true"
    else:
        status = "verified_false" if verified else "likely_false"
    text = f"{STATUS_LABELS[status]}: {majority}; {sources.phrase(lead=leader)}"
    rule: Rule = RULE_VERIFIED_CONSENSUS if verified else RULE_LIKELY_CONSENSUS
    return result(status, rule, confidence, text)


def status_from_events(
    vote_events: Iterable[VoteEvent],
    evidence: Sequence[EvidenceItem],
    moderation_events: Iterable[ModerationEvent] = (),
    settings: StatusSettings = DEFAULT_SETTINGS,
) -> StatusResult:
    """Replay both logs and compute, in memory. `claimbot recompute` gets the same answer
    from storage: it rebuilds claim_votes by the rule of `current_votes` (highest event id)
    and hands them to `compute_status` with `current_resolution` of the moderation log."""
    return compute_status(
        current_votes(vote_events), evidence, current_resolution(moderation_events), settings
    )


# --------------------------------------------------------------------------- wording

_VERBS: Final[dict[str, tuple[str, str]]] = {
    # vote: (one reviewer, several reviewers)
    "supported": ("supports it", "support it"),
    "refuted": ("refutes it", "refute it"),
    "unverifiable": ("says it can't be verified", "say it can't be verified"),
    "misleading": ("calls it misleading", "call it misleading"),
}


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else noun + "s"


def _verb(vote: str, count: int) -> str:
    one, many = _VERBS[vote]
    return one if count == 1 else many


def _opposite(vote: Vote) -> Vote:
    return "refuted" if vote == "supported" else "supported"


def _split(counts: Mapping[Vote, int], *, name_reviewers: bool = True) -> str:
    """'2 reviewers support it, 1 refutes it': largest first, ties in VOTES order."""
    present = sorted((v for v in VOTES if counts[v]), key=lambda v: -counts[v])
    parts = [f"{counts[v]} {_verb(v, counts[v])}" for v in present]
    if name_reviewers:
        first = counts[present[0]]
        parts[0] = f"{first} {_plural(first, 'reviewer')} {_verb(present[0], first)}"
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class _Sources:
    supports: int
    refutes: int
    context: int  # includes the unreachable ones
    unreachable: int

    @property
    def any(self) -> bool:
        return bool(self.supports or self.refutes or self.context)

    def phrase(self, lead: Vote = "supported") -> str:
        """'1 source supports it, none refute it, 2 give context (1 unreachable)'."""
        context = ""
        if self.context:
            context = f"{'gives' if self.context == 1 else 'give'} context"
            if self.unreachable:
                context += f" ({self.unreachable} unreachable)"
        if not (self.supports or self.refutes):
            if not self.context:
                return "no sources yet"
            return f"{self.context} {_plural(self.context, 'source')} {context}"
        if lead == "refuted":
            first, second = ("refuted", self.refutes), ("supported", self.supports)
        else:
            first, second = ("supported", self.supports), ("refuted", self.refutes)
        parts = [
            f"{first[1]} {_plural(first[1], 'source')} {_verb(first[0], first[1])}"
            if first[1]
            else f"no sources {_verb(first[0], 2)}",
            f"{second[1] or 'none'} {_verb(second[0], second[1])}",
        ]
        if context:
            parts.append(f"{self.context} {context}")
        return ", ".join(parts)


def _resolution_explanation(resolution: Resolution) -> str:
    note = " ".join((resolution.note or "").split())
    if not note:
        return f"Resolved by a moderator as {STATUS_LABELS[resolution.status].lower()}."
    return "Resolved by a moderator: " + clip_line(note, MAX_NOTE_CHARS)
