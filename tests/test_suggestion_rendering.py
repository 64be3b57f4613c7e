"""The suggestions' wording and rules (bot/core/suggestions.py): exact text, escaping, the
buttons' ids, the stance of an earlier claim, how far apart a review and a claim are."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.records import ClaimRecord, FactCheckRecord, SubmissionResult
from bot.core.render import render_submission
from bot.core.suggestions import (
    NOT_SAME,
    SAME,
    SimilarItem,
    custom_id,
    fact_check_line,
    parse_custom_id,
    render_answer,
    render_claim_suggestion,
    render_fact_check_suggestion,
    render_similar,
    stance_of_claim,
)

SUBMITTED = datetime(2026, 5, 1, 12, tzinfo=UTC).timestamp()

FACT_CHECK = FactCheckRecord(
    id=7,
    scope=0,
    url="https://checks.test/a_b",
    claim_reviewed="Bananas [cure](https://x.test) *everything* <@123>",
    title=None,
    publisher="Fact_Desk",
    published="2021-03-06",
    rating_name="Pants on Fire",
    rating_value=None,
    best_rating=None,
    worst_rating=None,
    claimant=None,
    language="en",
    imported_at=0.0,
    imported_by=None,
)

CLAIM = ClaimRecord(
    id=40,
    guild_id=1,
    number=3,
    text="Bananas cure everything.",
    speaker=None,
    language="en",
    score=None,
    reasons=(),
    submitter_id=9,
    origin_url=None,
    origin_title=None,
    channel_id=2,
    message_id=5,
    thread_id=5,
    status="verified_false",
    confidence=0.9,
    explanation="",
    is_final=True,
    created_at=SUBMITTED,
    updated_at=SUBMITTED,
)


def test_a_fact_check_suggestion_says_who_when_what_and_where() -> None:
    assert render_fact_check_suggestion(FACT_CHECK, 0.876, CLAIM) == (
        "🔎 **Already fact-checked?** (match 88%)\n"
        "**Fact\\_Desk** · rated **Pants on Fire** on 2021-03-06"
        " (checked 5 years before this claim)\n"
        "“Bananas \\[cure\\]\\(https\\://x.test\\) \\*everything\\* \\<@123\\>”\n"
        "<https://checks.test/a_b>\n"
        "Reviewers: is it the same claim?"
    )


def test_a_review_without_a_word_shows_its_number_or_says_so() -> None:
    numeric = replace(FACT_CHECK, rating_name=None, rating_value=2.0, best_rating=5.0)
    assert fact_check_line(numeric) == "**Fact\\_Desk** · rated **2/5** on 2021-03-06"
    bare = replace(FACT_CHECK, rating_name=None, publisher=None, published=None)
    assert fact_check_line(bare, SUBMITTED) == "**Unknown publisher** · rated **no rating** undated"


def test_a_claim_suggestion_links_the_earlier_review_message() -> None:
    assert render_claim_suggestion(CLAIM, 0.5) == (
        "🔎 **Already checked in this server?** (match 50%)\n"
        "Claim [#3](<https://discord.com/channels/1/2/5>) · resolved **Verified false**\n"
        "“Bananas cure everything.”\n"
        "Reviewers: is it the same claim?"
    )
    still_open = replace(CLAIM, is_final=False, status="likely_true", message_id=None)
    assert render_claim_suggestion(still_open, 0.61).splitlines()[1] == (
        "Claim #3 · still open: Likely true"
    )


def test_an_answer_replaces_the_question_with_who_answered() -> None:
    shown = render_claim_suggestion(CLAIM, 0.5)
    head = shown.removesuffix("\nReviewers: is it the same claim?")
    assert render_answer(shown, SAME, 77, "refutes") == (
        f"{head}\n✅ Same claim, said <@77>: recorded as a source that refutes this claim."
    )
    assert render_answer(shown, SAME, 77, "context").endswith(
        "recorded as a source that gives context to this claim."
    )
    assert render_answer(shown, SAME, 77, None) == f"{head}\n✅ Same claim, said <@77>"
    assert render_answer(shown, NOT_SAME, 77, None) == (
        f"{head}\n❌ Not the same, said <@77>: not shown again for this claim."
    )


@pytest.mark.parametrize(
    ("status", "final", "stance"),
    [
        ("verified_true", True, "supports"),
        ("verified_false", True, "refutes"),
        ("misleading", True, "context"),
        ("unverifiable", True, "context"),
        ("disputed", True, "context"),
        ("verified_false", False, "context"),
        ("likely_true", False, "context"),
    ],
)
def test_an_earlier_claim_lends_only_a_final_verdict(status: str, final: bool, stance: str) -> None:
    assert stance_of_claim(replace(CLAIM, status=status, is_final=final)) == stance  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("published", "note"),
    [
        ("2026-04-20", None),
        ("2025-05-01", None),
        ("2025-04-30", "checked over a year before this claim"),
        ("2019-01-01", "checked 7 years before this claim"),
        ("2026-06-01", None),  # a month after the claim: close
        ("not a date", None),
        (None, None),
    ],
)
def test_a_review_a_year_or_more_older_than_the_claim_is_called_out(
    published: str | None, note: str | None
) -> None:
    line = fact_check_line(replace(FACT_CHECK, published=published), SUBMITTED)
    assert line.endswith(f" ({note})") if note else "reviewed" not in line


@given(st.integers(min_value=1, max_value=10**18 - 1), st.sampled_from([SAME, NOT_SAME]))
def test_button_ids_round_trip(suggestion_id: int, answer: str) -> None:
    assert parse_custom_id(custom_id(suggestion_id, answer)) == (suggestion_id, answer)


@pytest.mark.parametrize(
    "value",
    ["claimbot:suggest:1:maybe", "claimbot:suggest::same", "claimbot:suggest:1:same:x", "x"],
)
def test_other_ids_are_not_suggestion_buttons(value: str) -> None:
    assert parse_custom_id(value) is None


def test_claim_similar_lists_scores_best_first_and_says_when_nothing_is_similar() -> None:
    assert render_similar(
        CLAIM, [SimilarItem(0.91, fact_check=FACT_CHECK), SimilarItem(0.4, claim=CLAIM)]
    ) == (
        "Similar to claim #3, best first:\n"
        "• 91% · fact-check · **Fact\\_Desk** · rated **Pants on Fire** on 2021-03-06: "
        "“Bananas \\[cure\\]\\(https\\://x.test\\) \\*everything\\* \\<@123\\>”"
        " <https://checks.test/a_b>\n"
        "• 40% · claim [#3](<https://discord.com/channels/1/2/5>) (resolved **Verified false**):"
        " “Bananas cure everything.”"
    )
    assert render_similar(CLAIM, []) == (
        "Nothing similar to claim #3 among this server's fact-checks and claims."
    )


def test_the_submitter_is_told_which_earlier_claim_a_posted_one_probably_rewords() -> None:
    new = replace(CLAIM, id=41, number=4, text="Everything is cured by bananas.", message_id=8)
    result = SubmissionResult(posted=[new], found=1, probably_same={41: CLAIM})
    assert render_submission(result) == (
        "Posted 1 claim for review:\n"
        "• [#4](<https://discord.com/channels/1/2/8>) Everything is cured by bananas."
        " — probably the same as [#3](<https://discord.com/channels/1/2/5>) (Verified false)"
    )
    assert render_submission(SubmissionResult(posted=[new], found=1)) == (
        "Posted 1 claim for review:\n"
        "• [#4](<https://discord.com/channels/1/2/8>) Everything is cured by bananas."
    )
