"""The ``train`` component: run the exported script; the model is the ``Output[Model]`` artifact
and its URI (``minio://`` read as ``s3://``) the storageUri KServe loads (issue 10).

Caching: off — training reads data that is not a KFP input.
"""

from kfp import dsl
from kfp.dsl import Artifact, Input, Model, Output

from nbgate.kfp.images import image_for

__all__ = ["train_op"]


@dsl.component(base_image=image_for("execute"), install_kfp_package=False)  # type: ignore[untyped-decorator]
def train_op(
    checkout: Input[Artifact],
    script: Input[Artifact],
    notebook: str,
    model: Output[Model],
    result: Output[Artifact],
    verdict: Output[Artifact],
    parameters: dict = {},  # type: ignore[type-arg]  # noqa: B006 — KFP takes literal defaults
    timeout: float = 1800.0,
    revision: str = "kfp",
) -> str:
    """Train ``script/train.py`` in the notebook's folder of the checkout with ``parameters``;
    returns the model's storageUri."""
    from nbgate.kfp.promote_runtime import run_train

    return run_train(
        checkout=checkout.path,
        script=script.path,
        notebook=notebook,
        parameters=parameters,
        timeout=timeout,
        model_dir=model.path,
        model_uri=model.uri,
        revision=revision,
        result=result.path,
        verdict=verdict.path,
    )
