"""`/claim submit`, `/claim add` and the *Extract claims* message command: each reads what
the member gave, makes one call to the intake service (bot/services/intake.py: the rate
limits, reading and posting) and shows how it went."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import ClaimBot
from bot.app.guards import member_of
from bot.config import MAX_CLAIMS_CEILING
from bot.core.claims import MAX_MANUAL_CLAIM_CHARS
from bot.core.records import SubmissionResult
from bot.core.render import render_submission
from bot.services.intake import Accepted, PostedMessage, Upload
from bot.services.submissions import Progress
from cogs.claims.held import held_view


def private_answer(interaction: discord.Interaction[ClaimBot]) -> tuple[Accepted, Progress]:
    """What the intake is given to answer with: acknowledge the submission privately
    ("thinking…"), then edit that answer as the submission goes on."""

    async def accepted() -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)

    async def progress(note: str) -> None:
        await interaction.edit_original_response(content=note)

    return accepted, progress


async def answer_with_result(
    interaction: discord.Interaction[ClaimBot], result: SubmissionResult
) -> None:
    """The private answer's last edit: what was posted, with **Post the rest** under it
    when the cap held claims back."""
    await interaction.edit_original_response(
        content=render_submission(result), view=held_view(result)
    )


class SubmitCommands(commands.Cog):
    """The submitting part of the `/claim` group (put together in cogs/claims/__init__.py)."""

    bot: ClaimBot

    @app_commands.command(
        name="submit", description="Extract the claims of an article and post them for review"
    )
    @app_commands.describe(
        text="The article text (paste it)",
        url="A link to the article",
        file="A .txt, .md or .html file",
        max_claims="Post at most this many claims of this article (default: the server's cap)",
    )
    async def submit(
        self,
        interaction: discord.Interaction[ClaimBot],
        text: app_commands.Range[str, 1, 6000] | None = None,
        url: app_commands.Range[str, 1, 2048] | None = None,
        file: discord.Attachment | None = None,
        max_claims: app_commands.Range[int, 1, MAX_CLAIMS_CEILING] | None = None,
    ) -> None:
        upload = None
        if file is not None:
            upload = Upload(file.filename, file.size, file.content_type, file.read)
        accepted, progress = private_answer(interaction)
        result = await self.bot.services.intake.submit(
            member_of(interaction),
            text=text,
            url=url,
            upload=upload,
            accepted=accepted,
            progress=progress,
            max_claims=max_claims,
        )
        await answer_with_result(interaction, result)

    @app_commands.command(name="add", description="Post one claim for review, as written")
    @app_commands.describe(
        text="The claim, one self-contained statement",
        origin="Where the claim was made: a link to the page",
    )
    async def add(
        self,
        interaction: discord.Interaction[ClaimBot],
        text: app_commands.Range[str, 1, MAX_MANUAL_CLAIM_CHARS],
        origin: app_commands.Range[str, 1, 2048] | None = None,
    ) -> None:
        accepted, answer = private_answer(interaction)
        result = await self.bot.services.intake.add(
            member_of(interaction), text=text, origin=origin, accepted=accepted
        )
        await answer(render_submission(result))

    async def extract_from_message(
        self, interaction: discord.Interaction[ClaimBot], message: discord.Message
    ) -> None:
        """Message command: the message's text, plus the article it links to, if any."""
        posted = PostedMessage(message.content, message.jump_url, message.author.display_name)
        accepted, progress = private_answer(interaction)
        result = await self.bot.services.intake.from_message(
            member_of(interaction), posted, accepted=accepted, progress=progress
        )
        await answer_with_result(interaction, result)
