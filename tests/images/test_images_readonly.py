"""A step that writes outside /tmp, ~/.cache or its output volume fails under the restricted run.

These prove the harness catches such a step: the same run_restricted() the step tests use, with
a write to HOME, to /opt and to the image's python env, and a real step (execute) told to write
its output into HOME. The positive half shows /tmp and ~/.cache are the writable places.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from images_examples import tiny_notebook
from images_support import HOMES, Images, run_restricted, writable_dir

pytestmark = pytest.mark.images


@pytest.mark.parametrize("step", ["clone", "execute", "compare", "probe", "report"])
def test_writes_outside_tmp_cache_and_output_fail(images: Images, step: str) -> None:
    home = HOMES.get(step, "/home/nbgate")
    for target in (f"{home}/leak", "/opt/leak", "/etc/leak", "/var/tmp/leak"):
        proc = run_restricted(images.refs[step], ["-c", f"echo x > {target}"], entrypoint="sh", home=home)
        assert proc.returncode != 0, f"{step}: writing {target} succeeded"
        assert "Read-only file system" in proc.stderr, proc.stderr
    ok = run_restricted(
        images.refs[step], ["-c", f"echo x > /tmp/ok && echo x > {home}/.cache/ok && echo fine"],
        entrypoint="sh", home=home,
    )  # fmt: skip
    assert ok.returncode == 0 and "fine" in ok.stdout, ok.stderr


def test_a_step_writing_into_home_fails(images: Images, tmp_path: Path) -> None:
    """A real step pointed outside the writable places: execute with -o in HOME must not pass."""
    work = tmp_path / "work"
    tiny_notebook(work / "tiny.ipynb")
    out = writable_dir(tmp_path / "out")
    proc = run_restricted(
        images.refs["execute"],
        [
            "/work/tiny.ipynb",
            "-o",
            f"{HOMES['execute']}/tiny.ipynb",
            "--verdict",
            "/out/verdict.json",
            "--cwd",
            "/tmp",
        ],
        volumes=[(work, "/work", "ro"), (out, "/out", "rw")],
        home=HOMES["execute"],
    )
    assert proc.returncode != 0
    assert "read-only file system" in (proc.stdout + proc.stderr).lower()
