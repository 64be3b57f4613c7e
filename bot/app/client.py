"""The discord.py shell: the Bot subclass, its command tree and the one error handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterator
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.app.health import discord_trace
from bot.app.services import Services, build_services
from bot.config import Settings
from bot.core.errors import UserFacingError
from bot.core.fairness import FetchSlots
from bot.services.catch_up import CatchUp
from bot.services.clock import Clock, MonotonicClock, SystemClock
from bot.services.digests import DigestScheduler
from bot.services.evidence import EvidenceService
from bot.services.factcheck_import import FactCheckImporter
from bot.services.factcheck_library import FactCheckLibrary
from bot.services.live_edits import LiveMessages
from bot.services.metrics import Metrics
from bot.services.review_messages import ReviewPoster, describe_failure
from bot.services.suggestions import Suggestions
from bot.services.verdict_notices import VerdictNotices
from bot.services.vote_ingest import VoteIngest
from bot.storage.database import Database
from bot.web.fetcher import SafeFetcher

log = logging.getLogger("claimbot")

# One extension per command group (its one owner) or listener set, so they load in any order.
EXTENSIONS: tuple[str, ...] = (
    "cogs.server",
    "cogs.claims",
    "cogs.review",
    "cogs.evidence",
    "cogs.suggestions",
    "cogs.factchecks",
)
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
        if isinstance(error.__cause__, UserFacingError):  # e.g. no claim with that number
            return error.__cause__.message
        return f"That value for `{error.type.name.lower()}` is not valid."
    if isinstance(error, app_commands.CheckFailure):
        return "You are not allowed to use this command here."
    if isinstance(error, discord.Forbidden):
        return "Discord refused: I am missing a permission in that channel."
    return None


def needs_server(command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu) -> bool:
    """Whether the command, or the group it belongs to, is declared `guild_only`."""
    root = command.root_parent if isinstance(command, app_commands.Command) else None
    return (root or command).guild_only


class ClaimTree(app_commands.CommandTree["ClaimBot"]):
    """Every app-command error ends here: a short ephemeral reply, the traceback to the log."""

    async def interaction_check(self, interaction: discord.Interaction[ClaimBot]) -> bool:
        """`guild_only` hides a command outside servers on Discord's side only (discord.py
        does not check it): one sent from a DM anyway gets the short refusal, so no command
        runs without a server."""
        command = interaction.command
        if (
            interaction.guild_id is None
            and interaction.type is discord.InteractionType.application_command
            and command is not None
            and needs_server(command)
        ):
            raise app_commands.NoPrivateMessage()
        return True

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
    """The discord.py client: the command tree, the services it builds at start
    (bot/app/services.py) and the order in which it stops them."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        pace_clock: Clock | None = None,
        **options: Any,
    ) -> None:
        """`clock` is wall time (verdict notices, digests, skips, stale claims), `pace_clock`
        a time that never jumps (edit rate, submission and thread-link rates, alerts, retries,
        uptime).
        Tests pass their own, so nothing waits for real time; a ManualClock as `pace_clock`
        holds every spaced edit and status refresh until the test moves it (a VirtualClock
        lets them run and is moved by hand too)."""
        point_at_discord(settings.discord_api_base, settings.discord_gateway_url)
        # The shards this process runs (shard 0 of 1 unsharded): the services do the
        # background work of their servers only.
        self.shard_scope = settings.shards
        # This process's metrics (bot/services/metrics.py): built before the client, whose
        # HTTP session reports Discord's answers to it; a sharded process names its shards.
        self.metrics = Metrics(shard=self.shard_scope.label if settings.sharded else None)
        if settings.sharded:  # discord.py's AutoShardedClient (ShardedClaimBot) reads these
            options.update(shard_count=self.shard_scope.count, shard_ids=list(self.shard_scope.ids))
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
            http_trace=discord_trace(self.metrics),
            **options,
        )
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.pace_clock: Clock = pace_clock or MonotonicClock()
        self.started_at = self.pace_clock.now()
        self._services: Services | None = None
        # Closes, newest first: the services, then the connection to Discord, then the
        # database (see setup_hook).
        self._exit_stack = contextlib.AsyncExitStack()
        self._handling_events = 0
        # (why, when on `clock`) of the last command sync when it failed; None once one worked
        self.last_sync_failure: tuple[str, float] | None = None
        self._sync_retry: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        """Open the database, build the services on it, load the cogs, sync the commands."""
        stack = self._exit_stack
        db = await Database.open(self.settings.database_location)
        stack.push_async_callback(self._close_database, db)
        stack.push_async_callback(self._disconnect)
        self._services = await build_services(
            self.settings,
            db,
            stack,
            client=self,
            clock=self.clock,
            pace_clock=self.pace_clock,
            metrics=self.metrics,
        )
        stack.push_async_callback(self._stop_sync_retry)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if not await self.sync_commands():
            self._sync_retry = asyncio.create_task(self._retry_sync(), name="sync-commands")

    @property
    def services(self) -> Services:
        """Every service, once `setup_hook` has built them; cogs call these."""
        if self._services is None:
            raise RuntimeError("the services are built in setup_hook")
        return self._services

    # Shortcuts to the services that tests and benchmarks reach into.

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def review(self) -> ReviewPoster:
        return self.services.review

    @property
    def live(self) -> LiveMessages:
        return self.services.live

    @property
    def evidence(self) -> EvidenceService:
        return self.services.evidence

    @property
    def ingest(self) -> VoteIngest:
        return self.services.ingest

    @property
    def catch_up(self) -> CatchUp:
        return self.services.catch_up

    @property
    def notices(self) -> VerdictNotices:
        return self.services.notices

    @property
    def digests(self) -> DigestScheduler:
        return self.services.digests

    @property
    def library(self) -> FactCheckLibrary:
        return self.services.library

    @property
    def fact_check_import(self) -> FactCheckImporter:
        return self.services.fact_check_import

    @property
    def suggestions(self) -> Suggestions:
        return self.services.suggestions

    @property
    def fetch_slots(self) -> FetchSlots:
        return self.services.fetch_slots

    @property
    def fetcher(self) -> SafeFetcher:
        """The fetcher of submitted articles (tests point it at a local host)."""
        return self.services.intake.fetcher

    @fetcher.setter
    def fetcher(self, fetcher: SafeFetcher) -> None:
        self.services.intake.fetcher = fetcher

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
            self.last_sync_failure = (reason, self.clock.now())
            log.warning("command sync failed: %s (%r); will retry", reason, exc)
            return False
        self.last_sync_failure = None
        log.info("synced %d application commands", len(synced))
        return True

    async def _retry_sync(self) -> None:
        for delay in SYNC_RETRY_SECONDS:
            await self.pace_clock.sleep(delay)
            if await self.sync_commands():
                return
        log.error("command sync still failing; commands stay as Discord has them until restart")

    async def _stop_sync_retry(self) -> None:
        if self._sync_retry is not None:
            self._sync_retry.cancel()
            await asyncio.gather(self._sync_retry, return_exceptions=True)

    # -- work in flight -----------------------------------------------------------------

    def in_background(self, work: Coroutine[Any, Any, None], *, name: str) -> None:
        """Run `work` after the current handler returns, counted as an event in flight
        (shutdown and tests wait for it) and kept referenced until it finishes."""
        self.services.background.start(work, name=name)

    @contextlib.contextmanager
    def handling_event(self) -> Iterator[None]:
        """Counts gateway event handlers still running, so shutdown and tests can wait."""
        self._handling_events += 1
        try:
            yield
        finally:
            self._handling_events -= 1

    @property
    def events_in_flight(self) -> int:
        """Event handlers still running plus the work they left in the background."""
        background = len(self._services.background) if self._services is not None else 0
        return self._handling_events + background

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """Counts every gateway event by type on its way through: discord.py announces each
        one as `socket_event_type`, and counting it here costs a dict lookup, where a
        listener would cost a task per event."""
        if event_name == "socket_event_type":
            self.metrics.gateway_event(args[0])
        super().dispatch(event_name, *args, **kwargs)

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info("logged in as %s (%s) in %d guilds", self.user, self.user.id, len(self.guilds))

    @property
    def sharded(self) -> bool:
        """Whether discord.py runs this bot's shards (AutoShardedClient); then a fresh session
        is announced per shard (`on_shard_ready`), and `on_ready` only once all are ready."""
        return False

    # -- shutdown -----------------------------------------------------------------------

    async def close(self) -> None:
        """Drain queued votes and land pending message edits while still connected; then
        the exit stack stops the services (newest first), disconnects, and closes the
        database last."""
        services = self._services
        if services is not None:
            await services.ingest.stop()
            if not self.is_closed():
                try:
                    await asyncio.wait_for(services.live.flush(), SHUTDOWN_FLUSH_SECONDS)
                except TimeoutError:
                    log.warning("some review messages were not updated before shutdown")
        await self._exit_stack.aclose()
        # The whole close when setup never ran; otherwise the stack has disconnected already
        # and discord.py makes this a no-op.
        await super().close()

    async def _disconnect(self) -> None:
        await super().close()

    @staticmethod
    async def _close_database(db: Database) -> None:
        await db.close()
        log.info("database closed")


class ShardedClaimBot(ClaimBot, commands.AutoShardedBot):
    """ClaimBot on discord.py's AutoShardedClient: the shards of CLAIMBOT_SHARD_IDS (all of
    CLAIMBOT_SHARD_COUNT when unset) in one process, each its own gateway session."""

    @property
    def sharded(self) -> bool:
        return True


def make_bot(settings: Settings, **options: Any) -> ClaimBot:
    """The client `settings` ask for: sharded when CLAIMBOT_SHARD_COUNT is set, else the plain
    one as before (one session, every server)."""
    bot_class = ShardedClaimBot if settings.sharded else ClaimBot
    return bot_class(settings, **options)
