"""The BYOI runner's parts that need no container and no index: requirements, de-duplication,
the launcher's contract check. (The full runner is built and run in test_images_steps.py.)"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nbgate.byoi
from nbgate.byoi.bundle import _deduplicate, build_runner, runner_requirements
from nbgate.errors import InputError

LAUNCHER = Path(nbgate.byoi.__file__).with_name("_launcher.py")


def test_runner_requirements_are_the_execute_extra_less_kernel_and_scrapbook() -> None:
    names = {r.split(">")[0].split("=")[0].split("<")[0].lower() for r in runner_requirements()}
    assert {"papermill", "nbclient"} <= names
    assert not names & {"ipykernel", "scrapbook"}


def test_identical_entries_move_to_common_and_vendored_libs_stay(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for tag, compiled in (("cp311", b"\x7fELF-311"), ("cp312", b"\x7fELF-312")):
        (site / tag / "purepkg").mkdir(parents=True)
        (site / tag / "purepkg" / "__init__.py").write_text("X = 1\n")
        (site / tag / "binpkg").mkdir()
        (site / tag / "binpkg" / "_ext.so").write_bytes(compiled)
        (site / tag / "binpkg.libs").mkdir()
        (site / tag / "binpkg.libs" / "libz.so").write_bytes(b"same")
    _deduplicate(site, ["cp311", "cp312"])
    assert (site / "common" / "purepkg" / "__init__.py").read_text() == "X = 1\n"
    assert not (site / "cp311" / "purepkg").exists() and not (site / "cp312" / "purepkg").exists()
    for tag in ("cp311", "cp312"):
        assert (site / tag / "binpkg" / "_ext.so").is_file()
        assert (site / tag / "binpkg.libs" / "libz.so").is_file()  # found via RPATH $ORIGIN/..


def test_build_refuses_a_non_empty_destination_and_unknown_pythons(tmp_path: Path) -> None:
    (tmp_path / "dest").mkdir()
    (tmp_path / "dest" / "x").write_text("")
    with pytest.raises(InputError, match="not empty"):
        build_runner(tmp_path / "dest", Path("."))
    with pytest.raises(InputError, match=r"3\.9 is not supported"):
        build_runner(tmp_path / "new", Path("."), pythons=["3.9"])


def _runner(tmp_path: Path) -> Path:
    runner = tmp_path / "runner"
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    (runner / "site" / tag).mkdir(parents=True)
    (runner / "site" / "common").mkdir()
    shutil.copy(LAUNCHER, runner / "nbgate-execute")
    (runner / "manifest.json").write_text(json.dumps({"nbgate": "0.0.test"}))
    return runner


def test_check_passes_with_ipykernel(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    proc = subprocess.run(
        [sys.executable, str(runner / "nbgate-execute"), "--check"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["contract"] == "ok" and report["nbgate"] == "0.0.test" and report["ipykernel"]


def test_check_names_missing_ipykernel_in_one_line(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    # -S: no site-packages, so this python has no ipykernel (as a bare user image would not).
    proc = subprocess.run(
        [sys.executable, "-S", str(runner / "nbgate-execute"), "--check"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "ipykernel is not installed" in proc.stderr


def test_check_names_a_python_the_runner_was_not_built_for(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    for d in (runner / "site").glob("cp3*"):
        d.rename(d.with_name("cp39"))
    proc = subprocess.run(
        [sys.executable, str(runner / "nbgate-execute"), "--check"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "no site dir for python" in proc.stderr and "--python" in proc.stderr
