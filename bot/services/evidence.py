"""Evidence links: checked, recorded once per claim, and described by their own page.

The page fetch goes through the safe fetcher and never blocks a reply for long: the
command waits a few seconds so that forbidden targets (found only on resolution or
after a redirect) are refused outright, and a slow page finishes in the background.
Links posted in a claim's thread come in here too, under a per-member rate limit.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from bot.core.access import Member
from bot.core.errors import UserFacingError
from bot.core.fairness import FetchSlots, LinkRateLimit
from bot.core.records import ClaimRecord, EvidenceRecord
from bot.core.shards import ShardScope
from bot.core.snapshots import SnapshotBounds
from bot.core.urls import normalize_url
from bot.documents.document import DocumentError
from bot.documents.page_metadata import page_metadata
from bot.services.background import BackgroundTasks
from bot.services.clock import Clock, MonotonicClock, SystemClock
from bot.services.denials import deny
from bot.services.guild_configs import GuildConfigs
from bot.services.parsing import parse_off_loop
from bot.services.snapshots import RECHECK_PAUSE_SECONDS, Snapshots
from bot.services.status_refresh import ClaimsChanged
from bot.storage.database import Database
from bot.web.errors import FetchError
from bot.web.fetcher import FetchLimits, SafeFetcher
from bot.web.responses import FetchResult
from bot.web.url_syntax import check_url

log = logging.getLogger("claimbot.evidence")

# Metadata lives in <head>: the first megabyte of a page is plenty.
EVIDENCE_LIMITS = FetchLimits(max_bytes=1_000_000, total_timeout=15.0)
EVIDENCE_CONTENT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/plain", "application/pdf"}
)
# How long a command waits for the page before answering anyway.
QUICK_ANSWER_SECONDS = 3.0
# Refusals that mean "never record this link", as opposed to "the page is down".
REFUSED_CODES = frozenset(
    {"bad_url", "url_too_long", "bad_scheme", "credentials_in_url", "forbidden_address"}
)
MAX_NOTE_CHARS = 300
# Why a link is unreachable when reading its page failed for a reason of our own.
UNREADABLE = "the page could not be read"
# Fetches of links left pending by a stopped bot that run at once after a start.
RESUME_CONCURRENCY = 4


@dataclass(frozen=True, slots=True)
class EvidenceOutcome:
    record: EvidenceRecord
    created: bool
    # The link was already there from another member, who alone (or a moderator) may
    # change it: nothing changed.
    someone_elses: bool = False


@dataclass(frozen=True, slots=True)
class ThreadLinksOutcome:
    """What came of the links in one message in a claim's thread."""

    posted: int
    not_recorded: int
    # Why links were not recorded, when waiting helps; empty when the member is not to be
    # told (nothing of the kind, or told already in this window).
    tell: tuple[str, ...] = ()

    @property
    def all_recorded(self) -> bool:
        return self.not_recorded == 0


NOT_YOURS_TO_REMOVE = "Only the member who added a source, or a moderator, can remove it."


class EvidenceService:
    """Adds, describes and removes a claim's sources (the `/evidence` commands and links in
    threads); fetches each page once, in the background when it is slow."""

    def __init__(
        self,
        db: Database,
        claims_changed: ClaimsChanged,
        *,
        configs: GuildConfigs,
        thread_links: LinkRateLimit | None = None,
        shards: ShardScope,
        clock: Clock | None = None,
        slots: FetchSlots | None = None,
        fetcher: SafeFetcher | None = None,
        snapshot_bounds: SnapshotBounds | None = None,
        wall_clock: Clock | None = None,
    ) -> None:
        """`thread_links` limits links posted in claim threads per member (none: no limit),
        timed on `clock`; the fetches a stopped bot left pending are resumed, and archived
        sources rechecked, for the servers of `shards` (the process's) only. Snapshots are
        stamped with `wall_clock` and kept within `snapshot_bounds`."""
        self._db = db
        self._shards = shards
        self._claims_changed = claims_changed
        self._configs = configs
        self.thread_links = thread_links or LinkRateLimit(1, 0)
        self._clock: Clock = clock or MonotonicClock()
        self.fetcher = fetcher or SafeFetcher(EVIDENCE_LIMITS, slots=slots)
        self._background = BackgroundTasks(log)
        # Rows older than this with no fetch running were left pending by a stopped bot.
        # Compared with the rows' created_at, which storage stamps with time.time(): the
        # same source here, whatever clock the rest of the bot is given.
        self._started_at = time.time()
        self._resumed = False
        self.snapshots = Snapshots(
            db,
            fetch=self.fetch_again,
            bounds=snapshot_bounds or SnapshotBounds(),
            clock=wall_clock or SystemClock(),
            shards=shards,
            pause_clock=self._clock,
            pause=RECHECK_PAUSE_SECONDS,
        )

    async def fetch_again(self, url: str) -> FetchResult:
        """A recheck's fetch of a source: the same fetcher and types as when it was added."""
        return await self.fetcher.fetch(url, allowed_content_types=EVIDENCE_CONTENT_TYPES)

    async def sources(self, claim: ClaimRecord) -> list[EvidenceRecord]:
        """The claim's current sources, by their number."""
        return await self._db.evidence_for(claim.id)

    async def remove(
        self, claim: ClaimRecord, number: int, *, actor_id: int, moderator: bool
    ) -> EvidenceRecord:
        """Remove source `number` of the claim: its adder or a moderator only (a refusal is
        audited as `denied_evidence_remove`)."""
        item = await self._db.evidence_by_number(claim.id, number)
        if item is None:
            raise UserFacingError(f"Claim #{claim.number} has no source #{number}.")
        if item.added_by != actor_id and not moderator:
            await deny(
                self._db,
                guild_id=claim.guild_id,
                actor_id=actor_id,
                action="evidence_remove",
                claim_id=claim.id,
                message=NOT_YOURS_TO_REMOVE,
                detail={"source": item.number, "evidence_id": item.id},
            )
        await self._db.remove_evidence(claim.guild_id, item.id, actor_id=actor_id)
        await self._claims_changed({claim.id})
        return item

    async def record_thread_links(
        self, author: Member, *, thread_id: int, links: list[str]
    ) -> ThreadLinksOutcome | None:
        """Links posted in a thread become sources with stance `context`, for reviewers,
        within the member's rate. None when the thread is not a claim's of that server."""
        claim = await self._db.claim_for_thread(thread_id)
        if claim is None or claim.guild_id != author.guild_id or not links:
            return None
        if not author.may_review(await self._configs.get(author.guild_id)):
            log.info("thread link from a non-reviewer not recorded for claim %d", claim.id)
            return ThreadLinksOutcome(posted=len(links), not_recorded=len(links))
        owner = author.key
        now = self._clock.now()
        grant = self.thread_links.take(owner, len(links), now)
        not_recorded = len(links) - grant.allowed
        # Reasons the member can act on by waiting; other refusals stay in the log.
        slow_down = [self.thread_links.describe(grant.retry_after)] if not_recorded else []
        for link in links[: grant.allowed]:
            try:
                await self.add(
                    claim,
                    url=link,
                    stance="context",
                    note=None,
                    added_by=author.id,
                    origin="thread",
                )
            except UserFacingError as exc:
                log.info("thread link refused for claim %d: %s", claim.id, exc.message)
                not_recorded += 1
                if isinstance(exc, FetchError) and exc.code == "busy":
                    slow_down.append(exc.message)
        tell = slow_down and self.thread_links.should_tell(owner, now)
        return ThreadLinksOutcome(
            posted=len(links),
            not_recorded=not_recorded,
            tell=tuple(dict.fromkeys(slow_down)) if tell else (),
        )

    async def add(
        self,
        claim: ClaimRecord,
        *,
        url: str,
        stance: str,
        note: str | None,
        added_by: int,
        origin: str,
        moderator: bool = False,
    ) -> EvidenceOutcome:
        """Record a link (or, for its adder or a moderator, update the stance of a known
        one). Raises UserFacingError for links that must never be fetched or recorded."""
        url = url.strip()
        check_url(url)  # scheme, syntax, literal addresses: refused before anything else
        try:
            normalized = normalize_url(url)
        except ValueError:
            raise UserFacingError("That doesn't look like a web link (http or https).") from None
        note = note.strip()[:MAX_NOTE_CHARS] if note else None
        known = await self._db.evidence_by_url(claim.id, normalized)
        fetch: asyncio.Task[FetchResult] | None = None
        if known is None:
            fetch = asyncio.create_task(
                self.fetcher.fetch(
                    url,
                    allowed_content_types=EVIDENCE_CONTENT_TYPES,
                    owner=(claim.guild_id, added_by),
                )
            )
            await asyncio.wait({fetch}, timeout=QUICK_ANSWER_SECONDS)
            if fetch.done() and isinstance(fetch.exception(), FetchError):
                error = fetch.exception()
                assert isinstance(error, FetchError)
                if error.code == "busy":
                    raise error  # over the member's fair share: not recorded, try later
                if error.code in REFUSED_CODES:
                    raise UserFacingError(f"Not recorded: {error.message}")
        try:
            record, created = await self._db.add_evidence(
                guild_id=claim.guild_id,
                claim_id=claim.id,
                url=url,
                normalized_url=normalized,
                stance=stance,
                note=note,
                added_by=added_by,
                origin=origin,
                may_change_others=moderator,
            )
        except BaseException:
            if fetch is not None:
                fetch.cancel()
            raise
        if not created and origin == "command" and record.added_by != added_by and not moderator:
            if fetch is not None:
                fetch.cancel()
            note_changed = note is not None and note != record.note
            if stance != record.stance or note_changed:
                detail = {"evidence_id": record.id, "from": record.stance, "to": stance}
                await self._db.record_audit(
                    guild_id=claim.guild_id,
                    actor_id=added_by,
                    action="denied_evidence_stance",
                    claim_id=claim.id,
                    detail=detail | ({"note": note} if note_changed else {}),
                )
            return EvidenceOutcome(record=record, created=False, someone_elses=True)
        if fetch is not None and created:
            if fetch.done():
                await self._save_fetch(record.id, fetch)
                refreshed = await self._db.get_evidence(claim.guild_id, record.id)
                record = refreshed or record
            else:
                self._finish_later(record.id, fetch, claim.id)
        elif fetch is not None:
            fetch.cancel()
        await self._claims_changed({claim.id})
        return EvidenceOutcome(record=record, created=created)

    async def add_described(
        self,
        claim: ClaimRecord,
        *,
        url: str,
        stance: str,
        note: str | None,
        added_by: int,
        title: str | None,
        site_name: str | None,
        published_at: str | None,
    ) -> EvidenceOutcome:
        """Record a link whose description we already hold (a fact-check from the library,
        an earlier claim's review message): nothing is fetched. A link already on the claim
        is left as it is, whoever added it."""
        check_url(url)
        try:
            normalized = normalize_url(url)
        except ValueError:
            raise UserFacingError("That doesn't look like a web link (http or https).") from None
        record, created = await self._db.add_evidence(
            guild_id=claim.guild_id,
            claim_id=claim.id,
            url=url,
            normalized_url=normalized,
            stance=stance,
            note=note[:MAX_NOTE_CHARS] if note else None,
            added_by=added_by,
            origin="command",
        )
        if created:
            await self._db.save_evidence_fetch(
                record.id, ok=True, title=title, site_name=site_name, published_at=published_at
            )
            await self._claims_changed({claim.id})
            record = await self._db.get_evidence(claim.guild_id, record.id) or record
        return EvidenceOutcome(record=record, created=created, someone_elses=not created)

    def _finish_later(
        self, evidence_id: int, fetch: asyncio.Task[FetchResult], claim_id: int
    ) -> None:
        async def finish() -> None:
            try:
                await asyncio.wait({fetch})
            except asyncio.CancelledError:
                fetch.cancel()  # shutdown: the row stays pending and the next start resumes it
                raise
            try:
                await self._save_fetch(evidence_id, fetch)
                await self._claims_changed({claim_id})
            except Exception:
                log.exception("evidence %d: could not record the fetch", evidence_id)

        self._background.start(finish(), name=f"evidence-fetch-{evidence_id}")

    async def resume_pending(self) -> None:
        """Fetch again the links a stopped bot left pending (once, when the bot is ready)."""
        if self._resumed:
            return
        self._resumed = True
        pending = await self._db.pending_evidence(self._shards, created_before=self._started_at)
        slots = asyncio.Semaphore(RESUME_CONCURRENCY)

        async def fetch(url: str) -> FetchResult:
            async with slots:
                return await self.fetcher.fetch(url, allowed_content_types=EVIDENCE_CONTENT_TYPES)

        for item in pending:
            self._finish_later(item.id, asyncio.create_task(fetch(item.url)), item.claim_id)
        if pending:
            log.info("fetching %d evidence links left pending by the last run", len(pending))

    async def _save_fetch(self, evidence_id: int, fetch: asyncio.Task[FetchResult]) -> None:
        """Finish the row whatever went wrong: unreachable with a reason, never pending."""
        try:
            await self._save_page(evidence_id, fetch.result())
        except FetchError as error:
            await self._db.save_evidence_fetch(evidence_id, ok=False, error=str(error))
        except Exception:
            log.warning(
                "evidence %d: the fetched page could not be read", evidence_id, exc_info=True
            )
            await self._db.save_evidence_fetch(evidence_id, ok=False, error=UNREADABLE)

    async def _save_page(self, evidence_id: int, result: FetchResult) -> None:
        await describe_source(self._db, evidence_id, result)
        try:
            await self.snapshots.take(evidence_id, result)
        except Exception:  # the source stays, described, "not archived"
            log.warning("evidence %d: no snapshot kept", evidence_id, exc_info=True)

    async def wait_idle(self) -> None:
        """Let background fetches and a recheck pass finish (shutdown, tests)."""
        await self._background.wait_idle()
        await self.snapshots.wait_idle()

    async def close(self) -> None:
        await self.snapshots.close()
        await self._background.close()
        await self.fetcher.aclose()


async def describe_source(db: Database, evidence_id: int, result: FetchResult) -> None:
    """Finish a source's row with what its page says about itself (title, site, date)."""
    if result.content_type in ("text/html", "application/xhtml+xml"):
        try:
            meta = await parse_off_loop(lambda: page_metadata(result.text(), result.url))
        except DocumentError:  # too complex to read: the link still works, undescribed
            await db.save_evidence_fetch(evidence_id, ok=True)
            return
        await db.save_evidence_fetch(
            evidence_id,
            ok=True,
            title=meta.title,
            site_name=meta.site_name,
            canonical_url=meta.canonical_url,
            published_at=meta.published,
            description=meta.description,
        )
    else:
        await db.save_evidence_fetch(evidence_id, ok=True)
