"""Upstream CRD validators for the promotion manifests (offline: no API server here).

The CRDs' ``openAPIV3Schema`` with ``additionalProperties: false`` added where the CRD does not
preserve unknown fields (so a misspelled field fails), int-or-string and nullable honoured — the
recipe of ../shared/schemas/README.md.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from nbgate.crd_schema import strict_schema

SHARED = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "crds"
CRDS = {
    "PyTorchJob": ("kubeflow.org_pytorchjobs.yaml", "v1"),
    "RayJob": ("ray.io_rayjobs.yaml", "v1"),
    "InferenceService": ("serving.kserve.io_inferenceservices.yaml", "v1beta1"),
}


@functools.cache
def crd_validator(kind: str) -> Any:
    from jsonschema import Draft7Validator

    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is missing: the upstream CRDs live beside the repo in shared/")
    file, version = CRDS[kind]
    crd = yaml.load((SHARED / file).read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    served = next(v for v in crd["spec"]["versions"] if v["name"] == version)
    schema = strict_schema(copy.deepcopy(served["schema"]["openAPIV3Schema"]))
    schema["properties"]["metadata"] = {"type": "object"}  # ObjectMeta: the API server's business
    return Draft7Validator(schema)


def crd_errors(doc: dict[str, Any]) -> list[str]:
    validator = crd_validator(doc["kind"])
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(doc)]


@functools.cache
def pod_template_validator() -> Any:
    """Job has no CRD: its pod template is checked with PyTorchJob's embedded PodTemplateSpec schema."""
    from jsonschema import Draft7Validator

    crd_validator("PyTorchJob")
    crd = yaml.load(
        (SHARED / CRDS["PyTorchJob"][0]).read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )
    spec = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    template = spec["properties"]["pytorchReplicaSpecs"]["additionalProperties"]["properties"]["template"]
    return Draft7Validator(strict_schema(copy.deepcopy(template)))
