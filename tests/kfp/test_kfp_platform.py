"""compile_spec: the spec's pod settings land in the KFP PlatformSpec, and bad specs say why."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from google.protobuf import json_format
from kfp.pipeline_spec import pipeline_spec_pb2

from nbgate.errors import InputError
from nbgate.kfp.compile import compile_spec
from nbgate.spec.model import NotebookValidation

SHA = "0123456789abcdef0123456789abcdef01234567"


def _spec(**spec: Any) -> NotebookValidation:
    body: dict[str, Any] = {"source": {"git": {"url": "https://example.com/acme/churn.git", "ref": "main"}}}
    body.update(spec)
    return NotebookValidation.model_validate({"metadata": {"name": "churn"}, "spec": body})


def _compiled(resource: NotebookValidation) -> tuple[dict[str, Any], dict[str, Any]]:
    pipeline, platform = yaml.safe_load_all(compile_spec(resource))
    json_format.ParseDict(pipeline, pipeline_spec_pb2.PipelineSpec())
    json_format.ParseDict(platform, pipeline_spec_pb2.PlatformSpec())
    return pipeline, platform["platforms"]["kubernetes"]["deploymentSpec"]["executors"]


def test_gpu_profile_tolerations_secret_env_and_pvc() -> None:
    resource = _spec(
        pod={
            "profile": "a100",
            "nodeSelector": {"pool": "notebooks"},
            "tolerations": [{"key": "team", "operator": "Equal", "value": "ml", "effect": "NoSchedule"}],
            "env": [
                {
                    "name": "MODEL_TOKEN",
                    "valueFrom": {"secretKeyRef": {"name": "model-auth", "key": "token"}},
                },
                {"name": "STAGE", "value": "ci"},
            ],
            "data": {"claimName": "training-data", "mountPath": "/data"},
            "queueName": "gpu-queue",
            "imagePullSecrets": ["regcred"],
        },
        profiles={
            "a100": {"gpus": 2, "accelerator": "NVIDIA-A100-SXM4-40GB", "image": "registry.local/nb-gpu:1"}
        },
        timeouts={"notebook": "10m", "startup": 60},
    )
    pipeline, executors = _compiled(resource)
    execute = executors["exec-execute-op"]
    assert {"key": "team", "operator": "Equal", "value": "ml", "effect": "NoSchedule"} in execute[
        "tolerations"
    ]
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in execute["tolerations"]
    assert execute["nodeSelector"]["labels"] == {"pool": "notebooks"}
    affinity = execute["nodeAffinity"][0]["nodeAffinityJson"]["runtimeValue"]["constant"]
    expressions = affinity["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0][
        "matchExpressions"
    ]
    assert {
        "key": "nvidia.com/gpu.product",
        "operator": "In",
        "values": ["NVIDIA-A100-SXM4-40GB"],
    } in expressions
    assert [(s["secretName"], s["keyToEnv"]) for s in execute["secretAsEnv"]] == [
        ("model-auth", [{"secretKey": "token", "envVar": "MODEL_TOKEN"}])
    ]
    assert [
        (
            m["mountPath"],
            m.get("constant") or m.get("pvcNameParameter", {}).get("runtimeValue", {}).get("constant"),
        )
        for m in execute["pvcMount"]
    ] == [("/data", "training-data")]
    assert execute["podMetadata"]["labels"] == {"kueue.x-k8s.io/queue-name": "gpu-queue"}
    assert execute["imagePullSecret"][0]["secretName"] == "regcred"
    assert execute["activeDeadlineSeconds"] == str(600 + 60 + 300)
    assert execute["securityContext"] == {"runAsUser": "1000", "runAsGroup": "1000", "runAsNonRoot": True}

    container = pipeline["deploymentSpec"]["executors"]["exec-execute-op"]["container"]
    assert container["image"] == "registry.local/nb-gpu:1"
    assert container["resources"]["accelerator"]["resourceType"] == "nvidia.com/gpu"
    assert container["resources"]["accelerator"]["resourceCount"] == "2"
    env = {e["name"]: e["value"] for e in container.get("env", [])}
    assert env["STAGE"] == "ci" and env["NBGATE_SECRET_ENV"] == "MODEL_TOKEN"
    assert "MODEL_TOKEN" not in env  # the secret's value comes from the Secret, not the spec

    # Only execute runs the notebooks: the GPU and the data PVC stay off the other steps.
    for name in ("exec-clone-op", "exec-compare-op", "exec-report-op", "exec-gate-op"):
        assert "pvcMount" not in executors[name]
        assert "accelerator" not in pipeline["deploymentSpec"]["executors"][name]["container"].get(
            "resources", {}
        )
        assert executors[name]["securityContext"]["runAsNonRoot"] is True


def test_git_credentials_become_clone_env_and_spec_values_become_run_defaults() -> None:
    resource = _spec(
        source={
            "git": {"url": "https://example.com/acme/churn.git", "ref": SHA, "credentialsSecret": "git-creds"}
        },
        notebooks=["notebooks/*.ipynb"],
        golden={"path": "golden/{stem}.ipynb"},
        parameters={"alpha": 0.5},
    )
    pipeline, executors = _compiled(resource)
    clone = executors["exec-clone-op"]
    assert {s["secretName"] for s in clone["secretAsEnv"]} == {"git-creds"}
    keys = {k["secretKey"]: k["envVar"] for s in clone["secretAsEnv"] for k in s["keyToEnv"]}
    assert keys == {
        "token": "NBGATE_GIT_TOKEN",
        "username": "NBGATE_GIT_USERNAME",
        "password": "NBGATE_GIT_PASSWORD",
    }
    assert all(s["optional"] for s in clone["secretAsEnv"])  # token, or username+password, or SSH key
    assert clone["secretAsVolume"][0]["mountPath"] == "/etc/nbgate/git"  # the SSH key file
    assert "secretAsEnv" not in executors["exec-execute-op"]
    inputs = pipeline["root"]["inputDefinitions"]["parameters"]
    assert inputs["revision"]["defaultValue"] == SHA
    assert inputs["golden"]["defaultValue"] == "golden/{stem}.ipynb"
    assert inputs["parameters"]["defaultValue"] == {"alpha": 0.5}
    assert pipeline["pipelineInfo"]["name"] == "nbgate-churn"
    assert pipeline["root"]["dag"]["tasks"]["clone-op"]["cachingOptions"] == {
        "enableCache": True
    }  # fixed SHA
    assert "git-creds" not in str(
        pipeline["deploymentSpec"]["executors"]["exec-clone-op"]["container"]["args"]
    )


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"source": {"local": "."}}, "spec.source.local"),
        ({"pod": {"priorityClassName": "high"}}, "priorityClassName"),
        ({"pod": {"envFrom": [{"secretRef": {"name": "x"}}]}}, "envFrom"),
    ],
)
def test_what_kfp_cannot_express_is_a_one_line_input_error(spec: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as info:
        compile_spec(_spec(**spec))
    assert field in info.value.message and "\n" not in info.value.message


@pytest.mark.parametrize(
    ("endpoint", "needed"),
    [
        ({"url": "http://iris.ml.svc"}, False),
        ({"inferenceService": {"namespace": "ml", "name": "iris"}}, True),
        ({"url": "http://iris.ml.svc", "inferenceService": {"namespace": "ml", "name": "iris"}}, False),
    ],
)
def test_only_the_probe_shape_needs_a_token_and_only_for_an_inference_service(
    endpoint: dict[str, Any], needed: bool
) -> None:
    """KFP cannot switch the token per task (its launcher needs it in every pod); the shapes
    still say where nbgate needs one, and the probe README says which RBAC that takes."""
    from nbgate.kfp.platform import step_pods

    resource = _spec(endpoints=[{"name": "iris", "platform": "kserve-v1", "model": "iris", **endpoint}])
    pods = step_pods(resource)
    assert pods.probe.automount_service_account_token is needed
    assert not any(s.automount_service_account_token for s in (pods.clone, pods.execute, pods.other))
    _compiled(resource)  # still compiles to valid protos


def test_probe_readme_names_the_least_privilege_rbac() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "components" / "probe" / "README.md").read_text()
    assert "--verb=get" in readme and "--resource=inferenceservices.serving.kserve.io" in readme
    other = (Path(__file__).resolve().parents[2] / "components" / "execute" / "README.md").read_text()
    assert "inferenceservices" not in other
