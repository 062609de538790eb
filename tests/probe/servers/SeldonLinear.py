"""Seldon Core 1.18 Python wrapper model: the linear test model named by $LINEAR_MODEL."""

import os

import linear


class SeldonLinear:
    def __init__(self):
        self.model = os.environ.get("LINEAR_MODEL", "right")

    def predict(self, X, features_names=None, meta=None):
        return linear.predict(self.model, [list(map(float, row)) for row in X])
