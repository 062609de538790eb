"""The test models: two linear regressors over 4 features, stdlib only.

Every real server in these tests serves ``right`` (what the notebook validated) and ``wrong``
(one weight drifted: predicts differently), so each platform's checks can be shown to pass and
to fail. Importable from any server venv (no dependencies).
"""

from __future__ import annotations

WEIGHTS = {
    "right": ([0.5, -1.0, 2.0, 0.25], 0.1),
    "wrong": ([0.5, -1.0, 2.0, 0.35], 0.1),
}

# The notebook's sample (also the golden request's inputs).
X_SAMPLE = [
    [5.1, 3.5, 1.4, 0.2],
    [6.2, 2.9, 4.3, 1.3],
    [7.7, 3.0, 6.1, 2.3],
    [4.9, 3.1, 1.5, 0.1],
    [5.8, 2.7, 5.1, 1.9],
]


def predict(model: str, rows: list[list[float]]) -> list[float]:
    weights, bias = WEIGHTS[model]
    return [sum(w * x for w, x in zip(weights, row, strict=True)) + bias for row in rows]
