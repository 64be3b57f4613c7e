"""Offline training of the English check-worthiness model (not part of the runtime).

Trains a sparse logistic regression (pure Python, AdaGrad) on the CheckThat! 2024
English *train* split minus its latest debates (by sentence id), picks the
hyper-parameters and decision threshold on those held-out debates plus the *dev*
split, and writes `bot/extraction/data/checkworthy_en.json`.  Dev alone is a random
sample of the train debates and rewards over-confident thresholds; the held-out
debates stand in for unseen ones.  The dev-test split is never read here;
`benchmarks/checkworthy.py` reports on it.

    .venv/bin/python -m tools.train_checkworthy [--data DIR] [--quick]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import time
from collections import Counter
from pathlib import Path

from bot.extraction.lexicon import get_lexicon
from bot.extraction.model import FEATURE_VERSION, model_filename, text_features
from bot.extraction.signals import compute_signals
from tools.shared_data import CHECKWORTHY, require_files

REPO = Path(__file__).resolve().parent.parent

DEFAULT_DATA = REPO.parent / "shared" / "data" / "checkworthy"
OUT = REPO / "bot" / "extraction" / "data" / model_filename("en")
# One row is "id<TAB>text<TAB>Yes|No"; a few rows in the train file lack their newline.
_ROW = re.compile(r"(\d+)\t([^\t\n]*)\t(Yes|No)(?=\d+\t|\s*$|\r?\n)", re.MULTILINE)


def read_rows(path: Path) -> list[tuple[int, str, int]]:
    """(sentence id, sentence, 1 if check-worthy) from a CheckThat! TSV file."""
    content = path.read_text("utf-8")
    return [
        (int(m.group(1)), m.group(2), 1 if m.group(3) == "Yes" else 0)
        for m in _ROW.finditer(content)
    ]


def read_tsv(path: Path) -> list[tuple[str, int]]:
    """(sentence, 1 if check-worthy) pairs from a CheckThat! TSV file."""
    return [(text, label) for _, text, label in read_rows(path)]


def featurize(rows: list[tuple[str, int]]) -> list[tuple[set[str], int]]:
    lexicon = get_lexicon("en")
    return [(text_features(text, compute_signals(text, lexicon)), label) for text, label in rows]


def train(
    data: list[tuple[list[int], int]],
    n_features: int,
    *,
    epochs: int,
    l2: float,
    positive_weight: float,
    learning_rate: float = 0.2,
    seed: int = 13,
) -> tuple[float, list[float]]:
    """AdaGrad logistic regression on binary sparse rows; returns (bias, weights)."""
    weights = [0.0] * n_features
    grad_sq = [1e-8] * n_features
    bias, bias_sq = 0.0, 1e-8
    order = list(range(len(data)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            feats, label = data[i]
            z = bias + sum(weights[f] for f in feats)
            p = 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0
            g = (p - label) * (positive_weight if label else 1.0)
            bias_sq += g * g
            bias -= learning_rate * g / math.sqrt(bias_sq)
            for f in feats:
                gf = g + l2 * weights[f]
                grad_sq[f] += gf * gf
                weights[f] -= learning_rate * gf / math.sqrt(grad_sq[f])
    return bias, weights


def scores(data: list[tuple[list[int], int]], bias: float, weights: list[float]) -> list[float]:
    return [bias + sum(weights[f] for f in feats) for feats, _ in data]


def best_threshold(logits: list[float], labels: list[int]) -> tuple[float, float]:
    """Logit cut-off maximising positive-class F1, and that F1."""
    pairs = sorted(zip(logits, labels, strict=True), reverse=True)
    total_pos = sum(labels)
    tp = fp = 0
    best = (0.0, 0.0)
    for idx, (logit, label) in enumerate(pairs):
        tp += label
        fp += 1 - label
        if idx + 1 < len(pairs) and pairs[idx + 1][0] == logit:
            continue
        precision = tp / (tp + fp)
        recall = tp / total_pos if total_pos else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best[1]:
            next_logit = pairs[idx + 1][0] if idx + 1 < len(pairs) else logit - 1.0
            best = ((logit + next_logit) / 2, f1)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--quick", action="store_true", help="one configuration only")
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--prune", type=float, default=0.01, help="drop |weight| below this")
    parser.add_argument(
        "--heldout-share", type=float, default=0.15, help="latest train debates held out"
    )
    args = parser.parse_args()

    train_tsv = args.data / "CT24_checkworthy_english_train.tsv"
    dev_tsv = args.data / "CT24_checkworthy_english_dev.tsv"
    require_files(CHECKWORTHY, [train_tsv, dev_tsv])
    started = time.perf_counter()
    all_train = read_rows(train_tsv)
    dev_rows = featurize(read_tsv(dev_tsv))
    # Sentence ids grow with the debates; dev is a random sample of the train debates, so
    # tuning on it alone picks an over-confident threshold.  Also tune on the latest
    # train debates, held out, as a stand-in for unseen debates.
    ids = sorted(i for i, _, _ in all_train)
    cutoff = ids[int(len(ids) * (1 - args.heldout_share))]
    fit_rows = featurize([(t, y) for i, t, y in all_train if i < cutoff])
    late_rows = featurize([(t, y) for i, t, y in all_train if i >= cutoff])
    train_rows = fit_rows
    counts = Counter(f for feats, _ in train_rows for f in feats)
    vocab = {
        f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= args.min_count))
    }
    names = sorted(vocab, key=vocab.__getitem__)

    def index(rows: list[tuple[set[str], int]]) -> list[tuple[list[int], int]]:
        return [([vocab[f] for f in feats if f in vocab], label) for feats, label in rows]

    train_data, dev_data = index(train_rows), index(dev_rows)
    fit_data, late_data = index(fit_rows), index(late_rows)
    tune_data = late_data + dev_data
    tune_labels = [label for _, label in tune_data]
    print(
        f"train {len(train_data)} rows, dev {len(dev_data)}, {len(vocab)} features "
        f"({time.perf_counter() - started:.1f}s)"
    )

    grid = (
        [(3, 0.0, 2.0, 0.1)]
        if args.quick
        else [
            (e, l2, pw, lr)
            for lr in (0.05, 0.1, 0.2)
            for e in (2, 3, 5)
            for l2 in (0.0, 3e-3)
            for pw in (1.5, 2.0, 3.0)
        ]
    )
    best: tuple[float, tuple[int, float, float, float], float, float, list[float]] | None = None
    for epochs, l2, pw, lr in grid:
        bias, weights = train(
            fit_data, len(vocab), epochs=epochs, l2=l2, positive_weight=pw, learning_rate=lr
        )
        cut, f1 = best_threshold(scores(tune_data, bias, weights), tune_labels)
        print(
            f"epochs={epochs} l2={l2:g} pos_weight={pw:g} lr={lr:g}: "
            f"held-out+dev F1 {f1:.4f} at logit {cut:+.3f}",
            flush=True,
        )
        if best is None or f1 > best[0]:
            best = (f1, (epochs, l2, pw, lr), cut, bias, weights)
    assert best is not None
    # Ship the model fitted without the held-out debates: its threshold was tuned on
    # sentences it never saw, which a refit on everything could not keep honest.
    f1, params, cut, bias, weights = best
    kept = {names[i]: round(w, 4) for i, w in enumerate(weights) if abs(w) >= args.prune}
    payload = {
        "language": "en",
        "feature_version": FEATURE_VERSION,
        "trained_on": "CheckThat! 2024 English train minus its latest debates",
        "tuned_on": "the held-out latest train debates + dev (never dev-test)",
        "hyper_parameters": {
            "epochs": params[0],
            "l2": params[1],
            "positive_weight": params[2],
            "learning_rate": params[3],
        },
        "tuning_f1": round(f1, 4),
        # Shift so that probability 0.5 is the dev-tuned threshold.
        "bias": round(bias - cut, 4),
        "weights": dict(sorted(kept.items())),
    }
    OUT.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), "utf-8")
    print(
        f"best {params} held-out+dev F1 {f1:.4f}; kept {len(kept)}/{len(vocab)} weights; "
        f"wrote {OUT.relative_to(REPO)} ({OUT.stat().st_size / 1e6:.2f} MB) "
        f"in {time.perf_counter() - started:.0f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
