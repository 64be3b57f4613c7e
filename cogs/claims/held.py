"""**Post the rest**: the button under a submission's reply when the cap held claims back
(bot/services/intake.py `post_held` decides who may press and what it posts).

A dynamic item: the custom id carries the document, so a press is handled from the id alone,
also after a restart. A client can send any id, so the service checks the server and the
member again on every press.
"""

from __future__ import annotations

import logging
import re

import discord

from bot.app.client import GENERIC_FAILURE, ClaimBot, send_ephemeral
from bot.app.guards import member_of
from bot.core.errors import UserFacingError
from bot.core.records import SubmissionResult
from bot.core.render import POST_HELD_LABEL, render_submission
from bot.services.submissions import NOT_THIS_SERVERS

log = logging.getLogger("claimbot.held")

BUTTON_ID = r"claimbot:held:(?P<document>[0-9]{1,18})"


def held_view(result: SubmissionResult) -> discord.ui.View | None:
    """The reply's button, when the cap held claims back; None clears an earlier one."""
    if not result.held or result.document_id is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(HeldButton(result.document_id))
    return view


class HeldButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=BUTTON_ID):
    def __init__(self, document_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=POST_HELD_LABEL,
                style=discord.ButtonStyle.primary,
                custom_id=f"claimbot:held:{document_id}",
            )
        )
        self.document_id = document_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: discord.Interaction[ClaimBot],
        item: discord.ui.Button[discord.ui.View],
        match: re.Match[str],
    ) -> HeldButton:
        return cls(int(match["document"]))

    async def callback(self, interaction: discord.Interaction[ClaimBot]) -> None:  # type: ignore[override]
        try:
            await post_held(interaction, self.document_id)
        except UserFacingError as exc:
            await send_ephemeral(interaction, exc.message)
        except Exception:
            log.exception("posting the held claims of document %d failed", self.document_id)
            await send_ephemeral(interaction, GENERIC_FAILURE)


async def post_held(interaction: discord.Interaction[ClaimBot], document_id: int) -> None:
    """Refusals answer privately and leave the reply as it was; a press that posts edits
    the reply itself: its button goes while the claims are posted, then the reply shows
    them, with a new count and button if more remain."""
    if interaction.guild_id is None:
        raise UserFacingError(NOT_THIS_SERVERS)

    async def accepted() -> None:
        await interaction.response.defer()

    async def progress(note: str) -> None:
        await interaction.edit_original_response(content=note, view=None)

    result = await interaction.client.services.intake.post_held(
        member_of(interaction), document_id, accepted=accepted, progress=progress
    )
    await interaction.edit_original_response(
        content=render_submission(result), view=held_view(result)
    )
