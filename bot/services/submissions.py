"""A submission from start to finish: document -> claims -> stored -> posted for review.

Shared by `/claim submit`, the "Extract claims" message command and `/claim add`, so
they all apply the same limits, duplicate checks and posting.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.claims import RECENT_CLAIMS_COMPARED, content_hash, triage
from bot.core.errors import UserFacingError
from bot.core.records import ClaimRecord, GuildConfig, NewDocument, SubmissionResult
from bot.documents.document import Document
from bot.extraction import ClaimCandidate, ExtractionError, extract_claims
from bot.services.review_messages import ReviewPoster, describe_failure, log_post_failure
from bot.storage.database import Database

if TYPE_CHECKING:
    from bot.services.llm_extraction import LLMConfig


log = logging.getLogger("claimbot.intake")


Progress = Callable[[str], Awaitable[None]]
ProbablySame = Callable[[int, list[ClaimRecord]], Awaitable[dict[int, ClaimRecord]]]


def max_claims_for(config: GuildConfig, default: int) -> int:
    value = config.options.get("max_claims", default)
    return value if isinstance(value, int) and 1 <= value <= default else default


async def _show(progress: Progress, note: str) -> None:
    """Progress is a courtesy: an answer that cannot be edited must not stop the posting."""
    try:
        await progress(note)
    except Exception:
        log.warning("could not show the submitter how far their submission got", exc_info=True)


def _cited(document: Document, claim: ClaimCandidate) -> ClaimCandidate:
    """The stored span indexes the submission as given, as `claimbot extract --json` does;
    -1 (stored as NULL) when the reader rewrote markup or the claim was not located."""
    start, end = document.input_span(claim.start, claim.end) or (-1, -1)
    return replace(claim, start=start, end=end)


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

    async def extract(self, text: str, *, max_claims: int) -> list[ClaimCandidate]:
        """CPU work off the event loop; the optional LLM backend falls back by itself."""
        llm = self._llm
        try:
            if llm is not None:
                from bot.services.llm_extraction import extract_with_llm

                return await extract_with_llm(text, llm, max_claims=max_claims)
            return await asyncio.to_thread(extract_claims, text, max_claims=max_claims)
        except ExtractionError as exc:
            raise UserFacingError(str(exc)) from None

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
    ) -> SubmissionResult:
        limit = max_claims_for(config, self._max_claims)
        candidates = await self.extract(document.text, max_claims=limit)
        result = SubmissionResult(found=len(candidates), truncated=document.truncated)
        if not candidates:
            return result
        prepared = [
            _cited(document, replace(c, speaker=c.speaker or default_speaker)) for c in candidates
        ]
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
        return await self._store_and_post(
            config,
            new_document,
            prepared,
            origin_url=origin_url or document.url,
            origin_title=document.title,
            result=result,
            progress=progress,
        )

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
        return await self._store_and_post(
            config,
            new_document,
            [text],
            origin_url=origin_url,
            origin_title=None,
            result=SubmissionResult(found=1),
            progress=None,
        )

    async def _store_and_post(
        self,
        config: GuildConfig,
        document: NewDocument,
        candidates: list[ClaimCandidate] | list[str],
        *,
        origin_url: str | None,
        origin_title: str | None,
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
        _, created, repeated = await db.store_submission(
            document, plan.new, origin_url=origin_url, origin_title=origin_title
        )
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
