"""Every registered step has all five faces: function, CLI, Argo template, KFP component, image."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

from nbgate.cli.main import SUBCOMMANDS, cli
from nbgate.steps.registry import STEPS

REPO = Path(__file__).resolve().parents[1]


def _argo_template_names() -> set[str]:
    names = set()
    for path in (REPO / "workflows").rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") in ("WorkflowTemplate", "ClusterWorkflowTemplate"):
                names.add(doc["metadata"]["name"])
    return names


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_step_has_every_face(step) -> None:
    module_name, attr = step.function.split(":")
    function = getattr(importlib.import_module(module_name), attr)
    assert callable(function), f"{step.function} is not callable"
    assert function.__annotations__, f"{step.function} must be typed"

    assert step.cli in SUBCOMMANDS
    command = cli.get_command(None, step.cli)  # type: ignore[arg-type]
    assert command is not None, f"nbgate {step.cli} does not load"

    templates = _argo_template_names()
    assert step.argo_template in templates, (
        f"no Argo WorkflowTemplate named {step.argo_template} under workflows/"
    )
    component = REPO / step.kfp_component
    assert component.is_file(), f"missing KFP component {component}"
    assert (REPO / step.image_dir / "Dockerfile").is_file(), f"missing image {step.image_dir}/Dockerfile"
