"""Execute a 4-cell notebook: the bare floor vs nbgate's execute() vs the ``papermill`` CLI.

Each contender runs in a fresh process (start-up and imports are most of the cost), the
contenders are interleaved round by round so a busy machine hurts them alike, and the
medians are printed with their ratios to the floor:

* floor — jupyter_client only: start a kernel, run the cells, stop it (graceful);
* nbgate execute() — ``nbgate.steps.execute.execute`` called from a tiny script;
* nbgate execute CLI — ``nbgate execute NB -o OUT``;
* papermill CLI — ``papermill NB OUT``.

Usage: ``python benchmarks/execute_startup.py [--rounds 7]`` (uses this interpreter's venv).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent

CELLS = [
    "alpha = 0.1\nn = 10",
    "import math\nvals = [math.sin(alpha * i) for i in range(n)]",
    "print(sum(vals))",
    "{'n': n, 'max': max(vals)}",
]

FLOOR = """
import json, sys
from jupyter_client.manager import start_new_kernel
nb = json.load(open(sys.argv[1]))
km, kc = start_new_kernel(kernel_name="python3", stderr=open("/dev/null", "w"))
try:
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            kc.execute_interactive("".join(cell["source"]), output_hook=lambda msg: None, timeout=60)
finally:
    kc.stop_channels()
    km.shutdown_kernel()
"""

NBGATE_API = """
import sys
from pathlib import Path
from nbgate.steps.execute import ExecuteRequest, execute
result = execute(ExecuteRequest(notebook=Path(sys.argv[1]), output_path=Path(sys.argv[2])))
assert result.outcome.value == "passed", result.message
"""


def make_notebook(path: Path) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell(source) for source in CELLS])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of the process and its kernel (load-independent)."""
    cpu, start = _cpu(), time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{argv[:3]} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nbgate-bench-") as tmp:
        work = Path(tmp)
        nb = work / "nb4.ipynb"
        make_notebook(nb)
        contenders = {
            "floor (jupyter_client)": [sys.executable, "-c", FLOOR, str(nb)],
            "nbgate execute()": [sys.executable, "-c", NBGATE_API, str(nb), str(work / "api.ipynb")],
            "nbgate execute CLI": [str(BIN / "nbgate"), "execute", str(nb), "-o", str(work / "cli.ipynb")],
            "papermill CLI": [str(BIN / "papermill"), str(nb), str(work / "pm.ipynb")],
        }
        times: dict[str, list[float]] = {name: [] for name in contenders}
        cpus: dict[str, list[float]] = {name: [] for name in contenders}
        for argv in contenders.values():  # warm the page cache once, untimed
            timed(argv)
        for _ in range(args.rounds):
            for name, argv in contenders.items():
                wall, cpu = timed(argv)
                times[name].append(wall)
                cpus[name].append(cpu)
    floor = statistics.median(times["floor (jupyter_client)"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    floor_cpu = statistics.median(cpus["floor (jupyter_client)"])
    print(f"4-cell notebook, {args.rounds} rounds, load average {load:.1f}, {os.cpu_count()} CPUs")
    print(f"  {'':24s} {'wall median (min)':>22s} {'ratio':>7s} {'CPU median':>11s} {'ratio':>7s}")
    for name, values in times.items():
        median, cpu = statistics.median(values), statistics.median(cpus[name])
        print(
            f"  {name:24s} {median:8.3f} s ({min(values):.3f}) {median / floor:6.2f}x"
            f" {cpu:9.3f} s {cpu / floor_cpu:6.2f}x"
        )


if __name__ == "__main__":
    main()
