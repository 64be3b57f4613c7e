"""`claimbot db copy`: an SQLite database copied into a PostgreSQL one, resumably, then checked.

The order of the work: both schemas at the newest version (the source is never migrated here:
the person runs `claimbot migrate` on it, so nothing changes it behind their back); the
target's state decided (empty: a new copy; checkpoints of this very source whose copied rows
the source still holds unchanged: a resumed copy; anything else: refused, unless `force`
says to erase it); then every table in foreign-key order, batch by batch
(bot/storage/db_copy.py); the identity sequences past the copied ids; and last the check:
equal row counts, and every status on the target equal to what `claimbot recompute` would
compute from the target's own rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.services.status_refresh import StoredStatus, status_differences
from bot.storage.connection import SchemaError, load_migrations
from bot.storage.database import Database
from bot.storage.db_copy import BLOB_BATCH_ROWS, Checkpoint, CopiedTable, CopyRefused, row_digest

DEFAULT_BATCH_ROWS = 5_000

#: Told (table, rows of it copied so far, rows it has) as a table starts and after each batch.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class CopyOutcome:
    tables: list[CopiedTable]
    resumed: bool
    rows_copied: int  # by this run


@dataclass(frozen=True, slots=True)
class Verification:
    """What the check found: (table, source rows, target rows) and the statuses that differ."""

    counts: list[tuple[str, int, int]]
    claims_checked: int
    indexed: int
    statuses: list[tuple[int, StoredStatus, StoredStatus]] = field(default_factory=list)

    def differences(self) -> list[str]:
        """One line per difference; [] when the copy is identical."""
        lines = [
            f"{table}: {source:,} rows in the source, {target:,} in the target"
            for table, source, target in self.counts
            if source != target
        ]
        if self.indexed != self.claims_checked:
            lines.append(
                f"search index: {self.indexed:,} claims indexed of {self.claims_checked:,}"
            )
        lines += [
            f"claim {claim_id}: stored {_status(stored)}, recomputed {_status(computed)}"
            for claim_id, stored, computed in self.statuses
        ]
        return lines


def _status(status: StoredStatus) -> str:
    name, confidence, _, final = status
    return f"{name} ({confidence:.3f}{', final' if final else ''})"


async def open_source(path: Path) -> Database:
    """The SQLite database to copy, which must be at the newest schema version."""
    source = await Database.open(path, migrate=False)
    try:
        version = await source.schema_version()
        newest = load_migrations("sqlite")[-1].version
        if version != newest:
            raise SchemaError(
                f"{path} has schema version {version}, and a copy needs the newest "
                f"({newest}): run `claimbot migrate` on it first."
            )
    except BaseException:
        await source.close()
        raise
    return source


async def copy_database(
    source: Database,
    target: Database,
    *,
    force: bool = False,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    progress: Progress | None = None,
) -> CopyOutcome:
    """Copy every table of `source` into `target` (migrated to the same version), resuming
    an interrupted copy of the same source; raises CopyRefused with the one line why not."""
    tables = await source.copied_tables()
    for table in tables:
        columns = await target.target_columns(table.name)
        if set(columns) != set(table.columns):
            raise CopyRefused(
                f"The table {table.name} has other columns in {target.name} than in "
                f"{source.name}: both must be made by the same claimbot."
            )
    resumed = await _begin(source, target, tables, force=force)
    totals = await source.row_counts(t.name for t in tables)
    copied_now = 0
    for table, checkpoint in zip(tables, await target.checkpoints(), strict=True):
        total = totals[table.name]
        if progress:
            progress(table.name, checkpoint.copied, total)
        # A table done before is read past its checkpoint too: rows the source gained since
        # (appended only: the digests hold the rows copied unchanged) are copied, not lost.
        per_batch = BLOB_BATCH_ROWS if table.has_blobs else batch_rows
        state = checkpoint
        while rows := await source.read_batch(table, state.last_key, per_batch):
            state = Checkpoint(
                table=table.name,
                source=state.source,
                last_key=table.key_of(rows[-1]),
                copied=state.copied + len(rows),
                digest=row_digest(rows, state.digest),
                done=False,
            )
            await target.write_batch(table, rows, state)
            copied_now += len(rows)
            if progress:
                progress(table.name, state.copied, total)
        await target.finish_table(table.name)
    await target.move_sequences_past_copied_ids()
    return CopyOutcome(tables=tables, resumed=resumed, rows_copied=copied_now)


async def _begin(
    source: Database, target: Database, tables: list[CopiedTable], *, force: bool
) -> bool:
    """Make the target ready: True when an interrupted copy resumes."""
    names = [t.name for t in tables]
    checkpoints = await target.checkpoints()
    if force:
        await target.erase_for_copy(tables)
    elif checkpoints:
        await _check_resumable(source, target, tables, checkpoints)
        return True
    else:
        filled = await target.tables_with_rows(names)
        if filled:
            raise CopyRefused(
                f"{target.name} is not empty (rows in {', '.join(filled[:3])}"
                f"{', ...' if len(filled) > 3 else ''}) and holds no interrupted copy: give an "
                "empty database, or --force to delete its rows and copy from the start."
            )
    await target.start_copy(tables, source.name)
    return False


async def _check_resumable(
    source: Database, target: Database, tables: list[CopiedTable], checkpoints: list[Checkpoint]
) -> None:
    """The checkpoints must be this source's, and the rows they say were copied unchanged."""
    again = "--force to delete what it holds and copy from the start"
    others = sorted({c.source for c in checkpoints} - {source.name})
    if others:
        raise CopyRefused(
            f"{target.name} holds a copy of {others[0]}, not of {source.name}: give an empty "
            f"database, or {again}."
        )
    if [c.table for c in checkpoints] != [t.name for t in tables]:
        raise CopyRefused(
            f"{target.name} holds a copy of {source.name} with other tables: {again}."
        )
    for table, checkpoint in zip(tables, checkpoints, strict=True):
        if await source.digest_through(table, checkpoint.last_key) != checkpoint.digest:
            raise CopyRefused(
                f"{source.name} changed since the copy into {target.name} began (its "
                f"{table.name} differs; did a bot run on it?): {again}."
            )


async def verify_copy(
    source: Database, target: Database, tables: list[CopiedTable]
) -> Verification:
    """Row counts of both, the target's search index, and the target's statuses recomputed
    (read-only) against its stored ones."""
    names = [t.name for t in tables]
    before = await source.row_counts(names)
    after = await target.row_counts([*names, "claims_search"])
    claims, differ = await status_differences(target)
    return Verification(
        counts=[(name, before[name], after[name]) for name in names],
        claims_checked=claims,
        indexed=after["claims_search"],
        statuses=differ,
    )
