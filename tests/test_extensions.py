"""Each command group has one owner, so the extensions load in any order and give the same
command tree (`/claim next` used to join `/claim` from another extension, which then had to
load second)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app.client import EXTENSIONS, ClaimBot
from bot.config import Settings
from tests.support.world import TOKEN


async def tree_after_loading(order: Sequence[str]) -> list[dict[str, Any]]:
    """The commands the bot would sync, as Discord receives them, after loading `order`."""
    bot = ClaimBot(Settings(_env_file=None, DISCORD_TOKEN=TOKEN))  # type: ignore[call-arg]
    try:
        for extension in order:
            await bot.load_extension(extension)
        commands = [command.to_dict(bot.tree) for command in bot.tree.get_commands()]
    finally:
        await bot.close()
    return sorted(commands, key=lambda command: json.dumps(command, sort_keys=True))


def subcommands(tree: list[dict[str, Any]], group: str) -> list[str]:
    (found,) = [command for command in tree if command["name"] == group]
    return sorted(option["name"] for option in found["options"])


async def test_every_group_has_all_its_commands() -> None:
    tree = await tree_after_loading(EXTENSIONS)
    assert subcommands(tree, "claim") == [
        "add",
        "export",
        "list",
        "next",
        "publish",
        "reopen",
        "resolve",
        "search",
        "similar",
        "stats",
        "status",
        "submit",
    ]
    assert subcommands(tree, "claimbot") == [
        "digest",
        "ping",
        "publish",
        "settings",
        "setup",
        "thresholds",
    ]
    assert sorted(command["name"] for command in tree) == [
        "Extract claims",
        "claim",
        "claimbot",
        "evidence",
        "factchecks",
    ]


@settings(max_examples=12, deadline=None)
@given(st.permutations(EXTENSIONS))
async def test_the_extensions_load_in_any_order_to_the_same_tree(order: list[str]) -> None:
    assert await tree_after_loading(order) == await tree_after_loading(EXTENSIONS)


async def test_reversed_order_gives_the_same_tree() -> None:
    assert await tree_after_loading(EXTENSIONS[::-1]) == await tree_after_loading(EXTENSIONS)
