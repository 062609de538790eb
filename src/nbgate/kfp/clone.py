"""The ``clone`` component: clone a Git repository at a ref and list its notebooks.

The notebook list is the component's single return value (``Output``), not a NamedTuple
field: kfp.local (2.17) cannot resolve a ``dsl.ParallelFor`` over a named task output.

Caching: off in the validation pipeline unless the ref is a full commit SHA (then the
checkout cannot change, and a cached one is safe to reuse).
"""

from kfp import dsl
from kfp.dsl import Artifact, Output

from nbgate.kfp.images import image_for

__all__ = ["clone_op"]


@dsl.component(base_image=image_for("clone"), install_kfp_package=False)  # type: ignore[untyped-decorator]
def clone_op(
    url: str,
    checkout: Output[Artifact],
    result: Output[Artifact],
    verdict: Output[Artifact],
    ref: str = "",
    notebooks: list[str] = ["**/*.ipynb"],  # noqa: B006 — KFP takes literal defaults
    exclude: list[str] = [],  # noqa: B006
    depth: int = 1,
) -> list[str]:
    """Clone ``url`` at ``ref`` into the ``checkout`` folder and return the notebooks to
    validate (paths relative to the checkout); ``result`` (CloneResult JSON) holds the commit
    SHA. A clone that cannot run writes an ``error`` verdict and returns no notebooks (the
    gate fails the run); a transient error (exit 3) fails the task, for a retry policy.
    Git credentials come from the env (NBGATE_GIT_TOKEN…, from a Secret), never from
    parameters. depth 0 = full history."""
    from nbgate.kfp.runtime import run_clone

    found, _commit = run_clone(
        url=url, ref=ref, notebooks=notebooks, exclude=exclude, depth=depth,
        checkout=checkout.path, result=result.path, verdict=verdict.path,
    )  # fmt: skip
    return found
