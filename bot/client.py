"""The discord.py shell: the Bot subclass, its command tree and the one error handler."""

from __future__ import annotations

import logging
import time
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.errors import UserFacingError
from bot.storage import Database

log = logging.getLogger("claimbot")

EXTENSIONS: tuple[str, ...] = ("cogs.server",)

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


def describe_error(error: BaseException) -> str | None:
    """The short sentence a user sees for an error, or None when it is our bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserFacingError):
        return error.message
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: you can use this again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the {needed} permission for this."
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
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
    except discord.HTTPException:
        log.warning("could not deliver an error message to the user", exc_info=True)


class ClaimBot(commands.Bot):
    """Holds the shared resources every cog uses: settings and the database."""

    db: Database

    def __init__(self, settings: Settings, **options: Any) -> None:
        point_at_discord(settings.discord_api_base, settings.discord_gateway_url)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            tree_cls=ClaimTree,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **options,
        )
        self.settings = settings
        self.started_at = time.monotonic()

    async def setup_hook(self) -> None:
        self.db = await Database.open(self.settings.database_path)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """To one guild when CLAIMBOT_GUILD_ID is set (instant), else globally."""
        if self.settings.guild_id:
            guild = discord.Object(id=self.settings.guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d application commands", len(synced))

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info("logged in as %s (%s) in %d guilds", self.user, self.user.id, len(self.guilds))

    async def close(self) -> None:
        await super().close()
        db = getattr(self, "db", None)
        if db is not None:
            await db.close()
            log.info("database closed")
