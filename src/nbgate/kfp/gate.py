"""The ``gate`` component: the run's last step, which fails the run on a bad verdict.

The steps write verdict artifacts instead of failing, so the DAG always reaches the report;
this task then exits with the worst verdict's code. It is an ordinary task, not a
``dsl.ExitHandler`` exit task, because an exit task cannot consume other tasks' outputs
(kubeflow/pipelines#10187). Caching: off — it must run every time.
"""

from kfp import dsl
from kfp.dsl import Artifact, Input

from nbgate.kfp.images import image_for

__all__ = ["gate_op"]


# No image of its own: `nbgate gate` is in every step image; the report image is the one
# that runs just before it.
@dsl.component(base_image=image_for("report"), install_kfp_package=False)  # type: ignore[untyped-decorator]
def gate_op(clone_verdict: Input[Artifact], run_verdict: Input[Artifact]) -> None:
    """Exit with the worst of the clone's and the run's verdicts: 0 passed, 1 failed,
    2 error, 3 transient (``nbgate gate``)."""
    from nbgate.kfp.runtime import run_gate

    run_gate([clone_verdict.path, run_verdict.path])
