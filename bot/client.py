"""The discord.py shell: the Bot subclass, its command tree and the one error handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine, Iterator
from typing import TYPE_CHECKING, Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.errors import NOT_SET_UP, UserFacingError
from bot.evidence import Evidence
from bot.fairness import FetchSlots
from bot.fetch import SafeFetcher
from bot.ingest import VoteIngest
from bot.intake import Intake
from bot.live import LiveMessages
from bot.models import GuildConfig
from bot.review_messages import ReviewMessages, describe_failure
from bot.storage import Database
from bot.tally import refresh_statuses, status_settings

if TYPE_CHECKING:
    from bot.extraction.llm import LLMConfig
    from bot.status import StatusSettings

log = logging.getLogger("claimbot")

EXTENSIONS: tuple[str, ...] = ("cogs.server", "cogs.claims", "cogs.review", "cogs.evidence")
MESSAGE_CACHE_SIZE = 50_000
SHUTDOWN_FLUSH_SECONDS = 5.0
# A failed command sync is tried again after each of these delays in turn.
SYNC_RETRY_SECONDS: tuple[float, ...] = (30.0, 120.0, 600.0, 1800.0)

GENERIC_FAILURE = "Something went wrong on our side. It has been logged; please try again."


def bot_intents() -> discord.Intents:
    """Only what the features use: guild structure, guild messages and their reactions.

    Message content is needed to read evidence links posted in claim threads.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.guild_reactions = True
    intents.message_content = True
    return intents


def point_at_discord(api_base: str | None, gateway_url: str | None) -> None:
    """Let the bot talk to a Discord-compatible server (a self-hosted one, or the test fake)."""
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


# This bot never joins voice: without this, discord.py warns at every start that PyNaCl
# and davey (voice-only libraries) are missing.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

# Discord's UI names for the permissions discord.py calls differently.
PERMISSION_LABELS = {"manage_guild": "Manage Server", "manage_channels": "Manage Channels"}


def permission_label(name: str) -> str:
    return PERMISSION_LABELS.get(name, name.replace("_", " ").title())


def describe_error(error: BaseException) -> str | None:
    """The short sentence a user sees for an error, or None when it is our bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserFacingError):
        return error.message
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: you can use this again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(permission_label(p) for p in error.missing_permissions)
        return f"You need the {needed} permission for this."
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = ", ".join(permission_label(p) for p in error.missing_permissions)
        return f"I need the {needed} permission here."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works inside a server."
    if isinstance(error, app_commands.TransformerError):
        return f"That value for `{error.type.name.lower()}` is not valid."
    if isinstance(error, app_commands.CheckFailure):
        return "You are not allowed to use this command here."
    if isinstance(error, discord.Forbidden):
        return "Discord refused: I am missing a permission in that channel."
    return None


class ClaimTree(app_commands.CommandTree["ClaimBot"]):
    """Every app-command error ends here: a short ephemeral reply, the traceback to the log."""

    async def on_error(
        self, interaction: discord.Interaction[ClaimBot], error: app_commands.AppCommandError
    ) -> None:
        message = describe_error(error)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command %s failed", command, exc_info=error)
            message = GENERIC_FAILURE
        await send_ephemeral(interaction, message)


async def send_ephemeral(interaction: discord.Interaction[Any], message: str) -> None:
    """Reply or follow up, whichever is still possible; never raises."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except Exception:
        # Any failure (a refusal, an outage, an answer discord.py cannot parse) ends here,
        # never as an exception of the task discord.py runs the command in.
        log.warning("could not deliver an error message to the user", exc_info=True)


class ClaimBot(commands.Bot):
    """Holds the shared resources every cog uses: settings, database, vote ingest and the
    live review messages."""

    db: Database
    ingest: VoteIngest

    def __init__(self, settings: Settings, **options: Any) -> None:
        point_at_discord(settings.discord_api_base, settings.discord_gateway_url)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            tree_cls=ClaimTree,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            # Votes come from raw reaction events and catch-up fetches messages itself:
            # discord.py's message cache would cost memory, and a linear search of it on
            # every reaction during a burst.
            max_messages=None,
            **options,
        )
        self.settings = settings
        self.started_at = time.monotonic()
        self.review = ReviewMessages(self)
        self.intake = Intake(self)
        # One set of fair shares for every fetcher: submissions and evidence alike.
        self.fetch_slots = FetchSlots()
        self.fetcher = SafeFetcher(slots=self.fetch_slots)
        self.evidence = Evidence(self)
        self.live = LiveMessages(
            self.review.refresh,
            interval=settings.edit_interval_seconds,
            per_second=settings.edits_per_second,
        )
        self._guild_configs: dict[int, GuildConfig | None] = {}
        self._message_claims: dict[int, tuple[int, int]] = {}
        self.events_in_flight = 0
        self._background: set[asyncio.Task[None]] = set()
        # (why, time.time()) of the last command sync when it failed; None once one worked
        self.last_sync_failure: tuple[str, float] | None = None
        self._sync_retry: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        self.db = await Database.open(self.settings.database_path)
        self.ingest = VoteIngest(self.db, self.claims_changed)
        self.ingest.start()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if not await self.sync_commands():
            self._sync_retry = asyncio.create_task(self._retry_sync(), name="sync-commands")

    async def sync_commands(self) -> bool:
        """To one guild when CLAIMBOT_GUILD_ID is set (instant), else globally.

        A failure (429, 5xx, 400, an answer that cannot be parsed) is logged and kept for
        `/claimbot settings`; the bot runs on with the commands Discord already has."""
        try:
            if self.settings.guild_id:
                guild = discord.Object(id=self.settings.guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
            else:
                synced = await self.tree.sync()
        except Exception as exc:
            reason = describe_failure(exc)
            self.last_sync_failure = (reason, time.time())
            log.warning("command sync failed: %s (%r); will retry", reason, exc)
            return False
        self.last_sync_failure = None
        log.info("synced %d application commands", len(synced))
        return True

    async def _retry_sync(self) -> None:
        for delay in SYNC_RETRY_SECONDS:
            await asyncio.sleep(delay)
            if await self.sync_commands():
                return
        log.error("command sync still failing; commands stay as Discord has them until restart")

    # -- shared services ----------------------------------------------------------------

    def in_background(self, work: Coroutine[Any, Any, None], *, name: str) -> None:
        """Run `work` after the current handler returns, counted as an event in flight
        (shutdown and tests wait for it) and kept referenced until it finishes."""
        self.events_in_flight += 1

        async def run() -> None:
            try:
                await work
            except Exception:
                log.exception("background work %s failed", name)
            finally:
                self.events_in_flight -= 1

        task = asyncio.create_task(run(), name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @contextlib.contextmanager
    def handling_event(self) -> Iterator[None]:
        """Counts gateway event handlers still running, so shutdown and tests can wait."""
        self.events_in_flight += 1
        try:
            yield
        finally:
            self.events_in_flight -= 1

    def llm_config(self) -> LLMConfig | None:
        """The optional LLM extraction backend, when CLAIMBOT_LLM_BASE_URL is set."""
        settings = self.settings
        if not settings.llm_base_url or not settings.llm_model:
            return None
        from bot.extraction.llm import LLMConfig

        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return LLMConfig(base_url=settings.llm_base_url, model=settings.llm_model, api_key=key)

    async def guild_config(self, guild_id: int) -> GuildConfig | None:
        """Cached per guild: reactions look it up on every event."""
        if guild_id not in self._guild_configs:
            self._guild_configs[guild_id] = await self.db.get_guild_config(guild_id)
        return self._guild_configs[guild_id]

    async def configured_guild(self, guild_id: int) -> GuildConfig:
        """The guild's setup, or a clear answer to the user that there is none yet."""
        config = await self.guild_config(guild_id)
        if config is None or config.review_channel_id is None:
            raise UserFacingError(NOT_SET_UP)
        return config

    async def save_guild_config(
        self, config: GuildConfig, *, actor_id: int, action: str = "setup"
    ) -> None:
        await self.db.save_guild_config(config, actor_id=actor_id, action=action)
        self._guild_configs[config.guild_id] = config

    def remember_message(self, message_id: int, claim_id: int, guild_id: int) -> None:
        if len(self._message_claims) >= MESSAGE_CACHE_SIZE:
            self._message_claims.clear()
        self._message_claims[message_id] = (claim_id, guild_id)

    def forget_message(self, message_id: int) -> None:
        self._message_claims.pop(message_id, None)

    async def claim_of_message(self, message_id: int) -> tuple[int, int] | None:
        """(claim id, guild id) shown by a message, or None for any other message."""
        known = self._message_claims.get(message_id)
        if known is not None:
            return known
        claim = await self.db.claim_for_message(message_id)
        if claim is None:
            return None
        self.remember_message(message_id, claim.id, claim.guild_id)
        return claim.id, claim.guild_id

    async def claims_changed(self, claim_ids: set[int]) -> None:
        """Votes, evidence or a verdict changed: recompute statuses, then update messages."""
        await refresh_statuses(self.db, sorted(claim_ids), self.guild_status_settings)
        self.live.touch(claim_ids)

    async def guild_status_settings(self, guild_id: int) -> StatusSettings:
        return status_settings(await self.guild_config(guild_id))

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info("logged in as %s (%s) in %d guilds", self.user, self.user.id, len(self.guilds))

    async def close(self) -> None:
        """Drain queued votes, land pending message edits, then disconnect and close the DB."""
        ingest = getattr(self, "ingest", None)
        if ingest is not None:
            await ingest.stop()
        if not self.is_closed():
            try:
                await asyncio.wait_for(self.live.flush(), SHUTDOWN_FLUSH_SECONDS)
            except TimeoutError:
                log.warning("some review messages were not updated before shutdown")
        await self.live.close()
        await self.review.close()
        if self._sync_retry is not None:
            self._sync_retry.cancel()
            await asyncio.gather(self._sync_retry, return_exceptions=True)
        await self.fetcher.aclose()
        await self.evidence.close()
        await super().close()
        db = getattr(self, "db", None)
        if db is not None:
            await db.close()
            log.info("database closed")
