"""Snowflake ids and timestamps shaped like Discord's.

Ids are real snowflakes (milliseconds since the Discord epoch in the top bits) so that
discord.py's ``created_at`` and ordering logic behave as they would in production, and
they strictly increase so "newer" always means "larger id" like on Discord.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from .shards import shard_of

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeGenerator:
    """Hands out strictly increasing snowflakes based on the wall clock."""

    def __init__(self, worker_id: int = 1, process_id: int = 1) -> None:
        self._last = 0
        self._increment = 0
        self._fixed = ((worker_id & 0x1F) << 17) | ((process_id & 0x1F) << 12)

    def next(self, *, shard: tuple[int, int] | None = None) -> int:
        """The next id; with ``shard=(shard_id, num_shards)``, the next one that Discord's
        sharding formula puts on that shard (so tests can place a guild on a shard)."""
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self._increment = (self._increment + 1) & 0xFFF
        candidate = (ms << 22) | self._fixed | self._increment
        if candidate <= self._last:
            candidate = self._last + 1
        if shard is not None:
            shard_id, num_shards = shard
            if not 0 <= shard_id < num_shards:
                raise ValueError(f"shard {shard_id} is out of range for {num_shards} shards")
            # The shard is decided by the timestamp bits: move them forward (by less than
            # num_shards milliseconds) to the next one that falls on the shard.
            ahead = (shard_id - (candidate >> 22)) % num_shards
            candidate += ahead << 22
            assert shard_of(candidate, num_shards) == shard_id
        self._last = candidate
        return candidate


def snowflake_datetime(snowflake: int) -> datetime:
    """The creation time encoded in a snowflake."""
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def iso(dt: datetime) -> str:
    """ISO-8601 with microseconds and +00:00, the form Discord sends."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def now_iso() -> str:
    return iso(datetime.now(tz=UTC))
