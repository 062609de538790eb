"""Generated Job / PyTorchJob / RayJob / InferenceService manifests validate against the upstream
CRDs (jsonschema on openAPIV3Schema, unknown fields rejected) and the PSA-restricted check."""

from __future__ import annotations

from pathlib import Path

import pytest
from promote_schemas import crd_errors, pod_template_validator
from promote_support import EXAMPLE

from nbgate.pod.psa import check_pod
from nbgate.promote.cluster import train_manifests
from nbgate.promote.manifests import inference_service
from nbgate.promote.serve import plan_serve
from nbgate.promote.storage import artifact_storage_uri, model_location
from nbgate.spec.model import NotebookValidation

SCRIPT = "print('train')\n"


def _resource(**promote: object) -> NotebookValidation:
    base = {
        "notebook": "notebooks/02_train.ipynb",
        "storage": {"pvc": {"claimName": "models", "path": "churn"}},
        "serve": {"name": "churn", "namespace": "models"},
        "rollout": {
            "endpoint": {
                "name": "churn",
                "platform": "kserve-v2",
                "model": "churn",
                "inferenceService": {"namespace": "models", "name": "churn"},
            }
        },
    }
    base.update(promote)
    return NotebookValidation.model_validate(
        {
            "metadata": {"name": "churn", "namespace": "ml"},
            "spec": {
                "source": {
                    "git": {
                        "url": "https://git.example.com/acme/churn.git",
                        "ref": "main",
                        "credentialsSecret": "churn-git",
                    }
                },
                "profiles": {"big-gpu": {"gpus": 2, "accelerator": "nvidia-a100"}},
                "promote": base,
            },
        }
    )


def _pods(doc: dict) -> list[dict]:  # type: ignore[type-arg]
    kind = doc["kind"]
    if kind == "Job":
        return [doc["spec"]["template"]]
    if kind == "PyTorchJob":
        return [r["template"] for r in doc["spec"]["pytorchReplicaSpecs"].values()]
    cluster = doc["spec"]["rayClusterSpec"]
    return [cluster["headGroupSpec"]["template"], *(g["template"] for g in cluster["workerGroupSpecs"])]


@pytest.mark.parametrize("runner", ["job", "pytorchjob", "rayjob"])
@pytest.mark.parametrize("profile", [None, "gpu", "big-gpu"])
def test_training_manifests_validate_and_are_restricted(runner: str, profile: str | None) -> None:
    resource = _resource(train={"runner": runner, "profile": profile, "workers": 3, "parameters": {"C": 0.5}})
    config_map, run = train_manifests(resource, resource.spec.promote, SCRIPT, "r20260101-000000-abcdef12")
    assert config_map["data"]["train.py"] == SCRIPT
    if run["kind"] == "Job":
        errors = [
            f"template: {e.message}" for e in pod_template_validator().iter_errors(run["spec"]["template"])
        ]
    else:
        errors = crd_errors(run)
    assert errors == []
    for pod in _pods(run):
        assert [str(v) for v in check_pod(pod)] == []
        containers = pod["spec"]["containers"]
        if profile:
            gpus = "2" if profile == "big-gpu" else "1"
            assert containers[0]["resources"]["limits"]["nvidia.com/gpu"] == gpus
            assert any(t["key"] == "nvidia.com/gpu" for t in pod["spec"]["tolerations"])
        mounts = {m["mountPath"] for m in containers[0]["volumeMounts"]}
        assert "/mnt/models" in mounts  # the PVC of the storage contract
    if runner == "pytorchjob":
        specs = run["spec"]["pytorchReplicaSpecs"]
        assert specs["Worker"]["replicas"] == 2
        assert specs["Master"]["template"]["spec"]["containers"][0]["name"] == "pytorch"
        args = specs["Master"]["template"]["spec"]["containers"][0]["args"]
        assert args == ["--output-dir", "/mnt/models/churn/churn/r20260101-000000-abcdef12", "--C", "0.5"]
    if runner == "rayjob":
        assert "--C 0.5" in run["spec"]["entrypoint"]
        assert run["spec"]["rayClusterSpec"]["workerGroupSpecs"][0]["replicas"] == 3


def test_a_misspelled_field_fails_the_crd_check() -> None:
    resource = _resource(train={"runner": "pytorchjob"})
    _, run = train_manifests(resource, resource.spec.promote, SCRIPT, "r1")
    run["spec"]["runPolicy"]["backofLimit"] = 1
    assert any("backofLimit" in e for e in crd_errors(run))


@pytest.mark.parametrize("mode", ["Serverless", "RawDeployment"])
def test_inference_services_validate(mode: str) -> None:
    resource = _resource(
        serve={
            "name": "churn",
            "namespace": "models",
            "deploymentMode": mode,
            "runtime": "kserve-mlserver",
            "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}},
            "minReplicas": 1,
        }
    )
    promote = resource.spec.promote
    uri = model_location(promote.storage, "churn", "r2").storage_uri
    assert uri == "pvc://models/churn/churn/r2"
    first = plan_serve(promote, uri, existing=None)
    assert first.action == "create" and crd_errors(first.body) == []
    assert "canaryTrafficPercent" not in first.body["spec"]["predictor"]
    second = plan_serve(promote, "pvc://models/churn/churn/r3", existing=first.body, revision="r3")
    if mode == "Serverless":
        assert second.action == "patch" and second.mode == "canary"
        assert second.body["spec"]["predictor"]["canaryTrafficPercent"] == 10
        assert second.body["metadata"]["annotations"]["serving.kserve.io/enable-tag-routing"] == "true"
        from nbgate.promote.rollout import apply_merge_patch

        assert crd_errors(apply_merge_patch(first.body, second.body)) == []
    else:
        assert second.action == "create" and second.name == "churn-candidate"
        assert "canaryTrafficPercent" not in second.body["spec"]["predictor"]  # no split in raw mode
        assert crd_errors(second.body) == []
    assert second.previous_uri == uri


def test_storage_contract() -> None:
    resource = _resource(
        storage={"s3": {"bucket": "ml", "prefix": "models", "serviceAccountName": "s3-reader"}}
    )
    promote = resource.spec.promote
    loc = model_location(promote.storage, "churn", "r7")
    assert (loc.kind, loc.storage_uri, loc.write_path) == (
        "s3",
        "s3://ml/models/churn/r7",
        "/tmp/nbgate/model",
    )
    isvc = inference_service(promote, loc.storage_uri)
    assert isvc["spec"]["predictor"]["serviceAccountName"] == "s3-reader" and crd_errors(isvc) == []
    assert (
        artifact_storage_uri("minio://mlpipeline/v2/artifacts/x/model")
        == "s3://mlpipeline/v2/artifacts/x/model"
    )
    from nbgate.errors import InputError

    with pytest.raises(InputError, match="not one KServe can load"):
        artifact_storage_uri("/local/path")
    with pytest.raises(InputError, match="DNS-1123"):
        model_location(promote.storage, "Churn_Model", "r7")


def test_example_spec_loads() -> None:
    from nbgate.spec.load import load_spec

    promote = load_spec(Path(EXAMPLE) / "promote.yaml").resource.spec.promote
    assert promote.rollout.endpoint.consistency.predictions_scrap == "sample_proba"


def test_script_args_keep_cli_strings_for_the_scripts_literal_parsing() -> None:
    """`-p C=1e-6` arrives as the string '1e-6' (YAML 1.1): passed as typed, the script reads a float."""
    from nbgate.promote.manifests import script_args
    from nbgate.promote.storage import ModelLocation

    loc = ModelLocation("local", "/m", "file:///m")
    assert script_args(loc, {"C": "1e-6", "path": "../d.csv", "n": 3}) == [
        "--output-dir", "/m", "--C", "1e-6", "--n", "3", "--path", "../d.csv",
    ]  # fmt: skip
