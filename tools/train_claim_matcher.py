"""Train the claim matcher's re-ranker and write bot/matching/data/reranker.json with its model
card, reranker.card.md (run: .venv/bin/python -m tools.train_claim_matcher [--data DIR]).

Pure Python; about 50 minutes on the shared 2-core machine, nearly all of it the
cross-validation grid. Nothing here may look at Dev-Test before the choice is made:

1. Features of the candidates of every Train and Dev tweet, retrieved exactly as the bot
   retrieves them (`ClaimMatcher.features`: index.QUERY_TERMS rarest terms, index.CANDIDATES
   candidates), with the tweet's date and with it cut.
2. Every setting (the L2 strength, how many wrong candidates each right one is paired with,
   which feature groups, the calibration) is chosen by grouped k-fold cross-validation over
   Train + Dev: tweets that share a fact-check or an author are never split between folds, as
   Dev-Test shares no fact-check with Train or Dev.
3. The chosen settings are fitted on all of Train + Dev: a pairwise logistic regression (each
   right candidate against the best-ranked wrong ones, solved exactly by Newton's method), and
   a one-feature logistic fit that turns the best score into the probability of being right.
4. Then, once, Dev-Test through the operator's path (`claimbot factchecks import` of vclaims as
   a ClaimReview feed, `claimbot match` with the tweet's date), and the previous release's
   figures on the same folds and on Dev-Test, run from its own tree; the card puts them side
   by side.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.claim_matching import (
    DATA,
    PREVIOUS_RELEASE,
    ROOT,
    average_precision_at_5,
    load_library,
    load_split,
    query_line,
    reciprocal_rank,
    release_tree,
    require_data,
    through_the_cli,
    write_feed,
)
from bot.core.sameness import SUGGESTION_THRESHOLD
from bot.core.text import tweet_date
from bot.matching.index import CANDIDATES, FEATURES, QUERY_TERMS
from bot.matching.matcher import ClaimMatcher
from tools.cross_validation import fold_splits, grouped_folds, groups, mean_sd, plus_minus
from tools.logistic import calibrate, log_loss, newton_logistic, probability
from tools.reranker_card import model_card

SPLITS = ("Train", "Dev")  # what the choice may look at; Dev-Test is scored once, after it
OUT = ROOT / "bot" / "matching" / "data" / "reranker.json"
CARD = OUT.with_name("reranker.card.md")
FOLDS = 5
SEED = 0
# What cross-validation chooses from.
L2_GRID = (1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0)
NEGATIVES_GRID = (5, 10, 20, CANDIDATES - 1)
FEATURE_GROUPS = {
    "bm25": ("bm25_relative", "bm25_log", "bm25_text", "bm25_title"),
    "grams": ("grams_text", "grams_title"),
    "coverage": ("claim_covered", "query_covered"),
    "rank": ("reciprocal_rank",),
    "numbers": ("numbers_missing",),
    "date": ("reviewed_soon_after", "date_gap_log", "date_unknown"),
}
CALIBRATIONS = ("in-sample", "cross-fitted")
# A tweet's author, from its signature ("— Name (@handle) January 28, 2021").
_AUTHOR = re.compile(r"\(@(\w{1,30})\)\s*[A-Z][a-z]{2,8} \d{1,2}, \d{4}")


@dataclass(frozen=True)
class Query:
    """One tweet's candidates as the bot retrieves them, with the tweet's date and with it cut
    (the cut date's words can change the candidates too)."""

    relevant: frozenset[str]
    has_date: bool
    ids: tuple[str, ...]
    rows: tuple[tuple[float, ...], ...]  # features as `claimbot match` computes them
    undated_ids: tuple[str, ...]
    undated_rows: tuple[tuple[float, ...], ...]

    def candidates(self, dated: bool) -> tuple[tuple[str, ...], tuple[tuple[float, ...], ...]]:
        return (self.ids, self.rows) if dated else (self.undated_ids, self.undated_rows)


@dataclass(frozen=True)
class Setting:
    l2: float
    negatives: int
    dropped: tuple[str, ...] = ()  # feature groups left out (their weights are 0)


@dataclass
class Model:
    """A standardisation and one scenario's weights; `dated` says which features it reads."""

    mean: list[float]
    scale: list[float]
    weights: list[float]
    dated: bool

    def scores(self, query: Query) -> list[float]:
        return [
            sum(
                w * (x - m) / s
                for w, x, m, s in zip(self.weights, row, self.mean, self.scale, strict=True)
            )
            for row in query.candidates(self.dated)[1]
        ]


@dataclass
class FoldFigures:
    map5: list[float]
    mrr: list[float]
    tops: list[list[tuple[float, bool]]]  # per fold, each held-out query's best score, right?
    models: list[Model]


# Data.


def read_queries(data: Path, matcher: ClaimMatcher, splits: Sequence[str]) -> list[Query]:
    queries = []
    for split in splits:
        for text, relevant in load_split(data, split):
            dated_line, undated_line = query_line(text), query_line(text, dated=False)
            found = matcher.features(dated_line, "en", tweet_date(dated_line))
            plain = matcher.features(undated_line, "en", None)
            queries.append(
                Query(
                    frozenset(relevant),
                    tweet_date(dated_line) is not None,
                    tuple(matcher.claims[doc].id for doc, _ in found),
                    tuple(tuple(row) for _, row in found),
                    tuple(matcher.claims[doc].id for doc, _ in plain),
                    tuple(tuple(row) for _, row in plain),
                )
            )
    return queries


def group_keys(data: Path, splits: Sequence[str]) -> list[list[tuple[str, str]]]:
    """Each query's group keys: the fact-checks it matches and its author."""
    keys = []
    for split in splits:
        for text, relevant in load_split(data, split):
            author = _AUTHOR.search(text)
            keys.append(
                [("fact-check", r) for r in sorted(relevant)]
                + ([("author", author.group(1).lower())] if author else [])
            )
    return keys


# Fitting.


def standardisation(queries: Sequence[Query]) -> tuple[list[float], list[float]]:
    """Mean and scale of each feature over every candidate (as the bot sees them, dated)."""
    rows = [row for query in queries for row in query.rows]
    mean = [math.fsum(column) / len(rows) for column in zip(*rows, strict=True)]
    scale = [
        math.sqrt(math.fsum((x - m) ** 2 for x in column) / len(rows)) or 1.0
        for column, m in zip(zip(*rows, strict=True), mean, strict=True)
    ]
    return mean, scale


def _active(dropped: Sequence[str], dated: bool) -> list[int]:
    """The features a model may weigh (an undated model never sees a date)."""
    left_out = {name for group in dropped for name in FEATURE_GROUPS[group]}
    if not dated:
        left_out |= set(FEATURE_GROUPS["date"])
    return [j for j, name in enumerate(FEATURES) if name not in left_out]


def pair_columns(
    queries: Sequence[Query], negatives: int, dated: bool, active: list[int], scale: list[float]
) -> list[list[float]]:
    """The pairs a ranker learns from: each right candidate minus each of the `negatives`
    best-ranked wrong ones (by BM25), standardised, one column per active feature."""
    columns: list[list[float]] = [[] for _ in active]
    for query in queries:
        ids, rows = query.candidates(dated)
        right = [row for found, row in zip(ids, rows, strict=True) if found in query.relevant]
        wrong = [row for found, row in zip(ids, rows, strict=True) if found not in query.relevant]
        for good in right:
            for bad in wrong[:negatives]:
                for column, j in zip(columns, active, strict=True):
                    column.append((good[j] - bad[j]) / scale[j])
    return columns


def _solve(
    columns: list[list[float]], active: list[int], l2: float, start: list[float] | None
) -> list[float]:
    """All the features' weights (0 for the inactive), from the active ones solved."""
    weights = [0.0] * len(FEATURES)
    if columns and columns[0]:
        warm = [start[j] for j in active] if start else None
        for j, w in zip(active, newton_logistic(columns, l2, warm), strict=True):
            weights[j] = w
    return weights


def fit(queries: Sequence[Query], setting: Setting, dated: bool) -> Model:
    """A pairwise logistic regression of `setting` on `queries`."""
    mean, scale = standardisation(queries)
    active = _active(setting.dropped, dated)
    columns = pair_columns(queries, setting.negatives, dated, active, scale)
    return Model(mean, scale, _solve(columns, active, setting.l2, None), dated)


# Cross-validation.


def ranked(model: Model, query: Query) -> tuple[list[str], list[float]]:
    """Candidates and their scores, best first, ties in BM25 order (as the bot's stable sort
    keeps them)."""
    scores = model.scores(query)
    ids = query.candidates(model.dated)[0]
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    return [ids[i] for i in order], [scores[i] for i in order]


def cross_validate(
    queries: Sequence[Query],
    splits: Sequence[tuple[list[int], list[int]]],
    settings: Sequence[Setting],
    dated: bool,
    fallback: Sequence[Model] | None = None,
) -> dict[Setting, FoldFigures]:
    """Per-fold MAP@5 and MRR of models fitted on the other folds, for settings that differ
    only in their L2 strength (the pairs are built once per fold, each fit warms the next).
    With `dated`, a held-out tweet without a date is ranked by `fallback` (the fold's undated
    model), as the bot ranks a claim without one."""
    (negatives, dropped) = {(s.negatives, s.dropped) for s in settings}.pop()
    assert all((s.negatives, s.dropped) == (negatives, dropped) for s in settings)
    active = _active(dropped, dated)
    results = {setting: FoldFigures([], [], [], []) for setting in settings}
    for n, (train, held) in enumerate(splits):
        trained_on = [queries[i] for i in train]
        mean, scale = standardisation(trained_on)
        columns = pair_columns(trained_on, negatives, dated, active, scale)
        weights = None
        for setting in sorted(settings, key=lambda s: -s.l2):
            weights = _solve(columns, active, setting.l2, weights)
            model = Model(mean, scale, weights, dated)
            figures = results[setting]
            figures.models.append(model)
            aps, rrs, tops = [], [], []
            for i in held:
                query = queries[i]
                use = model if (query.has_date or not dated or fallback is None) else fallback[n]
                found, scores = ranked(use, query)
                aps.append(average_precision_at_5(found, set(query.relevant)))
                rrs.append(reciprocal_rank(found, set(query.relevant)))
                if use is model and found:
                    tops.append((scores[0], found[0] in query.relevant))
            figures.map5.append(sum(aps) / len(aps))
            figures.mrr.append(sum(rrs) / len(rrs))
            figures.tops.append(tops)
    return results


def choose(
    queries: Sequence[Query],
    splits: Sequence[tuple[list[int], list[int]]],
    dated: bool,
    fallback: Sequence[Model] | None,
    log: Callable[[str], None],
) -> tuple[Setting, FoldFigures]:
    """The setting of highest mean CV MAP@5: the grid of L2 and negatives with every feature,
    then feature groups dropped one at a time (the L2 chosen again each time) while a drop
    raises it."""
    results: dict[Setting, FoldFigures] = {}

    def run(negatives: int, dropped: tuple[str, ...]) -> dict[Setting, FoldFigures]:
        settings = [Setting(l2, negatives, dropped) for l2 in L2_GRID]
        found = cross_validate(queries, splits, settings, dated, fallback)
        for setting, figures in found.items():
            log(f"  {setting}: MAP@5 {plus_minus(figures.map5)}  MRR {plus_minus(figures.mrr)}")
        results.update(found)
        return found

    def score(setting: Setting) -> float:
        return mean_sd(results[setting].map5)[0]

    for negatives in NEGATIVES_GRID:
        run(negatives, ())
    best = max(results, key=score)
    groups = [g for g in FEATURE_GROUPS if dated or g != "date"]
    while len(best.dropped) < len(groups) - 1:
        trials: dict[Setting, FoldFigures] = {}
        for group in groups:
            if group not in best.dropped:
                trials.update(run(best.negatives, (*best.dropped, group)))
        challenger = max(trials, key=score)
        if score(challenger) <= score(best):
            break
        best = challenger
    return best, results[best]


def _tops(model: Model, queries: Sequence[Query]) -> list[tuple[float, bool]]:
    """Each query's best score under `model` and whether that best is right (the queries the
    model ranks: a dated model ranks only tweets with a date)."""
    tops = []
    for query in queries:
        if model.dated and not query.has_date:
            continue
        found, scores = ranked(model, query)
        if found:
            tops.append((scores[0], found[0] in query.relevant))
    return tops


def choose_calibration(
    queries: Sequence[Query],
    folds: Sequence[int],
    setting: Setting,
    figures: FoldFigures,
) -> tuple[str, dict[str, list[float]], dict[str, list[tuple[float, bool]]]]:
    """In-sample (fitted on the training folds' own best scores) or cross-fitted (on their
    out-of-fold best scores, the other folds serving as inner folds): the one of lower held-out
    log loss. Also each method's held-out (probability, right) pairs, for the threshold."""
    splits = fold_splits(folds)
    losses: dict[str, list[float]] = {method: [] for method in CALIBRATIONS}
    held_out: dict[str, list[tuple[float, bool]]] = {method: [] for method in CALIBRATIONS}
    for n, (train, _) in enumerate(splits):
        model, tops = figures.models[n], figures.tops[n]
        inner: list[tuple[float, bool]] = []
        for other in sorted(set(folds) - {n}):
            others = [queries[i] for i in train if folds[i] != other]
            inner_model = fit(others, setting, model.dated)
            inner += _tops(inner_model, [queries[i] for i in train if folds[i] == other])
        fitted = {
            "in-sample": calibrate(_tops(model, [queries[i] for i in train])),
            "cross-fitted": calibrate(inner),
        }
        for method, calibration in fitted.items():
            losses[method].append(log_loss(calibration, tops))
            held_out[method] += [(probability(calibration, s), hit) for s, hit in tops]
    best = min(CALIBRATIONS, key=lambda method: mean_sd(losses[method])[0])
    return best, losses, held_out


def threshold_report(held_out: Sequence[tuple[float, bool]]) -> dict[str, int]:
    """What SUGGESTION_THRESHOLD means out of fold: how many best matches reach it, how many
    of those are right, and the same just above it (0.5 to 0.7)."""
    reached = [hit for p, hit in held_out if p >= SUGGESTION_THRESHOLD]
    near = [hit for p, hit in held_out if SUGGESTION_THRESHOLD <= p < SUGGESTION_THRESHOLD + 0.2]
    return {
        "queries": len(held_out),
        "reached": len(reached),
        "right": sum(reached),
        "near": len(near),
        "near_right": sum(near),
    }


# The figures of a ranking, per fold.


def fold_figures(
    rankings: Sequence[list[str]], queries: Sequence[Query], folds: Sequence[int]
) -> dict[str, list[float]]:
    """MAP@5 and MRR of each fold's queries, from each query's ranked fact-check ids."""
    out: dict[str, list[float]] = {"map5": [], "mrr": []}
    for fold in range(max(folds) + 1):
        held = [i for i, f in enumerate(folds) if f == fold]
        out["map5"].append(
            sum(average_precision_at_5(rankings[i], set(queries[i].relevant)) for i in held)
            / len(held)
        )
        out["mrr"].append(
            sum(reciprocal_rank(rankings[i], set(queries[i].relevant)) for i in held) / len(held)
        )
    return out


def figures_of(rankings: Sequence[list[str]], relevant: Sequence[set[str]]) -> dict[str, float]:
    pairs = list(zip(rankings, relevant, strict=True))
    return {
        "map5": round(sum(average_precision_at_5(r, ids) for r, ids in pairs) / len(pairs), 4),
        "mrr": round(sum(reciprocal_rank(r, ids) for r, ids in pairs) / len(pairs), 4),
    }


def _rounded(values: Sequence[float], digits: int = 6) -> list[float]:
    return [round(v, digits) for v in values]


# The whole run.


def select_and_fit(data: Path, matcher: ClaimMatcher) -> tuple[dict[str, Any], list[Query]]:
    """Everything chosen by CV on Train + Dev, then fitted on all of it: reranker.json's
    content and the queries (Dev-Test is not read here)."""
    queries = read_queries(data, matcher, SPLITS)
    folds = grouped_folds(group_keys(data, SPLITS), FOLDS, SEED)
    splits = fold_splits(folds)
    sizes = [folds.count(f) for f in range(FOLDS)]
    print(f"{len(queries)} Train + Dev tweets in {FOLDS} grouped folds of {sizes}")
    print("undated model (a claim posted without a date):")
    settings, cv = {}, {}
    settings["undated"], cv["undated"] = choose(queries, splits, False, None, print)
    print("dated model (a tweet with its signature's date):")
    settings["dated"], cv["dated"] = choose(queries, splits, True, cv["undated"].models, print)

    mean, scale = (_rounded(v) for v in standardisation(queries))
    meta: dict[str, Any] = {
        "trained_on": f"CheckThat! 2022 Task 2A English, Train + Dev ({len(queries):,} tweets), "
        f"against {len(matcher):,} Snopes fact-checks",
        "retrieval": {"query_terms": QUERY_TERMS, "candidates": CANDIDATES},
        "features": list(FEATURES),
        "mean": mean,
        "scale": scale,
    }
    selection: dict[str, Any] = {
        "folds": FOLDS,
        "seed": SEED,
        "groups": "tweets sharing a fact-check or an author (signature handle) stay in one fold",
        "group_count": len(set(groups(group_keys(data, SPLITS)))),
        "fold_sizes": sizes,
        "grid": {"l2": list(L2_GRID), "negatives": list(NEGATIVES_GRID)},
        "feature_groups": {name: list(group) for name, group in FEATURE_GROUPS.items()},
    }
    for name in ("dated", "undated"):
        setting, figures = settings[name], cv[name]
        method, losses, held_out = choose_calibration(queries, folds, setting, figures)
        model = fit(queries, setting, name == "dated")
        if method == "in-sample":
            calibration = calibrate(_tops(model, queries))
        else:
            calibration = calibrate([top for tops in figures.tops for top in tops])
        meta[name] = {"weights": _rounded(model.weights), "calibration": _rounded(calibration)}
        selection[name] = {
            **asdict(setting),
            "dropped": list(setting.dropped),
            "calibration": method,
            "calibration_log_loss": {m: _rounded(v, 4) for m, v in losses.items()},
            "threshold": threshold_report(held_out[method]),
        }
        meta.setdefault("cv", {})[name] = {
            "map5": _rounded(figures.map5, 4),
            "mrr": _rounded(figures.mrr, 4),
        }
    meta["selection"] = selection
    return meta, queries


def evaluate(data: Path, meta: dict[str, Any], queries: list[Query], matcher: ClaimMatcher) -> None:
    """Once the weights are written: Dev-Test through `claimbot match` with them, and the
    previous release's figures (its own tree) on the same folds and on Dev-Test; BM25's order
    of the candidates alone, for scale."""
    texts = [text for split in SPLITS for text, _ in load_split(data, split)]
    held_out = load_split(data, "Dev-Test")
    line_sets = {
        "train+dev": [query_line(t) for t in texts],
        "train+dev undated": [query_line(t, dated=False) for t in texts],
        "dev-test": [query_line(t) for t, _ in held_out],
        "dev-test undated": [query_line(t, dated=False) for t, _ in held_out],
    }
    folds = grouped_folds(group_keys(data, SPLITS), FOLDS, SEED)
    with tempfile.TemporaryDirectory() as folder, release_tree(PREVIOUS_RELEASE) as previous:
        feed = Path(folder) / "claimreview-feed.json"
        write_feed(iter(matcher.claims), feed)
        current = through_the_cli(ROOT, feed, line_sets)
        before = through_the_cli(previous, feed, line_sets)
        previous_weights = previous / OUT.relative_to(ROOT)
        previous_trained_on = json.loads(previous_weights.read_text("utf-8"))["trained_on"]

    # The trainer's features are the bot's: the written model ranks Train + Dev through the
    # CLI exactly as it does here.
    models = {
        dated: Model(meta["mean"], meta["scale"], meta[name]["weights"], dated)
        for dated, name in ((True, "dated"), (False, "undated"))
    }
    same = 0
    for n, query in enumerate(queries):
        for dated, name in ((True, "train+dev"), (False, "train+dev undated")):
            model = models[dated and query.has_date]
            same += ranked(model, query)[0] == current.rankings[name][n]
    meta["cli_agreement"] = {"same": same, "of": 2 * len(queries)}

    relevant = [ids for _, ids in held_out]
    bm25_order = [
        [matcher.claims[doc].id for doc, _ in matcher.index.candidates(line, "en", CANDIDATES)]
        for line in line_sets["dev-test"]
    ]
    meta["bm25_alone"] = {
        "cv": {
            k: _rounded(v, 4)
            for k, v in fold_figures([list(q.ids) for q in queries], queries, folds).items()
        },
        "dev_test": figures_of(bm25_order, relevant),
    }
    held_checks = {found for _, ids in held_out for found in ids}
    meta["dev_test"] = {
        "queries": len(held_out),
        "fact_checks": len(held_checks),
        "shared_with_training": len(held_checks & {r for q in queries for r in q.relevant}),
        "dated": figures_of(current.rankings["dev-test"], relevant),
        "undated": figures_of(current.rankings["dev-test undated"], relevant),
    }
    meta["previous_release"] = {
        "commit": PREVIOUS_RELEASE,
        "trained_on": previous_trained_on,
        "cv": {
            name: {k: _rounded(v, 4) for k, v in fold_figures(rankings, queries, folds).items()}
            for name, rankings in (
                ("dated", before.rankings["train+dev"]),
                ("undated", before.rankings["train+dev undated"]),
            )
        },
        "dev_test": {
            "dated": figures_of(before.rankings["dev-test"], relevant),
            "undated": figures_of(before.rankings["dev-test undated"], relevant),
        },
    }


def _write(meta: dict[str, Any]) -> None:
    OUT.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    require_data(args.data, (*SPLITS, "Dev-Test"))
    matcher = ClaimMatcher(load_library(args.data))
    meta, queries = select_and_fit(args.data, matcher)
    _write(meta)  # the weights are fixed before Dev-Test is read
    evaluate(args.data, meta, queries, matcher)
    _write(meta)
    CARD.write_text(model_card(meta), "utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} and {CARD.relative_to(ROOT)}")
    print(CARD.read_text("utf-8"))


if __name__ == "__main__":
    main()
