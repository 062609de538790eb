"""The validation DAG's wiring and fences, on the generated manifests and compiled specs."""

from __future__ import annotations

import json

import yaml
from argo_support import spec_file, validate_argo

from nbgate.argo.compile import compile_workflow
from nbgate.argo.settings import ArgoSettings, RunDefaults
from nbgate.argo.validate import validation_manifest
from nbgate.spec.load import load_spec


def templates(doc):
    return {t["name"]: t for t in doc["spec"]["templates"]}


def validate_doc(rendered):
    return yaml.safe_load(rendered["templates/nbgate-validate-v0-1.yaml"])


def test_dag_shape(rendered):
    doc = validate_doc(rendered)
    ts = templates(doc)
    tasks = {t["name"]: t for t in ts["validate"]["dag"]["tasks"]}
    assert list(tasks) == ["clone", "notebooks", "report", "gate"]
    assert tasks["notebooks"]["withParam"] == "{{tasks.clone.outputs.parameters.notebooks}}"
    assert "notebooks.Failed" in tasks["report"]["depends"] and "clone.Failed" in tasks["report"]["depends"]
    assert "report.Failed" in tasks["gate"]["depends"]
    inner = {t["name"]: t for t in ts["validate-notebook"]["dag"]["tasks"]}
    assert inner["compare"]["when"] == "'{{workflow.parameters.golden}}' != ''"
    assert inner["probe"]["when"] == "'{{workflow.parameters.probe}}' == 'true'"
    out = ts["validate"]["outputs"]["parameters"][0]
    assert out["globalName"] == "nbgate-verdict"
    assert ts["validate"]["parallelism"] == 8
    assert ts["validate"]["synchronization"]["mutexes"][0]["name"].startswith("nbgate-{{=")
    for step in ("clone", "execute", "compare", "probe"):
        args = ts[step]["container"]["args"]
        assert args[0] == step and "--exit-zero" in args
        assert any(a.startswith("--verdict") for a in args)
    assert ts["gate"]["container"]["args"][0] == "gate"


def test_retries_only_transient_errors_with_backoff_on_clone_and_probe(rendered):
    ts = templates(validate_doc(rendered))
    for name in ("clone", "execute", "compare", "probe", "report"):
        retry = ts[name]["retryStrategy"]
        assert retry["expression"] == "asInt(lastRetry.exitCode) == 3", name
        assert ("backoff" in retry) == (name in ("clone", "probe")), name
    assert "retryStrategy" not in ts["gate"]


def test_labels_verdict_metrics_and_cleanup(rendered):
    doc = validate_doc(rendered)
    spec = doc["spec"]
    labels = spec["workflowMetadata"]["labelsFrom"]
    assert {"nbgate.dev/repo", "nbgate.dev/commit", "nbgate.dev/trigger"} <= set(labels)
    assert spec["ttlStrategy"]["secondsAfterSuccess"] > 0
    assert spec["podGC"]["strategy"] == "OnPodCompletion"
    assert spec["artifactGC"]["strategy"] == "OnWorkflowDeletion"
    assert spec["artifactRepositoryRef"]["configMap"] == "artifact-repositories"
    assert spec["automountServiceAccountToken"] is False
    names = {m["name"] for m in templates(doc)["validate-notebook"]["metrics"]["prometheus"]}
    assert names == {"nbgate_validations_total", "nbgate_notebook_duration_seconds"}
    run_metrics = {m["name"] for m in spec["metrics"]["prometheus"]}
    assert "nbgate_validation_duration_seconds" in run_metrics
    execute = templates(doc)["execute"]
    assert execute["activeDeadlineSeconds"] == 3600 + 60 + 120
    assert execute["outputs"]["artifacts"][1]["s3"]["key"].startswith("nbgate/{{workflow.uid}}/results/")


def test_compiled_workflow_carries_the_spec(tmp_path):
    manifest = compile_workflow(
        load_spec(
            spec_file(tmp_path, pod={"profile": "gpu", "queueName": "gpu-queue", "priorityClassName": "low"})
        )
    )
    assert manifest["kind"] == "Workflow" and manifest["metadata"]["namespace"] == "ml"
    assert manifest["metadata"]["labels"]["team"] == "a"
    params = {p["name"]: p.get("value") for p in manifest["spec"]["arguments"]["parameters"]}
    assert params["repo"] == "https://git.example.com/acme/churn.git" and params["revision"] == "main"
    assert json.loads(params["parameters"]) == {"alpha": 1e-06}
    assert (
        params["golden"] == "golden/{name}"
        and params["deadline"] == "600"
        and params["cell-timeout"] == "120"
    )
    ts = templates(manifest)
    execute = ts["execute"]
    assert execute["synchronization"]["semaphores"][0]["configMapKeyRef"]["key"] == "gpu-executions"
    assert execute["metadata"]["labels"] == {"kueue.x-k8s.io/queue-name": "gpu-queue"}
    assert execute["priorityClassName"] == "low"
    assert execute["container"]["image"].startswith("ghcr.io/nbgate/nbgate-execute-gpu:")
    assert execute["container"]["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert execute["activeDeadlineSeconds"] == 600 + 60 + 120
    clone_env = {e["name"]: e for e in ts["clone"]["container"]["env"]}
    assert clone_env["NBGATE_GIT_TOKEN"]["valueFrom"]["secretKeyRef"]["name"] == "churn-git"
    assert "NBGATE_GIT_TOKEN" not in {e["name"] for e in execute["container"]["env"]}
    assert validate_argo(manifest) == []


def test_pvc_storage_and_memoization_variant_validates():
    settings = ArgoSettings(storage="pvc", memoize=True, priority_class="batch")
    doc = validation_manifest(settings, RunDefaults(), settings.pods(), kind="Workflow")
    spec = doc["spec"]
    assert spec["volumeClaimTemplates"][0]["metadata"]["name"] == "nbgate-workspace"
    assert "artifactRepositoryRef" not in spec
    execute = templates(doc)["execute"]
    assert "memoize" in execute and "sha256sum" in execute["memoize"]["key"]
    assert "artifacts" not in execute["outputs"] or not execute["outputs"].get("artifacts")
    # 4.x shape (the default): valid for v4.1.2 and the strict v4.1.2 CRD check.
    assert [p for p in validate_argo(doc) if not p.startswith("v3.7.18")] == []
    # Argo 3.x wants the memoize cache as a ConfigMapKeySelector: the v3 flavour adds the key.
    v3 = ArgoSettings(storage="pvc", memoize=True, argo_version="v3")
    doc3 = validation_manifest(v3, RunDefaults(), v3.pods(), kind="Workflow")
    cache = templates(doc3)["execute"]["memoize"]["cache"]["configMap"]
    assert cache == {"name": "nbgate-memo", "key": "cache"}
    assert [p for p in validate_argo(doc3) if p.startswith("v3.7.18")] == []


def test_a_500_notebook_run_stays_small(tmp_path):
    """The fan-out is one withParam task: 500 notebooks add their names, never 500 tasks."""
    small = compile_workflow(load_spec(spec_file(tmp_path)))
    many = [f"notebooks/nb{i:03d}.ipynb" for i in range(500)]
    big = compile_workflow(load_spec(spec_file(tmp_path, notebooks=many)))
    count = lambda doc: sum(len(t.get("dag", {}).get("tasks", [])) for t in doc["spec"]["templates"])  # noqa: E731
    assert count(big) == count(small) == 7
    size_small = len(yaml.safe_dump(small))
    size_big = len(yaml.safe_dump(big))
    # The list appears twice: the `notebooks` parameter and the spec the probe reads.
    assert size_big - size_small < 2 * 500 * 30
    assert size_big < 100_000
