"""What a reaction means for a vote, and how catch-up reconciles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.vocabulary import VOTES
from bot.core.votes import DEFAULT_VOTE_EMOJI, VoteChange, VoteEmoji, decide, emoji_key, reconcile


def test_default_emoji_map_each_vote_once() -> None:
    table = VoteEmoji()
    assert table.in_order() == ["✅", "❌", "❓", "⚠️"]
    assert [table.vote(e) for e in DEFAULT_VOTE_EMOJI] == list(VOTES)


def test_warning_sign_matches_with_or_without_variation_selector() -> None:
    table = VoteEmoji()
    assert table.vote("⚠") == "misleading"
    assert table.vote("⚠️") == "misleading"
    assert emoji_key("⚠️") == "⚠"


def test_other_emoji_are_not_votes() -> None:
    assert VoteEmoji().vote("👍") is None


def test_custom_table_must_cover_every_vote() -> None:
    with pytest.raises(ValueError, match="no emoji for misleading"):
        VoteEmoji({"👍": "supported", "👎": "refuted", "🤷": "unverifiable"})
    with pytest.raises(ValueError, match="unknown vote"):
        VoteEmoji({"👍": "great"})


def test_first_vote() -> None:
    assert decide(added=True, vote="supported", current=None) == VoteChange("supported", None)


def test_second_emoji_replaces_the_vote_and_names_the_old_one() -> None:
    assert decide(added=True, vote="refuted", current="supported") == VoteChange(
        "refuted", "supported"
    )


def test_same_emoji_again_changes_nothing() -> None:
    assert decide(added=True, vote="supported", current="supported") is None


def test_removing_the_current_vote_retracts() -> None:
    assert decide(added=False, vote="supported", current="supported") == VoteChange(None, None)


def test_removing_a_replaced_reaction_changes_nothing() -> None:
    # The bot removes the old reaction after a change; that removal must not retract.
    assert decide(added=False, vote="supported", current="refuted") is None
    assert decide(added=False, vote="supported", current=None) is None


def test_reconcile_adds_missing_and_retracts_vanished_votes() -> None:
    plan = reconcile({1: "supported", 2: "refuted"}, {"supported": [1, 3], "misleading": [4]})
    assert plan.changes == {3: "supported", 4: "misleading", 2: None}
    assert plan.reactions_to_remove == []


def test_reconcile_keeps_stored_vote_among_several_reactions() -> None:
    plan = reconcile({1: "refuted"}, {"supported": [1], "refuted": [1]})
    assert plan.changes == {}
    assert plan.reactions_to_remove == [(1, "supported")]


def test_reconcile_picks_first_in_vote_order_for_a_newcomer() -> None:
    plan = reconcile({}, {"misleading": [5], "refuted": [5]})
    assert plan.changes == {5: "refuted"}
    assert plan.reactions_to_remove == [(5, "misleading")]


def test_reconcile_drops_ineligible_reactors() -> None:
    plan = reconcile({7: "supported"}, {"supported": [7, 8]}, eligible={7: False, 8: True})
    assert plan.changes == {8: "supported", 7: None}


vote_values = st.sampled_from(VOTES)


@given(
    stored=st.dictionaries(st.integers(1, 20), vote_values, max_size=10),
    reacted=st.dictionaries(vote_values, st.lists(st.integers(1, 20), max_size=10, unique=True)),
)
def test_reconcile_makes_stored_equal_to_reactions(
    stored: dict[int, str], reacted: dict[str, list[int]]
) -> None:
    plan = reconcile(stored, reacted)  # type: ignore[arg-type]
    after = dict(stored)
    for reviewer, vote in plan.changes.items():
        if vote is None:
            after.pop(reviewer)
        else:
            after[reviewer] = vote
    reactors = {uid for users in reacted.values() for uid in users}
    assert set(after) == reactors
    for reviewer, held in after.items():
        assert reviewer in reacted[held]
    # Applying the plan again is a no-op: reconciliation is idempotent.
    remaining = {
        v: [u for u in us if (u, v) not in plan.reactions_to_remove] for v, us in reacted.items()
    }
    assert reconcile(after, remaining).changes == {}  # type: ignore[arg-type]
