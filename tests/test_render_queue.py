"""The replies of `/claim next` (bot/core/render_queue.py)."""

from __future__ import annotations

import dataclasses

from bot.core.records import EvidenceRecord
from bot.core.render_queue import (
    queue_embed,
    queue_reason,
    render_queue_claim,
    render_queue_empty,
    reviewers_only_queue,
)
from bot.core.votes import VoteEmoji
from tests.test_render import embed_size, evidence, make_claim


def test_the_reason_says_how_far_the_claim_is_from_a_verdict() -> None:
    assert queue_reason(2, 3) == "1 vote short of a verdict (2 of 3)"
    assert queue_reason(0, 5) == "5 votes short of a verdict (0 of 5)"
    assert queue_reason(4, 3) == "4 votes, enough for a verdict (3); more votes firm it up"
    claim = make_claim(number=7)
    assert render_queue_claim(claim, votes=1, quorum=3) == (
        "Next for you: claim #7, 2 votes short of a verdict (1 of 3)."
    )


def test_the_embed_links_the_review_message_and_the_thread() -> None:
    embed = queue_embed(
        make_claim(thread_id=99),
        counts={"supported": 1},
        evidence=[],
        emoji_by_vote=VoteEmoji().by_vote,
    )
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert embed["title"] == "Claim #12 · Likely true"
    assert embed["description"] == "The city spent 4.2 million euros on road repairs in 2025."
    assert fields["Speaker"] == "City auditor"
    assert fields["Review message"] == "[Jump to it](https://discord.com/channels/1/5/6)"
    assert fields["Thread"] == "[Discuss it](https://discord.com/channels/1/99)"
    assert embed["footer"]["text"] == (
        "Your queue: closest to a verdict first, then oldest · vote on the review message"
        " · Skip hides a claim from you for 24 h"
    )
    unthreaded = queue_embed(
        make_claim(), counts={}, evidence=[], emoji_by_vote=VoteEmoji().by_vote
    )
    assert "Thread" not in [f["name"] for f in unthreaded["fields"]]


def test_the_longest_claim_still_fits_in_an_embed() -> None:
    sources: list[EvidenceRecord] = [
        dataclasses.replace(item, title="t" * 300) for item in evidence(9)
    ]
    embed = queue_embed(
        make_claim(
            text="[x](https://evil.example) " * 400,
            speaker="a" * 300,
            explanation="e" * 200,
            origin_title="s" * 300,
            thread_id=99,
        ),
        counts={},
        evidence=sources,
        emoji_by_vote=VoteEmoji().by_vote,
    )
    assert embed_size(embed) <= 6000


def test_the_empty_queue_gives_the_teams_open_count() -> None:
    assert render_queue_empty(0) == "Nothing to review: this server has no open claims."
    assert render_queue_empty(1).endswith(" The team has 1 open claim.")
    assert render_queue_empty(12) == (
        "Nothing left for you to review: you have voted on, submitted or skipped (for 24 h)"
        " every open claim. The team has 12 open claims."
    )


def test_the_refusal_names_the_reviewer_role() -> None:
    assert reviewers_only_queue(42) == (
        "Only reviewers can use `/claim next`: members with the <@&42> role, and moderators."
    )
