"""Specs from command-line flags (nbgate run --notebook nb.ipynb --golden golden.ipynb -p a=1)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from nbgate.errors import InputError
from nbgate.spec.adhoc import override_from_flags, spec_from_flags
from nbgate.spec.load import load_spec


def _notebook(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    return path


def test_one_notebook_with_a_golden_file(tmp_path) -> None:
    nb = _notebook(tmp_path / "work" / "train.ipynb")
    golden = _notebook(tmp_path / "goldens" / "train-golden.ipynb")
    loaded = spec_from_flags(
        [nb],
        golden=golden,
        parameters={"alpha": 0.5},
        kernel="python3",
        cell_timeout="90s",
        deadline="1h",
        output_dir=tmp_path / "out",
        formats=["json", "html"],
        jobs=2,
    )
    spec = loaded.resource.spec
    assert spec.source.local == str((tmp_path / "work").resolve())
    assert spec.notebooks == ["train.ipynb"]
    assert spec.golden is not None and spec.golden.source is not None
    assert spec.golden.source.local == str((tmp_path / "goldens").resolve())
    assert spec.golden.path == "train-golden.ipynb"
    assert spec.parameters == {"alpha": 0.5}
    assert spec.kernel == "python3"
    assert (spec.timeouts.cell, spec.timeouts.notebook) == (90.0, 3600.0)
    assert spec.report.output_dir == str(tmp_path / "out")
    assert spec.report.formats == ["json", "html"]
    assert spec.jobs == 2
    assert loaded.resource.metadata.name == "train"
    assert loaded.origin == "nbgate"
    assert loaded.warnings == []


def test_several_notebooks_share_their_common_parent(tmp_path) -> None:
    a = _notebook(tmp_path / "proj" / "prep" / "a.ipynb")
    b = _notebook(tmp_path / "proj" / "model" / "b.ipynb")
    goldens = tmp_path / "goldens"
    goldens.mkdir()
    loaded = spec_from_flags([a, b], golden=goldens)
    spec = loaded.resource.spec
    assert spec.source.local == str((tmp_path / "proj").resolve())
    assert spec.notebooks == ["prep/a.ipynb", "model/b.ipynb"]
    assert spec.golden is not None and spec.golden.source is not None
    assert (spec.golden.source.local, spec.golden.path) == (str(goldens.resolve()), "{path}")


def test_a_directory_means_every_notebook_below_it(tmp_path) -> None:
    _notebook(tmp_path / "nbs" / "x.ipynb")
    loaded = spec_from_flags([tmp_path / "nbs"])
    assert loaded.resource.spec.notebooks == ["**/*.ipynb"]
    assert loaded.resource.spec.source.local == str((tmp_path / "nbs").resolve())


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"notebooks": []}, "no notebook given"),
        ({"notebooks": ["missing.ipynb"]}, "notebook missing.ipynb does not exist"),
        ({"cell_timeout": "soon"}, "--cell-timeout: expected a duration"),
        ({"deadline": "-5"}, "--deadline: a duration must be positive"),
        ({"parameter_set": "smoke"}, "--parameter-set smoke needs a spec file with spec.parameterSets"),
        ({"golden": "missing-golden.ipynb"}, "golden missing-golden.ipynb does not exist"),
        ({"jobs": 0}, "--jobs must be at least 1"),
        ({"formats": ["pdf"]}, "spec.report.formats[0]"),
    ],
)
def test_bad_flags_are_one_line_errors(tmp_path, monkeypatch, kwargs, expected) -> None:
    monkeypatch.chdir(tmp_path)
    _notebook(tmp_path / "nb.ipynb")
    kwargs.setdefault("notebooks", [Path("nb.ipynb")])
    with pytest.raises(InputError) as info:
        spec_from_flags(**kwargs)
    assert expected in info.value.message


def test_golden_file_with_several_notebooks_is_refused(tmp_path) -> None:
    a, b = _notebook(tmp_path / "a.ipynb"), _notebook(tmp_path / "b.ipynb")
    with pytest.raises(InputError, match="pass a directory of goldens to --golden"):
        spec_from_flags([a, b], golden=a)


def test_not_a_notebook(tmp_path) -> None:
    script = tmp_path / "train.py"
    script.write_text("x = 1\n")
    with pytest.raises(InputError, match=r"train.py is not a .ipynb file"):
        spec_from_flags([script])


def test_flags_override_a_spec_file(write_spec, make_spec) -> None:
    spec = make_spec(
        parameters={"alpha": 0.1, "rows": 10},
        parameterSets={"smoke": {"rows": 5}},
        timeouts={"cell": 30},
        kernel="python3",
    )
    loaded = load_spec(write_spec(spec))
    merged = override_from_flags(loaded, parameters={"alpha": 0.9}, deadline="10m", parameter_set="smoke")
    out = merged.resource.spec
    assert out.parameters == {"alpha": 0.9, "rows": 10}
    assert (out.timeouts.cell, out.timeouts.notebook) == (30.0, 600.0)
    assert out.kernel == "python3"
    assert out.parameter_set == "smoke"
    assert out.source.local == loaded.resource.spec.source.local
    with pytest.raises(InputError, match="parameterSet 'full' is not in parameterSets"):
        override_from_flags(loaded, parameter_set="full")
