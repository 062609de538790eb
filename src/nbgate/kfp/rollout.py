"""The ``rollout`` component: probe the canary (tag-routed ``latest-`` URL), promote or roll back.

Caching: off — it probes live endpoints and patches the cluster (RBAC: get/patch inferenceservices).
"""

from kfp import dsl
from kfp.dsl import Artifact, Input, Output

from nbgate.kfp.images import image_for

__all__ = ["rollout_op"]


@dsl.component(base_image=image_for("probe"), install_kfp_package=False)  # type: ignore[untyped-decorator]
def rollout_op(
    promote: dict,  # type: ignore[type-arg]
    checkout: Input[Artifact],
    scraps: str,
    storage_uri: str,
    result: Output[Artifact],
    verdict: Output[Artifact],
    revision: str = "",
) -> None:
    """Probe the candidate against the recorded predictions in ``scraps`` (relative to the
    checkout); the decision and the exact merge patch are in ``result``."""
    from nbgate.kfp.promote_runtime import run_cluster_step

    run_cluster_step(
        "rollout",
        promote_spec=promote,
        args=[f"--scraps={checkout.path}/{scraps}", f"--storage-uri={storage_uri}", f"--revision={revision}"],
        result=result.path,
        verdict=verdict.path,
    )
