"""The reviewer queue of `/claim next`: which open claim a reviewer should look at now.

The order, one total order per server (the README's "Working as a team" says the same):

1. claims still below the server's quorum (`min_reviewers`, so no verdict yet), fewest
   missing votes first: one more vote gives them a verdict;
2. then open claims that already have enough votes for a verdict (a moderator has not
   resolved them): more votes only firm up a verdict they have;
3. within each, the oldest first, then the lowest claim number (two claims stored in the
   same instant).

Which claims are candidates (open, posted, not the reviewer's own, not voted on, not
skipped) is decided by storage (bot/storage/queue.py), which walks its indexes in this
order and hands back the first few candidates of each part; `next_in_queue` picks from
them. Pure: plain records in, plain records out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

# A skipped claim is not offered to that reviewer again for a day: long enough that it does
# not come back within the same review session (nor the same day's), short enough that a
# claim the reviewer passed over returns to their queue once others may have added sources
# or votes that make it easier to judge. Skipping it again restarts the day.
SKIP_SECONDS: Final = 24 * 60 * 60

# (part: 0 below the quorum, 1 at or over it; missing votes; created_at; number)
QueueKey = tuple[int, int, float, int]


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One candidate claim as the queue sees it: its current vote count and its age."""

    claim_id: int  # internal; members only ever see `number`
    number: int
    votes: int
    created_at: float


def missing_votes(votes: int, quorum: int) -> int:
    """Votes still needed before the status model gives the claim a verdict."""
    return max(0, quorum - votes)


def queue_key(entry: QueueEntry, quorum: int) -> QueueKey:
    """The claim's place in the queue: smaller comes first."""
    missing = missing_votes(entry.votes, quorum)
    return (0 if missing else 1, missing, entry.created_at, entry.number)


def order_queue(entries: Iterable[QueueEntry], quorum: int) -> list[QueueEntry]:
    """Entries in queue order; the same whatever order they came in."""
    return sorted(entries, key=lambda entry: queue_key(entry, quorum))


def next_in_queue(
    entries: Iterable[QueueEntry], quorum: int, *, after: QueueEntry | None = None
) -> QueueEntry | None:
    """The claim to show: the first entry that comes after `after` in queue order (what
    **Next** and **Skip** move to), or the first entry when nothing comes after it or
    nothing was shown yet (the queue wraps around). None when there are no entries."""
    ordered = order_queue(entries, quorum)
    if after is not None:
        mark = queue_key(after, quorum)
        for entry in ordered:
            if queue_key(entry, quorum) > mark:
                return entry
    return ordered[0] if ordered else None
