"""Shards: which servers a process serves, by Discord's own formula.

Discord splits a bot's servers between its gateway sessions by
`(guild_id >> 22) % shard_count` (the Gateway docs, "Sharding"). A process that runs some of
the shards receives the events of those servers only, so it must also do the background work
of those servers only (catch-up, unposted claims, pending sources, verdict notices, digests):
then several processes split the servers between them and every server has one owner.

`shard_of` and `ShardScope` are the one home of that rule in Python; its one copy in SQL is
`shard_filter` in bot/storage/shards.py, and tests/test_shards.py holds the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# A snowflake's 22 low bits are worker, process and sequence; its timestamp is above them.
SHARD_SHIFT = 22
# A shard holds at most 2,500 servers (Discord closes a session with more), so 10,000 shards
# are 25 million servers: far beyond any claimbot, and low enough to catch a typo.
MAX_SHARD_COUNT = 10_000


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard of `shard_count` that receives a server's events."""
    return (guild_id >> SHARD_SHIFT) % shard_count


class ShardError(ValueError):
    """Shard settings that cannot be run; the message is one line."""


@dataclass(frozen=True, slots=True)
class ShardScope:
    """The shards one process runs: `ids` (sorted, each once) of `count` in all."""

    count: int
    ids: tuple[int, ...]

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_SHARD_COUNT:
            raise ShardError(f"a shard count must be 1 to {MAX_SHARD_COUNT}, not {self.count}")
        if not self.ids:
            raise ShardError("a process runs at least one shard")
        outside = [k for k in self.ids if not 0 <= k < self.count]
        if outside:
            raise ShardError(
                f"shard {outside[0]} is out of range: with {self.count} shards the ids "
                f"are 0 to {self.count - 1}"
            )
        if list(self.ids) != sorted(set(self.ids)):
            raise ShardError(f"shard ids must be sorted and each given once: {self.ids}")

    @classmethod
    def every(cls, count: int) -> ShardScope:
        """All the shards of `count`: one process serving every server."""
        return cls(count, tuple(range(count)))

    @property
    def everything(self) -> bool:
        """Whether this process serves every server (then nothing needs filtering)."""
        return len(self.ids) == self.count

    def owns(self, guild_id: int) -> bool:
        """Whether this process serves the server: its events, and its background work."""
        return shard_of(guild_id, self.count) in self.ids

    def only(self, shard_id: int) -> ShardScope:
        """One of this process's shards alone (a shard that opened a fresh session)."""
        if shard_id not in self.ids:
            raise ShardError(f"this process does not run shard {shard_id}")
        return ShardScope(self.count, (shard_id,))

    @property
    def label(self) -> str:
        """The ids as CLAIMBOT_SHARD_IDS writes them, runs as ranges: `0-3`, `1`, `0,2-3`
        (the `shard` label of `/metrics`)."""
        return format_shard_ids(self.ids)

    def name(self, shard_id: int) -> str:
        """`shard 1 of 2`, as the log and the lock's refusal say it."""
        return f"shard {shard_id} of {self.count}"


# A process without CLAIMBOT_SHARD_COUNT: Discord's "no shard" is shard 0 of 1, every server.
UNSHARDED = ShardScope.every(1)


def parse_shard_ids(text: str, count: int) -> tuple[int, ...]:
    """CLAIMBOT_SHARD_IDS: ids and ranges separated by commas (`0,1`, `0-3`, `0-1,5`), each
    within 0..count-1 and given once; sorted. Raises ShardError with a one-line reason.
    Plain splitting, linear in the length of the text."""
    ids: list[int] = []
    for part in text.split(","):
        item = part.strip()
        if not item:
            raise ShardError(f"{_shown(text)} has an empty item: write ids like 0,1 or 0-3")
        first, dash, last = item.partition("-")
        start, end = _shard_number(first, text), _shard_number(last if dash else first, text)
        if end < start:
            raise ShardError(f"the range {item} runs backwards: write it {end}-{start}")
        if end >= count:
            raise ShardError(
                f"shard {end} is out of range: with CLAIMBOT_SHARD_COUNT={count} the ids are "
                f"0 to {count - 1}"
            )
        ids.extend(range(start, end + 1))
    seen: set[int] = set()
    for shard_id in ids:
        if shard_id in seen:
            raise ShardError(f"shard {shard_id} is given twice")
        seen.add(shard_id)
    return tuple(sorted(ids))


def _shard_number(word: str, text: str) -> int:
    word = word.strip()
    # At most 5 digits (MAX_SHARD_COUNT): int() of a huge string is not linear.
    if not word.isascii() or not word.isdigit() or len(word) > 5:
        raise ShardError(f"{_shown(text)} is not a list of shard ids like 0,1 or 0-3")
    return int(word)


def _shown(text: str, limit: int = 40) -> str:
    """The setting as a message quotes it: cut, so a runaway value still gives one short line."""
    text = text.strip()
    return repr(text if len(text) <= limit else text[:limit] + "…")


def format_shard_ids(ids: Iterable[int]) -> str:
    """Sorted ids with runs written as ranges; `parse_shard_ids` reads it back."""
    runs: list[list[int]] = []
    for shard_id in sorted(ids):
        if runs and shard_id == runs[-1][1] + 1:
            runs[-1][1] = shard_id
        else:
            runs.append([shard_id, shard_id])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
