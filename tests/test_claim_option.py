"""The `claim` option's lookup runs in discord.py's transformer step, which wraps what it
raises: the member still reads the short sentence."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.app.client import describe_error
from bot.app.guards import ClaimNumber
from bot.core.errors import UserFacingError


def transformer_error(cause: Exception | None) -> app_commands.TransformerError:
    error = app_commands.TransformerError(7, discord.AppCommandOptionType.integer, ClaimNumber())
    error.__cause__ = cause
    return error


def test_a_missing_claim_reads_as_the_short_sentence() -> None:
    error = transformer_error(UserFacingError("There is no claim #7 in this server."))
    assert describe_error(error) == "There is no claim #7 in this server."


def test_other_transformer_failures_keep_their_generic_sentence() -> None:
    assert describe_error(transformer_error(ValueError("bad"))) == (
        "That value for `integer` is not valid."
    )
    assert describe_error(transformer_error(None)) == "That value for `integer` is not valid."
