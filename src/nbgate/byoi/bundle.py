"""Build the BYOI runner directory (see :mod:`nbgate.byoi`).

Layout::

    DEST/nbgate-execute      the launcher (python3 nbgate-execute NOTEBOOK …)
    DEST/manifest.json       nbgate version, python versions, platform, requirements
    DEST/site/common/        what is identical for every python version (pure-Python packages)
    DEST/site/cp3XY/         what differs (compiled wheels: pydantic-core, pyzmq, …)
"""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from nbgate.byoi import LAUNCHER_NAME, SUPPORTED_PYTHONS
from nbgate.errors import InputError, TransientError

__all__ = ["EXCLUDED", "PLATFORMS", "build_runner", "runner_requirements"]

# The execute extra minus what the runner must NOT carry, and why.
EXCLUDED: dict[str, str] = {
    # The kernel is the user's: their ipykernel, in their environment (the BYOI contract).
    "ipykernel": "provided by the user's image",
    # Scraps are glued inside the notebook (the user's kernel) and read by compare/probe, not by
    # execute; scrapbook would drag pandas and pyarrow (~200 MB per python version) in.
    "scrapbook": "not used by the execute step",
}
# glibc >= 2.28 (Debian 10+, Ubuntu 20.04+, UBI 8+): the wheels pip may pick for the runner.
PLATFORMS: tuple[str, ...] = ("manylinux2014_x86_64", "manylinux_2_28_x86_64")


def runner_requirements() -> list[str]:
    """The ``execute`` extra's requirements of the installed nbgate, less :data:`EXCLUDED`."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement

    try:
        declared = requires("nbgate") or []
    except PackageNotFoundError:
        raise InputError("nbgate is not installed in this python: pip install nbgate first") from None
    keep = []
    for line in declared:
        req = Requirement(line)
        if req.marker is None or not req.marker.evaluate({"extra": "execute"}):
            continue
        if req.marker.evaluate({"extra": ""}):
            continue  # a base requirement; it comes with the nbgate wheel itself
        if req.name.lower() in EXCLUDED:
            continue
        req.marker = None
        keep.append(str(req))
    return sorted(keep)


def _pip(args: Sequence[str]) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = " ".join(proc.stderr.strip().splitlines()[-3:])
        if "connection" in tail.lower() or "timed out" in tail.lower():
            raise TransientError(f"pip could not reach the package index: {tail}")
        raise InputError(f"pip {' '.join(args[:2])} failed: {tail}")


def _wheel(source: Path, workdir: Path, pip_args: Sequence[str]) -> Path:
    if source.suffix == ".whl":
        return source
    if not (source / "pyproject.toml").is_file():
        raise InputError(f"{source} is neither an nbgate wheel nor a source tree with pyproject.toml")
    _pip(["wheel", "--no-deps", "-w", str(workdir), *pip_args, str(source)])
    wheels = sorted(workdir.glob("nbgate-*.whl"))
    if not wheels:
        raise InputError(f"building a wheel from {source} produced no nbgate-*.whl")
    return wheels[-1]


def _same_tree(paths: Sequence[Path]) -> bool:
    first = paths[0]
    for other in paths[1:]:
        if first.is_dir() != other.is_dir():
            return False
        if first.is_dir():
            cmp = filecmp.dircmp(first, other)
            if not _dircmp_equal(cmp):
                return False
        elif not filecmp.cmp(first, other, shallow=False):
            return False
    return True


def _dircmp_equal(cmp: filecmp.dircmp[str]) -> bool:
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    # dircmp compares shallowly (size+mtime); mtimes differ between installs, so compare bytes.
    _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(_dircmp_equal(sub) for sub in cmp.subdirs.values())


def _deduplicate(site: Path, tags: Sequence[str]) -> None:
    """Move each top-level entry that is byte-identical in every version dir into site/common."""
    common = site / "common"
    common.mkdir()
    for entry in sorted(p.name for p in (site / tags[0]).iterdir()):
        if entry.endswith(".libs"):
            # auditwheel's vendored shared libraries: the extension modules find them through
            # RPATH $ORIGIN/../<dist>.libs, so they stay beside each version's packages.
            continue
        copies = [site / tag / entry for tag in tags]
        if all(c.exists() for c in copies) and _same_tree(copies):
            copies[0].rename(common / entry)
            for c in copies[1:]:
                shutil.rmtree(c) if c.is_dir() else c.unlink()


def build_runner(
    dest: Path,
    source: Path,
    *,
    pythons: Sequence[str] = SUPPORTED_PYTHONS,
    pip_args: Sequence[str] = (),
) -> dict[str, object]:
    """Build the runner into ``dest`` (absent or empty) from an nbgate wheel or source tree."""
    if dest.exists() and any(dest.iterdir()):
        raise InputError(f"runner destination {dest} is not empty: pick a new directory")
    for version in pythons:
        if version not in SUPPORTED_PYTHONS:
            raise InputError(f"python {version} is not supported: use one of {', '.join(SUPPORTED_PYTHONS)}")
    requirements = runner_requirements()
    site = dest / "site"
    with tempfile.TemporaryDirectory() as tmp:
        wheel = _wheel(source, Path(tmp), pip_args)
        tags = []
        for version in pythons:
            tag = "cp" + version.replace(".", "")
            target = site / tag
            platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
            _pip(
                [
                    "install", "--target", str(target), "--only-binary=:all:", *platforms,
                    "--python-version", version, "--implementation", "cp", "--no-compile",
                    *pip_args, str(wheel), *requirements,
                ]
            )  # fmt: skip
            # Console scripts carry the build's interpreter path: useless in another image.
            shutil.rmtree(target / "bin", ignore_errors=True)
            tags.append(tag)
        _deduplicate(site, tags)
        version_of_nbgate = wheel.name.split("-")[1]
    launcher = dest / LAUNCHER_NAME
    shutil.copyfile(Path(__file__).with_name("_launcher.py"), launcher)
    launcher.chmod(0o755)
    manifest: dict[str, object] = {
        "nbgate": version_of_nbgate,
        "pythons": list(pythons),
        "platforms": list(PLATFORMS),
        "requirements": requirements,
        "excluded": EXCLUDED,
    }
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
