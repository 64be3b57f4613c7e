"""Storage: the one database connection (SQLite or PostgreSQL), the migrations and every SQL
statement.

Returns typed records from `bot.core`; imports only `bot.core`.
"""

from bot.storage.claims import StatusRow
from bot.storage.connection import (
    DatabaseInUse,
    DatabaseUnreachable,
    DatabaseUnusable,
    SchemaError,
    describe_database_failure,
    load_migrations,
)
from bot.storage.database import Database
from bot.storage.shards import PostgresShardLock, ShardLock, shard_filter, shard_lock
from bot.storage.votes import VoteEventRow

__all__ = [
    "Database",
    "DatabaseInUse",
    "DatabaseUnreachable",
    "DatabaseUnusable",
    "PostgresShardLock",
    "SchemaError",
    "ShardLock",
    "StatusRow",
    "VoteEventRow",
    "describe_database_failure",
    "load_migrations",
    "shard_filter",
    "shard_lock",
]
