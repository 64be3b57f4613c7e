"""What every claim command checks before it acts: the claim a member named, and whether
they may act on it. Commands run only inside a server (ClaimTree.interaction_check)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

import discord
from discord import app_commands

from bot.core.access import Member, is_moderator
from bot.core.errors import UserFacingError
from bot.core.records import ClaimRecord
from bot.services.denials import deny

if TYPE_CHECKING:
    from bot.app.client import ClaimBot


def server_of(interaction: discord.Interaction[ClaimBot]) -> int:
    """The interaction's server; the tree has refused commands from outside one."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def role_ids(interaction: discord.Interaction[ClaimBot]) -> list[int]:
    return [role.id for role in getattr(interaction.user, "roles", [])]


def member_of(interaction: discord.Interaction[ClaimBot]) -> Member:
    """The member behind an interaction, as the access rules and the services see them."""
    return Member(
        guild_id=server_of(interaction),
        id=interaction.user.id,
        role_ids=tuple(role_ids(interaction)),
        manage_guild=interaction.permissions.manage_guild,
    )


async def claim_in_server(interaction: discord.Interaction[ClaimBot], number: int) -> ClaimRecord:
    """The claim a member named by its number, looked up in their server only."""
    claim = await interaction.client.services.db.claim_by_number(server_of(interaction), number)
    if claim is None:
        raise UserFacingError(f"There is no claim #{number} in this server.")
    return claim


class ClaimNumber(app_commands.Transformer):
    """The `claim` option: typed (or picked) as the server's claim number, handed to the
    command as the claim. A number with no claim in this server ends the command with
    "There is no claim #N in this server." (describe_error unwraps it)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    async def transform(  # type: ignore[override]
        self, interaction: discord.Interaction[ClaimBot], value: Any
    ) -> ClaimRecord:
        return await claim_in_server(interaction, int(value))


# The annotation of every `claim` option.
Claim = app_commands.Transform[ClaimRecord, ClaimNumber]


async def may_review_here(interaction: discord.Interaction[ClaimBot]) -> bool:
    """`may_review` for the member behind an interaction."""
    member = member_of(interaction)
    return member.may_review(await interaction.client.services.configs.get(member.guild_id))


async def is_moderator_here(interaction: discord.Interaction[ClaimBot]) -> bool:
    """Manage Server, or the server's moderator role."""
    config = await interaction.client.services.configs.get(server_of(interaction))
    return is_moderator(
        role_ids(interaction), manage_guild=interaction.permissions.manage_guild, config=config
    )


async def refuse(
    interaction: discord.Interaction[ClaimBot],
    *,
    action: str,
    claim_id: int | None,
    message: str,
    detail: dict[str, Any] | None = None,
) -> NoReturn:
    """Keep the refused attempt in the audit log as `denied_<action>`, then tell the member."""
    await deny(
        interaction.client.services.db,
        guild_id=server_of(interaction),
        actor_id=interaction.user.id,
        action=action,
        claim_id=claim_id,
        message=message,
        detail=detail,
    )


async def require_moderator(
    interaction: discord.Interaction[ClaimBot],
    *,
    action: str,
    claim_id: int | None,
    message: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Return for moderators; otherwise audit `denied_<action>` and refuse."""
    if await is_moderator_here(interaction):
        return
    await refuse(
        interaction,
        action=action,
        claim_id=claim_id,
        message=message
        or f"Only moderators can {action} claims (the moderator role or Manage Server).",
        detail=detail,
    )
