"""The ``export`` component: the training notebook's ``train`` cells as a script (issue 10).

Caching: on — a pure function of the checkout and the tag.
"""

from kfp import dsl
from kfp.dsl import Artifact, Input, Output

from nbgate.kfp.images import image_for

__all__ = ["export_op"]


@dsl.component(base_image=image_for("clone"), install_kfp_package=False)  # type: ignore[untyped-decorator]
def export_op(
    checkout: Input[Artifact],
    notebook: str,
    script: Output[Artifact],
    result: Output[Artifact],
    verdict: Output[Artifact],
    tag: str = "train",
) -> None:
    """Export ``notebook`` (relative to the checkout) as ``script/train.py``: cells tagged
    ``tag`` (none: all but 'exploration'), parameters as --NAME options, magics dropped."""
    from nbgate.kfp.promote_runtime import run_export

    run_export(
        checkout=checkout.path,
        notebook=notebook,
        tag=tag,
        script=script.path,
        result=result.path,
        verdict=verdict.path,
    )
