"""The Jupyter Notebook Validator Operator's ``NotebookValidationJob``, read unchanged.

``apiVersion: mlops.mlops.dev/v1alpha1``, ``kind: NotebookValidationJob`` (CRD v1.0.8, shipped as
``operator_crd.json``). The CR is first validated against the CRD's ``openAPIV3Schema`` (made
strict: unknown fields are errors, as nbgate's own are), then every field nbgate can honour is
mapped onto a ``NotebookValidation``; every field it cannot honour becomes a warning that names
it — nothing is dropped silently.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from nbgate.crd_schema import strict_schema
from nbgate.errors import InputError

if TYPE_CHECKING:
    from nbgate.spec.model import NotebookValidation

__all__ = ["crd_schema", "from_operator", "operator_tolerance", "validate_against_crd"]

# The operator's defaults (CRD v1.0.8), applied because an unchanged CR must mean what it means there.
DEFAULT_TIMEOUT = "30m"
DEFAULT_TOLERANCE = "0.0001"

_METADATA_KEPT = ("name", "namespace", "labels", "annotations")

# Why a field cannot be honoured; the key is the operator's field path.
_REASONS: dict[str, str] = {
    "spec.podConfig.buildConfig": "nbgate runs podConfig.containerImage as given; build the image in CI",
    "spec.validationConfig": "nbgate has no equivalent check (it fails a notebook on a cell error, "
    "a timeout, a dead kernel or a golden mismatch)",
    "spec.modelValidation.phase": "nbgate probes the endpoints as they are (the operator's "
    "'existing' phase); it deploys no model of its own ('clean')",
    "spec.modelValidation.customPlatform": "nbgate does not discover model servers through custom CRDs",
    "spec.modelValidation.timeout": "it bounds the operator's whole model check; nbgate's endpoint "
    "timeout is per request (spec.endpoints[].timeout)",
    "spec.comparisonConfig.ignoreExecutionCount": "nbgate always ignores execution counts",
    "status": "status is written by the operator, not read",
}


@cache
def crd_schema() -> dict[str, Any]:
    """The operator CRD's ``openAPIV3Schema`` as a strict JSON Schema (see ``nbgate.crd_schema``)."""
    raw = json.loads(resources.files("nbgate.spec").joinpath("operator_crd.json").read_text(encoding="utf-8"))
    schema: dict[str, Any] = strict_schema(raw["openAPIV3Schema"])
    return schema


@cache
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft7Validator(crd_schema())


def _crd_messages(data: dict[str, Any]) -> list[str]:
    from jsonschema.exceptions import relevance

    from nbgate.spec.errors import closest, format_path

    validator = _validator()
    seen: dict[str, str] = {}
    for error in sorted(validator.iter_errors(data), key=relevance):
        where = list(error.absolute_path)
        path = format_path(where) or "the top level"
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = list(error.schema.get("properties", {}))
            for key in sorted(set(error.instance) - set(known)):
                full = format_path([*where, key])
                guess = closest(key, known)
                hint = f": did you mean {guess!r}?" if guess else f" (fields at {path}: {', '.join(known)})"
                seen.setdefault(full, f"unknown field {full}{hint}")
            continue
        if error.validator == "required" and isinstance(error.instance, dict):
            for key in error.validator_value:
                if key not in error.instance:
                    full = format_path([*where, key])
                    seen.setdefault(full, f"missing required field {full}")
            continue
        if (
            error.validator == "type"
            and error.validator_value == "string"
            and isinstance(error.instance, (int, float))
        ):
            pattern = error.schema.get("pattern")
            if pattern is None or re.search(pattern, str(error.instance)):
                message = f"{path}: {error.instance!r} must be a string: quote it ('{error.instance}')"
            else:
                message = f"{path}: {error.instance!r} must be a string matching {pattern}"
        elif error.validator == "pattern":
            message = f"{path}: {error.instance!r} does not match the pattern {error.validator_value}"
        else:
            message = f"{path}: {error.message}"
        seen.setdefault(format_path(where), message)
    return list(seen.values())


def validate_against_crd(data: dict[str, Any], name: str) -> None:
    """An ``InputError`` naming the first field the CRD rejects (and how many more)."""
    from nbgate.spec.errors import join_errors

    messages = _crd_messages(data)
    if messages:
        raise InputError(f"spec {name} (NotebookValidationJob): {join_errors(messages)}")


def _reject_article_shape(data: dict[str, Any], name: str) -> None:
    """The operator's article shows ``spec.validation.{goldenNotebook,modelEndpoints}``: not the CRD."""
    spec = data.get("spec")
    if not isinstance(spec, dict) or "validation" not in spec:
        return
    old = spec["validation"] if isinstance(spec["validation"], dict) else {}
    fixes = []
    if "goldenNotebook" in old or not old:
        fixes.append("spec.goldenNotebook (git: {url, ref} and path) for the golden notebook")
    if "modelEndpoints" in old or not old:
        fixes.append("spec.modelValidation (platform, targetModels) for the model endpoints")
    for key in sorted(set(old) - {"goldenNotebook", "modelEndpoints"}):
        fixes.append(f"spec.validationConfig for {key}" if key != "comparison" else "spec.comparisonConfig")
    raise InputError(
        f"spec {name}: spec.validation is the shape of the operator's article, not of its CRD "
        f"(v1.0.8): use {' and '.join(fixes)}"
    )


def operator_tolerance(tolerance: str) -> float:
    """The absolute tolerance nbgate uses for the operator's ``floatingPointTolerance``.

    The operator does not compare |a - b| with the tolerance: it rounds every decimal number in
    the text outputs to N decimals, N being the number of times the tolerance must be multiplied
    by 10 to reach 1 (0.0001 → 4, 0.05 → 2, capped at 10), and compares the rounded text. Two
    numbers that round equal differ by less than 10**-N, and numbers 10**-N apart never round
    equal, so ``atol = 10**-N`` (with ``rtol = 0``: rounding is absolute) accepts every pair the
    operator can accept; the only pairs it accepts that the operator rejects are those straddling
    a rounding edge (0.00004999 vs 0.00005001 at N = 4), which the operator flags by accident.
    A tolerance of 0 means no rounding: exact numbers.
    """
    value = float(tolerance)
    if value <= 0:
        return 0.0
    decimals, scaled = 0, value
    while scaled < 1.0 and decimals < 10:  # the operator's own loop, float for float
        scaled *= 10
        decimals += 1
    return float(10.0**-decimals)


def _not_honoured(warnings: list[str], path: str, reason_key: str | None = None) -> None:
    reason = _REASONS.get(reason_key or path)
    if reason is None:
        parent = path.rsplit(".", 1)[0]
        reason = _REASONS.get(parent, "nbgate has no equivalent")
    warnings.append(f"{path} is not honoured: {reason}")


def _git(git: dict[str, Any]) -> dict[str, Any]:
    out = {"url": git["url"], "ref": git["ref"]}
    if git.get("credentialsSecret"):
        out["credentialsSecret"] = git["credentialsSecret"]
    return out


def _compare(config: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """``spec.compare`` for the operator's ``comparisonConfig`` (its defaults when absent).

    The operator compares only the text of outputs; nbgate also compares rich outputs, images and
    scraps, so a golden the operator accepts can still differ here: that is nbgate being stricter,
    not a mapping loss.
    """
    from nbgate.compare.options import CompareOptions

    fields = CompareOptions.model_fields
    presets = list(fields["presets"].default) if "presets" in fields else []
    out: dict[str, Any] = {}
    if config.get("strategy", "normalized") == "exact":
        # The operator's 'exact': raw text, no rounding, no timestamp masking, whitespace as is.
        out.update(rtol=0.0, atol=0.0, presets=[], whitespace="exact")
    else:
        tolerance = str(config.get("floatingPointTolerance", DEFAULT_TOLERANCE))
        out.update(rtol=0.0, atol=operator_tolerance(tolerance), whitespace="normalize")
        if config.get("ignoreTimestamps", True) is False:
            # The operator's timestamp patterns cover dates and durations: both presets go.
            out["presets"] = [p for p in presets if p not in ("timestamps", "durations")]
        elif config.get("customTimestampPatterns"):
            out["sanitizers"] = [
                {"regex": pattern, "replace": "[TIMESTAMP]"} for pattern in config["customTimestampPatterns"]
            ]
    ignored = config.get("ignoreOutputTypes") or []
    mime = [t for t in ignored if "/" in t]
    if mime:
        out["ignoreMimeTypes"] = mime
    for other in (t for t in ignored if "/" not in t):
        warnings.append(
            f"spec.comparisonConfig.ignoreOutputTypes {other!r} is not honoured: nbgate ignores outputs "
            "by MIME type (e.g. image/png), not by output type"
        )
    if config.get("ignoreExecutionCount") is False:
        _not_honoured(warnings, "spec.comparisonConfig.ignoreExecutionCount")
    # Keep only what this nbgate's compare engine knows (its options grow independently).
    known = {f.alias or n for n, f in fields.items()} | set(fields)
    for key in sorted(set(out) - known):
        warnings.append(f"spec.comparisonConfig: nbgate's compare has no {key!r} option; not honoured")
        del out[key]
    return out


# The operator's platform names → nbgate's probe platforms.
PLATFORM_MAP = {
    "kserve": "kserve-v1",  # the operator's KServe examples use the V1 protocol (/v1/models/...)
    "openshift-ai": "openshift-ai",
    "vllm": "vllm",
    "torchserve": "torchserve",
    "tensorflow-serving": "tfserving",
    "triton": "triton",
    "ray-serve": "rayserve",
    "seldon": "seldon",
    "bentoml": "bentoml",
    "custom": "custom",
}
# Platforms whose models are KServe InferenceServices: nbgate finds their URL in the cluster.
_INFERENCE_SERVICE_PLATFORMS = ("kserve", "openshift-ai")


def _endpoints(config: dict[str, Any], namespace: str | None, warnings: list[str]) -> list[dict[str, Any]]:
    """``spec.endpoints`` for ``modelValidation``: one health-checked endpoint per target model.

    The operator checks that each target model is up (its 'existing environment' check);
    nbgate's probe does the same through the endpoint's health check.
    """
    from pydantic import ValidationError

    from nbgate.probe.endpoint import Endpoint
    from nbgate.spec.errors import describe_validation_error

    if config.get("enabled", True) is False:
        return []  # disabled in the CR: nothing to probe, nothing lost
    platform = str(config.get("platform", "kserve"))
    for key in ("phase", "customPlatform", "timeout"):
        if key in config and not (key == "phase" and config[key] == "existing"):
            _not_honoured(warnings, f"spec.modelValidation.{key}")
    if "predictionValidation" in config:
        warnings.append(
            "spec.modelValidation.predictionValidation is not honoured: the operator hands it to the "
            "notebook as MODEL_VALIDATION_PREDICTION_* env vars; set those in spec.pod.env, or give "
            "golden requests in spec.endpoints[].golden"
        )
    models = config.get("targetModels") or []
    if not models:
        warnings.append(
            "spec.modelValidation is not honoured: it names no targetModels, and nbgate probes named "
            "endpoints only (list them in spec.modelValidation.targetModels)"
        )
        return []
    endpoints = []
    for index, target in enumerate(models):
        where = f"spec.modelValidation.targetModels[{index}] ({target!r})"
        # The operator accepts 'model' (the job's namespace) or 'namespace/model'.
        model_ns, _, model = target.rpartition("/")
        item: dict[str, Any] = {
            "name": target.replace("/", "-"),
            "platform": PLATFORM_MAP.get(platform, platform),
            "model": model,
        }
        if platform in _INFERENCE_SERVICE_PLATFORMS:
            model_ns = model_ns or namespace or ""
            if not model_ns:
                model_ns = "default"
                warnings.append(f"{where}: no metadata.namespace in the CR: looked up in namespace 'default'")
            item["inferenceService"] = {"namespace": model_ns, "name": model}
        else:
            warnings.append(
                f"{where} is not honoured: nbgate cannot discover a {platform} server by model name; "
                "give its url in spec.endpoints"
            )
            continue
        try:
            Endpoint.model_validate(item)
        except ValidationError as exc:
            warnings.append(f"{where} is not honoured: {describe_validation_error(exc, Endpoint)}")
            continue
        endpoints.append(item)
    return endpoints


def _pod(config: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    pod: dict[str, Any] = {"image": config["containerImage"]}
    for key in (
        "resources",
        "env",
        "envFrom",
        "volumes",
        "volumeMounts",
        "tolerations",
        "nodeSelector",
        "affinity",
        "serviceAccountName",
    ):
        if key in config:
            pod[key] = config[key]
    if config.get("credentials"):
        # The CRD: credentials [a, b] is sugar for envFrom [{secretRef: {name: a}}, {secretRef: {name: b}}].
        pod["envFrom"] = [
            *pod.get("envFrom", []),
            *({"secretRef": {"name": n}} for n in config["credentials"]),
        ]
    for key in sorted(config.get("buildConfig") or {}):
        _not_honoured(warnings, f"spec.podConfig.buildConfig.{key}", "spec.podConfig.buildConfig")
    if config.get("buildConfig") == {}:
        _not_honoured(warnings, "spec.podConfig.buildConfig")
    return pod


def to_wire(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The ``NotebookValidation`` wire dict for a CRD-valid CR, and the warnings."""
    warnings: list[str] = []
    metadata_in = data.get("metadata") or {}
    metadata = {k: metadata_in[k] for k in _METADATA_KEPT if k in metadata_in}
    for key in sorted(set(metadata_in) - set(_METADATA_KEPT)):
        warnings.append(
            f"metadata.{key} is not honoured: nbgate keeps metadata name, namespace, labels, annotations"
        )
    if "status" in data:
        _not_honoured(warnings, "status")

    cr = data["spec"]
    notebook = cr["notebook"]
    spec: dict[str, Any] = {
        "source": {"git": _git(notebook["git"])},
        "notebooks": [notebook["path"]],
        # The operator's timeout bounds the whole job; nbgate's closest is the enforced
        # whole-notebook deadline (the clone before it has its own, short, limits).
        "timeouts": {"notebook": cr.get("timeout", DEFAULT_TIMEOUT)},
        "pod": _pod(cr["podConfig"], warnings),
        "compare": _compare(cr.get("comparisonConfig") or {}, warnings),
    }
    golden = cr.get("goldenNotebook")
    if golden is not None:
        same_repo = _git(golden["git"]) == spec["source"]["git"]
        # The operator names one exact golden file; same repo and ref: reuse the checkout.
        # golden.path is a str.format template: a literal brace in the exact path is doubled.
        exact = golden["path"].replace("{", "{{").replace("}", "}}")
        spec["golden"] = {"path": exact, "required": True}
        if not same_repo:
            spec["golden"]["source"] = {"git": _git(golden["git"])}
    if "modelValidation" in cr:
        endpoints = _endpoints(cr["modelValidation"], metadata.get("namespace"), warnings)
        if endpoints:
            spec["endpoints"] = endpoints
    for key in sorted(cr.get("validationConfig") or {}):
        _not_honoured(warnings, f"spec.validationConfig.{key}")
    if cr.get("validationConfig") == {}:
        _not_honoured(warnings, "spec.validationConfig")
    wire = {
        "apiVersion": "nbgate.dev/v1alpha1",
        "kind": "NotebookValidation",
        "metadata": metadata,
        "spec": spec,
    }
    return wire, warnings


def from_operator(data: dict[str, Any], name: str) -> tuple[NotebookValidation, list[str]]:
    """Validate a ``NotebookValidationJob`` against its CRD and map it; one-line errors."""
    from pydantic import ValidationError

    from nbgate.spec.errors import describe_validation_error
    from nbgate.spec.model import NotebookValidation

    _reject_article_shape(data, name)
    validate_against_crd(data, name)
    wire, warnings = to_wire(data)
    try:
        resource = NotebookValidation.model_validate(wire)
    except ValidationError as exc:
        # Valid for the operator, not for nbgate (e.g. a value nbgate is stricter about).
        raise InputError(
            f"spec {name} (NotebookValidationJob, mapped to a NotebookValidation): "
            f"{describe_validation_error(exc, NotebookValidation)}"
        ) from None
    return resource, warnings
