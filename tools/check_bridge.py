"""Measure the French bridge on a parallel dev set, and what a learned calibration would do.

    .venv/bin/python -m tools.check_bridge [--dev TSV] [--report TSV ...]

French is scored by the English model through the lexicon (`bot/extraction/bilingual.py`).
This tool works on `tools/data/parallel_dev_en_fr.tsv` (pairs written for it, never the
test set in tests/extraction/data) and prints:

1. agreement, mean |score gap| and F1 on the dev set (and on any `--report` set);
2. the dev pairs whose decisions differ, with the mapped English, to find general rules;
3. the French words the lexicon leaves unmapped on the dev set (lexicon candidates);
4. a learned calibration: a ridge regression of the English logit on the bridged one
   (`scale`, `shift`) plus one weight per native stance tag (`c:speculation`...), with
   the penalty picked by 5-fold cross-validated agreement.  It is reported, not shipped:
   what it learns is to cancel the native stance terms (hedges, opinions, plans), which
   brings French to the English model's decisions but lets "pourrait" and "sans aucun
   doute" sentences back into the French articles' claims (docs/extraction.md).

Pure Python, seconds.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.extraction import is_checkworthy, score_sentence
from bot.extraction.lexicon import get_lexicon
from bot.extraction.model import LinearModel, load_bridged_model
from bot.extraction.scoring import bridged_score, model_score
from bot.extraction.signals import compute_signals
from tools.linalg import solve

REPO = Path(__file__).resolve().parent.parent
DEV = REPO / "tools" / "data" / "parallel_dev_en_fr.tsv"
LANGUAGE = "fr"
CLIP = 4.0
# Native signal tags the calibration may weigh: the speaker's stance, which the scorer
# adds for French on top of the English model (see `scoring.stance_logit`).
TAGS = ("speculation", "opinion", "intention", "prediction", "first person")
PENALTIES = (0.3, 1.0, 3.0, 10.0)
FOLDS = 5


@dataclass(frozen=True)
class Pair:
    label: bool
    english: str
    french: str


@dataclass(frozen=True)
class Row:
    """One pair as the regression sees it."""

    target: float  # English logit, clipped, minus the scorer's terms outside the model
    bridged: float  # the uncalibrated model logit of the French sentence, clipped
    tags: tuple[float, ...]
    english_logit: float
    extra: float


def read_pairs(path: Path) -> list[Pair]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [Pair(row["label"] == "1", row["en"], row["fr"]) for row in rows]


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def clip(x: float) -> float:
    return max(-CLIP, min(CLIP, x))


def bridged_model() -> LinearModel:
    model = load_bridged_model(LANGUAGE)
    assert model is not None and model.bridge is not None
    return model


def rows_for(pairs: list[Pair], model: LinearModel) -> list[Row]:
    rows = []
    lexicon = get_lexicon(LANGUAGE)
    for pair in pairs:
        signals = compute_signals(pair.french, lexicon)
        inside = model.logit(model.features(pair.french, signals))
        extra = logit(model_score(model, pair.french, signals)) - inside
        english = logit(score_sentence(pair.english, "en"))
        tags = set(signals.tags())
        rows.append(
            Row(
                target=clip(english) - extra,
                bridged=clip(inside),
                tags=tuple(float(tag in tags) for tag in TAGS),
                english_logit=english,
                extra=extra,
            )
        )
    return rows


def _design(row: Row) -> list[float]:
    return [1.0, row.bridged, *row.tags]


def fit(rows: list[Row], penalty: float) -> list[float]:
    """Ridge regression; the penalty pulls the scale to 1 and the rest to 0, not the shift."""
    design = [_design(row) for row in rows]
    size = len(design[0])
    prior = [0.0, 1.0] + [0.0] * (size - 2)
    matrix = [[sum(x[a] * x[b] for x in design) for b in range(size)] for a in range(size)]
    vector = [
        sum(x[a] * row.target for x, row in zip(design, rows, strict=True)) for a in range(size)
    ]
    for a in range(1, size):
        matrix[a][a] += penalty
        vector[a] += penalty * prior[a]
    return solve(matrix, vector)


def predict(row: Row, coefficients: list[float]) -> float:
    """The calibrated French logit (the model's share clipped as in the fit)."""
    return sum(c * x for c, x in zip(coefficients, _design(row), strict=True)) + row.extra


def agreement(rows: list[Row], coefficients: list[float]) -> float:
    same = sum((predict(r, coefficients) >= 0) == (r.english_logit >= 0) for r in rows)
    return same / len(rows)


def choose_penalty(rows: list[Row]) -> float:
    """The ridge penalty with the best 5-fold cross-validated agreement (ties: stronger)."""
    best: tuple[float, float] | None = None
    for penalty in PENALTIES:
        hits = 0
        for fold in range(FOLDS):
            train = [r for i, r in enumerate(rows) if i % FOLDS != fold]
            held = [r for i, r in enumerate(rows) if i % FOLDS == fold]
            coefficients = fit(train, penalty)
            hits += round(agreement(held, coefficients) * len(held))
        score = hits / len(rows)
        print(f"  penalty {penalty:>5}: cross-validated agreement {score:.3f}")
        if best is None or score >= best[0]:
            best = (score, penalty)
    assert best is not None
    return best[1]


def learn(pairs: list[Pair]) -> dict[str, object]:
    """The calibration the dev set gives (reported only; see the module docstring)."""
    rows = rows_for(pairs, bridged_model())
    penalty = choose_penalty(rows)
    coefficients = fit(rows, penalty)
    shift, scale, *tag_weights = (round(c, 3) for c in coefficients)
    return {
        "penalty": penalty,
        "scale": scale,
        "shift": shift,
        "weights": {f"c:{tag}": w for tag, w in zip(TAGS, tag_weights, strict=True)},
        "dev agreement if applied": round(agreement(rows, coefficients), 3),
    }


def _f1(predicted: list[bool], labels: list[bool]) -> float:
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    fn = sum(y and not p for p, y in zip(predicted, labels, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


@dataclass(frozen=True)
class Figures:
    agreement: float
    mean_gap: float
    f1_english: float
    f1_french: float


def figures(path: Path) -> Figures:
    """Decision agreement, mean |score gap| and both F1s of the shipped scorer on `path`."""
    pairs = read_pairs(path)
    english = [score_sentence(p.english, "en") for p in pairs]
    french = [bridged_score(p.french, LANGUAGE) or 0.0 for p in pairs]
    labels = [p.label for p in pairs]
    en_verdicts = [is_checkworthy(s) for s in english]
    fr_verdicts = [is_checkworthy(s) for s in french]
    same = sum(a == b for a, b in zip(en_verdicts, fr_verdicts, strict=True))
    gap = sum(abs(a - b) for a, b in zip(english, french, strict=True))
    return Figures(
        same / len(pairs), gap / len(pairs), _f1(en_verdicts, labels), _f1(fr_verdicts, labels)
    )


def report(path: Path) -> None:
    found = figures(path)
    print(
        f"{path.name}: {len(read_pairs(path))} pairs  agreement {found.agreement:.3f}  "
        f"mean |gap| {found.mean_gap:.3f}  "
        f"F1 en {found.f1_english:.3f}  fr {found.f1_french:.3f}"
    )


def disagreements(pairs: list[Pair]) -> None:
    """Dev pairs with different decisions, with the French as the model reads it."""
    model = bridged_model()
    assert model.bridge is not None
    for pair in pairs:
        english = score_sentence(pair.english, "en")
        french = bridged_score(pair.french, LANGUAGE) or 0.0
        if is_checkworthy(english) != is_checkworthy(french):
            mapped = " ".join(model.bridge.translate_text(pair.french))
            print(f"  en {english:.2f} fr {french:.2f}  {pair.english}\n      -> {mapped}")


def unmapped_words(pairs: list[Pair], top: int = 40) -> list[tuple[str, int]]:
    """French words the lexicon leaves as they are and the model has no weight for."""
    model = bridged_model()
    assert model.bridge is not None
    counts = Counter(
        token
        for pair in pairs
        for token in model.bridge.translate_text(pair.french)
        if token not in model.bridge.target_vocabulary and not token[0].isdigit()
    )
    return counts.most_common(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--report", type=Path, nargs="*", default=[], help="more sets to report")
    args = parser.parse_args()
    pairs = read_pairs(args.dev)
    for path in [args.dev, *args.report]:
        report(path)
    print("\nDev pairs whose decisions differ:")
    disagreements(pairs)
    print("\nUnmapped French words on the dev set:")
    print("  " + ", ".join(f"{word} ({n})" for word, n in unmapped_words(pairs)))
    print("\nLearned calibration (not shipped):")
    print(json.dumps(learn(pairs), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
