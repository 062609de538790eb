"""The committed components/ tree: fresh, loadable, valid protos, no pip install at run time."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from google.protobuf import json_format
from kfp import components
from kfp.pipeline_spec import pipeline_spec_pb2

from nbgate.kfp.compile import COMPONENT_STEPS, PIPELINE_FILE, write_components

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "components"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """components/ compiled now, with the default registry and tag (as `make generate-components`)."""
    saved = {k: os.environ.pop(k) for k in ("NBGATE_REGISTRY", "NBGATE_IMAGE_TAG") if k in os.environ}
    try:
        out = tmp_path_factory.mktemp("components")
        write_components(out)
    finally:
        os.environ.update(saved)
    if os.environ.get("NBGATE_UPDATE_GOLDEN") == "1":
        shutil.copytree(out, COMMITTED, dirs_exist_ok=True)
    return out


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.yaml"))


def test_committed_components_are_fresh(generated: Path) -> None:
    fresh = {p.relative_to(generated): p.read_text() for p in generated.rglob("*") if p.is_file()}
    committed = {p.relative_to(COMMITTED): p.read_text() for p in COMMITTED.rglob("*") if p.is_file()}
    assert sorted(committed) == sorted(fresh), "components/ is stale: run `make generate-components`"
    stale = [str(name) for name, text in fresh.items() if committed[name] != text]
    assert not stale, f"components/ is stale ({', '.join(stale)}): run `make generate-components`"


@pytest.mark.parametrize("step", COMPONENT_STEPS)
def test_component_loads_back_with_its_interface(step: str) -> None:
    component = components.load_component_from_file(str(COMMITTED / step / "component.yaml"))
    assert component.name == f"{step}-op"
    readme = (COMMITTED / step / "README.md").read_text()
    assert "## Caching" in readme and "## Inputs" in readme and "## Outputs" in readme
    spec = component.component_spec
    assert set(spec.outputs or {}) >= ({"verdict"} if step != "gate" else set())


def test_pipeline_loads_back_and_has_the_run_parameters() -> None:
    pipeline = components.load_component_from_file(str(COMMITTED / PIPELINE_FILE))
    assert pipeline.name == "nbgate-validation"
    assert {"repo_url", "revision", "notebooks", "golden"} <= set(pipeline.component_spec.inputs or {})


@pytest.mark.parametrize("path", _yaml_files(COMMITTED), ids=lambda p: str(p.relative_to(COMMITTED)))
def test_yaml_parses_into_kfp_protos_without_unknown_fields(path: Path) -> None:
    documents = list(yaml.safe_load_all(path.read_text()))
    json_format.ParseDict(documents[0], pipeline_spec_pb2.PipelineSpec())  # raises on unknown fields
    for platform in documents[1:]:
        json_format.ParseDict(platform, pipeline_spec_pb2.PlatformSpec())


@pytest.mark.parametrize("path", _yaml_files(COMMITTED), ids=lambda p: str(p.relative_to(COMMITTED)))
def test_no_pip_install_at_run_time_and_step_images(path: Path) -> None:
    text = path.read_text()
    assert "pip install" not in text and "pip3 install" not in text
    spec = yaml.safe_load_all(text).__next__()
    images = {e["container"]["image"] for e in spec["deploymentSpec"]["executors"].values()}
    assert images and all("/nbgate-" in image for image in images), images


def test_caching_is_off_for_execute_and_probe_and_on_for_compare() -> None:
    spec = next(yaml.safe_load_all((COMMITTED / PIPELINE_FILE).read_text()))
    tasks = dict(spec["root"]["dag"]["tasks"])
    for component in spec["components"].values():
        tasks.update(component.get("dag", {}).get("tasks", {}))
    caching = {name: task.get("cachingOptions", {}).get("enableCache", False) for name, task in tasks.items()}
    assert caching["execute-op"] is False
    assert caching["probe-op"] is False
    assert caching["clone-op"] is False  # no fixed SHA in the generic pipeline
    assert caching["gate-op"] is False
    assert caching["compare-op"] is True
