"""Loading nbgate specs: one-line errors that name the file, the field and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbgate.errors import InputError
from nbgate.spec.load import load_spec


def _error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load_spec(path)
    message = info.value.message
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"notebok": ["a.ipynb"]}, "unknown field spec.notebok: did you mean 'notebooks'?"),
        ({"timeouts": {"cel": "10s"}}, "unknown field spec.timeouts.cel: did you mean 'cell'?"),
        (
            {"source": {"git": {"url": "https://example.com/r.git", "reff": "main"}}},
            "unknown field spec.source.git.reff: did you mean 'ref'?",
        ),
        (
            {"pod": {"nodeSelecter": {"a": "b"}}},
            "unknown field spec.pod.nodeSelecter: did you mean 'nodeSelector'?",
        ),
        ({"profiles": {"big": {"imag": "x"}}}, "unknown field spec.profiles.big.imag: did you mean 'image'?"),
        ({"compare": {"rtoll": 0.1}}, "unknown field spec.compare.rtoll: did you mean 'rtol'?"),
        ({"report": {"formts": ["json"]}}, "unknown field spec.report.formts: did you mean 'formats'?"),
    ],
)
def test_misspelled_field_names_path_and_suggestion(write_spec, make_spec, spec, expected) -> None:
    path = write_spec(make_spec(**spec))
    message = _error(path)
    assert message.startswith(f"spec {path}: ")
    assert expected in message


def test_misspelled_field_in_a_list_item(write_spec, make_spec) -> None:
    spec = make_spec(
        endpoints=[{"name": "m", "platform": "triton", "url": "http://127.0.0.1:1", "modle": "m"}]
    )
    assert "unknown field spec.endpoints[0].modle: did you mean 'model'?" in _error(write_spec(spec))


def test_misspelled_top_level_field(write_spec, make_spec) -> None:
    spec = make_spec()
    spec["metdata"] = spec.pop("metadata")
    assert "unknown field metdata: did you mean 'metadata'?" in _error(write_spec(spec))


def test_unknown_field_without_a_near_name_lists_the_valid_ones(write_spec, make_spec) -> None:
    message = _error(write_spec(make_spec(timeouts={"xyzzy": 1})))
    assert "unknown field spec.timeouts.xyzzy (fields at spec.timeouts: cell, notebook, startup)" in message


def test_misspelling_is_reported_before_the_missing_field_it_causes(write_spec) -> None:
    spec = {
        "apiVersion": "nbgate.dev/v1alpha1",
        "kind": "NotebookValidation",
        "spec": {"sorce": {"local": "."}},
    }
    message = _error(write_spec(spec))
    assert "unknown field spec.sorce: did you mean 'source'? (and 1 more)" in message


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"jobs": "two"}, "spec.jobs: input should be a valid integer"),
        ({"jobs": 0}, "spec.jobs: input should be greater than or equal to 1"),
        ({"timeouts": {"cell": "ten minutes"}}, "spec.timeouts.cell: expected a duration like 90"),
        ({"notebooks": "a.ipynb"}, "spec.notebooks: input should be a valid list"),
        ({"report": {"formats": ["pdf"]}}, "spec.report.formats[0]: input should be 'json', 'junit'"),
        (
            {"pod": {"resources": {"limits": {"nvidia.com/gpu": [1]}}}},
            'spec.pod.resources.limits["nvidia.com/gpu"]',
        ),
        ({"source": {"local": ".", "pvc": {"claimName": "c"}}}, "spec.source: set exactly one of source.git"),
        ({"parameterSet": "smoke"}, "parameterSet 'smoke' is not in parameterSets"),
    ],
)
def test_wrong_values_name_the_field(write_spec, make_spec, spec, expected) -> None:
    assert expected in _error(write_spec(make_spec(**spec)))


def test_several_errors_give_the_first_and_a_count(write_spec, make_spec) -> None:
    message = _error(write_spec(make_spec(jobs="x", kernel=3, exclude="y")))
    assert message.endswith("(and 2 more)")
    assert message.count("spec.") >= 1


def test_missing_required_field(write_spec) -> None:
    spec = {"apiVersion": "nbgate.dev/v1alpha1", "kind": "NotebookValidation", "spec": {}}
    assert "missing required field spec.source" in _error(write_spec(spec))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            {"apiVersion": "nbgate.dev/v1", "kind": "NotebookValidation"},
            "apiVersion 'nbgate.dev/v1' with kind",
        ),
        (
            {"apiVersion": "nbgate.dev/v1alpha1", "kind": "NotebookValidationJob"},
            "kind 'NotebookValidationJob'",
        ),
        ({"kind": "NotebookValidation"}, "has no apiVersion"),
        ({}, "has no apiVersion and kind"),
    ],
)
def test_wrong_api_version_or_kind_names_what_is_accepted(write_spec, head, expected) -> None:
    message = _error(write_spec({**head, "spec": {"source": {"local": "."}}}))
    assert expected in message
    assert "apiVersion: nbgate.dev/v1alpha1 with kind: NotebookValidation" in message
    assert "apiVersion: mlops.mlops.dev/v1alpha1 with kind: NotebookValidationJob" in message


def test_missing_file(tmp_path) -> None:
    path = tmp_path / "nope.yaml"
    assert _error(path) == f"spec {path} does not exist"


def test_directory_instead_of_file(tmp_path) -> None:
    assert "is a directory" in _error(tmp_path)


def test_yaml_syntax_error_names_the_line(write_spec) -> None:
    path = write_spec(
        "apiVersion: nbgate.dev/v1alpha1\nkind: NotebookValidation\nspec:\n  source: {local: .\n  x: [\n"
    )
    message = _error(path)
    assert message.startswith(f"spec {path} is not valid YAML")
    assert "line " in message


def test_json_syntax_error_names_the_line(write_spec) -> None:
    path = write_spec('{\n  "apiVersion": "nbgate.dev/v1alpha1",\n  "kind": \n}', name="spec.json")
    assert f"spec {path} is not valid JSON" in _error(path)
    assert "line 4" in _error(path)


def test_not_a_mapping_and_empty_and_several_documents(write_spec) -> None:
    assert "must be a mapping" in _error(write_spec("- a\n- b\n"))
    assert "is empty" in _error(write_spec("# nothing\n", name="empty.yaml"))
    two = "apiVersion: nbgate.dev/v1alpha1\n---\napiVersion: nbgate.dev/v1alpha1\n"
    assert "holds 2 YAML documents" in _error(write_spec(two, name="two.yaml"))


def test_json_spec_loads(write_spec, make_spec) -> None:
    loaded = load_spec(write_spec(make_spec(kernel="python3", jobs=2), name="spec.json"))
    assert loaded.resource.spec.kernel == "python3"
    assert loaded.resource.spec.jobs == 2
    assert loaded.origin == "nbgate"
    assert loaded.warnings == []


def test_text_argument_is_parsed_instead_of_reading(make_spec, tmp_path) -> None:
    loaded = load_spec(tmp_path / "virtual.yaml", text=json.dumps(make_spec(kernel="ir")))
    assert loaded.resource.spec.kernel == "ir"
    assert loaded.base_dir == tmp_path.resolve()


def test_relative_paths_resolve_against_the_spec_directory(
    write_spec, make_spec, tmp_path, monkeypatch
) -> None:
    spec = make_spec(
        source={"local": "project"},
        golden={"source": {"local": "../goldens"}, "path": "{name}"},
        report={"outputDir": "out"},
    )
    path = write_spec(spec, name="sub/validation.yaml")
    monkeypatch.chdir(tmp_path.parent)  # somewhere else: the spec's own directory must count
    loaded = load_spec(path)
    assert loaded.base_dir == (tmp_path / "sub").resolve()
    assert loaded.resource.spec.source.local == str((tmp_path / "sub" / "project").resolve())
    assert loaded.resource.spec.golden is not None and loaded.resource.spec.golden.source is not None
    assert loaded.resource.spec.golden.source.local == str((tmp_path / "goldens").resolve())
    # Outputs stay relative to where nbgate runs, like -o.
    assert loaded.resource.spec.report.output_dir == "out"
    assert loaded.resolve("data/x.csv") == (tmp_path / "sub" / "data" / "x.csv").resolve()


def test_absolute_local_source_is_kept(write_spec, make_spec, tmp_path) -> None:
    loaded = load_spec(write_spec(make_spec(source={"local": str(tmp_path)})))
    assert loaded.resource.spec.source.local == str(tmp_path)


def test_durations_and_parameter_sets(write_spec, make_spec) -> None:
    spec = make_spec(
        timeouts={"cell": "90s", "notebook": "1h30m"},
        parameterSets={"smoke": {"rows": 100}, "full": {"rows": 100000}},
        parameterSet="smoke",
        parameters={"alpha": 0.5},
    )
    loaded = load_spec(write_spec(spec))
    assert loaded.resource.spec.timeouts.cell == 90.0
    assert loaded.resource.spec.timeouts.notebook == 5400.0
    assert loaded.resource.spec.effective_parameters() == {"rows": 100, "alpha": 0.5}


def test_loader_module_imports_no_heavy_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, nbgate.spec.load, nbgate.spec.adhoc, nbgate.cli.schema; "
        "print(','.join(m for m in ('pydantic', 'yaml', 'jsonschema') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
