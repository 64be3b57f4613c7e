"""Solving the tiny linear systems of the fitting tools (a handful of unknowns; no numpy)."""

from __future__ import annotations


def solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gauss-Jordan elimination with partial pivoting."""
    n = len(vector)
    augmented = [[*matrix[i], vector[i]] for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(augmented[r][col]))
        augmented[col], augmented[pivot] = augmented[pivot], augmented[col]
        for r in range(n):
            if r != col:
                factor = augmented[r][col] / augmented[col][col]
                for c in range(col, n + 1):
                    augmented[r][c] -= factor * augmented[col][c]
    return [augmented[i][n] / augmented[i][i] for i in range(n)]
