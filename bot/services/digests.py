"""The digest scheduler: posts each server's digest in its review channel when it is due.

Due means the latest scheduled time at or before now is later than the last one sent for,
so a digest missed while the bot was down goes out once at the next start, and several
missed periods make one digest. The scheduled time is stored before the send (at most
once: a crash between the two loses that digest instead of posting it twice), and a digest
Discord refuses is reported like a refused review edit and not retried; the next digest
covers its period. The clock and its sleep are injected, so tests move time by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.core.digest import (
    DAY,
    DigestSchedule,
    DigestState,
    latest_due,
    next_due,
    period_start,
    render_digest,
)
from bot.core.records import GuildConfig
from bot.core.shards import ShardScope
from bot.services.clock import Clock
from bot.services.guild_configs import GuildConfigs
from bot.storage.database import Database

log = logging.getLogger("claimbot.digests")

# The scheduler looks again at least this often: the wall clock can jump (a suspended
# machine, an NTP step), and asyncio's sleep follows the monotonic clock.
MAX_SLEEP_SECONDS = 300.0
WHAT = "post the digest"


class DigestRefused(Exception):
    """Discord refused the post (403) or the channel is gone (404); `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# (guild, channel, embed): post one digest; raises DigestRefused for a refusal.
SendDigest = Callable[[int, int, dict[str, Any]], Awaitable[None]]
# (server's setup, what was refused, Discord's reason): the shared refusal report.
ReportRefusal = Callable[[GuildConfig, str, str], Awaitable[None]]


def channel_sender(client: discord.Client) -> SendDigest:
    """Posts with discord.py, pinging nobody; a 403 or 404 becomes DigestRefused."""

    async def send(guild_id: int, channel_id: int, embed: dict[str, Any]) -> None:
        channel = client.get_partial_messageable(channel_id, guild_id=guild_id)
        try:
            await channel.send(
                embed=discord.Embed.from_dict(embed),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            raise DigestRefused(exc.text or f"{exc.status} {exc.response.reason}") from exc

    return send


class DigestScheduler:
    """Sends each server's digest when it is due, and saves a server's digest setting."""

    def __init__(
        self,
        db: Database,
        configs: GuildConfigs,
        send: SendDigest,
        report_refusal: ReportRefusal,
        *,
        shards: ShardScope,
        clock: Clock,
    ) -> None:
        """Posts the digests of the servers of `shards` (the process's) only."""
        self._db = db
        self._shards = shards
        self._configs = configs
        self._send = send
        self._report_refusal = report_refusal
        self.clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # Passes made, and the clock's time at the start of the last (tests wait on them).
        self.passes = 0
        self.looked_at: float | None = None
        # True while the scheduler waits on its clock (the clock is shared with other
        # services, so tests ask the scheduler rather than count the clock's sleepers).
        self.asleep = False

    async def save(self, guild_id: int, schedule: DigestSchedule, *, actor_id: int) -> float | None:
        """Store a schedule (audited) and return when its next digest is due. Times already
        past under the new schedule count as sent: setting it never posts at once."""
        now = self.clock.now()
        last = latest_due(schedule, now) if schedule.active else None
        await self._db.save_digest_schedule(
            guild_id, schedule, actor_id=actor_id, last_sent_for=last
        )
        self._wake.set()
        return next_due(schedule, now) if schedule.active else None

    def next_at(self, schedule: DigestSchedule) -> float | None:
        return next_due(schedule, self.clock.now()) if schedule.active else None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="digests")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            now = self.clock.now()
            try:
                wake_at = await self.run_due(now)
            except Exception:
                log.exception("the digest pass failed; trying again later")
                wake_at = None
            self.passes += 1
            self.looked_at = now
            delay = MAX_SLEEP_SECONDS
            if wake_at is not None:
                delay = min(max(wake_at - self.clock.now(), 0.0), MAX_SLEEP_SECONDS)
            await self._sleep_or_wake(delay)

    async def _sleep_or_wake(self, delay: float) -> None:
        """Until `delay` passed on the clock, or a schedule changed."""
        sleeping = asyncio.ensure_future(self.clock.sleep(delay))
        woken = asyncio.ensure_future(self._wake.wait())
        await asyncio.sleep(0)  # both have started waiting once this returns
        self.asleep = True
        try:
            await asyncio.wait({sleeping, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.asleep = False
            for waiter in (sleeping, woken):
                waiter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(sleeping, woken, return_exceptions=True)

    async def run_due(self, now: float | None = None) -> float | None:
        """Post every digest due at `now` (the clock's time by default), each server on its
        own (one refusal or failure never holds up another); returns when the next is due."""
        now = self.clock.now() if now is None else now
        wake_at: float | None = None
        for state in await self._db.active_digests(self._shards):
            try:
                slot = latest_due(state.schedule, now)
                if state.last_sent_for is None or slot > state.last_sent_for:
                    await self._post(state, slot, now)
                upcoming = next_due(state.schedule, now)
            except Exception:
                log.exception("the digest of guild %d failed", state.guild_id)
                continue
            wake_at = upcoming if wake_at is None else min(wake_at, upcoming)
        return wake_at

    async def _post(self, state: DigestState, slot: float, now: float) -> None:
        if not await self._db.claim_digest_slot(state.guild_id, slot):
            return  # taken meanwhile
        config = await self._configs.get(state.guild_id)
        if config is None or config.review_channel_id is None:
            log.warning("guild %d has a digest but no review channel", state.guild_id)
            return
        schedule = state.schedule
        figures = await self._db.digest_figures(
            state.guild_id,
            start=period_start(state, slot),
            end=slot,
            stale_before=now - schedule.stale_after_days * DAY,
        )
        embed = render_digest(figures, schedule, now=now)
        try:
            await self._send(state.guild_id, config.review_channel_id, embed)
        except DigestRefused as refusal:
            log.warning("Discord refused the digest of guild %d: %s", state.guild_id, refusal)
            await self._report_refusal(config, WHAT, refusal.reason)
            return
        except Exception as exc:
            # Not retried (it may have been posted): the next digest covers this period.
            log.warning("the digest of guild %d was not posted: %r", state.guild_id, exc)
            return
        await self._db.digest_delivered(state.guild_id, slot)
        log.info("posted the digest of guild %d", state.guild_id)
