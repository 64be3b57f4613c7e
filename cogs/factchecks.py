"""`/factchecks`: import ClaimReview feeds into the server's library, search it, its size."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import ClaimBot
from bot.app.guards import require_moderator, server_of
from bot.core.errors import UserFacingError
from bot.core.factcheck_render import (
    render_fact_check_matches,
    render_import_result,
    render_library_stats,
)
from bot.services.factcheck_import import DISCORD_FEED_MAX_BYTES, too_large

SEARCH_RESULTS = 5
ONLY_MODERATORS = "Only moderators can import fact-checks (the moderator role or Manage Server)."


@app_commands.guild_only()
class FactChecksCog(
    commands.GroupCog, group_name="factchecks", group_description="Published fact-checks"
):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="import", description="Import a ClaimReview feed (moderators)")
    @app_commands.describe(
        url="A link to a ClaimReview feed (JSON) or a page with ClaimReview markup",
        file="A ClaimReview feed (.json) or page (.html), up to 25 MB",
    )
    async def import_feed(
        self,
        interaction: discord.Interaction[ClaimBot],
        url: app_commands.Range[str, 1, 2048] | None = None,
        file: discord.Attachment | None = None,
    ) -> None:
        if (url is None) == (file is None):
            raise UserFacingError("Give exactly one of `url` or `file`.")
        guild_id = server_of(interaction)
        await require_moderator(
            interaction, action="factchecks_import", claim_id=None, message=ONLY_MODERATORS
        )
        if file is not None and file.size > DISCORD_FEED_MAX_BYTES:
            raise UserFacingError(too_large(DISCORD_FEED_MAX_BYTES))
        await interaction.response.defer(ephemeral=True, thinking=True)
        upload = (file.filename, await file.read()) if file is not None else None
        result = await self.bot.services.fact_check_import.import_for_server(
            guild_id, interaction.user.id, url=url, upload=upload
        )
        await interaction.edit_original_response(
            content=render_import_result(result, "for this server")
        )

    @app_commands.command(name="search", description="The fact-checks closest to a claim")
    @app_commands.describe(query="The claim, in your words")
    async def search(
        self, interaction: discord.Interaction[ClaimBot], query: app_commands.Range[str, 3, 500]
    ) -> None:
        guild_id = server_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        found, today = await self.bot.services.library.search(guild_id, query, SEARCH_RESULTS)
        reply = render_fact_check_matches(query, [(m.fact_check, m.score) for m in found], today)
        await interaction.edit_original_response(content=reply)

    @app_commands.command(name="stats", description="How many fact-checks, from whom, how recent")
    async def stats(self, interaction: discord.Interaction[ClaimBot]) -> None:
        stats = await self.bot.services.db.library_stats(server_of(interaction))
        await interaction.response.send_message(
            render_library_stats(stats, "in this server's library"), ephemeral=True
        )


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(FactChecksCog(bot))
