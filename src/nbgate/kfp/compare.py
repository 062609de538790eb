"""The ``compare`` component: golden-compare one executed notebook.

Caching: on — the comparison is a pure function of its input artifacts (the executed
notebook, the checkout holding the golden) and options, all of which are KFP inputs.
"""

from kfp import dsl
from kfp.dsl import Artifact, Input, Output

from nbgate.kfp.images import image_for

__all__ = ["compare_op"]


@dsl.component(base_image=image_for("compare"), install_kfp_package=False)  # type: ignore[untyped-decorator]
def compare_op(
    checkout: Input[Artifact],
    executed: Input[Artifact],
    notebook: str,
    result: Output[Artifact],
    verdict: Output[Artifact],
    execution_verdict: str = "passed",
    golden: str = "golden/{name}",
    golden_required: bool = True,
    options: dict = {},  # type: ignore[type-arg]  # noqa: B006 — KFP takes literal defaults
) -> str:
    """Compare ``notebook`` in the ``executed`` folder with its golden (``golden`` is the
    spec's golden.path template, relative to ``checkout``). It decides itself whether to
    run, as the local runner does: skipped when ``execution_verdict`` is not passed or
    ``golden`` is empty; a missing golden is an input error when ``golden_required``.
    Outputs ``result`` (CompareResult JSON, or [] when skipped) and ``verdict``."""
    from nbgate.kfp.runtime import run_compare

    return run_compare(
        checkout=checkout.path, executed=executed.path, notebook=notebook,
        execution_verdict=execution_verdict, golden=golden, golden_required=golden_required,
        options=options, result=result.path, verdict=verdict.path,
    )  # fmt: skip
