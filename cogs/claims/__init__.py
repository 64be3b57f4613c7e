"""`/claim`: one command group with one owner, this extension. Its commands sit by concern
in this package (submitting, reading, moderating, the review queue) as plain classes that
`ClaimsCog` puts together, so no other extension adds to the group and the order in which
extensions load does not matter."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.app.client import ClaimBot
from cogs.claims.held import HeldButton
from cogs.claims.moderating import ModerationCommands
from cogs.claims.publishing import PublishClaimCommands
from cogs.claims.queries import QueryCommands
from cogs.claims.queue import QueueButton, QueueCommands
from cogs.claims.submitting import SubmitCommands


@app_commands.guild_only()
class ClaimsCog(
    SubmitCommands,
    QueryCommands,
    ModerationCommands,
    PublishClaimCommands,
    QueueCommands,
    commands.GroupCog,
    group_name="claim",
    group_description="Claims under review",
):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.extract_menu = app_commands.ContextMenu(
            name="Extract claims", callback=self.extract_from_message
        )
        app_commands.guild_only(self.extract_menu)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.extract_menu)
        self.bot.add_dynamic_items(QueueButton, HeldButton)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.extract_menu.name, type=self.extract_menu.type)
        self.bot.remove_dynamic_items(QueueButton, HeldButton)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(ClaimsCog(bot))
