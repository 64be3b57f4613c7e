"""A submission from start to finish: document -> claims -> stored -> posted for review.

Shared by `/claim submit`, the "Extract claims" message command and `/claim add`, so
they all apply the same limits, duplicate checks and posting.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.access import Member, is_moderator
from bot.core.claims import RECENT_CLAIMS_COMPARED, Extracted, content_hash, triage
from bot.core.errors import UserFacingError
from bot.core.records import (
    ClaimRecord,
    GuildConfig,
    HeldBatch,
    HeldClaim,
    NewClaim,
    NewDocument,
    SubmissionResult,
)
from bot.documents.document import Document
from bot.extraction import ClaimCandidate, Extraction, ExtractionError, extract
from bot.services.denials import deny
from bot.services.review_messages import ReviewPoster, describe_failure, log_post_failure
from bot.storage.database import Database

if TYPE_CHECKING:
    from bot.services.llm_extraction import LLMConfig


log = logging.getLogger("claimbot.intake")


Progress = Callable[[str], Awaitable[None]]
ProbablySame = Callable[[int, list[ClaimRecord]], Awaitable[dict[int, ClaimRecord]]]
# Stores the new claims of a submission: (created, already in the server by wording).
Store = Callable[[list[NewClaim]], Awaitable[tuple[list[ClaimRecord], list[ClaimRecord]]]]

# What a press of **Post the rest** is told when it posts nothing. A client can send any
# button id, so the server and the member are checked again on every press.
NOT_THIS_SERVERS = "That button does not belong to this server."
ALREADY_POSTED = "Those claims were already posted."
SUBMITTER_OR_MODERATOR = (
    "Only the member who submitted that article, or a moderator, can post the rest of its claims."
)


def max_claims_for(config: GuildConfig, default: int) -> int:
    value = config.options.get("max_claims", default)
    return value if isinstance(value, int) and 1 <= value <= default else default


async def _show(progress: Progress, note: str) -> None:
    """Progress is a courtesy: an answer that cannot be edited must not stop the posting."""
    try:
        await progress(note)
    except Exception:
        log.warning("could not show the submitter how far their submission got", exc_info=True)


def _cited(
    document: Document, claim: ClaimCandidate, default_speaker: str | None
) -> ClaimCandidate:
    """The stored span indexes the submission as given, as `claimbot extract --json` does;
    -1 (stored as NULL) when the reader rewrote markup or the claim was not located. Who
    says it is the text's speaker, else the default (a message's author)."""
    start, end = document.input_span(claim.start, claim.end) or (-1, -1)
    return replace(claim, start=start, end=end, speaker=claim.speaker or default_speaker)


def _held(claim: ClaimCandidate) -> HeldClaim:
    return HeldClaim(
        text=claim.text,
        speaker=claim.speaker,
        language=claim.language,
        score=claim.score,
        reasons=claim.reasons,
        start=claim.start,
        end=claim.end,
    )


class Submissions:
    def __init__(
        self,
        db: Database,
        review: ReviewPoster,
        *,
        max_claims: int,
        llm: LLMConfig | None = None,
        probably_same: ProbablySame | None = None,
    ) -> None:
        """`probably_same`: {new claim id: the earlier claim it probably rewords} (the
        suggestions service), shown beside the posted claims."""
        self._db = db
        self._review = review
        self._max_claims = max_claims
        self._llm = llm
        self._probably_same = probably_same

    async def extract(self, text: str, *, max_claims: int) -> Extraction:
        """CPU work off the event loop; the optional LLM backend falls back by itself (it
        returns at most `max_claims` and holds none back)."""
        llm = self._llm
        try:
            if llm is not None:
                from bot.services.llm_extraction import extract_with_llm

                return Extraction(await extract_with_llm(text, llm, max_claims=max_claims), [])
            return await asyncio.to_thread(extract, text, max_claims=max_claims)
        except ExtractionError as exc:
            raise UserFacingError(str(exc)) from None

    def cap(self, config: GuildConfig) -> int:
        """The most claims one submission of this server posts, and one press posts."""
        return max_claims_for(config, self._max_claims)

    async def submit_document(
        self,
        config: GuildConfig,
        *,
        submitter_id: int,
        kind: str,
        document: Document,
        default_speaker: str | None = None,
        origin_url: str | None = None,
        progress: Progress | None = None,
        max_claims: int | None = None,
    ) -> SubmissionResult:
        """`max_claims`, when given, replaces the server's cap for this submission."""
        limit = max_claims or self.cap(config)
        extraction = await self.extract(document.text, max_claims=limit)
        candidates = extraction.claims
        result = SubmissionResult(
            found=len(candidates),
            truncated=document.truncated,
            cap=limit,
            cap_chosen=max_claims is not None,
        )
        if not candidates:
            return result
        prepared = [_cited(document, c, default_speaker) for c in candidates]
        held = [_held(_cited(document, c, default_speaker)) for c in extraction.rest]
        new_document = NewDocument(
            guild_id=config.guild_id,
            submitter_id=submitter_id,
            kind=kind,
            content_hash=content_hash(document.text),
            url=document.url or origin_url,
            title=document.title,
            language=candidates[0].language,
            char_count=len(document.text),
        )

        async def store(claims: list[NewClaim]) -> tuple[list[ClaimRecord], list[ClaimRecord]]:
            result.document_id, created, repeated = await self._db.store_submission(
                new_document,
                claims,
                origin_url=origin_url or document.url,
                origin_title=document.title,
                held=held,
            )
            result.held = len(held)
            return created, repeated

        return await self._store_and_post(config, store, prepared, result, progress)

    async def held_for(self, config: GuildConfig, member: Member, document_id: int) -> HeldBatch:
        """The next batch **Post the rest** would post for `member`, or why it posts none:
        the document is another server's, the member neither submitted it nor moderates
        (audited), or its held claims were posted already."""
        batch = await self._db.held_batch(config.guild_id, document_id, limit=self.cap(config))
        if batch is None:
            raise UserFacingError(NOT_THIS_SERVERS)
        moderator = is_moderator(member.role_ids, manage_guild=member.manage_guild, config=config)
        if member.id != batch.submitter_id and not moderator:
            await deny(
                self._db,
                guild_id=config.guild_id,
                actor_id=member.id,
                action="post_held",
                claim_id=None,
                message=SUBMITTER_OR_MODERATOR,
                detail={"document": document_id},
            )
        if not batch.claims:
            raise UserFacingError(ALREADY_POSTED)
        return batch

    async def post_held(
        self, config: GuildConfig, batch: HeldBatch, *, progress: Progress | None = None
    ) -> SubmissionResult:
        """Post a batch of held claims as any submission's claims are posted: triaged
        against the server's claims as they are now, stored with their document."""
        result = SubmissionResult(
            found=len(batch.claims), cap=self.cap(config), document_id=batch.document_id
        )

        async def store(claims: list[NewClaim]) -> tuple[list[ClaimRecord], list[ClaimRecord]]:
            stored = await self._db.store_held(config.guild_id, batch, claims)
            if stored is None:
                raise UserFacingError(ALREADY_POSTED)  # another press took them first
            result.held = batch.held - len(batch.claims)
            return stored

        return await self._store_and_post(config, store, batch.claims, result, progress)

    async def add_single(
        self, config: GuildConfig, *, submitter_id: int, text: str, origin_url: str | None
    ) -> SubmissionResult:
        new_document = NewDocument(
            guild_id=config.guild_id,
            submitter_id=submitter_id,
            kind="manual",
            content_hash=content_hash(text),
            url=origin_url,
            char_count=len(text),
        )
        result = SubmissionResult(found=1)

        async def store(claims: list[NewClaim]) -> tuple[list[ClaimRecord], list[ClaimRecord]]:
            result.document_id, created, repeated = await self._db.store_submission(
                new_document, claims, origin_url=origin_url, origin_title=None
            )
            return created, repeated

        return await self._store_and_post(config, store, [text], result, None)

    async def _store_and_post(
        self,
        config: GuildConfig,
        store: Store,
        candidates: Sequence[Extracted | str],
        result: SubmissionResult,
        progress: Progress | None,
    ) -> SubmissionResult:
        db = self._db
        # Fail before storing anything if the review channel is unusable.
        await self._review.review_channel(config)
        recent = await db.recent_claim_texts(config.guild_id, RECENT_CLAIMS_COMPARED)
        originals = {
            claim_id: text
            for claim_id, text, _ in await db.claims_to_match(
                config.guild_id, RECENT_CLAIMS_COMPARED
            )
        }
        plan = triage(candidates, recent, originals=originals)
        created, repeated = await store(plan.new)
        known_ids = list(dict.fromkeys([*plan.existing_ids, *(c.id for c in repeated)]))
        known = await db.get_claims(config.guild_id, known_ids)
        result.existing = [c for c in known if c.message_id is not None]
        # Stored by an earlier submission whose post failed: posting it now beats pointing
        # at a review message that does not exist.
        waiting = [c for c in known if c.message_id is None]
        waiting_ids = {c.id for c in waiting}
        to_post = [*created, *waiting]
        with self._review.reserving(c.id for c in to_post) as mine:
            mine_in_order = [c for c in to_post if c.id in mine]
            for number, claim in enumerate(mine_in_order, 1):
                if progress is not None:
                    await _show(progress, f"Posting claim {number} of {len(mine_in_order)}…")
                try:
                    await self._review.post(claim, config)
                except Exception as exc:
                    log_post_failure(claim.id, exc)
                    result.post_error = describe_failure(exc)
                    break
        # What the database says now: a claim the pending pass posted meanwhile counts too.
        stored = {c.id: c for c in await db.get_claims(config.guild_id, [c.id for c in to_post])}
        for claim in to_post:
            now = stored.get(claim.id, claim)
            if now.message_id is None:
                result.unposted.append(now)
            elif claim.id in waiting_ids:
                result.posted_now.append(now)
            else:
                result.posted.append(now)
        if any(stored.get(c.id, c).thread_id is None for c in to_post):
            self._review.retry_unposted_later()  # unposted, or cut off before its thread
        if result.posted and self._probably_same is not None:  # shown beside posted claims
            try:
                result.probably_same = await self._probably_same(config.guild_id, result.posted)
            except Exception:  # a pointer is a courtesy: the claims are posted already
                log.exception("looking for earlier wordings of new claims failed")
        return result
