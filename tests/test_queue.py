"""The reviewer queue's order (bot/core/queue.py): closest to a verdict first, then oldest,
then claim number; Next walks it and wraps around."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.queue import (
    SKIP_SECONDS,
    QueueEntry,
    missing_votes,
    next_in_queue,
    order_queue,
    queue_key,
)


def entry(number: int, votes: int, created_at: float) -> QueueEntry:
    return QueueEntry(claim_id=1000 + number, number=number, votes=votes, created_at=created_at)


def test_fewest_missing_votes_first_then_oldest_then_number() -> None:
    entries = [
        entry(1, 0, 100.0),  # 3 missing, oldest
        entry(2, 2, 300.0),  # 1 missing, young
        entry(3, 1, 200.0),  # 2 missing
        entry(4, 2, 250.0),  # 1 missing, older than #2
        entry(5, 5, 50.0),  # over the quorum: after every claim below it
        entry(6, 3, 40.0),  # at the quorum, older than #5
        entry(7, 2, 250.0),  # same instant as #4: the lower number first
    ]
    ordered = order_queue(entries, quorum=3)
    assert [e.number for e in ordered] == [4, 7, 2, 3, 1, 6, 5]


def test_the_order_follows_the_servers_quorum() -> None:
    entries = [entry(1, 1, 10.0), entry(2, 4, 20.0), entry(3, 0, 30.0)]
    assert [e.number for e in order_queue(entries, quorum=5)] == [2, 1, 3]
    assert [e.number for e in order_queue(entries, quorum=1)] == [3, 1, 2]


def test_missing_votes_never_negative() -> None:
    assert [missing_votes(votes, 3) for votes in range(6)] == [3, 2, 1, 0, 0, 0]


def test_next_moves_past_the_shown_claim_and_wraps() -> None:
    entries = [entry(1, 2, 10.0), entry(2, 1, 5.0), entry(3, 0, 1.0)]
    assert next_in_queue(entries, 3) == entries[0]
    assert next_in_queue(entries, 3, after=entries[0]) == entries[1]
    assert next_in_queue(entries, 3, after=entries[2]) == entries[0]
    assert next_in_queue([], 3) is None
    assert next_in_queue([], 3, after=entries[0]) is None


def test_a_claim_voted_on_since_is_gone_and_next_continues_from_its_place() -> None:
    """The shown claim (#1, one vote short) got the asker's vote: it is no longer a
    candidate, and the mark is its new place (at the quorum), so Next shows what follows."""
    shown = entry(1, 2, 10.0)
    rest = [entry(2, 2, 20.0), entry(3, 3, 5.0), entry(4, 4, 30.0)]
    voted = entry(1, 3, 10.0)
    assert next_in_queue(rest, 3, after=shown) == rest[0]
    assert next_in_queue(rest, 3, after=voted) == rest[2]


def test_skip_lasts_a_day() -> None:
    assert SKIP_SECONDS == 86_400


entries_strategy = st.lists(
    st.builds(
        entry,
        st.integers(1, 10_000),
        st.integers(0, 12),
        st.sampled_from([1.0, 2.0, 3.0, 4.5, 1e9]),
    ),
    max_size=30,
    unique_by=lambda e: e.number,
)


@given(entries=entries_strategy, quorum=st.integers(1, 10), seed=st.integers(0, 1000))
def test_order_is_a_sorted_permutation_whatever_the_input_order(
    entries: list[QueueEntry], quorum: int, seed: int
) -> None:
    ordered = order_queue(entries, quorum)
    shuffled = list(entries)
    random.Random(seed).shuffle(shuffled)
    assert order_queue(shuffled, quorum) == ordered
    assert sorted(ordered, key=lambda e: e.number) == sorted(entries, key=lambda e: e.number)
    for first, second in itertools.pairwise(ordered):
        a, b = missing_votes(first.votes, quorum), missing_votes(second.votes, quorum)
        if a and b:
            assert a <= b  # closest to a verdict first
        assert not (a == 0 and b > 0)  # every claim below the quorum before those at it
        if a == b:  # then the oldest, then the lower number
            assert (first.created_at, first.number) < (second.created_at, second.number)


@given(entries=entries_strategy, quorum=st.integers(1, 10))
def test_next_from_nothing_tours_the_queue_once_then_wraps(
    entries: list[QueueEntry], quorum: int
) -> None:
    shown: list[QueueEntry] = []
    current = next_in_queue(entries, quorum)
    for _ in entries:
        assert current is not None
        shown.append(current)
        current = next_in_queue(entries, quorum, after=current)
    assert shown == order_queue(entries, quorum)
    assert current == (shown[0] if shown else None)


@pytest.mark.slow
@given(entries=entries_strategy, quorum=st.integers(1, 10), mark=entries_strategy)
def test_next_is_the_first_entry_after_any_mark(
    entries: list[QueueEntry], quorum: int, mark: list[QueueEntry]
) -> None:
    after = mark[0] if mark else None
    chosen = next_in_queue(entries, quorum, after=after)
    ordered = order_queue(entries, quorum)
    if after is None:
        assert chosen == (ordered[0] if ordered else None)
        return
    later = [e for e in ordered if queue_key(e, quorum) > queue_key(after, quorum)]
    assert chosen == (later[0] if later else (ordered[0] if ordered else None))
