"""Import a ClaimReview feed into the fact-check library, all or nothing for bad input.

The feed is read in two passes so that a broken feed leaves no trace:
1. Parse the whole stream in a worker thread (never on the event loop) with the streaming
   parser, staging the fact-checks in batches to an anonymous temporary file on disk. Memory
   stays at one batch whatever the feed's size. Any refusal (not JSON, no ClaimReview, nested
   too deep, broken midway, over the size cap) happens in this pass, before any write.
2. Only then write the staged batches, one transaction per batch (upsert by scope and url),
   inside `FactCheckLibrary.importing(scope)`: the importer holds the scope's rebuild lease
   while it writes, then builds and saves the scope's index, which every other process loads.

A crash during pass 2 can leave the first batches written; re-running the import completes it
(every write is an upsert), so there is still nothing to clean up by hand.
"""

from __future__ import annotations

import asyncio
import io
import pickle
import tempfile
from collections.abc import Callable
from typing import IO, Any

from bot.core.fairness import FetchOwner, FetchSlots
from bot.core.records import FactCheckImportResult, NewFactCheck
from bot.documents.claimreview import ClaimReviewError, ImportReport, read_fact_checks
from bot.services.factcheck_library import FactCheckLibrary
from bot.storage.database import Database
from bot.web.fetcher import FetchLimits, SafeFetcher

__all__ = [
    "BATCH_SIZE",
    "CLI_FEED_LIMITS",
    "CLI_FEED_MAX_BYTES",
    "DISCORD_FEED_LIMITS",
    "DISCORD_FEED_MAX_BYTES",
    "FEED_CONTENT_TYPES",
    "FactCheckImporter",
    "Progress",
]

# The large public ClaimReview feed is about 200 MB; the CLI takes up to 300 MB from a file,
# stdin or a URL. In Discord, 25 MB is the attachment limit of a server without boosts and
# keeps a download by URL from tying up the bot.
CLI_FEED_MAX_BYTES = 300_000_000
DISCORD_FEED_MAX_BYTES = 25_000_000
CLI_FEED_LIMITS = FetchLimits(max_bytes=CLI_FEED_MAX_BYTES, read_timeout=30.0, total_timeout=600.0)
DISCORD_FEED_LIMITS = FetchLimits(max_bytes=DISCORD_FEED_MAX_BYTES, total_timeout=60.0)
FEED_CONTENT_TYPES = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/octet-stream",
        "text/json",
        "text/plain",
        "text/html",
        "application/xhtml+xml",
    }
)
BATCH_SIZE = 2_000
_READ = 1 << 16

# Called from the parsing thread with (bytes read, fact-checks kept so far).
Progress = Callable[[int, int], None]


class _CappedReader(io.RawIOBase):
    """A stream that refuses to go past `max_bytes` and reports how far it got."""

    def __init__(self, source: IO[bytes], max_bytes: int, progress: Progress | None) -> None:
        self.source = source
        self.max_bytes = max_bytes
        self.progress = progress
        self.read_so_far = 0
        self.kept = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.source.read(min(len(buffer), _READ))
        size = len(data)
        self.read_so_far += size
        if self.read_so_far > self.max_bytes:
            raise ClaimReviewError(too_large(self.max_bytes))
        buffer[:size] = data
        if self.progress is not None:
            self.progress(self.read_so_far, self.kept)
        return size


def too_large(max_bytes: int) -> str:
    return f"The feed is larger than {max_bytes / 1_000_000:,.0f} MB, the limit here."


def _staged_row(fact_check: NewFactCheck) -> tuple[Any, ...]:
    """NewFactCheck's fields in order (tuples pickle several times faster than the record)."""
    return (
        fact_check.url,
        fact_check.claim_reviewed,
        fact_check.title,
        fact_check.publisher,
        fact_check.published,
        fact_check.rating_name,
        fact_check.rating_value,
        fact_check.best_rating,
        fact_check.worst_rating,
        fact_check.claimant,
        fact_check.language,
    )


def _stage(
    source: IO[bytes], staging: IO[bytes], max_bytes: int, progress: Progress | None
) -> ImportReport:
    """Pass 1: every fact-check of the feed pickled to `staging` in batches; raises
    ClaimReviewError for a feed that cannot be imported."""
    report = ImportReport()
    reader = _CappedReader(source, max_bytes, progress)
    batch: list[tuple[Any, ...]] = []
    for fact_check in read_fact_checks(io.BufferedReader(reader, _READ), report):
        batch.append(_staged_row(fact_check))
        reader.kept = report.kept
        if len(batch) >= BATCH_SIZE:
            pickle.dump(batch, staging, pickle.HIGHEST_PROTOCOL)
            batch = []
    if batch:
        pickle.dump(batch, staging, pickle.HIGHEST_PROTOCOL)
    if progress is not None:
        progress(reader.read_so_far, report.kept)
    return report


def _next_batch(staging: IO[bytes]) -> list[NewFactCheck] | None:
    try:
        rows: list[tuple[Any, ...]] = pickle.load(staging)
    except EOFError:
        return None
    return [NewFactCheck(*row) for row in rows]


class FactCheckImporter:
    """Imports feeds into one scope (a server, or ALL_SERVERS); after an import that wrote
    something, `library` builds and saves the scope's index in this process, and every other
    process loads it."""

    def __init__(
        self,
        db: Database,
        library: FactCheckLibrary,
        *,
        fetcher: SafeFetcher | None = None,
        slots: FetchSlots | None = None,
    ) -> None:
        self._db = db
        self.library = library
        self.fetcher = fetcher or SafeFetcher(DISCORD_FEED_LIMITS, slots=slots)

    async def close(self) -> None:
        await self.fetcher.aclose()

    async def import_stream(
        self,
        scope: int,
        source: IO[bytes],
        *,
        imported_by: int | None,
        max_bytes: int,
        progress: Progress | None = None,
    ) -> FactCheckImportResult:
        """Raises ClaimReviewError (one line) for a feed refused as a whole; nothing is
        written then. Returns once the scope's index is saved."""
        with tempfile.TemporaryFile() as staging:
            report = await asyncio.to_thread(_stage, source, staging, max_bytes, progress)
            added = updated = 0
            staging.seek(0)
            async with self.library.importing(scope) as hold:
                while (batch := await asyncio.to_thread(_next_batch, staging)) is not None:
                    result = await self._db.import_fact_checks(
                        scope, batch, imported_by=imported_by
                    )
                    added, updated = added + result.added, updated + result.updated
                    await hold.written()
        return FactCheckImportResult(
            scope=scope,
            read=report.kept,
            added=added,
            updated=updated,
            skipped=dict(report.skipped.most_common()),
            nulled=dict(report.nulled.most_common()),
        )

    async def import_for_server(
        self,
        guild_id: int,
        member_id: int,
        *,
        url: str | None = None,
        upload: tuple[str, bytes] | None = None,
    ) -> FactCheckImportResult:
        """`/factchecks import`: a feed from a link (on the member's fetch share) or an
        uploaded (file name, bytes), into the server's own scope, up to
        DISCORD_FEED_MAX_BYTES; every import is in the audit log."""
        if upload is not None:
            filename, data = upload
            result = await self.import_stream(
                guild_id, io.BytesIO(data), imported_by=member_id, max_bytes=DISCORD_FEED_MAX_BYTES
            )
            feed = f"file {filename}"
        else:
            assert url is not None
            feed = url.strip()
            result = await self.import_url(
                guild_id,
                feed,
                imported_by=member_id,
                max_bytes=DISCORD_FEED_MAX_BYTES,
                owner=(guild_id, member_id),
            )
        await self._db.audit_import(
            guild_id,
            member_id,
            {
                "feed": feed,
                "read": result.read,
                "added": result.added,
                "updated": result.updated,
                "skipped": sum(result.skipped.values()),
            },
        )
        return result

    async def import_url(
        self,
        scope: int,
        url: str,
        *,
        imported_by: int | None,
        max_bytes: int,
        owner: FetchOwner | None = None,
        progress: Progress | None = None,
    ) -> FactCheckImportResult:
        """Download through the safe fetcher to a temporary file (never into memory), then
        import it as a stream. Raises FetchError or ClaimReviewError."""
        with tempfile.TemporaryFile() as download:
            await self.fetcher.fetch(
                url, allowed_content_types=FEED_CONTENT_TYPES, owner=owner, sink=download.write
            )
            download.seek(0)
            return await self.import_stream(
                scope, download, imported_by=imported_by, max_bytes=max_bytes, progress=progress
            )
