"""The pre-flight rules on real notebook files: what each catches, where, and what it lets through."""

from __future__ import annotations

from pathlib import Path

import pytest
from preflight_support import write_notebook

from nbgate.errors import InputError
from nbgate.preflight import has_errors, preflight_notebook, summarize


def _by_rule(findings, rule):
    return [f for f in findings if f.rule == rule]


def test_home_directory_path_is_an_error_with_cell_and_line(tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "nb.ipynb",
        "# md: # Train",
        "import os\n# reading from '/Users/bob/x' in a comment is fine\ndf = open('/Users/sarah/data/train.csv')",
    )
    findings = preflight_notebook(nb, repo=tmp_path)
    paths = _by_rule(findings, "absolutePaths")
    assert len(paths) == 1
    assert (paths[0].cell, paths[0].line, paths[0].severity) == (1, 3, "error")
    assert "/Users/sarah/data/train.csv" in paths[0].message
    assert has_errors(findings)
    assert "cell 1, line 3" in summarize(findings)


@pytest.mark.parametrize(
    "literal",
    [
        "/home/ana/proj/data.parquet",
        "C:\\\\Users\\\\ana\\\\data.csv",
        "~/data/x.csv",
        "file:///srv/data.csv",
        "D:/datasets/x.csv",
    ],
)
def test_other_machine_local_paths(tmp_path: Path, literal: str) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", f"path = '{literal}'\nprint(path)")
    found = _by_rule(preflight_notebook(nb, repo=tmp_path), "absolutePaths")
    assert [f.line for f in found] == [1], literal


def test_relative_and_system_paths_pass(tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "nb.ipynb",
        "a = 'data/train.csv'\nb = '../data/x.csv'\nc = '/tmp/scratch'\nd = f'{base}/x.csv'\nimport os",
    )
    assert _by_rule(preflight_notebook(nb, repo=tmp_path), "absolutePaths") == []


def test_f_string_with_home_prefix_is_caught(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", "user = 'x'\np = f'/home/{user}/data.csv'")
    found = _by_rule(preflight_notebook(nb, repo=tmp_path), "absolutePaths")
    assert [(f.cell, f.line) for f in found] == [(0, 2)]


def test_undeclared_import_maps_import_names_to_distributions(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("scikit-learn>=1.3  # the model\npandas\n")
    (tmp_path / "helpers.py").write_text("X = 1\n")
    nb = write_notebook(
        tmp_path / "notebooks" / "nb.ipynb",
        "import json, os.path\nimport sklearn.linear_model\nfrom pandas import DataFrame\nimport helpers",
        "import yaml\nfrom PIL import Image",
    )
    found = _by_rule(preflight_notebook(nb, repo=tmp_path), "undeclaredImports")
    messages = {f.message.split("'")[1]: f for f in found}
    assert set(messages) == {"yaml", "PIL"}  # sklearn→scikit-learn declared, stdlib and local fine
    assert "pyyaml" in messages["yaml"].message and "requirements.txt" in messages["yaml"].message
    assert "pillow" in messages["PIL"].message
    assert (messages["yaml"].cell, messages["yaml"].line, messages["yaml"].severity) == (1, 1, "warning")


def test_declarations_in_pyproject_and_environment_yml(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\ndependencies = ["PyYAML>=6"]\n[project.optional-dependencies]\nviz = ["pillow"]\n'
    )
    (tmp_path / "binder").mkdir()
    (tmp_path / "binder" / "environment.yml").write_text(
        "dependencies:\n  - python=3.11\n  - conda-forge::scikit-learn=1.3\n  - pip\n  - pip:\n    - requests==2.31\n"
    )
    nb = write_notebook(
        tmp_path / "nb.ipynb",
        "import yaml\nfrom PIL import Image\nimport sklearn\nimport requests\nimport toolz",
    )
    found = _by_rule(preflight_notebook(nb, repo=tmp_path), "undeclaredImports")
    assert [f.message.split("'")[1] for f in found] == ["toolz"]
    assert "pyproject.toml" in found[0].message


def test_optional_imports_and_magics_are_not_flagged(tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "nb.ipynb",
        "%matplotlib inline\ntry:\n    import ujson as json\nexcept ImportError:\n    import json",
        "%%time\nx = 1",
    )
    findings = preflight_notebook(nb, repo=tmp_path)
    assert _by_rule(findings, "undeclaredImports") == []
    assert _by_rule(findings, "syntax") == []


def test_pip_install_in_cells(tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "nb.ipynb",
        "!pip install -q torch",
        "x = 1\n%pip install pandas==2.2",
        "%%bash\nset -e\npython -m pip install requests",
        "print('we never pip install here')",
    )
    found = _by_rule(preflight_notebook(nb, repo=tmp_path), "pipInstall")
    assert [(f.cell, f.line, f.severity) for f in found] == [
        (0, 1, "warning"),
        (1, 2, "warning"),
        (2, 3, "warning"),
    ]


def test_parameters_given_without_a_parameters_cell(tmp_path: Path) -> None:
    untagged = write_notebook(tmp_path / "a.ipynb", "alpha = 0.1", "print(alpha)")
    tagged = write_notebook(tmp_path / "b.ipynb", ("alpha = 0.1", ["parameters"]), "print(alpha)")
    found = _by_rule(preflight_notebook(untagged, repo=tmp_path, parameters={"alpha": 0.5}), "parametersCell")
    assert len(found) == 1 and found[0].severity == "error" and "alpha" in found[0].message
    assert (
        _by_rule(preflight_notebook(untagged, repo=tmp_path), "parametersCell") == []
    )  # no parameters given
    assert (
        _by_rule(preflight_notebook(tagged, repo=tmp_path, parameters={"alpha": 0.5}), "parametersCell") == []
    )


def test_severities_are_configurable_per_rule(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", "p = '/Users/sarah/x.csv'\n!pip install foo")
    relaxed = preflight_notebook(nb, repo=tmp_path, rules={"absolutePaths": "warning", "pipInstall": "off"})
    assert [(f.rule, f.severity) for f in relaxed] == [("absolutePaths", "warning")]
    assert not has_errors(relaxed)
    strict = preflight_notebook(nb, repo=tmp_path, rules={"pipInstall": "error"})
    assert {(f.rule, f.severity) for f in strict} == {("absolutePaths", "error"), ("pipInstall", "error")}


def test_unknown_rule_and_bad_severity_are_input_errors(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", "x = 1")
    with pytest.raises(InputError, match="unknown pre-flight rule 'absolutePath'"):
        preflight_notebook(nb, rules={"absolutePath": "error"})
    with pytest.raises(InputError, match="must be error, warning or off"):
        preflight_notebook(nb, rules={"pipInstall": "fatal"})


def test_syntax_error_is_reported_not_raised(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", "x = 1", "def broken(:\n    pass")
    found = _by_rule(preflight_notebook(nb, repo=tmp_path), "syntax")
    assert [(f.cell, f.severity) for f in found] == [(1, "warning")]
