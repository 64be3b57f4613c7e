"""Autocomplete for the `claim` option shared by every claim command."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

from bot.core.search import claim_id_prefix, search_terms
from bot.core.text import clip
from bot.core.vocabulary import STATUS_LABELS

if TYPE_CHECKING:
    import discord

    from bot.app.client import ClaimBot

MAX_CHOICES = 25  # Discord's limit
CHOICE_NAME_LIMIT = 100


async def claim_choices(
    interaction: discord.Interaction[ClaimBot], current: str
) -> list[app_commands.Choice[int]]:
    """By the server's claim number (`12`, `#12`) or words of the text; newest open
    claims when empty. The value is the number: commands look it up in their server."""
    if interaction.guild_id is None:
        return []
    number = claim_id_prefix(current)
    terms = [] if number is not None else search_terms(current)
    if current.strip() and number is None and not terms:
        return []
    rows = await interaction.client.db.autocomplete_claims(
        interaction.guild_id, number=number, terms=terms, limit=MAX_CHOICES
    )
    return [
        app_commands.Choice(
            name=clip(f"#{n} · {STATUS_LABELS.get(status, status)} · {text}", CHOICE_NAME_LIMIT),
            value=n,
        )
        for n, text, status in rows
    ]
