"""Autocomplete for the `claim` option shared by every claim command, and for the
`source` option that names one of a claim's sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

from bot.core.search import claim_id_prefix, search_terms
from bot.core.text import clip
from bot.core.urls import short_url
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
    rows = await interaction.client.services.db.autocomplete_claims(
        interaction.guild_id, number=number, terms=terms, limit=MAX_CHOICES
    )
    return [
        app_commands.Choice(
            name=clip(f"#{n} · {STATUS_LABELS.get(status, status)} · {text}", CHOICE_NAME_LIMIT),
            value=n,
        )
        for n, text, status in rows
    ]


async def source_choices(
    interaction: discord.Interaction[ClaimBot], current: str
) -> list[app_commands.Choice[int]]:
    """The current sources of the claim picked in the same command, looked up in the
    member's server only: typed digits narrow by number, words by link or title. The
    value is the source's number on its claim, never its row id."""
    if interaction.guild_id is None:
        return []
    picked = interaction.namespace.claim
    claim_number = picked if isinstance(picked, int) else claim_id_prefix(str(picked or ""))
    if claim_number is None:
        return []
    claim = await interaction.client.services.db.claim_by_number(interaction.guild_id, claim_number)
    if claim is None:
        return []
    typed = current.strip().lstrip("#").casefold()
    choices = []
    for item in await interaction.client.services.db.evidence_for(claim.id):
        if typed.isdigit():
            if not str(item.number).startswith(typed):
                continue
        elif typed not in f"{item.url} {item.title or ''}".casefold():
            continue
        name = f"{item.number} · {item.stance} · {short_url(item.url)}"
        choices.append(app_commands.Choice(name=clip(name, CHOICE_NAME_LIMIT), value=item.number))
    return choices[-MAX_CHOICES:]  # the newest, when a claim has more than Discord shows
