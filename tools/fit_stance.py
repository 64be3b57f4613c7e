"""The stance fit: weights for the stance features over a fixed logit.

The English model, learned from debates, weighs the speaker's stance (hedges, opinions,
intentions, predictions) only through its signal tags.  `fit` learns one weight per
stance feature (`scoring.stance_features`) by L2-penalised logistic regression with the
model's logit as a fixed offset and no intercept, so the model's own weights stay as
they are.  `tools/model_selection.py` decides whether the terms are used, on what they
are fitted (out-of-fold logits of the debates; news sentences too) and with which
penalty, by cross-validation; `tools/train_checkworthy.py` writes them to
`bot/extraction/data/stance_weights.json`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.extraction.model import sigmoid
from tools.linalg import solve

NEWTON_STEPS = 25


@dataclass(frozen=True)
class Row:
    offset: float
    features: tuple[float, ...]
    label: int
    weight: float = 1.0


def fit(rows: list[Row], size: int, penalty: float) -> list[float]:
    """Newton's method on the penalised log loss, the offset held fixed."""
    weights = [0.0] * size
    active = [row for row in rows if any(row.features)]
    for _ in range(NEWTON_STEPS):
        gradient = [penalty * w for w in weights]
        hessian = [[penalty * (a == b) for b in range(size)] for a in range(size)]
        for row in active:
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
