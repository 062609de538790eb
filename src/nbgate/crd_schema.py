"""A CRD's ``openAPIV3Schema`` as a strict JSON Schema, read the way Kubernetes reads it.

Kubernetes prunes unknown fields silently; nbgate rejects them (a misspelled field must be an
error, in the operator CRs it accepts and in the manifests it generates), so
``additionalProperties: false`` is added to every object with ``properties`` except where the
CRD says ``x-kubernetes-preserve-unknown-fields``; ``nullable`` and
``x-kubernetes-int-or-string`` mean what they mean to the API server.
"""

from __future__ import annotations

from typing import Any

__all__ = ["strict_schema"]


def strict_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [strict_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict_schema(v) for k, v in node.items()}
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out
