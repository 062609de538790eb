"""Compile for Kubeflow Pipelines: one spec's pipeline, and the committed ``components/`` tree.

``compile_spec`` is what ``nbgate compile --target kfp SPEC`` prints; ``write_components``
is what ``make generate-components`` runs (``python -m nbgate.kfp.compile components``).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from nbgate.errors import InputError
from nbgate.spec.model import NotebookValidation

__all__ = ["COMPONENT_STEPS", "PIPELINE_FILE", "compile_spec", "pipeline_arguments", "write_components"]

PIPELINE_FILE = "nbgate_validation_pipeline.yaml"
COMPONENT_STEPS = (
    "clone",
    "execute",
    "compare",
    "probe",
    "report",
    "gate",
    "export",
    "train",
    "serve",
    "rollout",
)
_FULL_SHA = re.compile(r"^[0-9a-f]{40}$")


def _check_supported(resource: NotebookValidation) -> None:
    spec = resource.spec
    if spec.source.git is None:
        kind = "local" if spec.source.local is not None else "pvc"
        raise InputError(
            f"spec.source.{kind}: a KFP run clones its notebooks; use source.git for --target kfp "
            "(or run locally with nbgate run)"
        )
    if spec.source.git.changed_between is not None:
        raise InputError(
            "spec.source.git.changedBetween is not supported by --target kfp yet: remove it or use argo"
        )
    if spec.golden is not None and spec.golden.source is not None:
        raise InputError(
            "spec.golden.source: a KFP run takes goldens from the notebooks' checkout; move them "
            "there (golden.path) or use --target argo"
        )


def pipeline_arguments(resource: NotebookValidation) -> dict[str, Any]:
    """The spec as the pipeline's run parameters (compiled in as their defaults)."""
    spec = resource.spec
    git = spec.source.git
    assert git is not None  # _check_supported ran
    timeouts = spec.timeouts
    return {
        "repo_url": git.url,
        "revision": git.ref or "",
        "notebooks": list(spec.notebooks),
        "exclude": list(spec.exclude),
        "depth": git.depth or 0,
        "golden": spec.golden.path if spec.golden is not None else "",
        "golden_required": spec.golden.required if spec.golden is not None else True,
        "parameters": spec.effective_parameters(),
        "kernel": spec.kernel or "",
        "cell_timeout": float(timeouts.cell or 0),
        "deadline": float(timeouts.notebook or 0),
        "startup_timeout": float(timeouts.startup),
        "compare_options": spec.compare.to_wire(),
        "endpoints": [e.to_wire() for e in spec.endpoints],
        "formats": list(dict.fromkeys([*spec.report.formats, "json", "html", "markdown", "metrics"])),
        "name": resource.metadata.name,
    }


def _compile(pipeline: Any, arguments: dict[str, Any] | None = None) -> str:
    from kfp import compiler

    from nbgate.kfp.yaml_style import stock_yaml_strings

    with tempfile.TemporaryDirectory(prefix="nbgate-kfp-") as tmp, stock_yaml_strings():
        path = Path(tmp) / "pipeline.yaml"
        compiler.Compiler().compile(pipeline, str(path), pipeline_parameters=arguments)
        return path.read_text(encoding="utf-8")


def compile_spec(resource: NotebookValidation) -> str:
    """The KFP pipeline YAML for one spec: its values as run-parameter defaults, its pod
    settings (profile, GPU, tolerations, Secrets as env, PVCs, timeouts) on the tasks."""
    from nbgate.kfp.pipeline import build_pipeline
    from nbgate.kfp.platform import step_pods

    _check_supported(resource)
    git = resource.spec.source.git
    assert git is not None
    pipeline = build_pipeline(
        name=f"nbgate-{resource.metadata.name}",
        pods=step_pods(resource),
        # A full SHA cannot move: a cached checkout is the same checkout.
        clone_cache=bool(git.ref and _FULL_SHA.match(git.ref)),
        parallelism=resource.spec.jobs or 0,
    )
    return _compile(pipeline, pipeline_arguments(resource))


# --------------------------------------------------------------------------- components/

_CACHING = {
    "clone": "off in the validation pipeline; on when the spec pins `source.git.ref` to a full "
    "commit SHA (`nbgate compile --target kfp`), since that checkout cannot change.",
    "execute": "**off** — a notebook's result depends on the cluster, its data and the image, none "
    "of which are KFP inputs. In your own pipeline call `.set_caching_options(False)`.",
    "compare": "on — a pure function of its input artifacts (executed notebook, checkout with the "
    "golden) and options.",
    "probe": "**off** — it measures live endpoints. In your own pipeline call `.set_caching_options(False)`.",
    "report": "off — a report records one run (its id and time).",
    "gate": "off — it must run every time.",
    "export": "on — a pure function of the checkout and the tag.",
    "train": "**off** — training reads data that is not a KFP input.",
    "serve": "**off** — it changes the cluster (creates or patches an InferenceService).",
    "rollout": "**off** — it probes a live canary and patches the cluster.",
}

_POD_NOTES = """\
## Pod settings (kfp-kubernetes)

`nbgate compile --target kfp SPEC` applies the spec's pod shape (`nbgate.pod`) to each task:
resources, GPU (`nvidia.com/gpu` accelerator type and limit, the GPU toleration, node affinity
on the GPU labels), node selector, tolerations, Secrets as env (never parameters), PVC mounts,
emptyDirs for `/tmp` and `~/.cache`, the Kueue queue label, image pull secrets and a pod
timeout behind the execute step's own deadline.

PSA `restricted`: the task sets `runAsNonRoot: true`, `runAsUser`/`runAsGroup` 1000; the KFP
backend adds `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]` and
`seccompProfile: RuntimeDefault`. **Not possible on KFP:** `readOnlyRootFilesystem` (KFP's
launcher writes artifacts on the root filesystem), `fsGroup`, read-only PVC mounts,
`envFrom`, `priorityClassName`; the service account is set per run (`nbgate submit`).
"""


_STEP_NOTES = {
    "probe": """\
## Service account (InferenceService endpoints)

An endpoint given as `inferenceService: {namespace, name}` (and no `url`) has its URL read from
the InferenceService's `status.url`, with one `GET` on the API server and the pod's
service-account token. KFP mounts the run's token in every task pod (its launcher needs it),
so all the run's service account needs is `get` on InferenceServices in that namespace,
nothing more:

```bash
kubectl -n ISVC_NAMESPACE create role nbgate-probe --verb=get \\
  --resource=inferenceservices.serving.kserve.io
kubectl -n ISVC_NAMESPACE create rolebinding nbgate-probe --role=nbgate-probe \\
  --serviceaccount=RUN_NAMESPACE:RUN_SERVICE_ACCOUNT
kubectl auth can-i get inferenceservices.serving.kserve.io -n ISVC_NAMESPACE \\
  --as=system:serviceaccount:RUN_NAMESPACE:RUN_SERVICE_ACCOUNT
```

The run's service account is `spec.pod.serviceAccountName` with `nbgate submit --kfp-host`,
else KFP's default for the namespace. On Argo, `workflows/rbac.yaml` ships the same Role for
the `nbgate-probe` account, the only validation step pod with a token.
""",
}


def _registry_step(name: str) -> Any:
    from nbgate.steps.registry import step

    return step(name)


def _readme(step: str, component: Any, pipeline_spec: dict[str, Any]) -> str:
    from nbgate.kfp.images import image_for

    root = pipeline_spec["root"]
    inputs = root.get("inputDefinitions", {})
    outputs = root.get("outputDefinitions", {})
    lines = [
        f"# nbgate `{step}` component",
        "",
        "<!-- generated by `make generate-components`: do not edit -->",
        "",
        " ".join((component.description or "").split()),
        "",
        f"Image: `{image_for(_registry_step(step).image or step)}` (a lightweight Python component "
        "run in the prebuilt step image; `install_kfp_package=False`, so nothing is pip-installed "
        "at run time).",
        "",
        "```python",
        "from kfp import components",
        f'{step}_op = components.load_component_from_file("components/{step}/component.yaml")',
        f"# or: from nbgate.kfp import {step}_op",
        "```",
        "",
        "## Inputs",
        "",
        "| name | type | default |",
        "|---|---|---|",
    ]
    for kind in ("parameters", "artifacts"):
        for name, spec in sorted(inputs.get(kind, {}).items()):
            default = spec.get("defaultValue", "" if not spec.get("isOptional") else "optional")
            type_name = spec.get("parameterType", "").lower() or spec["artifactType"]["schemaTitle"]
            if spec.get("isArtifactList"):
                type_name += " (list)"
            lines.append(
                f"| `{name}` | {type_name} | `{default}` |"
                if default != ""
                else f"| `{name}` | {type_name} | |"
            )
    lines += ["", "## Outputs", "", "| name | type |", "|---|---|"]
    for kind in ("parameters", "artifacts"):
        for name, spec in sorted(outputs.get(kind, {}).items()):
            type_name = spec.get("parameterType", "").lower() or spec["artifactType"]["schemaTitle"]
            lines.append(f"| `{name}` | {type_name} |")
    lines += ["", "## Caching", "", _CACHING[step], "", _POD_NOTES]
    if step in _STEP_NOTES:
        lines += [_STEP_NOTES[step]]
    return "\n".join(lines)


def write_components(out_dir: Path) -> list[Path]:
    """Compile every component and the generic validation pipeline into ``out_dir``."""
    import importlib

    import yaml

    written: list[Path] = []
    for step in COMPONENT_STEPS:
        component = getattr(importlib.import_module(f"nbgate.kfp.{step}"), f"{step}_op")
        text = _compile(component)
        folder = out_dir / step
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "component.yaml").write_text(text, encoding="utf-8")
        readme = _readme(step, component, yaml.safe_load(text))
        (folder / "README.md").write_text(readme, encoding="utf-8")
        written += [folder / "component.yaml", folder / "README.md"]
    from nbgate.kfp.pipeline import build_pipeline

    pipeline_path = out_dir / PIPELINE_FILE
    pipeline_path.write_text(_compile(build_pipeline()), encoding="utf-8")
    written.append(pipeline_path)
    from nbgate.kfp.promote_pipeline import PROMOTE_PIPELINE_FILE, build_promotion_pipeline

    promotion_path = out_dir / PROMOTE_PIPELINE_FILE
    promotion_path.write_text(_compile(build_promotion_pipeline()), encoding="utf-8")
    written.append(promotion_path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m nbgate.kfp.compile DIR``: regenerate the components tree."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m nbgate.kfp.compile COMPONENTS_DIR", file=sys.stderr)
        return 2
    for path in write_components(Path(args[0])):
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
