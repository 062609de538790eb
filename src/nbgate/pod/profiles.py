"""Named pod profiles: the built-in ``cpu`` (default) and ``gpu``, as in z2jh's ``profileList``.

A spec picks one by name (``spec.pod.profile``); ``spec.profiles`` (and z2jh imports, resolved by
``nbgate.spec.z2jh.resolve_profiles``) may redefine a built-in or add new names. A profile with
``gpus > 0`` gets the GPU scheduling recipe: the ``nvidia.com/gpu`` limit, the toleration for the
GPU node taint and node affinity on the GPU label.
"""

from __future__ import annotations

from typing import Any

from nbgate.errors import InputError
from nbgate.pod.constants import GPU_LABEL, GPU_PRODUCT_LABEL, GPU_RESOURCE
from nbgate.spec.pod import PodProfile, Resources

__all__ = ["BUILTIN", "gpu_affinity", "gpu_toleration", "resolve_profile"]

_CPU_RESOURCES = Resources(requests={"cpu": "500m", "memory": "1Gi"}, limits={"cpu": "2", "memory": "4Gi"})
_GPU_RESOURCES = Resources(requests={"cpu": "2", "memory": "8Gi"}, limits={"cpu": "8", "memory": "32Gi"})

BUILTIN: dict[str, PodProfile] = {
    "cpu": PodProfile(display_name="CPU (default)", resources=_CPU_RESOURCES),
    "gpu": PodProfile(display_name="GPU", resources=_GPU_RESOURCES, gpus=1),
}


def resolve_profile(name: str, profiles: dict[str, PodProfile] | None = None) -> PodProfile:
    """The profile called ``name``: the spec's own (or imported) first, then the built-ins."""
    known = dict(BUILTIN)
    known.update(profiles or {})
    if name not in known:
        raise InputError(
            f"pod profile {name!r} is not defined: use one of {', '.join(sorted(known))} "
            "or add it under spec.profiles"
        )
    chosen = known[name]
    builtin = BUILTIN.get(name)
    if builtin is not None and chosen is not builtin and chosen.resources is None:
        # Redefining `gpu` to change the image keeps the built-in sizes.
        chosen = chosen.model_copy(update={"resources": builtin.resources})
    return chosen


def gpu_toleration() -> dict[str, Any]:
    """GPU node pools are tainted so only pods that ask for a GPU land there."""
    return {"key": GPU_RESOURCE, "operator": "Exists", "effect": "NoSchedule"}


def gpu_affinity(accelerator: str | None) -> dict[str, Any]:
    expressions: list[dict[str, Any]] = [{"key": GPU_LABEL, "operator": "In", "values": ["true"]}]
    if accelerator:
        expressions.append({"key": GPU_PRODUCT_LABEL, "operator": "In", "values": [accelerator]})
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": expressions}]
            }
        }
    }
