"""A model endpoint the notebook depends on (``spec.endpoints[]``).

Secrets never live in the spec: ``auth`` names env vars or mounted files (a Kubernetes Secret)
that are read again on every request, so a rotated Secret takes effect without a restart.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from nbgate._model import WireModel
from nbgate.durations import Duration

__all__ = [
    "PLATFORMS",
    "Auth",
    "Consistency",
    "Endpoint",
    "GenerationCheck",
    "GoldenRequest",
    "InferenceServiceRef",
    "LatencyCheck",
    "MetadataExpectation",
    "Platform",
    "Retries",
    "Slo",
    "TensorSpec",
    "Tls",
]

Platform = Literal[
    "kserve-v1",
    "kserve-v2",
    "oip",
    "openshift-ai",
    "triton",
    "vllm",
    "openai",
    "torchserve",
    "tfserving",
    "rayserve",
    "seldon",
    "bentoml",
    "custom",
]
PLATFORMS: tuple[str, ...] = Platform.__args__  # type: ignore[attr-defined]


class Auth(WireModel):
    """Where the credentials are: env var names and file paths only, never the values."""

    token_env: str | None = Field(default=None, description="Env var holding a bearer token.")
    token_file: str | None = Field(
        default=None,
        description="File holding a bearer token (a mounted Secret, or a ServiceAccount token for "
        "OpenShift AI).",
    )
    headers_from_env: dict[str, str] = Field(default={}, description="Header name -> env var name.")
    headers_from_files: dict[str, str] = Field(default={}, description="Header name -> file path.")


class Tls(WireModel):
    verify: bool = Field(default=True, description="Verify the server certificate (on by default).")
    ca_bundle: str | None = Field(default=None, description="PEM file of CAs to trust.")
    client_cert: str | None = Field(default=None, description="PEM client certificate (mTLS).")
    client_key: str | None = None


class Retries(WireModel):
    """Retries only for connection errors and HTTP 5xx/429: the safe, idempotent-looking cases."""

    attempts: int = Field(default=3, ge=1, description="Total tries per request, the first included.")
    backoff: Duration = Field(default=0.2, description="First back-off; doubles on each retry.")


class TensorSpec(WireModel):
    name: str
    datatype: str | None = None
    shape: list[int] | None = Field(default=None, description="-1 matches any size.")


class MetadataExpectation(WireModel):
    """What the model's metadata must say (V2 metadata; Triton config; others: name/version)."""

    inputs: list[TensorSpec] = []
    outputs: list[TensorSpec] = []
    platform: str | None = Field(default=None, description="e.g. V2 'platform' or Triton backend.")
    max_batch_size: int | None = Field(default=None, description="Triton model config only.")


class GoldenRequest(WireModel):
    """A request with its expected response.

    Either ``inputs`` (a batch, encoded the platform's way) with ``expected`` predictions, or a
    raw JSON ``body`` sent to ``path`` whose response must contain ``expected`` (a subset match:
    keys absent from ``expected`` are ignored, so ids and timestamps do not matter).
    """

    name: str
    inputs: list[Any] | None = None
    body: dict[str, Any] | None = None
    body_file: str | None = None
    path: str | None = Field(default=None, description="Raw mode: path under the endpoint URL.")
    expected: Any = None
    expected_file: str | None = None
    rtol: float = 1e-6
    atol: float = 1e-9
    top_k: int | None = Field(default=None, description="Compare only the k largest scores' indices.")

    @model_validator(mode="after")
    def _one_request(self) -> GoldenRequest:
        given = [n for n in ("inputs", "body", "body_file") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError(f"golden request {self.name!r}: set exactly one of inputs, body or bodyFile")
        if self.expected is None and self.expected_file is None:
            raise ValueError(f"golden request {self.name!r}: set expected or expectedFile")
        return self


class Consistency(WireModel):
    """The notebook's own inputs and predictions (``scrapbook.glue``) replayed on the endpoint."""

    inputs_scrap: str = "X_sample"
    predictions_scrap: str = "y_pred"
    rtol: float = 1e-5
    atol: float = 1e-8


class Slo(WireModel):
    p50: Duration | None = None
    p95: Duration | None = None
    p99: Duration | None = None
    error_rate: float = Field(default=0.0, ge=0.0, le=1.0, description="Largest allowed error share.")


class LatencyCheck(WireModel):
    requests: int = Field(default=100, ge=1)
    concurrency: int = Field(default=4, ge=1)
    inputs: list[Any] | None = Field(default=None, description="Default: the first golden's inputs.")
    slo: Slo = Slo()


class GenerationCheck(WireModel):
    """OpenAI-compatible generation: completion + chat, temperature 0, optional golden/regex."""

    prompt: str = "Say hello."
    max_tokens: int = Field(default=16, ge=1)
    expected: str | None = Field(default=None, description="Exact golden answer at temperature 0.")
    pattern: str | None = Field(default=None, description="Regex the answer must match.")
    chat: bool = True
    stream: bool = True


class InferenceServiceRef(WireModel):
    """A KServe InferenceService whose ``status.url`` gives the endpoint URL (cluster runs)."""

    namespace: str
    name: str


class Endpoint(WireModel):
    """One live model server to probe, with the checks to run on it."""

    name: str
    platform: Platform
    url: str | None = Field(default=None, description="Base URL, e.g. http://127.0.0.1:8080.")
    inference_service: InferenceServiceRef | None = None
    model: str | None = None
    version: str | None = None
    grpc_url: str | None = Field(
        default=None, description="V2 gRPC host:port; adds a 'grpc' check through tritonclient."
    )
    management_url: str | None = Field(default=None, description="TorchServe management API base URL.")
    route: str | None = Field(
        default=None, description="Prediction path for bentoml/rayserve/custom (e.g. /predict)."
    )
    health_path: str | None = Field(default=None, description="custom/rayserve health path.")
    input_name: str | None = Field(default=None, description="V2 input tensor; default metadata's first.")
    input_datatype: str = Field(default="FP64", description="V2 datatype of the input tensor.")
    output_name: str | None = Field(default=None, description="V2 output to compare; default the first.")
    auth: Auth | None = None
    tls: Tls = Tls()
    timeout: Duration = Field(default=10.0, description="Per-request timeout.")
    retries: Retries = Retries()
    health: bool = True
    metadata: MetadataExpectation | None = None
    golden: list[GoldenRequest] = []
    consistency: Consistency | None = None
    generation: GenerationCheck | None = None
    latency: LatencyCheck | None = None

    @model_validator(mode="after")
    def _located(self) -> Endpoint:
        if self.url is None and self.inference_service is None:
            raise ValueError(f"endpoint {self.name!r}: set url or inferenceService")
        if self.platform not in ("openai", "vllm", "custom", "bentoml", "rayserve") and not self.model:
            raise ValueError(f"endpoint {self.name!r}: platform {self.platform} needs model")
        return self
