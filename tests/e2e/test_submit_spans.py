"""Stored claim spans index the submission as the member gave it, as `extract --json` does.

Before, they indexed the reader's cleaned copy (one character off after a leading space,
more after no-break spaces and CRLF), which is stored nowhere.
"""

from __future__ import annotations

import sqlite3

from bot.app.client import ClaimBot
from tests.fake_discord import FakeFile
from tests.support.world import BotRunner, World, setup_review

SUBMITTED = (
    "  Mais ce n'est pas tout : outre les 40 bus promis, la région a commandé 12\u00a0tramways"
    " en mars 2024.\r\n\r\n\r\n"
    "\tLe maire a dit que 300 familles ont été relogées en 2023.\r\n"
)


def stored_spans(runner: BotRunner, world: World) -> dict[str, tuple[int | None, int | None]]:
    with sqlite3.connect(runner.database) as conn:
        rows = conn.execute(
            "SELECT text, span_start, span_end FROM claims WHERE guild_id = ?", (world.guild_id,)
        ).fetchall()
    return {text: (start, end) for text, start, end in rows}


async def test_stored_spans_index_the_text_as_submitted(
    bot: ClaimBot, world: World, runner: BotRunner
) -> None:
    await setup_review(world)
    rec = await world.slash(world.reviewers[0], "claim submit", {"text": SUBMITTED})
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))

    assert stored_spans(runner, world) == {
        "Outre les 40 bus promis, la région a commandé 12 tramways en mars 2024.": (27, 98),
        "Le maire a dit que 300 familles ont été relogées en 2023.": (105, 162),
    }
    assert SUBMITTED[27:98] == (
        "outre les 40 bus promis, la région a commandé 12\u00a0tramways en mars 2024."
    )
    assert SUBMITTED[105:162] == "Le maire a dit que 300 familles ont été relogées en 2023."


async def test_markdown_claims_store_no_span(
    bot: ClaimBot, world: World, runner: BotRunner
) -> None:
    """The reader rewrote the markup: no offset in the file would be honest."""
    await setup_review(world)
    markdown = "# Budget\n\nLe conseil a voté **48 millions** d'euros en mars 2024.\n"
    rec = await world.slash(
        world.reviewers[1],
        "claim submit",
        attachments={"file": FakeFile("budget.md", markdown.encode(), "text/markdown")},
    )
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))

    assert stored_spans(runner, world) == {
        "Le conseil a voté 48 millions d'euros en mars 2024.": (None, None)
    }
