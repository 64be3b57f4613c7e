"""`/claim next`: the claim a reviewer should review now, privately, with Skip and Next.

The command joins the `/claim` group of cogs/claims.py (loaded before this cog). Its
buttons are dynamic items: the custom id carries the action, the server, the claim's
number and the member who asked, so a press is handled from the id alone, also after a
restart, and only the asker's presses count.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import GENERIC_FAILURE, ClaimBot, send_ephemeral
from bot.app.guards import may_review_here, server_of
from bot.core.errors import UserFacingError
from bot.core.queue import SKIP_SECONDS, QueueEntry, next_in_queue
from bot.core.render_queue import (
    NOT_YOUR_BUTTONS,
    queue_embed,
    render_queue_claim,
    render_queue_empty,
    reviewers_only_queue,
)
from bot.services.review_messages import vote_emoji

log = logging.getLogger("claimbot.queue")

COG_NAME = "ReviewQueueCog"
BUTTON_ID = (
    r"claimbot:queue:(?P<action>skip|next):(?P<guild>[0-9]{1,20}):(?P<number>[0-9]{1,10})"
    r":(?P<owner>[0-9]{1,20})"
)
BUTTONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "skip": ("Skip", discord.ButtonStyle.secondary),
    "next": ("Next", discord.ButtonStyle.primary),
}


@dataclass(frozen=True, slots=True)
class QueuePage:
    """One state of the private reply: a claim with its buttons, or the empty queue."""

    content: str
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"content": self.content}
        if self.embed is not None:
            kwargs["embed"] = self.embed
        if self.view is not None:
            kwargs["view"] = self.view
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """The whole message replaced: an empty queue drops the embed and the buttons."""
        return {"content": self.content, "embed": self.embed, "view": self.view}


class ReviewQueueCog(commands.Cog, name=COG_NAME):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        # When skips start and end; tests move it instead of sleeping.
        self.clock: Callable[[], float] = time.time
        self._group: app_commands.Group | None = None

    async def cog_load(self) -> None:
        group = self.bot.tree.get_command("claim")
        if not isinstance(group, app_commands.Group):
            raise RuntimeError("cogs.queue joins the /claim group: load cogs.claims first")
        command = app_commands.Command(
            name="next",
            description="Reviewers: the claim to review now (privately, with Skip and Next)",
            callback=ReviewQueueCog.next_claim,
            parent=group,
        )
        command.binding = self
        group.add_command(command)
        self._group = group
        self.bot.add_dynamic_items(QueueButton)

    async def cog_unload(self) -> None:
        """Also at shutdown, when cogs.claims (and its group) may be gone already."""
        if self._group is not None:
            self._group.remove_command("next")
        self.bot.remove_dynamic_items(QueueButton)

    async def next_claim(self, interaction: discord.Interaction[ClaimBot]) -> None:
        guild_id = server_of(interaction)
        await self.require_reviewer(interaction)
        page = await self.page(guild_id, interaction.user.id, after=None)
        await interaction.response.send_message(**page.send_kwargs(), ephemeral=True)

    async def require_reviewer(self, interaction: discord.Interaction[ClaimBot]) -> None:
        """Members who may vote (`may_review`): the queue offers nothing they cannot do."""
        config = await self.bot.configs.configured(server_of(interaction))
        if await may_review_here(interaction):
            return
        raise UserFacingError(reviewers_only_queue(config.reviewer_role_id))

    async def page(self, guild_id: int, reviewer_id: int, *, after: QueueEntry | None) -> QueuePage:
        """The claim after `after` in the reviewer's queue (wrapping), freshly computed."""
        db = self.bot.db
        quorum = (await self.bot.configs.status_settings(guild_id)).min_reviewers
        found = await db.queue_candidates(
            guild_id, reviewer_id, quorum=quorum, now=self.clock(), after=after
        )
        chosen = next_in_queue(found, quorum, after=after)
        claim = await db.get_claim(guild_id, chosen.claim_id) if chosen else None
        if chosen is None or claim is None:
            return QueuePage(render_queue_empty(await db.open_claim_count(guild_id)))
        counts = await db.vote_counts(claim.id)
        embed = queue_embed(
            claim,
            counts=counts,
            evidence=await db.evidence_for(claim.id),
            emoji_by_verdict=vote_emoji(await self.bot.configs.get(guild_id)).by_verdict,
        )
        view = discord.ui.View(timeout=None)
        for action in BUTTONS:
            view.add_item(QueueButton(action, guild_id, claim.number, reviewer_id))
        return QueuePage(
            render_queue_claim(claim, votes=chosen.votes, quorum=quorum),
            discord.Embed.from_dict(embed),
            view,
        )

    async def press(self, interaction: discord.Interaction[ClaimBot], button: QueueButton) -> None:
        """Skip hides the shown claim from the asker for SKIP_SECONDS; both then show the
        claim after it in the queue as it is now (a claim voted on meanwhile is gone)."""
        try:
            await self.require_reviewer(interaction)
            db = self.bot.db
            shown = await db.queue_entry(button.guild_id, button.number)
            if button.action == "skip" and shown is not None:
                now = self.clock()
                await db.skip_claim(
                    button.guild_id,
                    interaction.user.id,
                    shown.claim_id,
                    until=now + SKIP_SECONDS,
                    now=now,
                )
            page = await self.page(button.guild_id, interaction.user.id, after=shown)
            await interaction.response.edit_message(**page.edit_kwargs())
        except UserFacingError as exc:
            await send_ephemeral(interaction, exc.message)
        except Exception:
            log.exception("the %s button of /claim next failed", button.action)
            await send_ephemeral(interaction, GENERIC_FAILURE)


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
        cog = interaction.client.get_cog(COG_NAME)
        if not isinstance(cog, ReviewQueueCog):
            await send_ephemeral(interaction, GENERIC_FAILURE)
            return
        await cog.press(interaction, self)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(ReviewQueueCog(bot))
