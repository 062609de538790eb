"""Shared bits of the promotion subcommands: the spec's promote section, JSON/YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbgate.errors import InputError

__all__ = ["load_object", "load_promote"]


def load_promote(path: Path) -> tuple[Any, Any]:
    """(resource, spec.promote) of SPEC, or a one-line error naming the missing section."""
    from nbgate.spec.load import load_spec

    resource = load_spec(path).resource
    promote = getattr(resource.spec, "promote", None)
    if promote is None:
        raise InputError(f"{path} has no spec.promote section: add one (see examples/churn/promote.yaml)")
    return resource, promote


def load_object(path: Path | None, what: str) -> dict[str, Any] | None:
    """A Kubernetes object from a JSON/YAML file (``kubectl get … -o json``)."""
    if path is None:
        return None
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{what} {path}: cannot read it ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{what} {path}: expected one object (kubectl get isvc NAME -o json)")
    return data
