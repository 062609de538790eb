"""The pod profile module: restricted security contexts, writable paths, cpu/gpu profiles,
spec.pod merging, Kueue label, read-only data PVC, credentials only from Secrets."""

from __future__ import annotations

import pytest

from nbgate.errors import InputError
from nbgate.pod import pod_shape
from nbgate.pod.constants import CACHE_DIR, GPU_LABEL, GPU_PRODUCT_LABEL, KUEUE_QUEUE_LABEL
from nbgate.spec.pod import DataVolume, PodProfile, PodSpec, Resources


def env(shape):
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in shape.env}


def test_default_is_cpu_restricted_with_writable_tmp_and_cache():
    shape = pod_shape()
    assert shape.gpus == 0 and shape.tolerations == [] and shape.affinity is None
    sc = shape.container_security_context
    assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"] == {"drop": ["ALL"]} and sc["runAsNonRoot"] is True
    pod_sc = shape.security_context
    assert (pod_sc["runAsUser"], pod_sc["runAsGroup"], pod_sc["fsGroup"]) == (1000, 1000, 1000)
    assert pod_sc["seccompProfile"] == {"type": "RuntimeDefault"}
    mounts = {m["mountPath"]: m["name"] for m in shape.volume_mounts}
    assert mounts["/tmp"] == "tmp" and mounts[CACHE_DIR] == "cache"
    assert {v["name"] for v in shape.volumes if "emptyDir" in v} == {"tmp", "cache"}
    values = env(shape)
    for name in (
        "HOME",
        "JUPYTER_RUNTIME_DIR",
        "JUPYTER_DATA_DIR",
        "IPYTHONDIR",
        "MPLCONFIGDIR",
        "PIP_CACHE_DIR",
    ):
        assert values[name].startswith(("/tmp", CACHE_DIR)) or name == "HOME", name
    assert shape.automount_service_account_token is False
    assert shape.resources["limits"]["memory"] and shape.resources["requests"]["cpu"]


def test_gpu_profile_gets_limit_toleration_and_affinity():
    shape = pod_shape(PodSpec(profile="gpu"))
    assert shape.resources["limits"]["nvidia.com/gpu"] == "1"
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in shape.tolerations
    terms = shape.affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
        "nodeSelectorTerms"
    ]
    assert terms[0]["matchExpressions"][0]["key"] == GPU_LABEL


def test_named_profile_from_the_spec_wins_and_spec_pod_overrides_it():
    profiles = {
        "a100": PodProfile(
            image="ghcr.io/acme/cuda:1",
            gpus=2,
            accelerator="A100",
            resources=Resources(limits={"memory": "64Gi"}),
        )
    }
    shape = pod_shape(
        PodSpec(
            profile="a100", resources=Resources(limits={"memory": "80Gi"}), node_selector={"pool": "gpu"}
        ),
        profiles,
    )
    assert shape.image == "ghcr.io/acme/cuda:1"
    assert shape.resources["limits"] == {"memory": "80Gi", "nvidia.com/gpu": "2"}
    expressions = shape.affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
        "nodeSelectorTerms"
    ][0]["matchExpressions"]
    assert {"key": GPU_PRODUCT_LABEL, "operator": "In", "values": ["A100"]} in expressions
    assert shape.node_selector == {"pool": "gpu"}


def test_unknown_profile_is_an_input_error():
    with pytest.raises(InputError, match="'tpu' is not defined"):
        pod_shape(PodSpec(profile="tpu"))


def test_queue_label_data_pvc_and_priority():
    shape = pod_shape(
        PodSpec(queue_name="team-a", priority_class_name="batch-low", data=DataVolume(claim_name="datasets"))
    )
    assert shape.labels == {KUEUE_QUEUE_LABEL: "team-a"}
    assert shape.priority_class_name == "batch-low"
    data = next(v for v in shape.volumes if v["name"] == "data")
    assert data["persistentVolumeClaim"] == {"claimName": "datasets", "readOnly": True}
    assert next(m for m in shape.volume_mounts if m["name"] == "data")["readOnly"] is True


def test_git_credentials_come_from_the_secret_by_reference():
    shape = pod_shape(credentials_secret="git-creds")
    values = env(shape)
    assert values["NBGATE_GIT_TOKEN"] == {
        "secretKeyRef": {"name": "git-creds", "key": "token", "optional": True}
    }
    assert values["NBGATE_SECRET_ENV"] == "NBGATE_GIT_TOKEN,NBGATE_GIT_USERNAME,NBGATE_GIT_PASSWORD"
    secret = next(v for v in shape.volumes if "secret" in v)
    assert secret["secret"]["secretName"] == "git-creds"


def test_a_literal_secret_value_is_refused():
    with pytest.raises(InputError, match="API_TOKEN has a literal value"):
        pod_shape(PodSpec(env=[{"name": "API_TOKEN", "value": "s3cr3t"}]))
    shape = pod_shape(
        PodSpec(env=[{"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "t"}}}])
    )
    assert "API_TOKEN" in env(shape)["NBGATE_SECRET_ENV"]


def test_service_account_token_only_when_needed():
    assert pod_shape(needs_service_account_token=True).automount_service_account_token is True
