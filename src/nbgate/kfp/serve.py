"""The ``serve`` component: create the InferenceService or roll the model out as a canary.

Caching: off — it changes the cluster. The pod's service account needs get/create/patch/delete
on inferenceservices (``workflows/promote-rbac.yaml``).
"""

from kfp import dsl
from kfp.dsl import Artifact, Output

from nbgate.kfp.images import image_for

__all__ = ["serve_op"]


@dsl.component(base_image=image_for("probe"), install_kfp_package=False)  # type: ignore[untyped-decorator]
def serve_op(
    promote: dict,  # type: ignore[type-arg]
    storage_uri: str,
    result: Output[Artifact],
    verdict: Output[Artifact],
    revision: str = "",
) -> None:
    """Serve ``storage_uri`` per ``promote`` (the spec's promote section as a JSON object)."""
    from nbgate.kfp.promote_runtime import run_cluster_step

    run_cluster_step(
        "serve",
        promote_spec=promote,
        args=[f"--storage-uri={storage_uri}", f"--revision={revision}"],
        result=result.path,
        verdict=verdict.path,
    )
