"""Which gateway session receives which event: Discord's guild sharding, as the fake applies it.

A session IDENTIFYs with ``shard: [shard_id, num_shards]`` (none means ``[0, 1]``, every
guild). An event about a guild goes to every live session whose
``(guild_id >> 22) % num_shards == shard_id``; an event about no guild (a DM) goes only to
sessions with ``shard_id == 0``. Discord computes this per session with the session's own
``num_shards``: it does not limit how many sessions there are, so two sessions may IDENTIFY
with the same shard and both get its events, or with different totals while a bot reshards
(Discord's Gateway docs, "Sharding"). The fake does the same, so a bot run twice on one shard
sees every event twice here as it would in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Discord's limit of guilds one session may hold; above it IDENTIFY is closed with 4011.
MAX_GUILDS_PER_SESSION = 2500

#: Events that name their guild in ``id``, not ``guild_id``.
_GUILD_OBJECT_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def shard_of(guild_id: int, num_shards: int) -> int:
    """The shard that receives a guild's events: Discord's sharding formula."""
    return (guild_id >> 22) % num_shards


class InvalidShard(ValueError):
    """IDENTIFY's ``shard`` is not ``[shard_id, num_shards]`` with 0 <= shard_id < num_shards."""


@dataclass(frozen=True)
class ShardKey:
    """The ``[shard_id, num_shards]`` a session identified with."""

    shard_id: int
    num_shards: int

    @classmethod
    def from_identify(cls, value: Any) -> ShardKey:
        """Parse IDENTIFY's ``shard`` (absent: the whole bot on one shard); raise
        :class:`InvalidShard` for what Discord closes with 4010."""
        if value is None:
            return UNSHARDED
        if not isinstance(value, list) or len(value) != 2 or not all(type(v) is int for v in value):
            raise InvalidShard(f"shard must be [shard_id, num_shards], got {value!r}")
        shard_id, num_shards = value
        if num_shards < 1 or not 0 <= shard_id < num_shards:
            raise InvalidShard(f"shard {shard_id} is out of range for {num_shards} shards")
        return cls(shard_id, num_shards)

    def receives(self, guild_id: int | None) -> bool:
        """Whether this shard gets an event of ``guild_id`` (None: a DM, shard 0 only)."""
        if guild_id is None:
            return self.shard_id == 0
        return shard_of(guild_id, self.num_shards) == self.shard_id


UNSHARDED = ShardKey(0, 1)


def event_guild_id(event: str, data: Any) -> int | None:
    """The guild a dispatch is about, which decides its shard; None for DMs."""
    if not isinstance(data, dict):
        return None
    raw = data.get("id") if event in _GUILD_OBJECT_EVENTS else data.get("guild_id")
    return None if raw is None else int(raw)
