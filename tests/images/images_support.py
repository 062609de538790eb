"""Helpers of the image tests: build every step image once per session, run them restricted.

The images are built on the local debootstrap base (`make base-image`), since no registry but
Debian's and PyPI can be reached here. Each run is what a PSA-``restricted`` pod with a
read-only root gets: ``--read-only --tmpfs /tmp --tmpfs <home>/.cache --user 1000:1000
--cap-drop ALL --security-opt no-new-privileges --network none`` plus one output volume.
Tools missing → skip naming the make target; under NBGATE_REQUIRE_TOOLS=1 (CI) → fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASE = os.environ.get("IMAGE_TEST_BASE", "localhost/nbgate-base:bookworm")
EXECUTE_BASE = os.environ.get("IMAGE_TEST_EXECUTE_BASE", "localhost/nbgate-stacks-like:bookworm")
REGISTRY = "localhost"
TAG = "test"
STEPS = ("clone", "execute", "compare", "probe", "report", "byoi")
# The user's own image for the BYOI test: python + ipykernel, no nbgate.
BYOI_USER = "localhost/nbgate-byoi-user:test"
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
HOMES = {"execute": "/home/jovyan", "byoi-user": "/tmp"}
# runc, not crun (crun cannot set up the container here); nproc/nofile within the sandbox's limits.
PODMAN_RUN = (
    "podman",
    "--runtime",
    "runc",
    "run",
    "--rm",
    "--ulimit",
    "nofile=1024:1024",
    "--ulimit",
    "nproc=1024:1024",
)


def _require(reason: str) -> None:
    if os.environ.get("NBGATE_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{reason} (NBGATE_REQUIRE_TOOLS=1)")
    pytest.skip(reason)


def image_ref(step: str) -> str:
    return f"{REGISTRY}/nbgate-{step}:{TAG}"


def _image_exists(ref: str) -> bool:
    return subprocess.run(["podman", "image", "exists", ref], check=False).returncode == 0


@dataclass(frozen=True)
class Images:
    """The images this session built, and how long each stage took."""

    refs: dict[str, str]
    sizes_mb: dict[str, float]


def image_size_mb(ref: str) -> float:
    out = subprocess.run(
        ["podman", "image", "inspect", "--format", "{{.Size}}", ref],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip()) / 1e6


@pytest.fixture(scope="session")
def images(request: pytest.FixtureRequest) -> Images:
    """Build every step image (+ the BYOI user image) in parallel, once per session.

    NBGATE_IMAGES_REUSE=1 reuses images already tagged :test (for iterating on the tests).
    """
    for tool in ("podman", "runc"):
        if shutil.which(tool) is None:
            _require(f"{tool} is not installed: run `make images-tools` (root)")
    for base in (BASE, EXECUTE_BASE):
        if not _image_exists(base):
            _require(f"the local base image {base} is missing: run `make base-image`")
    refs = {step: image_ref(step) for step in STEPS} | {"byoi-user": BYOI_USER}
    reuse = os.environ.get("NBGATE_IMAGES_REUSE") == "1" and all(_image_exists(r) for r in refs.values())
    if not reuse:
        start = time.monotonic()
        env = os.environ | {
            "REGISTRY": REGISTRY,
            "TAG": TAG,
            "IMAGE_BASE": BASE,
            "IMAGE_EXECUTE_BASE": EXECUTE_BASE,
            "IMAGE_CA_BUNDLE": CA_BUNDLE if Path(CA_BUNDLE).is_file() else "",
        }
        user = subprocess.Popen(
            ["podman", "build", "-q", "--network", "host", "--layers=false", "--build-arg", f"BASE_IMAGE={BASE}",
             *(["-v", f"{CA_BUNDLE}:{CA_BUNDLE}:ro", "--build-arg", f"PIP_CERT={CA_BUNDLE}"]
               if Path(CA_BUNDLE).is_file() else []),
             "-f", "images/tools/byoi-user.Dockerfile", "-t", BYOI_USER, "images/tools"],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        proc = subprocess.run(
            ["images/tools/build.sh", *STEPS], cwd=REPO, env=env, capture_output=True, text=True, check=False
        )
        _, user_err = user.communicate()
        # The build's own lines (step, size, seconds) belong in the CI log, past pytest's capture.
        capture = request.config.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():
            sys.stderr.write("\n" + proc.stdout + proc.stderr)
            sys.stderr.write(f"image builds: {time.monotonic() - start:.0f} s in all (parallel)\n")
        if proc.returncode != 0 or user.returncode != 0:
            pytest.fail(f"image build failed:\n{proc.stdout}{proc.stderr}{user_err[-2000:]}")
    return Images(refs, {step: image_size_mb(ref) for step, ref in refs.items()})


def writable_dir(path: Path) -> Path:
    """A host dir the container's uid 1000 can write (pytest's tmp dirs are root-only 0700)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, 1000, 1000)
    return path


def readable_tree(path: Path) -> Path:
    """Hand a host tree to uid 1000 (git also refuses repositories owned by another user)."""
    for p in [path, *path.rglob("*")]:
        os.chown(p, 1000, 1000, follow_symlinks=False)
    return path


def run_restricted(
    image: str,
    args: Sequence[str],
    *,
    volumes: Sequence[tuple[Path, str, str]] = (),
    home: str = "/home/nbgate",
    entrypoint: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 240,
) -> subprocess.CompletedProcess[str]:
    """Run like a PSA-restricted pod: read-only root, uid 1000, no caps, no privilege gain, no network.

    ``volumes`` are (host path, container path, "rw"|"ro"). Only /tmp, HOME/.cache and the rw
    volumes are writable: a step writing anywhere else fails with EROFS.
    """
    cmd = [
        *PODMAN_RUN,
        "--read-only", "--read-only-tmpfs=false", "--tmpfs", "/tmp", "--tmpfs", f"{home}/.cache",
        "--user", "1000:1000", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "--network", "none",
    ]  # fmt: skip
    for host, target, mode in volumes:
        cmd += ["-v", f"{host}:{target}:{mode}"]
    for name, value in (env or {}).items():
        cmd += ["--env", f"{name}={value}"]
    if entrypoint is not None:
        cmd += ["--entrypoint", entrypoint]
    cmd += [image, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


PROBE_SERVERS = REPO / "tests" / "probe" / "servers"


def probe_in_image(
    images: Images, work: Path, out: Path, start_servers: str
) -> subprocess.CompletedProcess[str]:
    """``nbgate probe /work/spec.yaml`` in the restricted probe container, once the shell line
    ``start_servers`` has started its endpoints there (under --network none they must run inside
    the container itself). Writes /out/probe.json and /out/verdict.json."""
    script = (
        f"{start_servers} nbgate probe /work/spec.yaml --result /out/probe.json --verdict /out/verdict.json"
    )
    return run_restricted(
        images.refs["probe"], ["-c", script], entrypoint="sh",
        volumes=[(PROBE_SERVERS, "/servers", "ro"), (work, "/work", "ro"), (out, "/out", "rw")],
    )  # fmt: skip
