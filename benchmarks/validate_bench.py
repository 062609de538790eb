"""Time nbgate validating a small notebook side by side with its peers, in one run.

Peers, each in its own minimal venv (as their users install them; `make bench-venvs`):
  * papermill CLI (execute only),
  * pytest --nbval (execute + compare stored outputs),
  * the floor: jupyter_client starting a kernel, running the same cells, stopping it,
  * for many notebooks: pytest --nbmake -n 2 vs nbgate run --jobs 2.
nbgate runs from the full install (.venv, all extras): execute + compare + report.

Prints medians and ratios. Usage: python benchmarks/validate_bench.py [--repeat 5] [--many 24]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
VENVS = REPO / ".venvs"
NBGATE = REPO / ".venv" / "bin" / "nbgate"
CELLS = [
    "import math, json, statistics",
    "values = [math.sin(i / 10) for i in range(1000)]",
    "print(round(statistics.mean(values), 6))",
    "json.dumps({'n': len(values)})",
]
FLOOR = """
import sys
from jupyter_client.manager import start_new_kernel
cells = {cells!r}
km, kc = start_new_kernel(kernel_name="python3")
try:
    for code in cells:
        reply = kc.execute_interactive(code, timeout=60, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok", reply
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
"""


def write_notebook(path: Path) -> Path:
    nb = new_notebook(cells=[new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def timed(cmd: list[str], cwd: Path, ok_codes: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok_codes:
        raise SystemExit(
            f"benchmark command failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return elapsed


def median_of(repeat: int, cmd: list[str], cwd: Path) -> float:
    timed(cmd, cwd)  # warm the page cache and the .pyc files
    return statistics.median(timed(cmd, cwd) for _ in range(repeat))


def venv_bin(name: str, tool: str) -> Path:
    path = VENVS / name / "bin" / tool
    if not path.exists():
        raise SystemExit(f"missing {path}: run `make bench-venvs` first")
    return path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--many", type=int, default=24)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    # A regular `pip install` byte-compiles a package; an editable install does not, and where
    # PYTHONDONTWRITEBYTECODE is set (CI images, this sandbox) nbgate would then recompile its own
    # modules on every start while each peer, installed from wheels, loads its .pyc files.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src" / "nbgate")], check=True)
    work = Path(tempfile.mkdtemp(prefix="nbgate-bench-"))
    try:
        nb = write_notebook(work / "small.ipynb")
        golden = work / "golden.ipynb"
        subprocess.run(
            [str(venv_bin("bench-papermill", "papermill")), "--no-progress-bar", str(nb), str(golden)],
            check=True,
            capture_output=True,
            cwd=work,
        )
        shutil.copy(golden, work / "with_outputs.ipynb")  # nbval compares stored outputs

        floor_script = work / "floor.py"
        floor_script.write_text(FLOOR.format(cells=CELLS))
        figures: dict[str, float] = {}
        figures["floor (jupyter_client)"] = median_of(
            args.repeat, [str(venv_bin("bench-papermill", "python")), str(floor_script)], work
        )
        figures["papermill CLI"] = median_of(
            args.repeat,
            [str(venv_bin("bench-papermill", "papermill")), "--no-progress-bar", str(nb), "out.ipynb"],
            work,
        )
        figures["pytest --nbval"] = median_of(
            args.repeat,
            [
                str(venv_bin("bench-nbval", "pytest")),
                "-q",
                "-p",
                "no:cacheprovider",
                "--nbval",
                "with_outputs.ipynb",
            ],
            work,
        )
        figures["nbgate run (execute+compare+report)"] = median_of(
            args.repeat,
            [str(NBGATE), "run", "--notebook", str(nb), "--golden", str(golden), "-o", "nbgate-out", "-q"],
            work,
        )

        many = work / "many"
        many.mkdir()
        for i in range(args.many):
            write_notebook(many / f"nb{i:02d}.ipynb")
        many_repeat = max(1, args.repeat // 2)
        figures[f"pytest --nbmake -n 2 ({args.many} notebooks)"] = median_of(
            many_repeat,
            [
                str(venv_bin("bench-nbmake", "pytest")),
                "-q",
                "-p",
                "no:cacheprovider",
                "--nbmake",
                "-n",
                "2",
                "many",
            ],
            work,
        )
        spec = work / "many.yaml"
        spec.write_text(
            "apiVersion: nbgate.dev/v1alpha1\nkind: NotebookValidation\nmetadata: {name: many}\n"
            "spec:\n  source: {local: many}\n  notebooks: ['*.ipynb']\n"
        )
        figures[f"nbgate run --jobs 2 ({args.many} notebooks)"] = median_of(
            many_repeat, [str(NBGATE), "run", str(spec), "--jobs", "2", "-o", "many-out", "-q"], work
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    width = max(map(len, figures))
    print(f"\n{'tool':<{width}}  median s")
    for name, seconds in figures.items():
        print(f"{name:<{width}}  {seconds:8.3f}")
    nbgate_one = figures["nbgate run (execute+compare+report)"]
    floor = figures["floor (jupyter_client)"]
    ratios = {
        "nbgate / floor (target <= 1.25)": nbgate_one / floor,
        "nbgate / papermill (target <= 1.0)": nbgate_one / figures["papermill CLI"],
        "nbgate / pytest --nbval": nbgate_one / figures["pytest --nbval"],
        f"nbgate --jobs 2 / nbmake -n 2, {args.many} nbs (target <= 0.8)": figures[
            f"nbgate run --jobs 2 ({args.many} notebooks)"
        ]
        / figures[f"pytest --nbmake -n 2 ({args.many} notebooks)"],
    }
    print()
    for name, ratio in ratios.items():
        print(f"{name}: {ratio:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"seconds": figures, "ratios": ratios}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
