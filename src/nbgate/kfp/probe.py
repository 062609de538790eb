"""The ``probe`` component: probe the model endpoints the notebooks depend on.

Caching: off by default — a probe measures live endpoints, whose state is not a KFP input.
"""

from kfp import dsl
from kfp.dsl import Artifact, Input, Output

from nbgate.kfp.images import image_for

__all__ = ["probe_op"]


@dsl.component(base_image=image_for("probe"), install_kfp_package=False)  # type: ignore[untyped-decorator]
def probe_op(
    executed: Input[list[Artifact]],
    result: Output[Artifact],
    verdict: Output[Artifact],
    endpoints: list = [],  # type: ignore[type-arg]  # noqa: B006 — KFP takes literal defaults
    deadline: float = 3600.0,
) -> str:
    """Probe ``endpoints`` (the spec's endpoints[] as JSON objects) once per run; the scraps
    come from the executed notebook when the run has exactly one (as ``nbgate run``).
    Endpoint credentials come from the env (a Secret), never from parameters. Outputs
    ``result`` (ProbeResult list JSON) and ``verdict``; no endpoints: skipped."""
    from nbgate.kfp.runtime import run_probe

    return run_probe(
        endpoints=endpoints, executed=[a.path for a in executed], deadline=deadline,
        result=result.path, verdict=verdict.path,
    )  # fmt: skip
