"""`/claim status`, `/claim list`, `/claim search`, `/claim similar` and `/claim stats`:
what members read about their server's claims (bot/services/claim_queries.py)."""

from __future__ import annotations

import contextlib
import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.autocomplete import claim_choices
from bot.app.client import ClaimBot
from bot.app.guards import Claim, server_of
from bot.core.digest import STALE, STALE_LABEL
from bot.core.render import claim_page_embed, render_search
from bot.core.suggestions import render_similar
from bot.core.vocabulary import STATUS_LABELS, STATUSES
from bot.services.claim_queries import ClaimPage

STATS_CHART_NAME = "claim-stats.png"
LIST_TIMEOUT_SECONDS = 300
STATUS_CHOICES = [app_commands.Choice(name=STATUS_LABELS[s], value=s) for s in STATUSES]
STATUS_CHOICES.append(app_commands.Choice(name=STALE_LABEL, value=STALE))


class QueryCommands(commands.Cog):
    """The reading part of the `/claim` group (put together in cogs/claims/__init__.py)."""

    bot: ClaimBot

    @app_commands.command(name="status", description="A claim's status, votes and sources")
    @app_commands.describe(claim="The claim (type its number or words)")
    @app_commands.autocomplete(claim=claim_choices)
    async def status(self, interaction: discord.Interaction[ClaimBot], claim: Claim) -> None:
        embed = await self.bot.services.claims.status_card(claim)
        await interaction.response.send_message(
            embed=discord.Embed.from_dict(embed), ephemeral=True
        )

    @app_commands.command(name="list", description="Claims of this server, newest first")
    @app_commands.describe(status="Only claims with this status", mine="Only claims you submitted")
    @app_commands.choices(status=STATUS_CHOICES)
    async def list(
        self,
        interaction: discord.Interaction[ClaimBot],
        status: app_commands.Choice[str] | None = None,
        mine: bool = False,
    ) -> None:
        view = ClaimListView(
            self.bot,
            owner_id=interaction.user.id,
            guild_id=server_of(interaction),
            status=status.value if status else None,
            submitter_id=interaction.user.id if mine else None,
        )
        embed = await view.render(0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
        view.message = await interaction.original_response()

    @app_commands.command(name="search", description="Full-text search over this server's claims")
    @app_commands.describe(query="Words to look for")
    async def search(
        self, interaction: discord.Interaction[ClaimBot], query: app_commands.Range[str, 1, 200]
    ) -> None:
        found = await self.bot.services.claims.search(server_of(interaction), query)
        await interaction.response.send_message(render_search(query, found), ephemeral=True)

    @app_commands.command(
        name="similar", description="Fact-checks and claims of this server like a claim"
    )
    @app_commands.describe(claim="The claim (type its number or words)")
    @app_commands.autocomplete(claim=claim_choices)
    async def similar(self, interaction: discord.Interaction[ClaimBot], claim: Claim) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await self.bot.services.suggestions.similar(claim)
        await interaction.edit_original_response(content=render_similar(claim, found))

    @app_commands.command(name="stats", description="How review is going in this server")
    async def stats(self, interaction: discord.Interaction[ClaimBot]) -> None:
        stats = await self.bot.services.claims.stats(server_of(interaction))
        embed = dict(stats.embed)
        if stats.chart is None:
            await interaction.response.send_message(
                embed=discord.Embed.from_dict(embed), ephemeral=True
            )
            return
        embed["image"] = {"url": f"attachment://{STATS_CHART_NAME}"}
        await interaction.response.send_message(
            embed=discord.Embed.from_dict(embed),
            file=discord.File(io.BytesIO(stats.chart), filename=STATS_CHART_NAME),
            ephemeral=True,
        )


class ClaimListView(discord.ui.View):
    """Previous / next buttons for `/claim list`, only for the member who asked."""

    def __init__(
        self,
        bot: ClaimBot,
        *,
        owner_id: int,
        guild_id: int,
        status: str | None,
        submitter_id: int | None,
    ) -> None:
        super().__init__(timeout=LIST_TIMEOUT_SECONDS)
        self.bot = bot
        self.owner_id = owner_id
        self.guild_id = guild_id
        self.status = status
        self.submitter_id = submitter_id
        self.page = 0
        self.pages = 1
        self.message: discord.InteractionMessage | None = None

    async def render(self, page: int) -> discord.Embed:
        found = await self.bot.services.claims.page(
            self.guild_id, status=self.status, submitter_id=self.submitter_id, page=page
        )
        return self._page(found, page)

    def _page(self, found: ClaimPage, page: int) -> discord.Embed:
        self.page = page
        self.pages = found.pages
        self.previous.disabled = page == 0
        self.next.disabled = page >= self.pages - 1
        heading = "Claims"
        if found.label:
            heading += f" · {found.label}"
        if self.submitter_id:
            heading += " · submitted by you"
        embed = claim_page_embed(
            found.claims, page=page + 1, pages=self.pages, total=found.total, heading=heading
        )
        return discord.Embed.from_dict(embed)

    async def interaction_check(self, interaction: discord.Interaction[ClaimBot]) -> bool:  # type: ignore[override]
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "These buttons belong to whoever ran `/claim list`: run it yourself.", ephemeral=True
        )
        return False

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[ClaimBot], button: discord.ui.Button[ClaimListView]
    ) -> None:
        embed = await self.render(max(0, self.page - 1))
        await interaction.response.edit_message(embed=embed, view=self)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(
        self, interaction: discord.Interaction[ClaimBot], button: discord.ui.Button[ClaimListView]
    ) -> None:
        embed = await self.render(min(self.pages - 1, self.page + 1))
        await interaction.response.edit_message(embed=embed, view=self)

    async def on_timeout(self) -> None:
        """Expire cleanly: the buttons turn grey instead of failing when clicked."""
        self.previous.disabled = True
        self.next.disabled = True
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=self)
