"""Finding kernelspecs: every place jupyter_client looks, without importing IPython needlessly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nbgate.execution.kernel import MissingKernelError, find_kernelspec

FIND_AND_REPORT = """
import json, sys
from nbgate.execution.kernel import find_kernelspec
spec = find_kernelspec(sys.argv[1])
print(json.dumps({"argv": spec.argv, "ipython_imported": "IPython" in sys.modules}))
"""


def _kernelspec(directory: Path, name: str) -> None:
    (directory / name).mkdir(parents=True)
    (directory / name / "kernel.json").write_text(
        json.dumps(
            {
                "argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}", f"--{name}"],
                "display_name": name,
                "language": "python",
            }
        )
    )


def _find(name: str, home: Path, **env: str) -> dict[str, object]:
    environ = {
        k: v for k, v in os.environ.items() if k not in ("IPYTHONDIR", "IPYTHON_DIR", "XDG_CONFIG_HOME")
    }
    environ.update(HOME=str(home), **env)
    done = subprocess.run(
        [sys.executable, "-c", FIND_AND_REPORT, name],
        capture_output=True,
        text=True,
        env=environ,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout)
    return found


def test_python3_is_found_without_importing_ipython(tmp_path: Path) -> None:
    found = _find("python3", tmp_path)
    assert found["ipython_imported"] is False


@pytest.mark.parametrize("where", ["IPYTHONDIR", "home"])
def test_a_kernel_in_the_ipython_dir_is_still_found(tmp_path: Path, where: str) -> None:
    home = tmp_path / "home"
    ipython_dir = tmp_path / "ipy" if where == "IPYTHONDIR" else home / ".ipython"
    _kernelspec(ipython_dir / "kernels", "legacy-ipython-kernel")
    env = {"IPYTHONDIR": str(ipython_dir)} if where == "IPYTHONDIR" else {}
    found = _find("legacy-ipython-kernel", home, **env)
    assert found["argv"] == [
        "python",
        "-m",
        "ipykernel_launcher",
        "-f",
        "{connection_file}",
        "--legacy-ipython-kernel",
    ]


def test_a_missing_kernel_lists_the_installed_ones() -> None:
    with pytest.raises(MissingKernelError, match=r"kernel 'no-such-kernel-xyz' is not installed .*python3"):
        find_kernelspec("no-such-kernel-xyz")
