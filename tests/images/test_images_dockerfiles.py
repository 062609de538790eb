"""Static checks of every Dockerfile; these need no container tools (hadolint: `make lint-images`)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from nbgate.steps.registry import STEPS

IMAGES = Path(__file__).resolve().parents[2] / "images"
DOCKERFILES = sorted(IMAGES.glob("*/Dockerfile"))
HADOLINT = Path(__file__).resolve().parents[2] / ".venvs" / "hadolint" / "bin" / "hadolint"


def test_every_registered_step_has_an_image() -> None:
    missing = [s.name for s in STEPS if not (IMAGES.parent / s.image_dir / "Dockerfile").is_file()]
    assert not missing


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.parent.name)
def test_dockerfile_pins_its_base_runs_as_1000_and_installs_only_its_extra(dockerfile: Path) -> None:
    text = dockerfile.read_text()
    step = dockerfile.parent.name
    base = re.search(r"^ARG BASE_IMAGE=(\S+)$", text, re.M)
    assert base, "the base must be a build ARG"
    assert ":" in base.group(1).rsplit("/", 1)[-1] and not base.group(1).endswith(":latest"), (
        "pin the base by tag"
    )
    assert re.search(r"^ARG BASE_DIGEST=$", text, re.M), "a digest ARG lets builds pin the base by digest"
    assert "FROM ${BASE_IMAGE}${BASE_DIGEST}" in text
    users = re.findall(r"^USER (\S+)$", text, re.M)
    assert users and users[-1].split(":")[0] == "1000", "the final USER must be uid 1000 (numeric)"
    if step != "byoi":
        extra = step.removesuffix("-gpu")
        assert re.search(rf"^ARG NBGATE_EXTRAS={extra}$", text, re.M)
        assert re.search(rf'^ENTRYPOINT \[".*nbgate", "{extra}"\]$', text, re.M)


def test_hadolint_passes() -> None:
    if not HADOLINT.exists():
        if os.environ.get("NBGATE_REQUIRE_TOOLS") == "1":
            pytest.fail("hadolint is missing: run `make hadolint-venv` (NBGATE_REQUIRE_TOOLS=1)")
        pytest.skip("hadolint is missing: run `make hadolint-venv`")
    files = [*map(str, DOCKERFILES), *map(str, sorted((IMAGES / "tools").glob("*.Dockerfile")))]
    proc = subprocess.run(
        [str(HADOLINT), "--config", str(IMAGES / "hadolint.yaml"), *files], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
