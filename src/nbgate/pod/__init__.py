"""The one pod-profile module: how every nbgate step pod looks in a cluster (Argo, KFP, image tests).

Plain Kubernetes dicts only — no Hera or KFP imports — so every runner shapes pods the same way.
"""

from __future__ import annotations

from nbgate.pod.profiles import BUILTIN, resolve_profile
from nbgate.pod.shape import PodShape, container_security_context, pod_security_context, pod_shape

__all__ = [
    "BUILTIN",
    "PodShape",
    "container_security_context",
    "pod_security_context",
    "pod_shape",
    "resolve_profile",
]
