"""The discord.py shell: the Bot subclass, its command tree and the one error handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine, Iterator
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.core.errors import UserFacingError
from bot.core.fairness import FetchSlots
from bot.services.background import BackgroundTasks
from bot.services.catch_up import CatchUp
from bot.services.clock import Clock, SystemClock
from bot.services.digests import Digests, channel_sender
from bot.services.evidence import Evidence
from bot.services.factcheck_import import FactCheckImporter
from bot.services.factcheck_library import FactCheckLibrary
from bot.services.guild_configs import GuildConfigs
from bot.services.live_edits import LiveMessages, Pace
from bot.services.llm_extraction import llm_config
from bot.services.review_messages import ReviewMessages, describe_failure
from bot.services.status_refresh import refresh_statuses
from bot.services.submissions import Submissions
from bot.services.suggestions import Suggestions
from bot.services.verdict_notices import VerdictNotices
from bot.services.vote_ingest import VoteIngest
from bot.storage.database import Database
from bot.web.fetcher import SafeFetcher

log = logging.getLogger("claimbot")

EXTENSIONS: tuple[str, ...] = (
    "cogs.server",
    "cogs.claims",
    "cogs.queue",  # joins the /claim group of cogs.claims
    "cogs.review",
    "cogs.evidence",
    "cogs.digest",
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
    """Holds the shared resources every cog uses: settings, database, vote ingest and the
    live review messages."""

    db: Database
    configs: GuildConfigs
    review: ReviewMessages
    live: LiveMessages
    submissions: Submissions
    evidence: Evidence
    ingest: VoteIngest
    catch_up: CatchUp
    notices: VerdictNotices
    digests: Digests
    library: FactCheckLibrary
    fact_check_import: FactCheckImporter
    suggestions: Suggestions

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        pace_clock: Clock | None = None,
        **options: Any,
    ) -> None:
        """`clock` times verdict notices and digests, `pace_clock` the edit rate (tests pass
        their own, so nothing waits for real time)."""
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
        self.clock: Clock = clock or SystemClock()
        self._pace_clock = pace_clock
        self.started_at = time.monotonic()
        # One set of fair shares for every fetcher: submissions and evidence alike.
        self.fetch_slots = FetchSlots()
        self.fetcher = SafeFetcher(slots=self.fetch_slots)
        self._handling_events = 0
        self._background = BackgroundTasks(log)
        # (why, time.time()) of the last command sync when it failed; None once one worked
        self.last_sync_failure: tuple[str, float] | None = None
        self._sync_retry: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        """Open the database, then build each service from what it uses."""
        settings = self.settings
        self.db = await Database.open(settings.database_path)
        self.configs = GuildConfigs(self.db)
        self.review = ReviewMessages(self, self.db, self.configs)
        self.pace = Pace(settings.edits_per_second, clock=self._pace_clock)
        self.live = LiveMessages(
            self.review.refresh, interval=settings.edit_interval_seconds, pace=self.pace
        )
        self.notices = VerdictNotices(
            self,
            self.db,
            self.configs,
            self.review,
            self.pace,
            clock=self.clock,
            window=settings.notice_window_seconds,
        )
        self.notices.start()
        self.submissions = Submissions(
            self.db,
            self.review,
            max_claims=settings.max_claims_per_submission,
            llm=llm_config(settings),
        )
        self.evidence = Evidence(self.db, self.claims_changed, slots=self.fetch_slots)
        self.library = FactCheckLibrary(self.db)
        self.in_background(self._load_library(), name="factcheck-library")
        self.suggestions = Suggestions(
            self.db,
            self.library,
            self.evidence,
            self.review,
            self,
            lambda work, name: self.in_background(work, name=name),
        )
        self.review.on_thread = self.suggestions.claim_posted
        self.submissions.probably_same = self.suggestions.probably_same
        self.ingest = VoteIngest(self.db, self.claims_changed)
        self.ingest.start()
        # Each import rebuilds the scope it went into.
        self.fact_check_import = FactCheckImporter(
            self.db, self.library.rebuild, slots=self.fetch_slots
        )
        self.catch_up = CatchUp(
            self, self.db, self.configs, self.review, self.ingest, self.live.touch
        )
        self.digests = Digests(
            self.db,
            self.configs,
            channel_sender(self),
            self.review.report_guild_refusal,
            clock=self.clock,
        )
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.digests.start()
        if not await self.sync_commands():
            self._sync_retry = asyncio.create_task(self._retry_sync(), name="sync-commands")

    async def _load_library(self) -> None:
        """The fact-check library, in the background: its saved index loads in a fraction of a
        second, but a scope changed while the bot was down is re-indexed first (a minute per
        100,000 reviews), and start-up must not wait for that."""
        await self.library.load()

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
        self._background.start(work, name=name)

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
        return self._handling_events + len(self._background)

    async def claims_changed(self, claim_ids: set[int]) -> None:
        """Votes, evidence or a verdict changed: recompute statuses, then update messages."""
        await refresh_statuses(
            self.db,
            sorted(claim_ids),
            self.configs.status_settings,
            notices_due=self.notices.due_time(),
        )
        self.live.touch(claim_ids)

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info("logged in as %s (%s) in %d guilds", self.user, self.user.id, len(self.guilds))

    async def close(self) -> None:
        """Drain queued votes, land pending message edits, then disconnect and close the DB."""
        ingest = getattr(self, "ingest", None)
        if ingest is not None:
            await ingest.stop()
        live = getattr(self, "live", None)
        if live is not None and not self.is_closed():
            try:
                await asyncio.wait_for(live.flush(), SHUTDOWN_FLUSH_SECONDS)
            except TimeoutError:
                log.warning("some review messages were not updated before shutdown")
        services = ("notices", "catch_up", "live", "review", "evidence", "digests")
        for service in (*services, "fact_check_import"):
            if hasattr(self, service):
                await getattr(self, service).close()
        await self._background.close()
        if self._sync_retry is not None:
            self._sync_retry.cancel()
            await asyncio.gather(self._sync_retry, return_exceptions=True)
        await self.fetcher.aclose()
        await super().close()
        db = getattr(self, "db", None)
        if db is not None:
            await db.close()
            log.info("database closed")
