"""Train the claim matcher's re-ranker on the CheckThat! 2022 Task 2A Train split and write
bot/matching/data/reranker.json (run: python tools/train_claim_matcher.py [DATA_DIR]).

Pure Python, about a minute: features of the 50 BM25 candidates of every Train tweet, then a
pairwise logistic regression (each relevant review against the non-relevant candidates) and a
one-feature logistic fit that turns the best score into a probability of being right.
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks.claim_matching import DATA, load_library, load_split, require_data
from bot.core.text import tweet_date
from bot.matching.index import FEATURES
from bot.matching.matcher import ClaimMatcher

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "bot" / "matching" / "data" / "reranker.json"
EPOCHS = 20
LEARNING_RATE = 0.01
L2 = 1e-3
NEGATIVES = 20


DATE_FEATURES = ("reviewed_soon_after", "date_gap_log", "date_unknown")


def _undated(features: list[float]) -> list[float]:
    """The features as a query with no date has them."""
    return [
        (1.0 if name == "date_unknown" else 0.0) if name in DATE_FEATURES else value
        for name, value in zip(FEATURES, features, strict=True)
    ]


def _train(
    rows: list[list[tuple[bool, list[float]]]], standard: Callable[[list[float]], list[float]]
) -> dict[str, list[float]]:
    """Pairwise logistic regression, then a calibration of the best score per query."""
    pairs = []
    for query in rows:
        positives = [standard(f) for hit, f in query if hit]
        negatives = [standard(f) for hit, f in query if not hit][:NEGATIVES]
        pairs += [[a - b for a, b in zip(p, n, strict=True)] for p in positives for n in negatives]
    rng = random.Random(0)
    weights = [0.0] * len(FEATURES)
    for _ in range(EPOCHS):
        rng.shuffle(pairs)
        for x in pairs:
            z = sum(w * v for w, v in zip(weights, x, strict=True))
            gradient = 1 / (1 + math.exp(min(30.0, z)))
            weights = [
                w + LEARNING_RATE * (gradient * v - L2 * w) for w, v in zip(weights, x, strict=True)
            ]

    # Probability that the best-scored candidate is a right match, from its score.
    tops = []
    for query in rows:
        scored = [
            (sum(w * v for w, v in zip(weights, standard(f), strict=True)), hit) for hit, f in query
        ]
        if scored:
            tops.append(max(scored))
    a, b = 1.0, 0.0
    for _ in range(300):
        ga = gb = 0.0
        for score, hit in tops:
            p = 1 / (1 + math.exp(-(a * score + b)))
            ga += (hit - p) * score
            gb += hit - p
        a += 0.5 * ga / len(tops)
        b += 0.5 * gb / len(tops)
    return {
        "weights": [round(x, 6) for x in weights],
        "calibration": [round(a, 6), round(b, 6)],
    }


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    require_data(data, ("Train",), elsewhere="give its folder as the DATA_DIR argument")
    matcher = ClaimMatcher(load_library(data))
    queries = load_split(data, "Train")
    rows = []
    for text, relevant in queries:
        found = matcher.features(text, query_date=tweet_date(text))
        rows.append([(matcher.claims[doc].id in relevant, f) for doc, f in found])
    flat = [f for query in rows for _, f in query]
    mean = [sum(c) / len(c) for c in zip(*flat, strict=True)]
    scale = [
        math.sqrt(sum((x - m) ** 2 for x in c) / len(c)) or 1.0
        for c, m in zip(zip(*flat, strict=True), mean, strict=True)
    ]

    def standard(f: list[float]) -> list[float]:
        return [(x - m) / s for x, m, s in zip(f, mean, scale, strict=True)]

    dated = _train(rows, standard)
    undated_rows = [[(hit, _undated(f)) for hit, f in query] for query in rows]
    undated = _train(undated_rows, standard)
    OUT.write_text(
        json.dumps(
            {
                "trained_on": "CheckThat! 2022 Task 2A English, Train split (999 tweets)",
                "features": list(FEATURES),
                "mean": [round(x, 6) for x in mean],
                "scale": [round(x, 6) for x in scale],
                "dated": dated,
                "undated": undated,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {OUT}: {dated} {undated}")


if __name__ == "__main__":
    main()
