"""Fixtures for the report tests: one real failing run shared by the acceptance tests,
external tools (Chromium, Pushgateway, promtool) found or skipped naming their make target."""

from __future__ import annotations

import base64
import io
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from report_support import free_port, need_module, need_tool

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VENV_BIN = Path(sys.executable).parent


# --- the acceptance run -----------------------------------------------------------------------

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

PLOT = """import io
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from IPython.display import Image, display
fig, ax = plt.subplots(figsize=(3, 2))
ax.plot([0, 1, 2, 3], [0, {value}, 2, 1], color="tab:blue", linewidth=2)
buf = io.BytesIO()
fig.savefig(buf, format="png", dpi=60)
plt.close(fig)
display(Image(buf.getvalue()))"""

TABLE = """import pandas as pd
pd.DataFrame({{"metric": ["auc", "loss"], "value": [0.5, {value}]}})"""

XSS_HTML = (
    "<script>alert('xss-script'); console.log('xss-script')</script>"
    "<img src=x onerror=\"alert('xss-img'); console.log('xss-img')\">"
    "<a id='jslink' href=\"javascript:alert('xss-link')\">click me</a>"
    "<svg onload=\"alert('xss-svg')\"></svg><b>bold</b>"
    "<table><tr><td>cell</td></tr></table>"
)


def _figure(value: float) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2, 3], [0, value, 2, 1], color="tab:blue", linewidth=2)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _mismatch_notebook(value: float) -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_markdown_cell("# Mismatch\nThe executed values differ from the golden's."),
            new_code_cell(f"value = {value}\nprint('value =', value)"),
            new_code_cell(PLOT.format(value=value)),
            new_code_cell(TABLE.format(value=value)),
        ],
        metadata={"kernelspec": KERNELSPEC},
    )


def _golden(nb: nbformat.NotebookNode, value: float) -> nbformat.NotebookNode:
    import pandas as pd

    golden = nbformat.reads(nbformat.writes(nb), as_version=4)
    cells = golden.cells
    cells[1].outputs = [new_output("stream", name="stdout", text=f"value = {value}\n")]
    cells[2].outputs = [
        new_output(
            "display_data",
            data={"image/png": _figure(value), "text/plain": "<IPython.core.display.Image object>"},
        )
    ]
    df = pd.DataFrame({"metric": ["auc", "loss"], "value": [0.5, value]})
    cells[3].outputs = [
        new_output(
            "execute_result", execution_count=3, data={"text/html": df._repr_html_(), "text/plain": repr(df)}
        )
    ]
    for n, cell in enumerate(cells[1:], start=1):
        cell.execution_count = n
    return golden


def _secret_notebook() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_code_cell(
                "import base64, os, sys, time\n"
                "s = os.environ['NBGATE_TEST_SECRET']\n"
                "print('whole:', s)\n"
                "print('b64:', base64.b64encode(s.encode()).decode())\n"
                "half = len(s) // 2\n"
                "print('split:', s[:half], end='')\n"
                "sys.stdout.flush(); time.sleep(0.5)\n"
                "print(s[half:])\n"
                "print('file:', open(os.environ['NBGATE_TEST_SECRET_FILE']).read().strip())"
            ),
            new_code_cell("raise ValueError('rejected credentials ' + s)"),
        ],
        metadata={"kernelspec": KERNELSPEC},
    )


def _xss_notebook() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_markdown_cell(
                "# XSS\n<img src=x onerror=\"alert('xss-md-img')\"> <script>alert('xss-md')</script>\n"
                "[a link](javascript:alert('xss-md-link'))"
            ),
            new_code_cell(
                "from IPython.display import HTML, Javascript, Markdown, SVG, display\n"
                f"display(HTML({XSS_HTML!r}))\n"
                "display(Markdown(\"[md link](javascript:alert('xss-md-output'))\"))\n"
                "display(Javascript(\"alert('xss-js')\"))\n"
                'display(SVG(\'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" '
                'onload="alert(1)"><script>alert(2)</script><rect width="20" height="20"/></svg>\'))\n'
                "print(\"<script>alert('xss-stream')</script>\")"
            ),
        ],
        metadata={"kernelspec": KERNELSPEC},
    )


SPEC = """apiVersion: nbgate.dev/v1alpha1
kind: NotebookValidation
metadata:
  name: report-acceptance
spec:
  source:
    local: .
  notebooks: ["notebooks/*.ipynb"]
  golden:
    path: "golden/{name}"
    required: false
  kernel: python3
  timeouts:
    cell: 120
    notebook: 300
  pod:
    profile: cpu
    image: registry.example/nbgate/notebook:1.2.3
  report:
    formats: [json, junit, markdown, html, metrics]
"""


@dataclass
class AcceptanceRun:
    root: Path
    out: Path
    returncode: int
    stdout: str
    stderr: str
    secret: str
    file_secret: str

    @property
    def report_html(self) -> Path:
        return self.out / "report.html"


@pytest.fixture(scope="session")
def acceptance_run(tmp_path_factory: pytest.TempPathFactory) -> AcceptanceRun:
    """One real `nbgate run` (real kernels) over a failing set: a golden mismatch (number,
    image, table), a notebook printing secrets then raising, a notebook with hostile HTML."""
    root = tmp_path_factory.mktemp("acceptance")
    (root / "notebooks").mkdir()
    (root / "golden").mkdir()
    nbformat.write(_mismatch_notebook(1.5), root / "notebooks" / "mismatch.ipynb")
    nbformat.write(_golden(_mismatch_notebook(1.5), 1.0), root / "golden" / "mismatch.ipynb")
    nbformat.write(_secret_notebook(), root / "notebooks" / "secret.ipynb")
    nbformat.write(_xss_notebook(), root / "notebooks" / "xss.ipynb")
    (root / "validation.yaml").write_text(SPEC, encoding="utf-8")
    secret = "nbg-" + secrets.token_hex(12)
    file_secret = "filekey-" + secrets.token_hex(10)
    secret_dir = root / "secret-mount"
    secret_dir.mkdir()
    (secret_dir / "api-key").write_text(file_secret + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "NBGATE_TEST_SECRET": secret,
        "NBGATE_SECRET_ENV": "NBGATE_TEST_SECRET",
        "NBGATE_SECRET_FILES": str(secret_dir),
        "NBGATE_TEST_SECRET_FILE": str(secret_dir / "api-key"),
        "NBGATE_TRIGGER": "push",
        "NBGATE_PUSHER": "alice",
    }
    env.pop("NBGATE_PUSHGATEWAY_URL", None)
    out = root / "out"
    proc = subprocess.run(
        [
            str(VENV_BIN / "nbgate"),
            "run",
            "validation.yaml",
            "-o",
            str(out),
            "-q",
            "-j",
            "2",
            "--log-format",
            "json",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if "no such option: --log-format" in proc.stderr:  # before cli/run.py has the flag
        proc = subprocess.run(
            [str(VENV_BIN / "nbgate"), "run", "validation.yaml", "-o", str(out), "-q", "-j", "2"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    return AcceptanceRun(root, out, proc.returncode, proc.stdout, proc.stderr, secret, file_secret)


# --- Pushgateway -------------------------------------------------------------------------------


@pytest.fixture
def pushgateway(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real Prometheus Pushgateway (Debian prometheus-pushgateway) on a free 127.0.0.1 port."""
    binary = need_tool("prometheus-pushgateway")
    port = free_port()
    log = (tmp_path / "pushgateway.log").open("w")
    proc = subprocess.Popen(
        [binary, f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/-/ready", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"pushgateway did not start: {(tmp_path / 'pushgateway.log').read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


# --- browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Headless Debian Chromium driven by Playwright's Python client (no downloaded browsers)."""
    need_tool(CHROMIUM)
    need_module("playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()
