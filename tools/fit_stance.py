"""Learn the stance terms the English model's score adds over its logit.

    .venv/bin/python -m tools.fit_stance [--data DIR] [--fit-on late|all] [--news TSV]
                                         [--news-weight W] [--out JSON]

The English model, learned from debates, barely weighs the speaker's stance (hedges,
opinions, intentions, predictions).  This fits one weight per stance feature
(`scoring.stance_features`) by L2-penalised logistic regression with the fixed
model's logit (`scoring.base_logit`) as an offset and no intercept, so the model's
own weights and tuned threshold stay as they are.  It fits on two kinds of text:

- the CheckThat! English train debates; by default the latest ones, which the model
  was trained without (`tools/train_checkworthy.py` holds them out): on sentences
  the model saw, its logit already explains the labels;
- news sentences written here: the English side of the parallel development set
  (`tools/data/parallel_dev_en_fr.tsv`).  The model's score already fits the
  debates' hedged forecasts, so the weights fitted on them alone stay weak; in the
  news the bot reads, a hedged forecast with a figure ("might welcome thousands of
  passengers in the next decade") scores like a fact.
  By default the news sentences weigh as much, all together, as the debates.

The penalty is the one with the best F1 on the CheckThat! dev split; dev-test and the
parallel test set are never read here (`benchmarks/checkworthy.py` reports on them).
Writes `bot/extraction/data/stance_weights.json`, which the scorer reads for English.
French keeps the rule score's stance weights: the learned ones are weaker and let the
French articles' speculation back among their claims (docs/extraction.md).

Pure Python, seconds.
"""

from __future__ import annotations

import argparse
import csv
import json
from dataclasses import dataclass
from pathlib import Path

from bot.extraction.lexicon import get_lexicon
from bot.extraction.model import load_model, sigmoid
from bot.extraction.scoring import STANCE_FEATURES, STANCE_FILE, base_logit, stance_features
from bot.extraction.signals import Signals, compute_signals
from tools.linalg import solve
from tools.shared_data import CHECKWORTHY, require_files
from tools.train_checkworthy import DEFAULT_DATA, read_rows, read_tsv

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bot" / "extraction" / "data" / STANCE_FILE
NEWS = REPO / "tools" / "data" / "parallel_dev_en_fr.tsv"
HELDOUT_SHARE = 0.15  # as tools/train_checkworthy.py
PENALTIES = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
NEWTON_STEPS = 25


@dataclass(frozen=True)
class Row:
    offset: float
    features: tuple[float, ...]
    label: int
    weight: float = 1.0


def _signals(text: str) -> Signals:
    return compute_signals(text, get_lexicon("en"))


def read_news(path: Path) -> list[tuple[str, int]]:
    """The English side of a parallel file: news sentences with their labels."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["en"], int(row["label"])) for row in rows]


def rows_for(
    sentences: list[tuple[str, int]], names: tuple[str, ...], weight: float = 1.0
) -> list[Row]:
    """Sentences as the fit sees them: the English model's logit and the stance features."""
    model = load_model("en")
    assert model is not None and model.bridge is None
    rows = []
    for text, label in sentences:
        signals = _signals(text)
        stance = stance_features(signals)
        features = tuple(stance[n] for n in names)
        rows.append(Row(base_logit(model, text, signals), features, label, weight))
    return rows


def fit(rows: list[Row], size: int, penalty: float) -> list[float]:
    """Newton's method on the penalised log loss, the offset held fixed."""
    weights = [0.0] * size
    for _ in range(NEWTON_STEPS):
        gradient = [penalty * w for w in weights]
        hessian = [[penalty * (a == b) for b in range(size)] for a in range(size)]
        for row in rows:
            if not any(row.features):
                continue
            z = row.offset + sum(w * x for w, x in zip(weights, row.features, strict=True))
            p = sigmoid(z)
            for a, xa in enumerate(row.features):
                if xa:
                    gradient[a] += row.weight * (p - row.label) * xa
                    for b, xb in enumerate(row.features):
                        hessian[a][b] += row.weight * p * (1 - p) * xa * xb
        step = solve(hessian, gradient)
        weights = [w - s for w, s in zip(weights, step, strict=True)]
        if max(map(abs, step)) < 1e-6:
            break
    return weights


def f1(rows: list[Row], weights: list[float]) -> float:
    tp = fp = fn = 0
    for row in rows:
        z = row.offset + sum(w * x for w, x in zip(weights, row.features, strict=True))
        predicted = z > 0
        tp += predicted and row.label == 1
        fp += predicted and row.label == 0
        fn += not predicted and row.label == 1
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--fit-on", choices=("late", "all"), default="late", help="train debates to fit on"
    )
    parser.add_argument(
        "--news", type=Path, default=NEWS, help="parallel TSV whose English side is fitted too"
    )
    parser.add_argument(
        "--news-weight",
        type=float,
        default=None,
        help="weight of one news sentence (default: the news and debates weigh the same)",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="weights file to write")
    args = parser.parse_args()

    train_tsv = args.data / "CT24_checkworthy_english_train.tsv"
    dev_tsv = args.data / "CT24_checkworthy_english_dev.tsv"
    require_files(CHECKWORTHY, [train_tsv, dev_tsv])
    names = STANCE_FEATURES
    train = read_rows(train_tsv)
    if args.fit_on == "late":
        ids = sorted(i for i, _, _ in train)
        cutoff = ids[int(len(ids) * (1 - HELDOUT_SHARE))]
        train = [row for row in train if row[0] >= cutoff]
    fit_rows = rows_for([(t, y) for _, t, y in train], names)
    news = read_news(args.news)
    news_weight = args.news_weight if args.news_weight is not None else len(fit_rows) / len(news)
    news_rows = rows_for(news, names, news_weight)
    fit_rows += news_rows
    dev_rows = rows_for(read_tsv(dev_tsv), names)
    counts = [sum(1 for r in fit_rows if r.features[i]) for i in range(len(names))]
    print(f"fit on {len(fit_rows)} train sentences ({args.fit_on}); dev {len(dev_rows)}")
    shown = ", ".join(f"{n} {c}" for n, c in zip(names, counts, strict=True))
    print(f"  sentences with each feature: {shown}")
    print(f"  no stance terms: dev F1 {f1(dev_rows, [0.0] * len(names)):.4f}")
    best: tuple[float, float, list[float]] | None = None
    for penalty in PENALTIES:
        weights = fit(fit_rows, len(names), penalty)
        score = f1(dev_rows, weights)
        shown = ", ".join(f"{n} {w:+.2f}" for n, w in zip(names, weights, strict=True))
        print(
            f"  penalty {penalty:g}: dev F1 {score:.4f}, news F1 {f1(news_rows, weights):.4f}"
            f"  [{shown}]"
        )
        if best is None or score > best[0]:
            best = (score, penalty, weights)
    assert best is not None
    score, penalty, weights = best
    payload = {
        "fitted_on": f"CheckThat! 2024 English train ({args.fit_on} debates) and the "
        f"English side of {args.news.name}, English model logit as offset",
        "news_weight": round(news_weight, 3),
        "penalty": penalty,
        "dev_f1": round(score, 4),
        "weights": {n: round(w, 3) for n, w in zip(names, weights, strict=True)},
    }
    args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"best penalty {penalty:g} (dev F1 {score:.4f}); wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
