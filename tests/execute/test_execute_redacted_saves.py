"""Saves between cells redact every cell, reusing the copies of cells that did not change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from nbgate.execution.manager import RedactedCopies, write_notebook_atomic

SECRET = "s3cr3t-value-0123456789"


def _saved(path: Path) -> dict:
    return json.loads(path.read_text())


def _stream(cell: dict) -> str:
    return "".join("".join(o["text"]) for o in cell["outputs"] if o["output_type"] == "stream")


def test_each_save_redacts_new_and_changed_cells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_TOKEN", SECRET)
    monkeypatch.setenv("NBGATE_SECRET_ENV", "MY_TOKEN")
    nb = new_notebook(cells=[new_code_cell("print(token)"), new_code_cell("x = 1")])
    copies = RedactedCopies()
    out = tmp_path / "out.ipynb"

    nb.cells[0].outputs.append(new_output("stream", name="stdout", text=f"first {SECRET}\n"))
    write_notebook_atomic(nb, out, validate=False, copies=copies)
    assert SECRET not in out.read_text() and "first ***" in _stream(_saved(out)["cells"][0])

    # The same cell gets more output (a later save): the cached copy must not be reused.
    nb.cells[0].outputs.append(new_output("stream", name="stdout", text=f"second {SECRET}\n"))
    nb.cells[1].outputs.append(new_output("stream", name="stdout", text="plain\n"))
    write_notebook_atomic(nb, out, validate=False, copies=copies)
    saved = _saved(out)
    assert SECRET not in out.read_text()
    assert _stream(saved["cells"][0]) == "first ***\nsecond ***\n"
    assert _stream(saved["cells"][1]) == "plain\n"
    # The live notebook keeps its real outputs: the kernel's side is never rewritten.
    assert SECRET in nb.cells[0].outputs[1]["text"]


def test_a_secret_registered_later_is_redacted_in_cells_saved_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = new_notebook(cells=[new_code_cell("print(value)")])
    nb.cells[0].outputs.append(new_output("stream", name="stdout", text=f"{SECRET}\n"))
    copies = RedactedCopies()
    out = tmp_path / "out.ipynb"
    write_notebook_atomic(nb, out, validate=False, copies=copies)
    assert SECRET in out.read_text()  # not a secret yet: nothing says so
    monkeypatch.setenv("LATE_TOKEN", SECRET)
    monkeypatch.setenv("NBGATE_SECRET_ENV", "LATE_TOKEN")
    write_notebook_atomic(nb, out, validate=False, copies=copies)
    assert SECRET not in out.read_text()


def test_cached_saves_write_what_a_fresh_redaction_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MY_TOKEN", SECRET)
    monkeypatch.setenv("NBGATE_SECRET_ENV", "MY_TOKEN")
    cells = [
        new_code_cell(f"print({i})", outputs=[new_output("stream", name="stdout", text=f"{i} {SECRET}\n")])
        for i in range(30)
    ]
    nb = new_notebook(cells=cells, metadata={"papermill": {"parameters": {"token": SECRET}}})
    copies = RedactedCopies()
    for _ in range(3):
        write_notebook_atomic(nb, tmp_path / "cached.ipynb", copies=copies)
    write_notebook_atomic(nb, tmp_path / "fresh.ipynb")
    assert (tmp_path / "cached.ipynb").read_text() == (tmp_path / "fresh.ipynb").read_text()
    assert SECRET not in (tmp_path / "cached.ipynb").read_text()
