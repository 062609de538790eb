"""Fixtures for the spec tests: sample files, a spec writer, the operator's upstream CRD."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """Write a spec (a dict, dumped as YAML, or raw text) into tmp_path; return its path."""

    def write(content: dict[str, Any] | str, name: str = "validation.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        elif name.endswith(".json"):
            path.write_text(json.dumps(content), encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
        return path

    return write


def nbgate_spec(**spec: Any) -> dict[str, Any]:
    """A NotebookValidation dict with a local source unless ``spec`` gives one."""
    spec.setdefault("source", {"local": "."})
    return {
        "apiVersion": "nbgate.dev/v1alpha1",
        "kind": "NotebookValidation",
        "metadata": {"name": "t"},
        "spec": spec,
    }


@pytest.fixture
def make_spec() -> Callable[..., dict[str, Any]]:
    return nbgate_spec
