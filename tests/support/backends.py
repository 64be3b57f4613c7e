"""Both storage backends under one contract: a test that asks for `database_location` (or,
for a property test opening many databases, `new_database`) runs once on an SQLite file and
once on a fresh PostgreSQL database of the throwaway cluster (tests/support/postgres.py), so
every behaviour the storage contract promises is held on both.

Tests of what only SQLite has (its file, busy timeout, WAL, the query plans its planner
hints ask for, the upgrade path of databases made before PostgreSQL was supported) keep
opening a path and say so.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))

NewDatabase = Callable[[], AbstractContextManager[Path | str]]


@pytest.fixture(scope="session", params=BACKENDS)
def new_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> NewDatabase:
    """Makes the location of a fresh, empty database of this run's backend, each time."""
    if request.param == "postgresql":
        cluster = request.getfixturevalue("postgres_cluster")
        database: NewDatabase = cluster.database
        return database

    @contextlib.contextmanager
    def sqlite_file() -> Iterator[Path]:
        yield tmp_path_factory.mktemp("db") / "claims.db"

    return sqlite_file


@pytest.fixture
def database_location(new_database: NewDatabase) -> Iterator[Path | str]:
    """A fresh database for this test: an SQLite path, or a `postgresql://` URL."""
    with new_database() as location:
        yield location


def database_setting(location: Path | str) -> dict[str, str]:
    """The setting that points claimbot at `location`: DATABASE_PATH for an SQLite file,
    DATABASE_URL for a PostgreSQL database."""
    if isinstance(location, Path):
        return {"DATABASE_PATH": str(location)}
    return {"DATABASE_URL": location}


def execute_directly(
    location: Path | str, sql: str, params: tuple[object, ...] = (), *, named: bool = False
) -> list[Any]:
    """Run one statement on the database outside claimbot, as another process would (its
    own connection, committed at once); returns the rows, as tuples or (`named`) as dicts."""
    if isinstance(location, str) and location.startswith("postgresql://"):
        import psycopg
        from psycopg.rows import dict_row, tuple_row

        from bot.storage.dialect import to_format_placeholders

        factory: Any = dict_row if named else tuple_row
        with psycopg.connect(location, autocommit=True, row_factory=factory) as server:
            cursor = server.execute(to_format_placeholders(sql), params)
            return cursor.fetchall() if cursor.description else []
    with contextlib.closing(sqlite3.connect(location)) as file, file:
        if named:
            file.row_factory = sqlite3.Row
        return file.execute(sql, params).fetchall()


def votes_from_the_log(location: Path | str) -> dict[tuple[int, int], str]:
    """{(claim, reviewer): vote} of each reviewer's latest vote event, retractions left out:
    what claim_votes must hold if nothing was counted twice or lost."""
    rows = execute_directly(
        location,
        "SELECT claim_id, reviewer_id, vote FROM vote_events WHERE id IN"
        " (SELECT max(id) FROM vote_events GROUP BY claim_id, reviewer_id)"
        " AND vote IS NOT NULL",
    )
    return {(int(claim), int(reviewer)): str(vote) for claim, reviewer, vote in rows}
