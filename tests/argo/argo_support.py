"""Helpers of the Argo tests: schema validators for generated manifests (offline: no API server
here), and a sample spec file. A module of its own, not conftest: every test area has a conftest,
so ``from conftest import …`` could pick up another area's.

Three checks, as ../shared/schemas/README.md describes: the upstream Argo JSON schemas of v3.7.18
and v4.1.2 (IntOrString patched to integer-or-string), and a strict check built from the v4.1.2
CRDs' ``openAPIV3Schema`` with ``additionalProperties: false`` added, so a misspelled field fails.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from nbgate.crd_schema import strict_schema

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "schemas"
WORKFLOWS = REPO / "workflows"
ARGO_VERSIONS = ("v3.7.18", "v4.1.2")
CRD_FILES = {
    "Workflow": "argoproj.io_workflows.yaml",
    "WorkflowTemplate": "argoproj.io_workflowtemplates.yaml",
    "ClusterWorkflowTemplate": "argoproj.io_clusterworkflowtemplates.yaml",
    "CronWorkflow": "argoproj.io_cronworkflows.yaml",
}
ARGO_KINDS = tuple(CRD_FILES)

# checkov (its own venv: `make checkov`) on rebuilt pods and RBAC, test_argo_pods and
# test_argo_promote_rbac: step images pinned by digest, and the checks that do not fit.
CHECKOV = REPO / ".venvs" / "checkov" / "bin" / "checkov"
DIGESTS = {
    name: "sha256:" + "a" * 64 for name in ("clone", "execute", "execute-gpu", "compare", "probe", "report")
}
# Checks that do not fit batch pods of this design, each with the reason:
CHECKOV_SKIPPED = {
    "CKV_K8S_8": "liveness probe: a batch step runs to completion, nothing to probe",
    "CKV_K8S_9": "readiness probe: no Service routes to a step pod",
    "CKV_K8S_40": "high UID: uid 1000 is the Jupyter docker-stacks user the images bake (jovyan)",
    "CKV_K8S_15": "pull policy Always: images are pinned by version tag or digest, IfNotPresent is safe",
    "CKV_K8S_35": "secrets as env: NBGATE_GIT_TOKEN from secretKeyRef is the documented contract; SSH keys are files",
    "CKV_K8S_43": "digest: step images take digests (ImageSettings.digests); argoexec's is the controller's setting",
    "CKV2_K8S_6": "NetworkPolicy: a namespace-level object the platform owns, not part of a pod",
}


def run_checkov(directory: Path, *, quiet: bool = False) -> dict[str, Any]:
    """checkov's JSON report on the manifests in ``directory``, CHECKOV_SKIPPED skipped.

    ``quiet`` lists failed checks only; without it the passed and skipped ones are there too."""
    if not CHECKOV.exists():
        skip_or_fail("checkov is not installed: `make checkov` puts it in .venvs/checkov")
    out = subprocess.run(
        [str(CHECKOV), "-d", str(directory), "--framework", "kubernetes", "--quiet" if quiet else "--compact",
         "-o", "json", "--skip-check", ",".join(CHECKOV_SKIPPED)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    report = json.loads(out.stdout)
    return dict(report[0] if isinstance(report, list) else report)


def require_tools() -> bool:
    return os.environ.get("NBGATE_REQUIRE_TOOLS") == "1"


def skip_or_fail(reason: str) -> None:
    if require_tools():
        pytest.fail(f"{reason} (NBGATE_REQUIRE_TOOLS=1)")
    pytest.skip(reason)


def _need_shared() -> None:
    if not SHARED.is_dir():
        skip_or_fail(f"{SHARED} is missing: the upstream schemas live beside the repo in shared/")


@functools.cache
def argo_validator(version: str, kind: str) -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads((SHARED / "argo-workflows" / f"{version}-schema.json").read_text())
    definitions = schema["definitions"]
    # Upstream types IntOrString as string only; Kubernetes accepts both.
    definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = {
        "anyOf": [{"type": "integer"}, {"type": "string"}]
    }
    root = {
        "$schema": schema["$schema"],
        "definitions": definitions,
        "$ref": f"#/definitions/io.argoproj.workflow.v1alpha1.{kind}",
    }
    return Draft202012Validator(root)


@functools.cache
def events_validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads((SHARED / "argo-events" / "v1.9.11-schema.json").read_text())
    root = {
        "$schema": schema["$schema"],
        "definitions": schema["definitions"],
        "$ref": f"#/definitions/io.argoproj.events.v1alpha1.{kind}",
    }
    return Draft202012Validator(root)


@functools.cache
def crd_validator(kind: str) -> Any:
    from jsonschema import Draft7Validator

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    crd = yaml.load((SHARED / "crds" / CRD_FILES[kind]).read_text(), Loader=loader)
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1")
    schema = strict_schema(copy.deepcopy(version["schema"]["openAPIV3Schema"]))
    # metadata is the API server's ObjectMeta: checked there, not by the CRD.
    schema["properties"]["metadata"] = {"type": "object"}
    return Draft7Validator(schema)


def errors_of(validator: Any, doc: dict[str, Any]) -> list[str]:
    from jsonschema.exceptions import best_match

    errors = list(validator.iter_errors(doc))
    if not errors:
        return []
    best = best_match(errors)
    return [f"{'/'.join(map(str, best.absolute_path))}: {best.message}"] + [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors[:5]
    ]


def validate_argo(doc: dict[str, Any]) -> list[str]:
    """Every problem the three Argo checks find in ``doc`` (empty: valid)."""
    _need_shared()
    kind = doc["kind"]
    problems = []
    for version in ARGO_VERSIONS:
        problems += [f"{version}: {e}" for e in errors_of(argo_validator(version, kind), doc)]
    problems += [f"crd: {e}" for e in errors_of(crd_validator(kind), doc)]
    return problems


def load_docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def generated_docs() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(WORKFLOWS.rglob("*.yaml")):
        for doc in load_docs(path):
            out.append((path.relative_to(WORKFLOWS).as_posix(), doc))
    return out


def spec_file(tmp_path, **extra):
    spec = {
        "apiVersion": "nbgate.dev/v1alpha1",
        "kind": "NotebookValidation",
        "metadata": {"name": "churn", "namespace": "ml", "labels": {"team": "a"}},
        "spec": {
            "source": {"git": {"url": "https://git.example.com/acme/churn.git", "ref": "main",
                               "credentialsSecret": "churn-git"}},
            "notebooks": ["notebooks/*.ipynb"],
            "golden": {"path": "golden/{name}"},
            "parameterSets": {"smoke": {"alpha": 1e-06}},
            "parameterSet": "smoke",
            "timeouts": {"cell": "2m", "notebook": "10m"},
            **extra,
        },
    }  # fmt: skip
    path = tmp_path / "validation.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path
