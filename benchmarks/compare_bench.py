"""Golden-compare benchmark: nbgate compare vs nbdiff (nbdime) vs json.load vs nbformat.read.

Generates a golden/executed notebook pair (default: 2,000 code cells, ~20 MB for the pair,
text, HTML tables and 200 PNGs) whose executed side carries run-to-run noise (float noise
far below tolerance, timestamps, memory addresses, re-encoded images with antialiasing-like
pixel noise) and a few planted changes. Each tool runs in its own subprocess, timed without
tracemalloc and measured for memory in a second run with it (Python allocations, numpy's
included), plus the process's peak RSS. Prints the ratios and checks that nbgate's verdict
names exactly the planted changes and none of the noise.

    python benchmarks/compare_bench.py            # full size (make bench-compare)
    python benchmarks/compare_bench.py --small    # 200 cells, 20 images: checks the script works

Targets (full size): compare time <= 4x the json.load time of both files; compare peak
memory <= 3x the two files' size. Exit 1 when the verdict is wrong, or (full size) a target
is missed.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
NBDIFF = REPO / ".venvs" / "nbdime" / "bin" / "nbdiff"

# -- generation ---------------------------------------------------------------------------------


def _png(rng: random.Random, seed: int, w: int, h: int, patch: bool = False, noise: bool = False) -> str:
    import numpy as np
    from PIL import Image

    g = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([(x * 255 // w), (y * 255 // h), ((x + y) * 127 // (w + h))], axis=2).astype(np.int16)
    img += g.integers(0, 40, size=img.shape, dtype=np.int16)  # texture: PNGs of realistic size
    if noise:  # antialiasing-like: a few pixels nudged by a few levels
        mask = g.random((h, w)) < 0.01
        img[mask] += 3
    if patch:  # a changed curve: a solid block
        img[h // 3 : h // 3 + 18, w // 3 : w // 3 + 18] = [200, 30, 30]
    buf = io.BytesIO()
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _table(rows: int, seed: int, noise: float, changed: bool) -> str:
    rng = random.Random(seed)
    cols = ["alpha", "beta", "gamma", "delta", "epsilon"]
    head = "".join(f"<th>{c}</th>" for c in cols)
    body = []
    for r in range(rows):
        vals = [rng.uniform(-100, 100) for _ in cols]
        if changed and r == rows // 2:
            vals[2] += 1.5
        cells = "".join(f"<td>{v * (1 + noise):.12g}</td>" for v in vals)
        body.append(f"<tr><th>{r}</th>{cells}</tr>")
    return (
        '<div><table border="1" class="dataframe">\n<thead><tr style="text-align: right;"><th></th>'
        + head
        + "</tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody>\n</table></div>"
    )


def _cell(cid: str, source: str, outputs: list[dict[str, Any]], count: int) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": count,
        "id": cid,
        "metadata": {"execution": {"iopub.execute_input": "2024-01-01T00:00:00Z"}},
        "outputs": outputs,
        "source": source,
    }


def generate(cells: int, images: int, out: Path, seed: int = 7) -> dict[str, Any]:
    """Write golden.ipynb and executed.ipynb; return the planted changes (executed cell indices)."""
    rng = random.Random(seed)
    golden: list[dict[str, Any]] = []
    executed: list[dict[str, Any]] = []
    planted: dict[int, str] = {}  # position in the generated sequence -> kind
    image_every = max(1, cells // images) if images else cells + 1
    n_planted = max(2, cells // 200)
    plant_at = set(rng.sample(range(10, cells - 10), n_planted * 4))
    plant_list = sorted(plant_at)
    plant_kinds = {}
    for i, pos in enumerate(plant_list):
        plant_kinds[pos] = ("number", "table", "image", "text")[i % 4]
    insert_at, remove_at = cells // 4, (3 * cells) // 4
    for i in range(cells):
        cid = uuid.UUID(int=rng.getrandbits(128)).hex[:8]
        kind = plant_kinds.get(i)
        noise = rng.choice([0.0, 1e-13, -3e-14, 2e-12])
        if i % image_every == 0 and images:
            if kind is not None:
                kind = "image"
            s = seed * 10_000 + i
            g_out = [
                {
                    "output_type": "display_data",
                    "data": {
                        "image/png": _png(rng, s, 136, 96),
                        "text/plain": "<Figure size 640x480 with 1 Axes>",
                    },
                    "metadata": {},
                }
            ]
            e_png = _png(rng, s, 136, 96, patch=kind == "image", noise=(i // image_every) % 10 == 0)
            e_out = [
                {
                    "output_type": "display_data",
                    "data": {"image/png": e_png, "text/plain": "<Figure size 640x480 with 1 Axes>"},
                    "metadata": {},
                }
            ]
            src = f"plot(series[{i}])"
        elif i % 3 == 0:
            if kind is not None:
                kind = "table"
            html_g = _table(12, i, 0.0, False)
            html_e = _table(12, i, noise, kind == "table")
            g_out = [
                {
                    "output_type": "execute_result",
                    "execution_count": i,
                    "data": {"text/html": html_g, "text/plain": f"<DataFrame {i}>"},
                    "metadata": {},
                }
            ]
            e_out = [
                {
                    "output_type": "execute_result",
                    "execution_count": i,
                    "data": {"text/html": html_e, "text/plain": f"<DataFrame {i}>"},
                    "metadata": {},
                }
            ]
            src = f"frames[{i}]"
        else:
            if kind in ("image", "table"):
                kind = "number"
            lines_g, lines_e = [], []
            for k in range(8):
                v = rng.uniform(0, 2)
                ve = v * (1 + noise)
                if kind == "number" and k == 4:
                    ve = v * 1.01
                lines_g.append(f"epoch {k:3d} loss {v:.15g} accuracy {1 - v / 4:.15g}\n")
                lines_e.append(f"epoch {k:3d} loss {ve:.15g} accuracy {1 - v / 4:.15g}\n")
            if kind == "text":
                lines_e[2] = lines_e[2].replace("loss", "LOSS")
            g_text = (
                f"started 2024-01-0{1 + i % 9} 10:{i % 60:02d}:00 at <object at 0x7f{i:08x}>\n"
                + "".join(lines_g)
            )
            e_text = (
                f"started 2024-02-1{i % 9} 11:{(i * 7) % 60:02d}:13 at <object at 0x7e{i * 3:08x}>\n"
                + "".join(lines_e)
            )
            g_out = [{"output_type": "stream", "name": "stdout", "text": g_text}]
            e_out = [{"output_type": "stream", "name": "stdout", "text": e_text}]
            src = f"train(step={i})"
        if kind is not None:
            planted[i] = kind
        if i == remove_at:
            golden.append(_cell(cid, src + "  # removed", g_out, i))
            planted[i] = "removed"
            continue
        golden.append(_cell(cid, src, g_out, i))
        executed.append(_cell(cid, src, e_out, i))
        if i == insert_at:
            executed.append(_cell("inserted", "print('new cell')", [], i))
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    out.mkdir(parents=True, exist_ok=True)
    for name, cs in (("golden.ipynb", golden), ("executed.ipynb", executed)):
        doc = {"cells": cs, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}
        (out / name).write_text(json.dumps(doc, indent=1), encoding="utf-8")
    # Planted changes by cell id: the golden holds every generated cell, at its generation index.
    by_id = {golden[i]["id"]: kind for i, kind in planted.items()}
    by_id["inserted"] = "inserted"
    return {"planted": by_id, "cells": len(executed)}


# -- measurement --------------------------------------------------------------------------------

_CHILD = r"""
import json, resource, sys, time, tracemalloc
tool, golden, executed, mode = sys.argv[1:5]
if tool == "nbgate":
    from nbgate.steps.compare import compare
    import deepdiff, numpy, PIL.Image  # imported up front: import time is not the compare's
    PIL.Image.preinit()  # Pillow imports its format plugins on the first open: import time too
    run = lambda: compare(executed, golden)
elif tool == "nbformat":
    import nbformat
    run = lambda: (nbformat.read(golden, as_version=4), nbformat.read(executed, as_version=4))
else:
    def run():
        with open(golden, "rb") as f1, open(executed, "rb") as f2:
            return json.load(f1), json.load(f2)
if mode == "memory":
    tracemalloc.start()
t0 = time.perf_counter()
result = run()
elapsed = time.perf_counter() - t0
peak = tracemalloc.get_traced_memory()[1] if mode == "memory" else None
out = {"seconds": elapsed, "tracemalloc_peak": peak,
       "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
if tool == "nbgate":
    out["outcome"] = result.outcome.value
    out["bad"] = {c.cell_id: c.status for c in result.cells if c.status != "match" and c.status != "skipped"}
    out["kinds"] = {c.cell_id: [d.kind for d in c.diffs] for c in result.cells if c.diffs}
    out["scraps"] = len(result.scraps)
print(json.dumps(out))
"""


def _child(tool: str, golden: Path, executed: Path, mode: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, tool, str(golden), str(executed), mode],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{tool} failed: {proc.stderr.strip()[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _nbdiff(golden: Path, executed: Path, timeout: float) -> dict[str, Any] | None:
    if not NBDIFF.exists():
        return None
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t0 = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)\n"
        "el = time.perf_counter() - t0\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
        "print(el, rss, len(p.stdout), p.returncode)\n"
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", wrapper, str(NBDIFF), "-s", "-o", "-a", str(golden), str(executed)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "maxrss": None, "timeout": timeout}
    el, rss, nbytes, rc = proc.stdout.split()
    return {"seconds": float(el), "maxrss": int(rss), "diff_bytes": int(nbytes), "rc": int(rc)}


def _best(tool: str, golden: Path, executed: Path, repeat: int) -> dict[str, Any]:
    runs = [_child(tool, golden, executed, "time") for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    best["tracemalloc_peak"] = _child(tool, golden, executed, "memory")["tracemalloc_peak"]
    return best


def _mb(n: float | None) -> str:
    return "—" if n is None else f"{n / 1e6:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells", type=int, default=2000)
    ap.add_argument("--images", type=int, default=200)
    ap.add_argument("--small", action="store_true", help="200 cells, 20 images; targets not enforced")
    ap.add_argument("--out", type=Path, help="where to write the pair (default: a temp dir)")
    ap.add_argument("--skip-nbdiff", action="store_true")
    ap.add_argument("--nbdiff-timeout", type=float, default=900)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    if args.small:
        args.cells, args.images, args.repeat = 200, 20, 1
    with tempfile.TemporaryDirectory(prefix="nbgate-bench-") as tmp:
        out = args.out or Path(tmp)
        t0 = time.perf_counter()
        gen = generate(args.cells, args.images, out)
        golden, executed = out / "golden.ipynb", out / "executed.ipynb"
        size = golden.stat().st_size + executed.stat().st_size
        print(
            f"pair: {args.cells} cells, {args.images} PNGs, {_mb(size)} "
            f"({len(gen['planted'])} planted changes), generated in {time.perf_counter() - t0:.1f} s"
        )
        figures = {
            tool: _best(tool, golden, executed, args.repeat) for tool in ("json", "nbformat", "nbgate")
        }
        nbdiff = None if args.skip_nbdiff else _nbdiff(golden, executed, args.nbdiff_timeout)
    base = figures["json"]["seconds"]
    print(f"{'tool':<22}{'seconds':>10}{'x json.load':>13}{'tracemalloc peak':>19}{'peak RSS':>12}")
    for tool, label in (
        ("json", "json.load (both)"),
        ("nbformat", "nbformat.read (both)"),
        ("nbgate", "nbgate compare"),
    ):
        f = figures[tool]
        print(
            f"{label:<22}{f['seconds']:>10.3f}{f['seconds'] / base:>13.2f}"
            f"{_mb(f['tracemalloc_peak']):>19}{_mb(f['maxrss']):>12}"
        )
    if nbdiff is None:
        print(f"{'nbdiff (nbdime)':<22}{'skipped':>10}  (run `make nbdime-venv`)")
    elif nbdiff.get("seconds") is None:
        print(f"{'nbdiff (nbdime)':<22}{'>' + str(int(nbdiff['timeout'])) + ' s':>10}  (timed out)")
    else:
        print(
            f"{'nbdiff (nbdime)':<22}{nbdiff['seconds']:>10.3f}{nbdiff['seconds'] / base:>13.2f}"
            f"{'—':>19}{_mb(nbdiff['maxrss']):>12}   ({nbdiff['diff_bytes']} bytes of diff)"
        )
    nb = figures["nbgate"]
    expected = gen["planted"]
    reported = nb["bad"]
    missing = sorted(set(expected) - set(reported))
    noise = sorted(set(reported) - set(expected))
    verdict_ok = not missing and not noise and nb["outcome"] == "mismatch" and nb["scraps"] == 0
    print(
        f"verdict: {nb['outcome']}; {len(reported)} cells reported, {len(expected)} planted; "
        + (
            "exactly the planted changes"
            if verdict_ok
            else f"missing {missing[:10]}, noise reported {noise[:10]}"
        )
    )
    time_ratio = nb["seconds"] / base
    mem_ratio = nb["tracemalloc_peak"] / size
    targets_ok = time_ratio <= 4 and mem_ratio <= 3
    print(
        f"targets: time {time_ratio:.2f}x json.load (target <= 4) · "
        f"memory {mem_ratio:.2f}x the files' size (target <= 3): {'met' if targets_ok else 'MISSED'}"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"size": size, "figures": figures, "nbdiff": nbdiff, "verdict_ok": verdict_ok}, indent=2
            ),
            encoding="utf-8",
        )
    if not verdict_ok:
        return 1
    return 0 if (targets_ok or args.small) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
