"""TorchServe handler for the linear test models: a real torch computation.

Self-contained (TorchServe workers import it from the .mar): the weights come from the
archive's extra file weights.json. Request body ``{"instances": [[...], ...]}``, answer
``{"predictions": [...]}``.
"""

import json
import os

import torch

_model = None


def _load(context):
    global _model
    model_dir = context.system_properties.get("model_dir")
    with open(os.path.join(model_dir, "weights.json")) as f:
        spec = json.load(f)
    _model = (torch.tensor(spec["weights"], dtype=torch.float64), float(spec["bias"]))


def handle(data, context):
    if _model is None:
        _load(context)
    if data is None:
        return None
    weights, bias = _model
    answers = []
    for request in data:
        body = request.get("body") or request.get("data")
        if isinstance(body, (bytes, bytearray)):
            body = json.loads(body)
        x = torch.tensor(body["instances"], dtype=torch.float64)
        answers.append({"predictions": (x @ weights + bias).tolist()})
    return answers
