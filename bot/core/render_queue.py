"""The replies of `/claim next` (the claim to review now, the empty queue, refusals), as
plain strings and dicts; kept beside render.py, whose claim embed it builds on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.queue import SKIP_SECONDS, missing_votes
from bot.core.records import ClaimRecord, EvidenceRecord
from bot.core.render import DISCORD_WEB, claim_status_embed, role_mention

NOT_YOUR_BUTTONS = "These buttons belong to whoever ran `/claim next`: run it yourself."


def skip_hours() -> int:
    return SKIP_SECONDS // 3600


def thread_url(guild_id: int, thread_id: int) -> str:
    return f"{DISCORD_WEB}/channels/{guild_id}/{thread_id}"


def queue_reason(votes: int, quorum: int) -> str:
    """Why the claim is where it is in the queue."""
    missing = missing_votes(votes, quorum)
    if missing == 0:
        return f"{votes} votes, enough for a verdict ({quorum}); more votes firm it up"
    noun = "vote" if missing == 1 else "votes"
    return f"{missing} {noun} short of a verdict ({votes} of {quorum})"


def render_queue_claim(claim: ClaimRecord, *, votes: int, quorum: int) -> str:
    """The line above the claim's embed."""
    return f"Next for you: claim #{claim.number}, {queue_reason(votes, quorum)}."


def queue_embed(
    claim: ClaimRecord,
    *,
    counts: Mapping[str, int],
    evidence: Sequence[EvidenceRecord],
    emoji_by_vote: Mapping[str, str],
) -> dict[str, Any]:
    """`/claim status`'s embed (the claim, its speaker, its status, a link to the review
    message) plus a link to its thread and how the queue is ordered."""
    embed = claim_status_embed(claim, counts=counts, evidence=evidence, emoji_by_vote=emoji_by_vote)
    if claim.thread_id:
        embed["fields"].append(
            {
                "name": "Thread",
                "value": f"[Discuss it]({thread_url(claim.guild_id, claim.thread_id)})",
            }
        )
    embed["footer"] = {
        "text": (
            "Your queue: closest to a verdict first, then oldest · vote on the review message"
            f" · Skip hides a claim from you for {skip_hours()} h"
        )
    }
    return embed


def render_queue_empty(open_count: int) -> str:
    """Nothing left for this reviewer, with what the team still has open."""
    if open_count == 0:
        return "Nothing to review: this server has no open claims."
    noun = "claim" if open_count == 1 else "claims"
    return (
        "Nothing left for you to review: you have voted on, submitted or skipped (for"
        f" {skip_hours()} h) every open claim. The team has {open_count} open {noun}."
    )


def reviewers_only_queue(reviewer_role_id: int | None) -> str:
    return (
        "Only reviewers can use `/claim next`: members with the"
        f" {role_mention(reviewer_role_id, 'reviewer')} role, and moderators."
    )
