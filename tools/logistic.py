"""Exact logistic fits for the training tools: pure Python, no numpy, no learning rate.

Newton's method on the mean logistic loss with an L2 penalty converges in a handful of steps
for the dozen features the tools fit, and gives the same weights on every run, so nothing
but the penalty is left to choose (by cross-validation, see tools/cross_validation.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import repeat
from operator import add, mul, neg, sub, truediv

from tools.linalg import solve

__all__ = ["calibrate", "log_loss", "newton_logistic", "probability", "softplus"]


def softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-max(-35.0, min(35.0, x))))


def newton_logistic(
    columns: list[list[float]], l2: float, start: list[float] | None = None
) -> list[float]:
    """The weights minimising the mean logistic loss of rows whose label is 1 (each column one
    feature's values) plus l2/2 |w|^2. Exact and deterministic, so there is no learning rate or
    epoch count to choose; `start` warms it up. Vector steps run as C-level maps: pure Python,
    yet a fraction of a second a step."""
    d, n = len(columns), len(columns[0])
    penalty = [l2] * d
    ones = repeat(1.0)

    def margins(w: list[float]) -> list[float]:
        z = [0.0] * n
        for wj, column in zip(w, columns, strict=True):
            if wj:
                z = list(map(add, z, map(mul, column, repeat(wj))))
        return z

    def loss(z: list[float], w: list[float]) -> float:
        ridge = sum(p * x * x for p, x in zip(penalty, w, strict=True)) / 2
        # log(1 + e^-z), with e^-z kept finite (z >= -700 loses nothing a float can hold).
        exps = map(math.exp, map(neg, map(max, z, repeat(-700.0))))
        return math.fsum(map(math.log1p, exps)) / n + ridge

    w = list(start) if start is not None else [0.0] * d
    z = margins(w)
    current = loss(z, w)
    for _ in range(100):
        # The chance each row is ordered wrongly, sigmoid(-z), and its curvature.
        wrong = list(map(truediv, ones, map(add, ones, map(math.exp, map(min, z, repeat(700.0))))))
        curvature = list(map(mul, wrong, map(sub, ones, wrong)))
        gradient = [
            -sum(map(mul, wrong, column)) / n + p * wj
            for column, p, wj in zip(columns, penalty, w, strict=True)
        ]
        weighted = [list(map(mul, curvature, column)) for column in columns]
        hessian = [[0.0] * d for _ in range(d)]
        for a in range(d):
            for b in range(a, d):
                hessian[a][b] = hessian[b][a] = sum(map(mul, weighted[a], columns[b])) / n
            hessian[a][a] += penalty[a] + 1e-12
        step = solve(hessian, gradient)
        size = 1.0
        while True:
            trial = [wj - size * s for wj, s in zip(w, step, strict=True)]
            trial_z = margins(trial)
            trial_loss = loss(trial_z, trial)
            if trial_loss <= current or size < 1e-6:
                break
            size /= 2
        w, z, improvement, current = trial, trial_z, current - trial_loss, trial_loss
        if max(abs(size * s) for s in step) < 1e-7 or improvement < 1e-12:
            break
    return w


def calibrate(tops: Sequence[tuple[float, bool]]) -> tuple[float, float]:
    """(a, b) of P(best match right) = sigmoid(a * score + b), by logistic regression."""
    scores = [score for score, _ in tops]
    # Rows of label 1 are (score, 1) for right and (-score, -1) for wrong, by symmetry.
    signs = [1.0 if hit else -1.0 for _, hit in tops]
    a, b = newton_logistic([list(map(mul, signs, scores)), signs], 1e-6)
    return a, b


def probability(calibration: tuple[float, float], score: float) -> float:
    return sigmoid(calibration[0] * score + calibration[1])


def log_loss(calibration: tuple[float, float], tops: Sequence[tuple[float, bool]]) -> float:
    """Mean log loss of calibrated probabilities against whether each best match was right."""
    total = 0.0
    for score, hit in tops:
        z = calibration[0] * score + calibration[1]
        total += softplus(-z if hit else z)
    return total / len(tops)
