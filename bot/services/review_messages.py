"""Post and re-render the review message of a claim (the discord side of a claim)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Literal, TypedDict

import aiohttp
import discord

from bot.core.errors import NOT_SET_UP, UserFacingError
from bot.core.records import ClaimRecord, EvidenceRecord, GuildConfig
from bot.core.render import (
    alerts_channel_id,
    claim_embed,
    describe_refusal,
    render_alert,
)
from bot.core.shards import ShardScope
from bot.core.text import clip
from bot.core.votes import VoteEmoji
from bot.services.background import BackgroundTasks
from bot.services.clock import Clock, MonotonicClock
from bot.services.guild_configs import GuildConfigs
from bot.storage.database import Database

log = logging.getLogger("claimbot.review")

# Audit action for requests Discord refused; `/claimbot settings` shows the latest.
DISCORD_REFUSED = "discord_refused"
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: reviews take days
# After an alert to a server's admins, further problems there go only to the log and
# `/claimbot settings` for this long.
ALERT_QUIET_SECONDS = 600
# A claim stored without a review message (its post failed) is tried again after each of
# these delays in turn, and then at every start until it is posted.
POST_RETRY_SECONDS: tuple[float, ...] = (5.0, 30.0, 120.0, 600.0)
PENDING_POST_LIMIT = 500
# Messages remembered as showing a claim (reactions ask on every event); cleared when full.
MESSAGE_CACHE_SIZE = 50_000
THREAD_EXISTS = 160004  # Discord: "A thread has already been created for this message"

# What the bot needs in the review channel, with the names Discord shows in its UI.
REVIEW_CHANNEL_PERMISSIONS: dict[str, str] = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "add_reactions": "Add Reactions",
    "read_message_history": "Read Message History",
    "create_public_threads": "Create Public Threads",
    "send_messages_in_threads": "Send Messages in Threads",
    "manage_messages": "Manage Messages",
}


def missing_review_permissions(permissions: discord.Permissions) -> list[str]:
    return [
        label
        for name, label in REVIEW_CHANNEL_PERMISSIONS.items()
        if not getattr(permissions, name)
    ]


def describe_failure(error: BaseException) -> str:
    """Why a request to Discord failed, as one sentence a member or an admin can read."""
    if isinstance(error, UserFacingError):
        return error.message
    if isinstance(error, discord.HTTPException):
        reason = f" {error.response.reason}" if error.response.reason else ""
        return f"Discord answered {error.status}{reason}."
    if isinstance(error, aiohttp.ClientError | OSError | TimeoutError):
        return "Discord could not be reached."
    return "Something unexpected went wrong; it has been logged."


class ReviewChannelUnusable(UserFacingError):
    """Claims cannot be posted for a reason on the server's side (no channel, a missing
    permission), not the member's: their submission does not cost them the cooldown."""


def log_post_failure(claim_id: int, error: BaseException) -> None:
    """Refusals and outages are expected (a warning); anything else may be our bug."""
    if isinstance(error, UserFacingError | discord.HTTPException | aiohttp.ClientError | OSError):
        log.warning("claim %d was not posted: %s", claim_id, describe_failure(error))
    else:
        log.error("claim %d was not posted", claim_id, exc_info=error)


class CardParts(TypedDict):
    """What every card of a claim shows beside the claim (the review message, `/claim
    status`, `/claim next`): its vote counts, its sources, the server's vote emoji."""

    counts: Mapping[str, int]
    evidence: Sequence[EvidenceRecord]
    emoji_by_vote: Mapping[str, str]


async def card_parts(db: Database, claim: ClaimRecord, config: GuildConfig | None) -> CardParts:
    return CardParts(
        counts=await db.vote_counts(claim.id),
        evidence=await db.evidence_for(claim.id),
        emoji_by_vote=vote_emoji(config).by_vote,
    )


# Told that a claim has its thread: (claim, thread id).
OnThread = Callable[[ClaimRecord, int], None]

_DEFAULT_EMOJI = VoteEmoji()


def vote_emoji(config: GuildConfig | None) -> VoteEmoji:
    """The guild's vote emoji; the shared default table unless the guild chose its own
    (this runs for every reaction, so the common case builds nothing)."""
    table = config.options.get("emoji") if config else None
    return VoteEmoji(table) if isinstance(table, dict) and table else _DEFAULT_EMOJI


class ReviewPoster:
    """Owns the review messages: posting, rendering, refusals, and which message shows
    which claim."""

    def __init__(
        self,
        client: discord.Client,
        db: Database,
        configs: GuildConfigs,
        *,
        shards: ShardScope,
        on_thread: OnThread | None = None,
        clock: Clock | None = None,
    ) -> None:
        """`shards` are the process's: the retries post their servers' claims only.
        `on_thread` is told when a claim has its thread (the suggestions service) and must
        not block; `clock` spaces the alerts to a server's admins and the retries of posts."""
        self._client = client
        self._shards = shards
        self._db = db
        self._configs = configs
        self._on_thread = on_thread
        self._clock: Clock = clock or MonotonicClock()
        self._message_claims: dict[int, tuple[int, int]] = {}
        self._last_alert: dict[int, float] = {}  # guild -> the clock's time of its last alert
        self._posting: set[int] = set()  # claims being posted: by a submission, a retry, a repost
        self._background = BackgroundTasks(log)

    def remember_message(self, message_id: int, claim_id: int, guild_id: int) -> None:
        if len(self._message_claims) >= MESSAGE_CACHE_SIZE:
            self._message_claims.clear()
        self._message_claims[message_id] = (claim_id, guild_id)

    def forget_message(self, message_id: int) -> None:
        self._message_claims.pop(message_id, None)

    async def message_deleted(self, message_id: int, guild_id: int | None) -> None:
        """Someone deleted a review message of this server: post the claim again, its votes
        kept."""
        known = await self.claim_of_message(message_id)
        if known is not None and known[1] == guild_id:
            self.forget_message(message_id)
            await self.repost(known[0])

    async def claim_of_message(self, message_id: int) -> tuple[int, int] | None:
        """(claim id, guild id) shown by a message, or None for any other message."""
        known = self._message_claims.get(message_id)
        if known is not None:
            return known
        claim = await self._db.claim_for_message(message_id)
        if claim is None:
            return None
        self.remember_message(message_id, claim.id, claim.guild_id)
        return claim.id, claim.guild_id

    async def embed(self, claim: ClaimRecord, config: GuildConfig | None) -> discord.Embed:
        return discord.Embed.from_dict(
            claim_embed(claim, **await card_parts(self._db, claim, config))
        )

    async def review_channel(self, config: GuildConfig) -> discord.TextChannel:
        if config.review_channel_id is None:
            raise ReviewChannelUnusable("No review channel is set: run `/claimbot setup` first.")
        channel = self._client.get_channel(config.review_channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise ReviewChannelUnusable(
                "The review channel is gone or not a text channel: run `/claimbot setup` again."
            )
        missing = missing_review_permissions(channel.permissions_for(channel.guild.me))
        if missing:
            raise ReviewChannelUnusable(
                f"I can't post claims in {channel.mention}: I am missing "
                f"{', '.join(missing)}. Ask an admin to grant them."
            )
        return channel

    async def post(self, claim: ClaimRecord, config: GuildConfig) -> discord.Message:
        """Send the embed, add the vote reactions, open the thread; links are saved at once
        so a crash half-way leaves the claim attached to its message."""
        channel = await self.review_channel(config)
        try:
            message = await channel.send(embed=await self.embed(claim, config))
        except discord.Forbidden:
            raise UserFacingError(
                f"Discord refused to let me post in {channel.mention}: check my permissions there."
            ) from None
        await self._db.set_review_message(
            claim.id, channel_id=channel.id, message_id=message.id, thread_id=None
        )
        self.remember_message(message.id, claim.id, claim.guild_id)
        await self._finish(claim, config, channel.id, message)
        return message

    async def _finish(
        self,
        claim: ClaimRecord,
        config: GuildConfig,
        channel_id: int,
        message: discord.Message | discord.PartialMessage,
    ) -> None:
        """The vote reactions and the thread; the thread id is saved last, so a claim without
        one was cut off here (adding a reaction twice changes nothing)."""
        for emoji in vote_emoji(config).in_order():
            await message.add_reaction(emoji)
        try:
            thread_id = (
                await message.create_thread(
                    name=clip(f"Claim #{claim.number}: {claim.text}", 100),
                    auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                )
            ).id
        except discord.HTTPException as exc:
            if exc.code != THREAD_EXISTS:
                raise
            thread_id = message.id  # created before a crash: it has the message's id
        await self._db.set_review_message(
            claim.id, channel_id=channel_id, message_id=message.id, thread_id=thread_id
        )
        if self._on_thread is not None:
            self._on_thread(claim, thread_id)

    @contextlib.contextmanager
    def reserving(self, claim_ids: Iterable[int]) -> Iterator[set[int]]:
        """Yields those of `claim_ids` no one else is posting, held until the block ends, so
        a submission and the pending pass never post one claim twice."""
        mine = {claim_id for claim_id in claim_ids if claim_id not in self._posting}
        self._posting.update(mine)
        try:
            yield mine
        finally:
            self._posting.difference_update(mine)

    async def post_pending(self, shards: ShardScope | None = None) -> int:
        """Post the claims of the servers of `shards` (the process's, by default) stored
        without a review message, and finish those whose post was cut off before the thread;
        returns how many are left.
        After a failure in a server, its other claims wait for the next pass: Discord would
        most likely refuse them too."""
        left = 0
        failed_guilds: set[int] = set()
        shards = shards or self._shards
        for claim_id in await self._db.unposted_claims(shards, limit=PENDING_POST_LIMIT):
            with self.reserving([claim_id]) as mine:
                claim = await self._db.get_claim_any_guild(claim_id) if mine else None
                if claim is None or claim.thread_id is not None:
                    continue
                if claim.guild_id in failed_guilds:
                    left += 1
                    continue
                config = await self._configs.get(claim.guild_id)
                try:
                    if config is None:
                        raise UserFacingError(NOT_SET_UP)
                    if claim.message_id is None or claim.channel_id is None:
                        await self.post(claim, config)
                    else:  # sent, but cut off before its reactions and thread
                        channel = self._client.get_partial_messageable(
                            claim.channel_id, guild_id=claim.guild_id
                        )
                        message = channel.get_partial_message(claim.message_id)
                        await self._finish(claim, config, claim.channel_id, message)
                except Exception as exc:
                    failed_guilds.add(claim.guild_id)
                    left += 1
                    log_post_failure(claim.id, exc)
                    if isinstance(exc, UserFacingError) and config is not None:
                        await self._refused(claim, config, "post it", exc.message)
                else:
                    log.info("posted claim %d, stored earlier without a review message", claim.id)
        return left

    def retry_unposted_later(self) -> None:
        """Try the unposted claims (of all the process's servers) again after each of
        POST_RETRY_SECONDS, until none is left."""
        self._background.start(self._retry_unposted(), name="post-pending", once=True)

    async def _retry_unposted(self) -> None:
        for delay in POST_RETRY_SECONDS:
            await self._clock.sleep(delay)
            try:
                if await self.post_pending() == 0:
                    return
            except Exception:
                log.exception("posting the unposted claims failed")
        log.warning("some claims are still not posted; the next start tries again")

    async def close(self) -> None:
        await self._background.close()

    async def refresh(self, claim_id: int) -> None:
        """Re-render one claim's message from the database (called by LiveMessages).

        A deleted message is posted again; a refused edit is reported to the server's
        admins through `/claimbot settings` and the log."""
        claim = await self._db.get_claim_any_guild(claim_id)
        if claim is None or claim.message_id is None or claim.channel_id is None:
            return
        config = await self._configs.get(claim.guild_id)
        channel = self._client.get_partial_messageable(claim.channel_id, guild_id=claim.guild_id)
        try:
            await channel.get_partial_message(claim.message_id).edit(
                embed=await self.embed(claim, config)
            )
            await self._db.mark_rendered(claim.id, claim.updated_at)
        except discord.NotFound:
            await self.repost(claim.id)
        except discord.Forbidden as exc:
            await self.report_refusal(claim, "update its review message", exc)

    async def repost(self, claim_id: int) -> discord.Message | None:
        """Post a claim again after its review message was deleted. Its votes stay counted."""
        if claim_id in self._posting:
            return None
        self._posting.add(claim_id)
        try:
            claim = await self._db.get_claim_any_guild(claim_id)
            config = await self._configs.get(claim.guild_id) if claim else None
            if claim is None or config is None:
                return None
            await self._db.carry_votes(claim.id)
            log.info("review message of claim %d was deleted; posting it again", claim.id)
            try:
                return await self.post(claim, config)
            except UserFacingError as exc:
                await self._refused(claim, config, "post it again", exc.message)
                return None
        finally:
            self._posting.discard(claim_id)

    async def report_refusal(
        self,
        claim: ClaimRecord,
        what: str,
        error: discord.HTTPException,
        *,
        channel_id: int | None = None,
    ) -> None:
        """`channel_id`: where it was refused, when not the claim's review channel."""
        config = await self._configs.get(claim.guild_id)
        if config is not None:
            await self._refused(claim, config, what, error.text, channel_id=channel_id)

    async def _refused(
        self,
        claim: ClaimRecord,
        config: GuildConfig,
        what: str,
        error: str,
        *,
        channel_id: int | None = None,
    ) -> None:
        """Discord refused an action on a claim's review message: log it, keep it for
        `/claimbot settings`, and tell the admins in their alerts channel if they chose one
        (at most once per ALERT_QUIET_SECONDS, so a channel that lost its permissions does
        not become a flood)."""
        log.warning("Discord refused to %s for claim %d: %s", what, claim.id, error)
        await self.report_guild_refusal(config, what, error, claim=claim, channel_id=channel_id)

    async def report_guild_refusal(
        self,
        config: GuildConfig,
        what: str,
        error: str,
        *,
        claim: ClaimRecord | None = None,
        channel_id: int | None = None,
    ) -> None:
        """The audit entry `/claimbot settings` shows, and the alert; also for what is not
        about one claim (a digest). `channel_id` is where Discord refused, when it is not the
        claim's review message (a notice's origin reply)."""
        guild_id = config.guild_id
        refused_in = channel_id or (claim.channel_id if claim else config.review_channel_id)
        await self._db.record_audit(
            guild_id=guild_id,
            actor_id=self._client.user.id if self._client.user else 0,
            action=DISCORD_REFUSED,
            claim_id=claim.id if claim else None,
            detail={"what": what, "channel_id": refused_in, "error": error},
        )
        alerts_id = alerts_channel_id(config)
        now = self._clock.now()
        last = self._last_alert.get(guild_id)
        if alerts_id is None or (last is not None and now - last < ALERT_QUIET_SECONDS):
            return
        self._last_alert[guild_id] = now
        text = render_alert(
            describe_refusal(
                what,
                claim.number if claim else None,
                error,
                channel_id or config.review_channel_id,
            ),
            ALERT_QUIET_SECONDS // 60,
        )
        channel = self._client.get_partial_messageable(alerts_id, guild_id=guild_id)
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.warning("could not alert the admins of guild %d: %s", guild_id, exc.text)
