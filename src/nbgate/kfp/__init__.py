"""nbgate on Kubeflow Pipelines: one KFP v2 component per step and the validation pipeline.

``from nbgate.kfp import execute_op`` gives the component to use in your own pipeline;
``components/<step>/component.yaml`` is the same component compiled, for
``kfp.components.load_component_from_file``. Names resolve lazily so that importing
``nbgate.kfp.runtime`` (what runs inside the step images) does not import kfp.

Component style — lightweight Python components with ``base_image`` = the step's image and
``install_kfp_package=False``:

* on a cluster they run in the prebuilt step image (which ships nbgate and kfp), with no
  ``pip install`` at run time (``tests/kfp`` greps the compiled YAML for it);
* ``kfp.local.SubprocessRunner(use_venv=False)`` runs them in this interpreter, so the
  whole pipeline runs on a laptop or in CI without Docker. Container components
  (``@dsl.container_component``) and containerized Python components would need the
  ``DockerRunner`` — SubprocessRunner refuses them — and Docker is not available here.

The component bodies are two lines that call ``nbgate.kfp.runtime``, where the logic lives.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "clone_op",
    "compare_op",
    "execute_op",
    "gate_op",
    "probe_op",
    "report_op",
    "validation_pipeline",
]

_NAMES = {
    "clone_op": "nbgate.kfp.clone",
    "execute_op": "nbgate.kfp.execute",
    "compare_op": "nbgate.kfp.compare",
    "probe_op": "nbgate.kfp.probe",
    "report_op": "nbgate.kfp.report",
    "gate_op": "nbgate.kfp.gate",
    "validation_pipeline": "nbgate.kfp.pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        return getattr(importlib.import_module(_NAMES[name]), name)
    raise AttributeError(f"module 'nbgate.kfp' has no attribute {name!r}")
