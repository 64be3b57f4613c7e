"""The Same claim / Not the same buttons under "already checked?" suggestions in claim
threads. Handled by custom id, not by a view in memory, so they work after a restart."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord.ext import commands

from bot.app.client import GENERIC_FAILURE, ClaimBot, send_ephemeral
from bot.app.guards import may_review_here, refuse
from bot.core.errors import UserFacingError
from bot.core.suggestions import CUSTOM_ID_PATTERN, custom_id, render_answer

log = logging.getLogger("claimbot.suggestions")

REVIEWERS_ONLY = "Only reviewers can answer these suggestions."


class SuggestionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CUSTOM_ID_PATTERN):
    def __init__(self, suggestion_id: int, answer: str) -> None:
        super().__init__(discord.ui.Button(custom_id=custom_id(suggestion_id, answer)))
        self.suggestion_id = suggestion_id
        self.answer = answer

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: discord.Interaction[ClaimBot],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> SuggestionButton:
        return cls(int(match["id"]), match["answer"])

    async def callback(self, interaction: discord.Interaction[ClaimBot]) -> None:  # type: ignore[override]
        try:
            await answer_suggestion(interaction, self.suggestion_id, self.answer)
        except UserFacingError as exc:
            await send_ephemeral(interaction, exc.message)
        except Exception:
            log.exception("answering suggestion %d failed", self.suggestion_id)
            await send_ephemeral(interaction, GENERIC_FAILURE)


async def answer_suggestion(
    interaction: discord.Interaction[ClaimBot], suggestion_id: int, answer: str
) -> None:
    bot = interaction.client
    if interaction.guild_id is None:
        raise UserFacingError("That suggestion does not belong to this server.")
    if not await may_review_here(interaction):
        await refuse(
            interaction,
            action="suggestion_answer",
            claim_id=None,
            message=REVIEWERS_ONLY,
            detail={"suggestion": suggestion_id, "answer": answer},
        )
    answered = await bot.services.suggestions.answer(
        interaction.guild_id, suggestion_id, answer, interaction.user.id
    )
    shown = interaction.message.content if interaction.message else ""
    await interaction.response.edit_message(
        content=render_answer(shown, answer, interaction.user.id, answered.stance), view=None
    )


class SuggestionsCog(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(SuggestionButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(SuggestionButton)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(SuggestionsCog(bot))
