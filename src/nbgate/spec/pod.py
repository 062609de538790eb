"""Pod settings for cluster runs (``spec.pod``) and named pod profiles (``spec.profiles``).

Kubernetes objects (resources, tolerations, env, volumes…) are kept as the plain dicts a
user writes in YAML: they are passed through to the manifests unchanged, and the pod
profile module (``nbgate.pod``) is what turns them into a PSA-``restricted`` pod.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from nbgate._model import WireModel

__all__ = ["DataVolume", "PodProfile", "PodSpec", "ProfilesFrom", "Resources"]


class Resources(WireModel):
    requests: dict[str, str | int | float] = {}
    limits: dict[str, str | int | float] = {}


class DataVolume(WireModel):
    """A PersistentVolumeClaim with the notebooks' data, mounted read-only by default."""

    claim_name: str
    mount_path: str = "/data"
    sub_path: str | None = None
    read_only: bool = True


class PodProfile(WireModel):
    """A named pod shape, as in a z2jh ``singleuser.profileList`` entry."""

    display_name: str | None = None
    description: str | None = None
    image: str | None = None
    resources: Resources | None = None
    gpus: int = 0
    accelerator: str | None = Field(
        default=None, description="GPU node label value, e.g. nvidia-tesla-t4 (node affinity)."
    )
    node_selector: dict[str, str] = {}
    tolerations: list[dict[str, Any]] = []
    affinity: dict[str, Any] | None = None
    env: list[dict[str, Any]] = []


class ProfilesFrom(WireModel):
    """Import profiles from a JupyterHub (z2jh) Helm values file."""

    # Explicit alias: the generator would write 'z2JhValues'; the glossary name is z2jhValues.
    z2jh_values: str = Field(
        alias="z2jhValues",
        description="Path to the z2jh Helm values file (relative: to the spec file's directory).",
    )


class PodSpec(WireModel):
    """How a notebook's pod looks in a cluster run. Ignored by the local runner."""

    profile: str = "cpu"
    image: str | None = None
    resources: Resources | None = None
    node_selector: dict[str, str] = {}
    tolerations: list[dict[str, Any]] = []
    affinity: dict[str, Any] | None = None
    env: list[dict[str, Any]] = []
    env_from: list[dict[str, Any]] = []
    volumes: list[dict[str, Any]] = []
    volume_mounts: list[dict[str, Any]] = []
    data: DataVolume | None = None
    service_account_name: str | None = None
    priority_class_name: str | None = None
    queue_name: str | None = Field(default=None, description="Kueue LocalQueue (kueue.x-k8s.io/queue-name).")
    image_pull_secrets: list[str] = []
