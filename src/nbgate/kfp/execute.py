"""The ``execute`` component: execute one notebook with papermill in the execute image.

Caching: off by default (``set_caching_options(False)`` in the pipeline; do the same in
yours): a notebook's result depends on the cluster, its data and the image, none of which
are KFP inputs.
"""

from kfp import dsl
from kfp.dsl import HTML, Artifact, Input, Output

from nbgate.kfp.images import image_for

__all__ = ["execute_op"]


@dsl.component(base_image=image_for("execute"), install_kfp_package=False)  # type: ignore[untyped-decorator]
def execute_op(
    checkout: Input[Artifact],
    notebook: str,
    executed: Output[Artifact],
    executed_html: Output[HTML],
    result: Output[Artifact],
    verdict: Output[Artifact],
    parameters: dict = {},  # type: ignore[type-arg]  # noqa: B006 — KFP takes literal defaults
    kernel: str = "",
    cell_timeout: float = 600.0,
    deadline: float = 3600.0,
    startup_timeout: float = 60.0,
) -> str:
    """Execute ``notebook`` (a path in ``checkout``) with papermill ``parameters``. Outputs:
    ``executed`` (a folder with the executed notebook at its path, written even on failure),
    ``executed_html`` (rendered in the KFP UI), ``result`` (ExecutionResult JSON),
    ``verdict`` (verdict file) and returns the verdict (passed, failed, error). A failing
    notebook does not fail the task; a transient error does (retry). 0 = no timeout."""
    from nbgate.kfp.runtime import run_execute

    return run_execute(
        checkout=checkout.path, notebook=notebook, parameters=parameters, kernel=kernel,
        cell_timeout=cell_timeout, deadline=deadline, startup_timeout=startup_timeout,
        executed=executed.path, executed_html=executed_html.path, result=result.path,
        verdict=verdict.path,
    )  # fmt: skip
