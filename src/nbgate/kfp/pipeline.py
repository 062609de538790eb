"""The validation pipeline: clone → execute ∥ compare per notebook → probe → report → gate.

What ``kfp.local`` in kfp 2.17 supports — measured with tiny pipelines on
``SubprocessRunner(use_venv=False)`` (``tests/kfp/test_kfp_local_support.py`` keeps each
finding as a test, so a kfp upgrade that changes one shows up):

=================================================  =========================================
``dsl.ParallelFor`` over a list / a task output    yes
``dsl.Collected`` of parameters and artifacts      yes
``dsl.If`` / ``dsl.Else`` on a task's ``Output``   yes
``dsl.If`` on a *named* output (NamedTuple field)  no: the condition is never resolved, the
                                                   branch is always skipped
``dsl.ParallelFor`` over a *named* task output     no ("Parent pipeline input argument
                                                   'clone-op-notebooks' not found"): clone
                                                   returns its list as the single ``Output``
``dsl.Collected`` from a ``dsl.If`` inside the     only when every iteration takes the branch;
loop                                               one skipped iteration fails the run
``dsl.OneOf``                                      no ("Expected 1 artifact ... Got: 2")
``dsl.Collected`` consumed inside a ``dsl.If``     does not even compile (kubeflow/pipelines#9808)
``.ignore_upstream_failure()``                     yes (the run still ends FAILED)
``dsl.ExitHandler``                                yes (the exit task sees FAILED)
=================================================  =========================================

Fallback, so the same pipeline runs on kfp.local and on a cluster: the report must fan in
every notebook's compare result, and a per-notebook ``dsl.If`` around compare (or a
run-level one around probe) leaves holes that kfp.local cannot collect and that only
``dsl.OneOf`` could fill. So compare and probe are unconditional tasks that apply the
local runner's conditions themselves — compare only a passing execution, skip when no
golden is configured (or missing and not required), probe only when there are
endpoints — and write a ``skipped`` verdict otherwise. Steps write verdict artifacts
instead of failing; the final ``gate`` task fails the run. It is a plain task, not an
ExitHandler exit task, because an exit task cannot consume other tasks' outputs
(kubeflow/pipelines#10187).

Caching: off everywhere except compare (a pure function of its inputs) and clone when the
spec pins a full commit SHA (``build_pipeline(clone_cache=True)``).
"""

# No `from __future__ import annotations`: KFP reads the pipeline function's annotations
# as types, and string annotations break it.
from typing import TYPE_CHECKING, Any

from nbgate.kfp.clone import clone_op
from nbgate.kfp.compare import compare_op
from nbgate.kfp.execute import execute_op
from nbgate.kfp.gate import gate_op
from nbgate.kfp.platform import StepPods, apply_shape
from nbgate.kfp.probe import probe_op
from nbgate.kfp.report import report_op

if TYPE_CHECKING:
    from kfp.dsl.graph_component import GraphComponent

__all__ = ["PIPELINE_NAME", "build_pipeline"]  # and validation_pipeline, built on first use

PIPELINE_NAME = "nbgate-validation"
DESCRIPTION = (
    "nbgate: clone a Git repo, execute its notebooks with papermill, golden-compare them, "
    "probe model endpoints, report (HTML, Markdown, metrics) and fail the run on a bad verdict."
)


def build_pipeline(
    *,
    name: str = PIPELINE_NAME,
    pods: StepPods | None = None,
    clone_cache: bool = False,
    parallelism: int = 0,
) -> "GraphComponent":
    """The pipeline; every spec value is a run parameter (``compile_spec`` sets defaults).

    ``pods``: each step's pod shape (``nbgate.kfp.platform.step_pods``); default: the
    ``cpu`` profile's shape for every step.
    """
    from kfp import dsl

    from nbgate.pod import pod_shape

    if pods is None:
        plain = pod_shape()
        pods = StepPods(
            clone=plain, execute=plain, probe=plain, other=plain, execute_timeout=None, service_account=None
        )

    @dsl.pipeline(name=name, description=DESCRIPTION)  # type: ignore[untyped-decorator]
    def validation(
        repo_url: str,
        revision: str = "",
        notebooks: list[str] = ["**/*.ipynb"],  # noqa: B006 — KFP takes literal defaults
        exclude: list[str] = [],  # noqa: B006
        depth: int = 1,
        golden: str = "golden/{name}",
        golden_required: bool = True,
        parameters: dict = {},  # type: ignore[type-arg]  # noqa: B006
        kernel: str = "",
        cell_timeout: float = 600.0,
        deadline: float = 3600.0,
        startup_timeout: float = 60.0,
        compare_options: dict = {},  # type: ignore[type-arg]  # noqa: B006
        endpoints: list = [],  # type: ignore[type-arg]  # noqa: B006
        formats: list[str] = ["json", "junit", "html", "markdown", "metrics"],  # noqa: B006
        name: str = "validation",
    ) -> None:
        clone = clone_op(url=repo_url, ref=revision, notebooks=notebooks, exclude=exclude, depth=depth)
        clone.set_display_name("clone").set_caching_options(clone_cache)
        apply_shape(clone, pods.clone)

        with dsl.ParallelFor(clone.outputs["Output"], parallelism=parallelism) as notebook:
            execute = execute_op(
                checkout=clone.outputs["checkout"], notebook=notebook, parameters=parameters,
                kernel=kernel, cell_timeout=cell_timeout, deadline=deadline,
                startup_timeout=startup_timeout,
            )  # fmt: skip
            execute.set_display_name("execute").set_caching_options(False)
            apply_shape(execute, pods.execute, timeout=pods.execute_timeout, image=True)

            compare = compare_op(
                checkout=clone.outputs["checkout"], executed=execute.outputs["executed"],
                notebook=notebook, execution_verdict=execute.outputs["Output"], golden=golden,
                golden_required=golden_required, options=compare_options,
            )  # fmt: skip
            compare.set_display_name("compare").set_caching_options(True)
            apply_shape(compare, pods.other)

        probe = probe_op(
            executed=dsl.Collected(execute.outputs["executed"]), endpoints=endpoints, deadline=deadline
        )
        probe.set_display_name("probe").set_caching_options(False)
        apply_shape(probe, pods.probe)

        report = report_op(
            executions=dsl.Collected(execute.outputs["result"]),
            comparisons=dsl.Collected(compare.outputs["result"]),
            probes=probe.outputs["result"], clone_result=clone.outputs["result"],
            name=name, repo=repo_url, revision=revision,
            run_id=dsl.PIPELINE_JOB_ID_PLACEHOLDER, formats=formats,
        )  # fmt: skip
        report.set_display_name("report").set_caching_options(False)
        apply_shape(report, pods.other)

        gate = gate_op(clone_verdict=clone.outputs["verdict"], run_verdict=report.outputs["verdict"])
        gate.set_display_name("gate").set_caching_options(False)
        apply_shape(gate, pods.other)

    return validation


def __getattr__(attr: str) -> Any:
    # ``validation_pipeline`` — the generic pipeline of components/nbgate_validation_pipeline.yaml —
    # is built on first use: building it compiles every component.
    if attr == "validation_pipeline":
        return build_pipeline()
    raise AttributeError(f"module 'nbgate.kfp.pipeline' has no attribute {attr!r}")
