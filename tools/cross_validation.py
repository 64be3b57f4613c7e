"""Model selection that cannot fool itself: grouped k-fold splits and mean ± sd reports.

Every tuned weight, threshold and setting of a shipped model is chosen by k-fold
cross-validation over the training and dev data; the dev-test split is scored once, after
the choice. Items that share a group key (a debate, a source, an author, the fact-check two
tweets point at) always land in the same fold, so a fold never scores an item whose twin was
trained on: the held-out split shares none of them either.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable, Sequence

__all__ = ["fold_splits", "grouped_folds", "groups", "mean_sd", "plus_minus"]


def groups(keys: Sequence[Iterable[Hashable]]) -> list[int]:
    """Each item's group (the smallest item of it): items linked by a shared key, directly or
    through others, are one group."""
    parent = list(range(len(keys)))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    first_with: dict[Hashable, int] = {}
    for item, item_keys in enumerate(keys):
        for key in item_keys:
            a, b = root(item), root(first_with.setdefault(key, item))
            parent[max(a, b)] = min(a, b)
    return [root(item) for item in range(len(keys))]


def grouped_folds(keys: Sequence[Iterable[Hashable]], k: int, seed: int = 0) -> list[int]:
    """The fold (0..k-1) of each item, given each item's group keys (see `groups`). Groups go
    whole to the fold with the fewest items so far, largest first (ties in a seeded random
    order), so folds come out even."""
    if k < 2:
        raise ValueError("k-fold cross-validation needs k >= 2")
    members: dict[int, list[int]] = {}
    for item, group in enumerate(groups(keys)):
        members.setdefault(group, []).append(item)
    if len(members) < k:
        raise ValueError(f"{len(members)} groups cannot fill {k} folds")
    ordered = list(members.values())
    random.Random(seed).shuffle(ordered)
    ordered.sort(key=len, reverse=True)  # stable: equal sizes keep the shuffled order
    folds = [0] * len(keys)
    sizes = [0] * k
    for together in ordered:
        fold = min(range(k), key=sizes.__getitem__)
        sizes[fold] += len(together)
        for item in together:
            folds[item] = fold
    return folds


def fold_splits(folds: Sequence[int]) -> list[tuple[list[int], list[int]]]:
    """(training items, held-out items) for each fold, in fold order."""
    return [
        (
            [item for item, f in enumerate(folds) if f != fold],
            [item for item, f in enumerate(folds) if f == fold],
        )
        for fold in range(max(folds) + 1)
    ]


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (n - 1) of per-fold figures."""
    if not values:
        raise ValueError("no figures")
    mean = sum(values) / len(values)
    if len(values) == 1:
        return mean, 0.0
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def plus_minus(values: Sequence[float], digits: int = 3) -> str:
    """'0.912 ± 0.015': how a cross-validated figure is reported."""
    mean, sd = mean_sd(values)
    return f"{mean:.{digits}f} ± {sd:.{digits}f}"
