"""The KFP promotion pipeline: clone → export → train → serve → rollout (issue 10).

Run it after the validation pipeline passed (or nest both in your own pipeline): KFP cannot
gate a task on another pipeline's verdict file, so the chain starts from a fresh clone.
"""

# No `from __future__ import annotations`: KFP reads the pipeline function's annotations.
from typing import Any

from nbgate.kfp.clone import clone_op
from nbgate.kfp.export import export_op
from nbgate.kfp.rollout import rollout_op
from nbgate.kfp.serve import serve_op
from nbgate.kfp.train import train_op

__all__ = ["PROMOTE_PIPELINE_FILE", "build_promotion_pipeline"]

PROMOTE_PIPELINE_FILE = "nbgate_promotion_pipeline.yaml"


def build_promotion_pipeline() -> Any:
    from kfp import dsl

    @dsl.pipeline(name="nbgate-promotion", description="nbgate: notebook → train → serve → probe → promote.")  # type: ignore[untyped-decorator]
    def promotion_pipeline(
        repo_url: str,
        notebook: str,
        promote: dict,  # type: ignore[type-arg]
        revision: str = "",
        scraps: str = "",
        train_parameters: dict = {},  # type: ignore[type-arg]  # noqa: B006
        train_timeout: float = 1800.0,
    ) -> None:
        clone = clone_op(url=repo_url, ref=revision, notebooks=[notebook]).set_caching_options(False)
        export = export_op(checkout=clone.outputs["checkout"], notebook=notebook)
        train = train_op(
            checkout=clone.outputs["checkout"],
            script=export.outputs["script"],
            notebook=notebook,
            parameters=train_parameters,
            timeout=train_timeout,
            revision=dsl.PIPELINE_JOB_NAME_PLACEHOLDER,
        ).set_caching_options(False)
        serve = serve_op(
            promote=promote, storage_uri=train.outputs["Output"], revision=dsl.PIPELINE_JOB_NAME_PLACEHOLDER
        ).set_caching_options(False)
        rollout_op(
            promote=promote,
            checkout=clone.outputs["checkout"],
            scraps=scraps,
            storage_uri=train.outputs["Output"],
            revision=dsl.PIPELINE_JOB_NAME_PLACEHOLDER,
        ).after(serve).set_caching_options(False)

    return promotion_pipeline
