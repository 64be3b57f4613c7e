"""Send the verdict notices the outbox holds (bot/storage/notices.py), when they are due.

A status save queues a notice due one window later; changes meanwhile fold into it, so a
claim that flips back and forth gets one notice with its latest status, or none if it ends
where the last notice left it. The sender reads the claim when the notice is due, posts in
its thread (and, for a claim submitted from a message, replies to that message, pinging
nobody), each post taking a turn of the bot's edit rate (`Pace`). A refusal (403) is
reported like a refused review edit and not retried; an outage (5xx, 429 after discord.py's
own retries, no connection) is retried after POST_RETRY_SECONDS, then at the next start.
Notices live in the database, so a restart loses none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from enum import Enum

import aiohttp
import discord

from bot.core.notices import (
    Announced,
    PendingNotice,
    notice_mode,
    origin_message,
    origin_notice,
    thread_notice,
    wants_notice,
)
from bot.core.records import ClaimRecord
from bot.core.shards import ShardScope
from bot.services.clock import Clock
from bot.services.guild_configs import GuildConfigs
from bot.services.live_edits import Pace
from bot.services.review_messages import POST_RETRY_SECONDS, ReviewPoster, describe_failure
from bot.storage.database import Database

log = logging.getLogger("claimbot.notices")

BATCH = 50  # notices read per query; a burst is sent batch after batch
MIN_POLL_SECONDS = 1.0
# At shutdown, the notice being sent may finish (else it would be sent again at the start).
CLOSE_WAIT_SECONDS = 5.0


class Outcome(Enum):
    DELIVERED = "delivered"
    GIVEN_UP = "given up"  # refused, gone, or rejected: sending again would not help
    RETRY = "retry"


class VerdictNotices:
    def __init__(
        self,
        client: discord.Client,
        db: Database,
        configs: GuildConfigs,
        review: ReviewPoster,
        pace: Pace,
        *,
        shards: ShardScope,
        clock: Clock,
        window: float,
    ) -> None:
        """Sends the notices of the servers of `shards` (the process's) only: each notice
        has one sender, the process running its server's shard."""
        self._client = client
        self._shards = shards
        self._db = db
        self._configs = configs
        self._review = review
        self._pace = pace
        self._clock = clock
        self._window = window
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._changed = asyncio.Event()
        self._asleep_until: float | None = None
        self._pass_started = float("-inf")
        self.sent = 0  # notices posted (thread and origin parts count once)

    def due_time(self) -> float:
        """When a notice queued now is sent: one coalescing window from now."""
        return self._clock.now() + self._window

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="verdict-notices")

    async def close(self) -> None:
        """Stop after the notice being sent, if any; a sleeping sender stops at once."""
        self._closing = True
        task, self._task = self._task, None
        if task is None:
            return
        if self._asleep_until is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), CLOSE_WAIT_SECONDS)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def wait_idle(self) -> None:
        """Until the sender has nothing due by the clock's present time (tests move the
        clock, then wait here)."""
        target = self._clock.now()
        while not (
            self._asleep_until is not None
            and (self._asleep_until > target or self._pass_started >= target)
        ):
            if self._task is None or self._task.done():
                return
            self._changed.clear()
            await self._changed.wait()

    def _state(self, asleep_until: float | None) -> None:
        self._asleep_until = asleep_until
        self._changed.set()

    async def _run(self) -> None:
        try:
            released = await self._db.release_parked_notices(self._shards, self._clock.now())
            if released:
                log.info("%d verdict notices whose retries ran out are due again", released)
        except Exception:
            log.exception("could not release the parked verdict notices")
        poll = max(self._window, MIN_POLL_SECONDS)
        while not self._closing:
            now = self._clock.now()
            self._pass_started = now
            self._state(None)
            try:
                full = await self.send_due(now)
                if self._closing:
                    return
                if full:
                    continue  # more may be due
                next_due = await self._db.next_notice_due(self._shards)
            except Exception:
                log.exception("sending verdict notices failed; trying again later")
                next_due = None
            # New notices are due a window after they are queued, so looking again every
            # window finds each of them in time.
            wake = min(now + poll, next_due) if next_due is not None else now + poll
            self._state(max(wake, now))
            if wake > now:
                await self._clock.sleep(wake - now)
            else:
                await asyncio.sleep(0)

    async def send_due(self, now: float) -> bool:
        """Send the notices due by `now`, one batch; whether the batch was full."""
        due = await self._db.claim_due_notices(self._shards, now, limit=BATCH)
        for notice in due:
            if self._closing:
                return False
            try:
                await self._deliver(notice)
            except Exception:
                log.exception("verdict notice of claim %d failed", notice.claim_id)
                await self._retry(notice)
        return len(due) == BATCH

    async def _deliver(self, notice: PendingNotice) -> None:
        claim = await self._db.get_claim_any_guild(notice.claim_id)
        config = await self._configs.get(notice.guild_id)
        current = Announced(claim.status, claim.is_final) if claim else None
        if (
            claim is None
            or current != Announced(notice.status, notice.final)
            or notice_mode(config) == "off"
            or not wants_notice(current, await self._db.last_notice(claim.id))
        ):
            # Notices off, or a newer status took its place (queued with its own row state).
            await self._db.drop_notice(notice)
            return
        thread_done = notice.thread_done
        if not thread_done and claim.thread_id is not None:
            if not await self._still_mine(notice, thread_done=False):
                return
            thread = self._client.get_partial_messageable(
                claim.thread_id, guild_id=claim.guild_id, type=discord.ChannelType.public_thread
            )
            outcome = await self._post(
                claim, "post its verdict notice in its thread", thread, thread_notice(claim)
            )
            if outcome is Outcome.RETRY:
                await self._retry(notice)
                return
            await self._db.notice_thread_done(notice)
            thread_done = True
        origin = None
        if notice_mode(config) == "origin":
            kind, url = await self._db.notice_origin(claim.id)
            origin = origin_message(kind, url, claim.guild_id)
        if origin is not None:
            if not await self._still_mine(notice, thread_done=thread_done):
                return
            channel_id, message_id = origin
            channel = self._client.get_partial_messageable(channel_id, guild_id=claim.guild_id)
            reference = discord.MessageReference(
                message_id=message_id, channel_id=channel_id, guild_id=claim.guild_id
            )
            outcome = await self._post(
                claim,
                "reply with its verdict to the message it was submitted from",
                channel,
                origin_notice(claim),
                reference=reference,
                channel_id=channel_id,
            )
            if outcome is Outcome.RETRY:
                await self._retry(notice)
                return
        await self._db.notice_sent(claim.id, current, self._clock.now())
        self.sent += 1

    async def _still_mine(self, notice: PendingNotice, *, thread_done: bool) -> bool:
        """Right before a post: False (and a log line) when the notice's lock went with a
        lost database session and another process took or sent the notice meanwhile."""
        if await self._db.still_taken(notice, thread_done=thread_done):
            return True
        log.info("verdict notice of claim %d taken by another process", notice.claim_id)
        return False

    async def _post(
        self,
        claim: ClaimRecord,
        what: str,
        channel: discord.PartialMessageable,
        content: str,
        *,
        reference: discord.MessageReference | None = None,
        channel_id: int | None = None,
    ) -> Outcome:
        await self._pace.take_turn()
        try:
            if reference is None:
                await channel.send(content, allowed_mentions=discord.AllowedMentions.none())
            else:
                await channel.send(
                    content,
                    reference=reference,
                    mention_author=False,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
        except discord.Forbidden as exc:
            await self._review.report_refusal(claim, what, exc, channel_id=channel_id)
            return Outcome.GIVEN_UP
        except discord.HTTPException as exc:
            if exc.status >= 500 or exc.status == 429:
                log.warning("could not %s for claim %d: %s", what, claim.id, describe_failure(exc))
                return Outcome.RETRY
            # Gone (a deleted thread or message) or rejected: sending again would not help.
            log.warning("gave up trying to %s for claim %d: %s", what, claim.id, exc.text)
            return Outcome.GIVEN_UP
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("could not %s for claim %d: %s", what, claim.id, describe_failure(exc))
            return Outcome.RETRY
        return Outcome.DELIVERED

    async def _retry(self, notice: PendingNotice) -> None:
        """Again after the next of POST_RETRY_SECONDS; once they are spent, at the next
        start."""
        attempt = notice.attempts
        due = (
            self._clock.now() + POST_RETRY_SECONDS[attempt]
            if attempt < len(POST_RETRY_SECONDS)
            else None
        )
        await self._db.retry_notice(notice, due)
