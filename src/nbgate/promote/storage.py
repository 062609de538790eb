"""The storage contract: where a trained model lands and the ``storageUri`` KServe then loads.

A model is a folder ``<root>/<model>/<revision>/`` holding ``model.joblib`` (what KServe's
sklearn runtimes and MLServer load), ``metrics.json`` and ``parameters.json``:

==========  ==========================================  =====================================
storage     the train pod writes to                      KServe ``storageUri``
==========  ==========================================  =====================================
pvc         the claim mounted at ``/mnt/models``:          ``pvc://<claim>/<path>/<model>/<rev>``
            ``/mnt/models/<path>/<model>/<rev>``
s3          ``/tmp/nbgate/model``, uploaded by Argo as    ``s3://<bucket>/<prefix>/<model>/<rev>``
            the output artifact at that key
artifact    the KFP output artifact (``Output[Model]``)   the artifact's URI; ``minio://`` read
                                                          as ``s3://`` (same bucket and key)
local       ``<out>/models/<model>/<rev>``                 ``file://`` path (the local server)
==========  ==========================================  =====================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from nbgate.errors import InputError
from nbgate.promote.spec import StorageSpec

__all__ = [
    "MODEL_MOUNT",
    "SCRATCH_MODEL_DIR",
    "ModelLocation",
    "artifact_storage_uri",
    "local_location",
    "model_location",
    "revision_name",
]

MODEL_MOUNT = "/mnt/models"
SCRATCH_MODEL_DIR = "/tmp/nbgate/model"  # noqa: S108 — the pod's /tmp emptyDir
_SEGMENT = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


@dataclass(frozen=True)
class ModelLocation:
    kind: Literal["pvc", "s3", "artifact", "local"]
    write_path: str  # where the training script's --output-dir points
    storage_uri: str  # what the InferenceService loads


def revision_name(stamp: str, digest: str) -> str:
    """``r20261123-035931-1a2b3c4d``: sortable by time, unique by the script+parameters digest."""
    return f"r{stamp}-{digest[:8]}"


def _check(segment: str, what: str) -> str:
    if not _SEGMENT.match(segment):
        raise InputError(
            f"{what} {segment!r} must be lower-case letters, digits, '-' or '.' (a DNS-1123 name)"
        )
    return segment


def model_location(storage: StorageSpec, model: str, revision: str) -> ModelLocation:
    """Where a cluster training run writes ``model``'s ``revision`` and what KServe loads."""
    _check(model, "model name")
    _check(revision, "model revision")
    if storage.pvc is not None:
        sub = "/".join(p for p in (storage.pvc.path.strip("/"), model, revision) if p)
        return ModelLocation("pvc", f"{MODEL_MOUNT}/{sub}", f"pvc://{storage.pvc.claim_name}/{sub}")
    if storage.s3 is not None:
        key = "/".join(p for p in (storage.s3.prefix.strip("/"), model, revision) if p)
        return ModelLocation("s3", SCRATCH_MODEL_DIR, f"s3://{storage.s3.bucket}/{key}")
    return ModelLocation("artifact", SCRATCH_MODEL_DIR, "")


def artifact_storage_uri(uri: str) -> str:
    """A KFP/Argo artifact URI as a KServe storageUri (``minio://b/k`` is S3 for KServe)."""
    if uri.startswith("minio://"):
        return "s3://" + uri[len("minio://") :]
    if uri.startswith(("s3://", "gs://", "pvc://", "https://", "hf://")):
        return uri
    raise InputError(
        f"model artifact URI {uri!r} is not one KServe can load (s3://, gs://, pvc://, https://): "
        "store the model on a PVC or in a bucket (spec.promote.storage)"
    )


def local_location(root: Path, model: str, revision: str) -> ModelLocation:
    path = root / "models" / _check(model, "model name") / _check(revision, "model revision")
    return ModelLocation("local", str(path), path.resolve().as_uri())
