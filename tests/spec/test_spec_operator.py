"""The Jupyter Notebook Validator Operator's NotebookValidationJob, read unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from nbgate.errors import InputError
from nbgate.spec.load import load_spec
from nbgate.spec.operator import crd_schema, operator_tolerance

DATA = Path(__file__).parent / "data"
# The upstream CRD, as shipped next to the repository (../shared/schemas/crds/).
UPSTREAM_CRD = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "schemas"
    / "crds"
    / "mlops.mlops.dev_notebookvalidationjobs.yaml"
)

SAMPLES = sorted(DATA.glob("operator-*.yaml"))


def _load_yaml(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load_spec(path)
    assert "\n" not in info.value.message
    return info.value.message


def _upstream_schema() -> dict[str, Any]:
    crd = _load_yaml(UPSTREAM_CRD)
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
    schema: dict[str, Any] = version["schema"]["openAPIV3Schema"]
    return schema


@pytest.mark.skipif(not UPSTREAM_CRD.exists(), reason=f"upstream CRD not found at {UPSTREAM_CRD}")
def test_packaged_crd_is_the_upstream_v1_0_8_schema() -> None:
    import importlib.resources

    packaged = json.loads(importlib.resources.files("nbgate.spec").joinpath("operator_crd.json").read_text())
    assert packaged["openAPIV3Schema"] == _upstream_schema()


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_samples_are_valid_for_the_crd(sample: Path) -> None:
    """The samples follow the CRD: checked against its schema, strict about unknown fields."""
    schema = _upstream_schema() if UPSTREAM_CRD.exists() else crd_schema()
    jsonschema.Draft7Validator(schema).validate(_load_yaml(sample))
    errors = list(jsonschema.Draft7Validator(crd_schema()).iter_errors(_load_yaml(sample)))
    assert errors == []


def test_minimal_job_maps_and_applies_operator_defaults() -> None:
    loaded = load_spec(DATA / "operator-minimal.yaml")
    assert loaded.origin == "operator"
    assert loaded.warnings == []
    resource = loaded.resource
    assert resource.api_version == "nbgate.dev/v1alpha1"
    assert resource.metadata.name == "tier1-hello-world"
    git = resource.spec.source.git
    assert git is not None
    assert git.url == "https://github.com/tosin2013/jupyter-notebook-validator-test-notebooks.git"
    assert git.ref == "main"
    assert git.credentials_secret is None
    assert resource.spec.notebooks == ["notebooks/tier1-simple/01-hello-world.ipynb"]
    assert resource.spec.golden is None
    assert resource.spec.pod.image == "quay.io/jupyter/minimal-notebook:2024-05-27"
    assert resource.spec.timeouts.notebook == 1800.0  # the operator's default timeout: 30m
    assert resource.spec.compare.atol == 1e-4  # the operator's default tolerance: "0.0001"
    assert resource.spec.compare.rtol == 0.0
    assert resource.spec.endpoints == []


def test_full_gpu_job_maps_every_honoured_field() -> None:
    loaded = load_spec(DATA / "operator-gpu-golden.yaml")
    spec = loaded.resource.spec
    meta = loaded.resource.metadata
    assert (meta.name, meta.namespace) == ("fraud-detection-validation", "mlops-production")
    assert meta.labels == {"app.kubernetes.io/part-of": "fraud-detection"}
    assert spec.source.git is not None
    assert spec.source.git.credentials_secret == "git-credentials"
    assert spec.notebooks == ["notebooks/fraud-detection/inference.ipynb"]
    # goldenNotebook: its own source (another ref) and the exact path.
    assert spec.golden is not None and spec.golden.source is not None and spec.golden.source.git is not None
    assert spec.golden.source.git.ref == "golden-v2"
    assert spec.golden.source.git.credentials_secret == "git-credentials"
    assert spec.golden.path == "golden/fraud-detection/inference.ipynb"
    assert spec.golden.required is True
    pod = spec.pod
    assert pod.image == "quay.io/jupyter/pytorch-notebook:cuda12-2024-05-27"
    assert pod.service_account_name == "notebook-validator"
    assert pod.resources is not None
    assert pod.resources.limits == {"memory": "16Gi", "nvidia.com/gpu": "1"}
    assert pod.resources.requests == {"cpu": "2", "memory": "8Gi"}
    assert pod.node_selector == {"nvidia.com/gpu.present": "true"}
    assert pod.tolerations == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert pod.affinity is not None
    terms = pod.affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
        "nodeSelectorTerms"
    ]
    assert terms[0]["matchExpressions"][0]["values"] == ["Tesla-T4", "NVIDIA-A10G"]
    assert pod.env[1] == {
        "name": "DB_PASSWORD",
        "valueFrom": {"secretKeyRef": {"name": "fraud-db", "key": "password"}},
    }
    # credentials: [a, b] is the CRD's sugar for envFrom secretRefs, after the explicit envFrom.
    assert pod.env_from == [
        {"configMapRef": {"name": "fraud-settings"}},
        {"secretRef": {"name": "aws-credentials"}},
        {"secretRef": {"name": "mlflow-credentials"}},
    ]
    assert [v["name"] for v in pod.volumes] == ["datasets", "scratch"]
    assert pod.volume_mounts[0] == {"name": "datasets", "mountPath": "/data", "readOnly": True}
    assert spec.timeouts.notebook == 5400.0  # timeout: 1h30m
    # floatingPointTolerance "0.01": the operator rounds to 2 decimals → atol 0.01, rtol 0.
    assert (spec.compare.atol, spec.compare.rtol) == (0.01, 0.0)
    assert "timestamps" in spec.compare.presets
    assert [s.regex for s in spec.compare.sanitizers if not isinstance(s, str)] == [r"run-\d{8}"]
    assert spec.compare.ignore_mime_types == ["image/png"]
    # modelValidation on KServe: one health-checked endpoint per target model.
    assert [(e.name, e.platform, e.model) for e in spec.endpoints] == [
        ("fraud-model", "kserve-v1", "fraud-model"),
        ("shared-models-fraud-embeddings", "kserve-v1", "fraud-embeddings"),
    ]
    refs = [e.inference_service for e in spec.endpoints]
    assert [(r.namespace, r.name) for r in refs if r] == [
        ("mlops-production", "fraud-model"),
        ("shared-models", "fraud-embeddings"),
    ]


def test_full_gpu_job_lists_every_unhonoured_field() -> None:
    warnings = load_spec(DATA / "operator-gpu-golden.yaml").warnings
    text = "\n".join(warnings)
    for field in (
        "spec.podConfig.buildConfig.enabled",
        "spec.podConfig.buildConfig.strategy",
        "spec.podConfig.buildConfig.baseImage",
        "spec.podConfig.buildConfig.requirementsFile",
        "spec.modelValidation.timeout",
        "spec.modelValidation.predictionValidation",
        "spec.validationConfig.level",
        "spec.validationConfig.failOnStderr",
        "spec.validationConfig.expectedOutputs",
        "spec.comparisonConfig.ignoreOutputTypes 'stream'",
    ):
        assert f"{field} " in text, field
    assert all("not honoured" in w for w in warnings)
    # phase: existing is what nbgate's probe does: honoured, so not listed.
    assert "spec.modelValidation.phase" not in text
    assert len(warnings) == 10


def test_golden_in_the_same_repo_reuses_the_checkout_and_exact_strategy() -> None:
    loaded = load_spec(DATA / "operator-exact-same-repo.yaml")
    spec = loaded.resource.spec
    assert spec.source.git is not None
    assert spec.source.git.url == "git@github.com:acme-corp/llm-evals.git"
    assert spec.source.git.ref == "3f6c1a9e2b7d4c8a9f0e1d2c3b4a5f6e7d8c9b0a"
    assert spec.golden is not None
    assert spec.golden.source is None
    assert spec.golden.path == "evals/golden/summarize.ipynb"
    assert spec.timeouts.notebook == 2700.0
    # strategy exact: verbatim text, no tolerance, no masking.
    assert (spec.compare.rtol, spec.compare.atol, spec.compare.presets) == (0.0, 0.0, [])
    assert spec.compare.whitespace == "exact"
    # vLLM models cannot be located by name: reported, not guessed.
    assert spec.endpoints == []
    assert loaded.warnings == [
        "spec.modelValidation.targetModels[0] ('llama-3-8b') is not honoured: nbgate cannot discover a "
        "vllm server by model name; give its url in spec.endpoints"
    ]


def _mutated(tmp_path: Path, change) -> Path:
    data = _load_yaml(DATA / "operator-gpu-golden.yaml")
    change(data)
    path = tmp_path / "job.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["spec"]["podConfig"].update(
                containerImg=d["spec"]["podConfig"].pop("containerImage")
            ),
            "unknown field spec.podConfig.containerImg: did you mean 'containerImage'? (and 1 more)",
        ),
        (
            lambda d: d["spec"].update(notebok=d["spec"].pop("notebook")),
            "unknown field spec.notebok: did you mean 'notebook'?",
        ),
        (
            lambda d: d["spec"]["comparisonConfig"].update(floatingPointTolerence="0.1"),
            "unknown field spec.comparisonConfig.floatingPointTolerence: did you mean 'floatingPointTolerance'?",
        ),
        (
            lambda d: d["spec"]["podConfig"]["tolerations"][0].update(efect="NoSchedule"),
            "unknown field spec.podConfig.tolerations[0].efect: did you mean 'effect'?",
        ),
        (lambda d: d["spec"]["notebook"]["git"].pop("ref"), "missing required field spec.notebook.git.ref"),
        (
            lambda d: d["spec"]["notebook"].update(path="notebooks/train.py"),
            "spec.notebook.path: 'notebooks/train.py' does not match the pattern ^.*\\.ipynb$",
        ),
        (
            lambda d: d["spec"]["comparisonConfig"].update(floatingPointTolerance=0.01),
            "spec.comparisonConfig.floatingPointTolerance: 0.01 must be a string: quote it ('0.01')",
        ),
        (
            lambda d: d["spec"].update(timeout=90),
            "spec.timeout: 90 must be a string matching",
        ),
        (
            lambda d: d["spec"]["modelValidation"].update(platform="sagemaker"),
            "spec.modelValidation.platform: 'sagemaker' is not one of ['kserve'",
        ),
    ],
)
def test_crd_errors_are_one_line(tmp_path, change, expected) -> None:
    path = _mutated(tmp_path, change)
    message = _error(path)
    assert message.startswith(f"spec {path} (NotebookValidationJob): ")
    assert expected in message


def test_article_shape_names_the_real_fields(tmp_path) -> None:
    """The shape in the operator's published article: spec.validation.{goldenNotebook,modelEndpoints}."""
    article = {
        "apiVersion": "mlops.mlops.dev/v1alpha1",
        "kind": "NotebookValidationJob",
        "metadata": {"name": "fraud-detection-validation", "namespace": "mlops-production"},
        "spec": {
            "notebook": {
                "git": {"url": "https://github.com/acme-corp/ml-models", "ref": "main"},
                "path": "notebooks/fraud-detection/inference.ipynb",
            },
            "podConfig": {
                "containerImage": "quay.io/jupyter/scipy-notebook:latest",
                "resources": {"limits": {"memory": "16Gi", "nvidia.com/gpu": "1"}},
            },
            "validation": {
                "goldenNotebook": {"enabled": True},
                "modelEndpoints": [
                    {
                        "name": "fraud-model",
                        "type": "kserve",
                        "url": "http://fraud-model.kserve-inference.svc.cluster.local/v1/models/fraud-model:predict",
                    }
                ],
            },
        },
    }
    path = tmp_path / "article.yaml"
    path.write_text(yaml.safe_dump(article), encoding="utf-8")
    message = _error(path)
    assert "spec.validation is the shape of the operator's article, not of its CRD" in message
    assert "use spec.goldenNotebook (git: {url, ref} and path)" in message
    assert "spec.modelValidation (platform, targetModels)" in message


def test_article_shape_with_only_model_endpoints(tmp_path) -> None:
    data = _load_yaml(DATA / "operator-minimal.yaml")
    data["spec"]["validation"] = {"modelEndpoints": [{"name": "m", "type": "kserve"}]}
    path = tmp_path / "j.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    message = _error(path)
    assert "spec.modelValidation" in message
    assert "spec.goldenNotebook" not in message


def test_status_and_server_metadata_are_reported_not_dropped(tmp_path) -> None:
    data = _load_yaml(DATA / "operator-minimal.yaml")
    data["metadata"]["uid"] = "0b7d0d4e-1111-2222-3333-444455556666"
    data["status"] = {"phase": "Succeeded"}
    path = tmp_path / "j.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    warnings = load_spec(path).warnings
    assert any(w.startswith("metadata.uid is not honoured") for w in warnings)
    assert any(w.startswith("status is not honoured") for w in warnings)


def test_disabled_model_validation_and_missing_namespace(tmp_path) -> None:
    data = _load_yaml(DATA / "operator-minimal.yaml")
    data["spec"]["modelValidation"] = {"enabled": False, "targetModels": ["m"]}
    path = tmp_path / "off.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    off = load_spec(path)
    assert off.resource.spec.endpoints == []
    assert off.warnings == []
    data["spec"]["modelValidation"] = {"platform": "openshift-ai", "targetModels": ["m"]}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    on = load_spec(path)
    (endpoint,) = on.resource.spec.endpoints
    assert endpoint.platform == "openshift-ai"
    assert endpoint.inference_service is not None and endpoint.inference_service.namespace == "default"
    assert any("no metadata.namespace" in w for w in on.warnings)


@pytest.mark.parametrize(
    ("tolerance", "atol"),
    [
        ("0.0001", 1e-4),
        ("0.01", 1e-2),
        ("0.05", 1e-2),
        ("0.5", 1e-1),
        ("1", 1.0),
        ("2", 1.0),
        ("0", 0.0),
        ("1e-3", 1e-3),
    ],
)
def test_operator_tolerance_is_its_rounding_step(tolerance, atol) -> None:
    assert operator_tolerance(tolerance) == pytest.approx(atol)


def test_operator_tolerance_accepts_every_pair_the_operator_accepts() -> None:
    """Pairs the operator's rounding calls equal are within atol; pairs 2*atol apart never are."""
    import random

    rng = random.Random(7)
    for tolerance in ("0.0001", "0.01", "0.05"):
        atol = operator_tolerance(tolerance)
        decimals = round(-__import__("math").log10(atol))
        for _ in range(2000):
            a = rng.uniform(-10, 10)
            b = a + rng.uniform(-3 * atol, 3 * atol)
            if f"{a:.{decimals}f}" == f"{b:.{decimals}f}":
                assert abs(a - b) <= atol
            if abs(a - b) >= 2 * atol:
                assert f"{a:.{decimals}f}" != f"{b:.{decimals}f}"
