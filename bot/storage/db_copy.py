"""The SQL of `claimbot db copy`: an SQLite database copied into a PostgreSQL one, table by
table in foreign-key order, in batches keyed by primary key.

Each batch is one write transaction on the target that inserts the rows (psycopg's COPY), the
search index of the claims among them (a `tsvector` each, bot/storage/search.py), and the
table's checkpoint: the key of its last row copied. So whatever stops a copy (Ctrl-C, a kill,
a lost connection), the target holds exactly the batches its checkpoints name, and the next
run reads the source from the first key after them: nothing is copied twice.

The checkpoints name their source (its absolute path) and keep a digest of the rows copied so
far (a sum of one hash per row, so it does not depend on the batches). A run that resumes
reads those rows of the source again and compares the digest: a bot that ran on the source
between the two runs (and changed a row already copied) is caught before anything is added.
The checkpoint table stays on the target afterwards, as the record of where its rows came from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.storage import search
from bot.storage.connection import Store, fetch_all, fetch_one
from bot.storage.dialect import Connection

if TYPE_CHECKING:
    from bot.storage.postgresql import PostgresConnection

CHECKPOINTS = "copy_checkpoints"
_CREATE_CHECKPOINTS = f"""
CREATE TABLE IF NOT EXISTS {CHECKPOINTS} (
    table_name TEXT    PRIMARY KEY,
    position   INTEGER NOT NULL,          -- the table's place in the copy (foreign-key order)
    source     TEXT    NOT NULL,          -- the absolute path of the SQLite database copied
    last_key   TEXT,                      -- JSON: primary key of the last row copied, or NULL
    copied     BIGINT  NOT NULL DEFAULT 0,
    digest     TEXT    NOT NULL,          -- of the rows copied (hex sum of one hash per row)
    done       INTEGER NOT NULL DEFAULT 0
)"""
# What the copy never reads: the migrations' own ledger (the target is migrated, not copied).
_NOT_COPIED = {"schema_migrations"}
# Rows of tables with BLOB columns (the saved matching indexes) can be megabytes each.
BLOB_BATCH_ROWS = 8
_DIGEST_MODULUS = 1 << 128


class CopyRefused(Exception):
    """The copy cannot start or go on; the message is one line that says why and what to do."""


@dataclass(frozen=True, slots=True)
class CopiedTable:
    """One table of the source as the copy reads it."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # its primary key's columns
    has_blobs: bool

    def key_of(self, row: Sequence[Any]) -> list[Any]:
        return [row[self.columns.index(column)] for column in self.key]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    table: str
    source: str
    last_key: list[Any] | None
    copied: int
    digest: int
    done: bool


def row_digest(rows: Iterable[Sequence[Any]], start: int = 0) -> int:
    """`start` plus one hash per row, modulo 2**128: the same whatever the batches."""
    total = start
    for row in rows:
        hashed = hashlib.blake2b(repr(tuple(row)).encode("utf-8"), digest_size=16).digest()
        total += int.from_bytes(hashed, "big")
    return total % _DIGEST_MODULUS


class CopyStore(Store):
    """The copy's queries: the source side runs on an SQLite database, the target side on a
    PostgreSQL one (each opened as a `Database`)."""

    # -- the source (SQLite) ----------------------------------------------------------------

    async def copied_tables(self) -> list[CopiedTable]:
        """Every table of the schema but the search index (the target builds its own) and
        the migrations' ledger, parents before the tables that refer to them."""
        return await self._read(_copied_tables)

    async def read_batch(
        self, table: CopiedTable, after: list[Any] | None, limit: int
    ) -> list[tuple[Any, ...]]:
        """Up to `limit` rows of `table` past the key `after` (None: from the first), in
        key order."""
        return await self._read(_read_batch, table, after, limit)

    async def digest_through(self, table: CopiedTable, last: list[Any] | None) -> int:
        """`row_digest` of the rows up to the key `last` (none when it is None)."""
        if last is None:
            return 0
        return await self._read(_digest_through, table, last)

    async def row_counts(self, tables: Iterable[str]) -> dict[str, int]:
        return await self._read(_row_counts, list(tables))

    # -- the target (PostgreSQL) -------------------------------------------------------------

    async def target_columns(self, table: str) -> tuple[str, ...]:
        rows = await self._read(
            fetch_all,
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return tuple(str(row["column_name"]) for row in rows)

    async def checkpoints(self) -> list[Checkpoint]:
        """The copy's checkpoints on this target, in copy order; [] when none began here."""
        return await self._read(_checkpoints)

    async def tables_with_rows(self, tables: Iterable[str]) -> list[str]:
        """Which of `tables` (plus the search index) hold any row."""
        return await self._read(_tables_with_rows, [*tables, "claims_search"])

    async def start_copy(self, tables: list[CopiedTable], source: str) -> None:
        """One checkpoint per table, nothing copied yet."""
        await self._write(_start_copy, tables, source)

    async def erase_for_copy(self, tables: list[CopiedTable]) -> None:
        """Empty every copied table, the search index and the checkpoints (`--force`)."""
        await self._write(_erase, tables)

    async def write_batch(
        self, table: CopiedTable, rows: list[tuple[Any, ...]], checkpoint: Checkpoint
    ) -> None:
        """Insert `rows` and move `table`'s checkpoint to `checkpoint`, in one transaction."""
        await self._write(_write_batch, table, rows, checkpoint)

    async def finish_table(self, table: str) -> None:
        await self._write(
            lambda conn: conn.execute(
                f"UPDATE {CHECKPOINTS} SET done = 1 WHERE table_name = ?", (table,)
            )
        )

    async def move_sequences_past_copied_ids(self) -> None:
        """Every identity column's next value past the largest id copied."""
        await self._write(_move_sequences)


# -- functions run on the database thread -------------------------------------------------


def _copied_tables(conn: Connection) -> list[CopiedTable]:
    rows = fetch_all(
        conn, "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
    )
    virtual = [r["name"] for r in rows if str(r["sql"] or "").upper().startswith("CREATE VIRT")]
    names = [
        str(r["name"])
        for r in rows
        if r["name"] not in _NOT_COPIED
        and not str(r["name"]).startswith("sqlite_")
        and not any(str(r["name"]).startswith(v) for v in virtual)
    ]
    tables: dict[str, CopiedTable] = {}
    parents: dict[str, set[str]] = {}
    for name in names:
        info = fetch_all(conn, f'PRAGMA table_info("{name}")')
        key = tuple(str(c["name"]) for c in sorted(info, key=lambda c: c["pk"]) if c["pk"])
        if not key:
            raise CopyRefused(f"The table {name} has no primary key, so it cannot be copied.")
        tables[name] = CopiedTable(
            name=name,
            columns=tuple(str(c["name"]) for c in info),
            key=key,
            has_blobs=any(str(c["type"]).upper() == "BLOB" for c in info),
        )
        references = fetch_all(conn, f'PRAGMA foreign_key_list("{name}")')
        parents[name] = {str(r["table"]) for r in references} - {name}
    # The schema's own order, each table moved after the tables it refers to.
    ordered: list[CopiedTable] = []
    placed: set[str] = set()
    while len(ordered) < len(names):
        waiting = [n for n in names if n not in placed]
        # With a cycle of foreign keys, the first table of the rest goes anyway.
        name = next((n for n in waiting if parents[n] <= placed), waiting[0])
        ordered.append(tables[name])
        placed.add(name)
    return ordered


def _key_condition(table: CopiedTable, comparison: str) -> str:
    columns = ", ".join(f'"{c}"' for c in table.key)
    marks = ", ".join("?" * len(table.key))
    return f"({columns}) {comparison} ({marks})"


def _select(table: CopiedTable) -> str:
    return "SELECT " + ", ".join(f'"{c}"' for c in table.columns) + f' FROM "{table.name}"'


def _order(table: CopiedTable) -> str:
    return " ORDER BY " + ", ".join(f'"{c}"' for c in table.key)


def _read_batch(
    conn: Connection, table: CopiedTable, after: list[Any] | None, limit: int
) -> list[tuple[Any, ...]]:
    if after is None:
        sql, params = _select(table) + _order(table) + " LIMIT ?", [limit]
    else:
        where = " WHERE " + _key_condition(table, ">")
        sql, params = _select(table) + where + _order(table) + " LIMIT ?", [*after, limit]
    return [tuple(row) for row in conn.execute(sql, params)]


def _digest_through(conn: Connection, table: CopiedTable, last: list[Any]) -> int:
    sql = _select(table) + " WHERE " + _key_condition(table, "<=")
    return row_digest(conn.execute(sql, last))


def _row_counts(conn: Connection, tables: list[str]) -> dict[str, int]:
    return {
        table: int(conn.execute(f'SELECT count(*) AS n FROM "{table}"').fetchone()["n"])
        for table in tables
    }


def _tables_with_rows(conn: Connection, tables: list[str]) -> list[str]:
    return [t for t in tables if fetch_one(conn, f'SELECT 1 AS one FROM "{t}" LIMIT 1')]


def _checkpoints(conn: Connection) -> list[Checkpoint]:
    if conn.execute(f"SELECT to_regclass('{CHECKPOINTS}')").fetchone()[0] is None:
        return []  # (a refused target is left as it was found)
    rows = fetch_all(conn, f"SELECT * FROM {CHECKPOINTS} ORDER BY position")
    return [
        Checkpoint(
            table=str(r["table_name"]),
            source=str(r["source"]),
            last_key=None if r["last_key"] is None else json.loads(r["last_key"]),
            copied=int(r["copied"]),
            digest=int(r["digest"], 16),
            done=bool(r["done"]),
        )
        for r in rows
    ]


def _start_copy(conn: Connection, tables: list[CopiedTable], source: str) -> None:
    conn.execute(_CREATE_CHECKPOINTS)
    conn.execute(f"DELETE FROM {CHECKPOINTS}")
    conn.executemany(
        f"INSERT INTO {CHECKPOINTS} (table_name, position, source, digest) VALUES (?, ?, ?, '0')",
        [(table.name, position, source) for position, table in enumerate(tables)],
    )


def _erase(conn: Connection, tables: list[CopiedTable]) -> None:
    conn.execute(_CREATE_CHECKPOINTS)
    names = ", ".join(f'"{t.name}"' for t in [*tables]) + f", claims_search, {CHECKPOINTS}"
    conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def _write_batch(
    conn: PostgresConnection, table: CopiedTable, rows: list[tuple[Any, ...]], after: Checkpoint
) -> None:
    columns = ", ".join(f'"{c}"' for c in table.columns)
    statement = f'COPY "{table.name}" ({columns}) FROM STDIN'
    with conn.raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
    if table.name == "claims":
        at = table.columns.index
        search.index_claims(
            conn,
            ((r[at("id")], r[at("guild_id")], r[at("text")], r[at("speaker")]) for r in rows),
        )
    conn.execute(
        f"UPDATE {CHECKPOINTS} SET last_key = ?, copied = ?, digest = ? WHERE table_name = ?",
        (json.dumps(after.last_key), after.copied, format(after.digest, "x"), table.name),
    )


def _move_sequences(conn: Connection) -> None:
    identities = fetch_all(
        conn,
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'",
    )
    for row in identities:
        table, column = row["table_name"], row["column_name"]
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'),"
            f' coalesce(max("{column}"), 0) + 1, false) FROM "{table}"'
        )
