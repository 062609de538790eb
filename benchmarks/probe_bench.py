"""Probe latency mode vs wrk on the same local endpoint: is the probe ever the bottleneck?

Starts a local V2 endpoint on 127.0.0.1 (the stdlib V2 server from tests/probe/servers, or a real
MLServer with ``--server mlserver`` when .venvs/mlserver exists), sends the same V2 infer POST
with wrk and with nbgate's latency mode at the same concurrency, and prints both request rates
and their ratio (target: probe >= 0.8 x wrk). Needs ``wrk`` (``make bench-deps``).

    .venv/bin/python benchmarks/probe_bench.py [--server stdlib|mlserver] [--concurrency 4]
        [--requests N] [--duration 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "probe"))
sys.path.insert(0, str(ROOT / "tests" / "probe" / "servers"))

import linear  # noqa: E402

from nbgate.probe.endpoint import Endpoint  # noqa: E402
from nbgate.probe.latency import measure  # noqa: E402
from nbgate.probe.platforms import predict_request  # noqa: E402


def _wrk(url: str, body: dict, concurrency: int, duration: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(json.dumps(body))}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
    out = subprocess.run(
        ["wrk", "-t", "1", "-c", str(concurrency), "-d", f"{duration}s", "-s", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(script.name).unlink()
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"wrk saw {non2xx.group(1)} error responses:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def _start(server: str):  # type: ignore[no-untyped-def]
    from probe_process import ServerProcess, free_port, venv_python

    if server == "stdlib":
        # Its own process: in-process, the server's threads would share the probe's GIL.
        port = free_port()
        d = Path(tempfile.mkdtemp())
        proc = ServerProcess(
            "stdlib",
            [sys.executable, str(ROOT / "tests/probe/servers/stdlib_v2.py"), str(port)],
            cwd=d,
            log=d / "log",
        )
        url = f"http://127.0.0.1:{port}"
        proc.wait_ready(f"{url}/v2/health/ready", timeout=60)
        return url, proc.stop
    python = venv_python("mlserver")
    d = Path(tempfile.mkdtemp())
    subprocess.run(
        [str(python), str(ROOT / "tests/probe/servers/make_sklearn.py"), str(d)],
        check=True,
        env={"PYTHONPATH": str(ROOT / "tests/probe/servers")},
    )
    port = free_port()
    (d / "settings.json").write_text(
        json.dumps(
            {
                "host": "127.0.0.1",
                "http_port": port,
                "grpc_port": free_port(),
                "metrics_port": free_port(),
                "parallel_workers": 0,
            }
        )
    )
    (d / "right" / "model-settings.json").write_text(
        json.dumps(
            {
                "name": "right",
                "implementation": "mlserver_sklearn.SKLearnModel",
                "parameters": {"uri": "./model.joblib"},
            }
        )
    )
    shutil.rmtree(d / "wrong")
    proc = ServerProcess("mlserver", [str(python.parent / "mlserver"), "start", str(d)], cwd=d, log=d / "log")
    url = f"http://127.0.0.1:{port}"
    proc.wait_ready(f"{url}/v2/models/right/ready")
    return url, proc.stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=["stdlib", "mlserver"], default="stdlib")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--requests", type=int, default=0, help="probe requests per round (0: match wrk's)")
    parser.add_argument("--duration", type=int, default=5, help="wrk seconds")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians reported")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: run `make bench-deps` (apt-get install -y wrk)")
    url, stop = _start(args.server)
    try:
        ep = Endpoint(name="bench", platform="kserve-v2", url=url, model="right")
        path, body = predict_request(ep, linear.X_SAMPLE)
        # Warm both paths once so neither pays a first-request cost.
        measure(ep, url + path, body, requests=50, concurrency=args.concurrency)
        wrk_rates, probe_rates, last = [], [], None
        # Alternate the two tools so a noisy neighbour on a shared machine hits both alike.
        for _ in range(args.rounds):
            wrk_rates.append(_wrk(url + path, body, args.concurrency, args.duration))
            time.sleep(0.5)
            # As many requests as wrk managed, so both run for about the same time window.
            n = args.requests or max(200, round(wrk_rates[-1] * args.duration))
            last = measure(ep, url + path, body, requests=n, concurrency=args.concurrency)
            if last.errors:
                raise SystemExit(f"probe saw {last.errors} errors ({last.first_error})")
            probe_rates.append(last.rate)
            time.sleep(0.5)
        wrk_rate, probe_rate = statistics.median(wrk_rates), statistics.median(probe_rates)
        ratio = probe_rate / wrk_rate
        assert last is not None
        p = {q: (last.percentile(q) or 0) * 1000 for q in (50, 95, 99)}
        print(f"server={args.server} concurrency={args.concurrency} rounds={args.rounds}")
        print(
            f"wrk:   {wrk_rate:10.1f} req/s median of {[round(r) for r in wrk_rates]} ({args.duration}s each)"
        )
        print(
            f"probe: {probe_rate:10.1f} req/s median of {[round(r) for r in probe_rates]} "
            f"(last round {last.requests} requests: p50 {p[50]:.2f}ms p95 {p[95]:.2f}ms p99 {p[99]:.2f}ms)"
        )
        print(f"ratio probe/wrk: {ratio:.2f} (target >= 0.80: {'OK' if ratio >= 0.8 else 'BELOW'})")
    finally:
        stop()


if __name__ == "__main__":
    main()
