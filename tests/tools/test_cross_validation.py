"""Grouped k-fold splitting: linked items never straddle folds, folds come out even."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tools.cross_validation import fold_splits, grouped_folds, groups, mean_sd, plus_minus


def test_items_linked_through_a_chain_of_keys_are_one_group() -> None:
    keys = [["a"], ["a", "b"], ["b"], ["c"], [], ["c", "d"], ["e"]]
    assert groups(keys) == [0, 0, 0, 3, 4, 3, 6]


def test_a_group_goes_whole_to_one_fold_and_the_folds_are_even() -> None:
    # One group of 4 (fact-check f1 shared through author x), one of 2, and 6 alone.
    keys = [
        [("fact-check", "f1")],
        [("fact-check", "f1"), ("author", "x")],
        [("author", "x")],
        [("author", "x")],
        [("fact-check", "f2")],
        [("fact-check", "f2")],
        *[[("fact-check", f"single{i}")] for i in range(6)],
    ]
    folds = grouped_folds(keys, 3, seed=7)
    assert len({folds[0], folds[1], folds[2], folds[3]}) == 1
    assert folds[4] == folds[5]
    assert sorted(folds.count(f) for f in range(3)) == [4, 4, 4]
    assert grouped_folds(keys, 3, seed=7) == folds  # the seed fixes the split


def test_fold_splits_partition_the_items() -> None:
    splits = fold_splits([0, 1, 0, 2, 1])
    assert splits == [([1, 3, 4], [0, 2]), ([0, 2, 3], [1, 4]), ([0, 1, 2, 4], [3])]


def test_too_few_groups_or_folds_are_refused() -> None:
    with pytest.raises(ValueError, match="2 groups cannot fill 3 folds"):
        grouped_folds([["a"], ["a"], ["b"]], 3)
    with pytest.raises(ValueError, match="k >= 2"):
        grouped_folds([["a"], ["b"]], 1)


@given(
    st.lists(st.lists(st.integers(0, 30), max_size=3), min_size=5, max_size=60),
    st.integers(2, 5),
    st.integers(0, 3),
)
def test_no_key_is_ever_shared_by_two_folds(keys: list[list[int]], k: int, seed: int) -> None:
    assume(len(set(groups(keys))) >= k)
    folds = grouped_folds(keys, k, seed)
    fold_of_key: dict[int, int] = {}
    for item, item_keys in enumerate(keys):
        for key in item_keys:
            assert fold_of_key.setdefault(key, folds[item]) == folds[item]
    assert set(folds) == set(range(k))
    for train, held in fold_splits(folds):
        assert sorted(train + held) == list(range(len(keys)))
        assert not {key for i in train for key in keys[i]} & {key for i in held for key in keys[i]}


def test_figures_are_reported_as_mean_and_sample_sd() -> None:
    assert mean_sd([0.9, 0.8, 1.0]) == pytest.approx((0.9, 0.1))
    assert plus_minus([0.9, 0.8, 1.0]) == "0.900 ± 0.100"
    assert plus_minus([0.5]) == "0.500 ± 0.000"
