"""`/claim next`: the claim a reviewer should review now, privately, with Skip and Next
(bot/services/review_queue.py decides which).

Its buttons are dynamic items: the custom id carries the action, the server, the claim's
number and the member who asked, so a press is handled from the id alone, also after a
restart, and only the asker's presses count.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import GENERIC_FAILURE, ClaimBot, send_ephemeral
from bot.app.guards import member_of
from bot.core.errors import UserFacingError
from bot.core.render_queue import NOT_YOUR_BUTTONS
from bot.services.review_queue import QueuePage

log = logging.getLogger("claimbot.queue")

BUTTON_ID = (
    r"claimbot:queue:(?P<action>skip|next):(?P<guild>[0-9]{1,20}):(?P<number>[0-9]{1,10})"
    r":(?P<owner>[0-9]{1,20})"
)
BUTTONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "skip": ("Skip", discord.ButtonStyle.secondary),
    "next": ("Next", discord.ButtonStyle.primary),
}


def reply(page: QueuePage, guild_id: int, owner_id: int) -> dict[str, Any]:
    """The whole private message: an empty queue has no embed and no buttons."""
    embed = discord.Embed.from_dict(page.embed) if page.embed is not None else None
    view = None
    if page.number is not None:
        view = discord.ui.View(timeout=None)
        for action in BUTTONS:
            view.add_item(QueueButton(action, guild_id, page.number, owner_id))
    return {"content": page.content, "embed": embed, "view": view}


class QueueCommands(commands.Cog):
    """The queue part of the `/claim` group (put together in cogs/claims/__init__.py)."""

    bot: ClaimBot

    @app_commands.command(
        name="next",
        description="Reviewers: the claim to review now (privately, with Skip and Next)",
    )
    async def next_claim(self, interaction: discord.Interaction[ClaimBot]) -> None:
        reviewer = member_of(interaction)
        page = await self.bot.services.queue.first(reviewer)
        shown = reply(page, reviewer.guild_id, reviewer.id)
        await interaction.response.send_message(
            **{key: value for key, value in shown.items() if value is not None}, ephemeral=True
        )


class QueueButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=BUTTON_ID):
    """Skip or Next under a `/claim next` reply, for the member who asked only."""

    def __init__(self, action: str, guild_id: int, number: int, owner_id: int) -> None:
        label, style = BUTTONS[action]
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=f"claimbot:queue:{action}:{guild_id}:{number}:{owner_id}",
            )
        )
        self.action = action
        self.guild_id = guild_id
        self.number = number
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: discord.Interaction[ClaimBot],
        item: discord.ui.Button[discord.ui.View],
        match: re.Match[str],
    ) -> QueueButton:
        return cls(match["action"], int(match["guild"]), int(match["number"]), int(match["owner"]))

    async def interaction_check(self, interaction: discord.Interaction[ClaimBot]) -> bool:  # type: ignore[override]
        if interaction.user.id == self.owner_id and interaction.guild_id == self.guild_id:
            return True
        await send_ephemeral(interaction, NOT_YOUR_BUTTONS)
        return False

    async def callback(self, interaction: discord.Interaction[ClaimBot]) -> None:  # type: ignore[override]
        """Skip hides the shown claim from the asker for a day; both then show the claim
        after it in the queue as it is now (a claim voted on meanwhile is gone)."""
        try:
            page = await interaction.client.services.queue.move(
                member_of(interaction), shown=self.number, skip=self.action == "skip"
            )
            await interaction.response.edit_message(
                **reply(page, self.guild_id, interaction.user.id)
            )
        except UserFacingError as exc:
            await send_ephemeral(interaction, exc.message)
        except Exception:
            log.exception("the %s button of /claim next failed", self.action)
            await send_ephemeral(interaction, GENERIC_FAILURE)
