"""A validated notebook → a training script: the cells tagged ``train`` (or every code cell but
those tagged ``exploration``), its ``parameters`` cell as command-line options, IPython magics
dropped with a comment, and a footer that saves the model and its metrics.

The script is plain Python with no nbgate import, so it runs in any image that has the
notebook's own requirements (the execute image, a Job, a PyTorchJob, a RayJob).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from nbgate.errors import InputError

__all__ = ["ExportedScript", "export_script", "notebook_parameters"]

_HEADER = '''#!/usr/bin/env python3
"""Training script exported by nbgate from {source} ({mode}).

Parameters (the notebook's 'parameters' cell) are overridable: --NAME VALUE, VALUE a Python
literal (else a string). The model is saved to OUTPUT_DIR/model.joblib and the metrics to
OUTPUT_DIR/metrics.json (--output-dir, default ./model). Regenerate with `nbgate export`.
"""

import argparse as _nbgate_argparse
import ast as _nbgate_ast
import json as _nbgate_json
import os as _nbgate_os


def _nbgate_parse(defaults):
    parser = _nbgate_argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", dest="_nbgate_output_dir", default="model")
    for name, value in defaults.items():
        parser.add_argument(f"--{{name}}", dest=name, default=value, type=_nbgate_literal)
    return vars(parser.parse_args())


def _nbgate_literal(text):
    try:
        return _nbgate_ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _nbgate_save(model, metrics, args):
    out = args["_nbgate_output_dir"]
    _nbgate_os.makedirs(out, exist_ok=True)
    try:
        import joblib as _nbgate_dump
    except ImportError:  # joblib ships with scikit-learn; pickle otherwise
        import pickle as _nbgate_pickle

        with open(_nbgate_os.path.join(out, "model.pkl"), "wb") as fh:
            _nbgate_pickle.dump(model, fh)
    else:
        _nbgate_dump.dump(model, _nbgate_os.path.join(out, "model.joblib"))
    params = {{k: v for k, v in args.items() if not k.startswith("_nbgate")}}
    with open(_nbgate_os.path.join(out, "metrics.json"), "w", encoding="utf-8") as fh:
        _nbgate_json.dump({{k: float(v) for k, v in metrics.items()}}, fh, indent=2, sort_keys=True)
    with open(_nbgate_os.path.join(out, "parameters.json"), "w", encoding="utf-8") as fh:
        _nbgate_json.dump(params, fh, indent=2, sort_keys=True, default=str)
'''


@dataclass(frozen=True)
class ExportedScript:
    text: str
    mode: str  # "tagged 'train'" or "all cells but 'exploration'"
    cells: list[int] = field(default_factory=list)  # 0-based positions of the exported cells
    parameters: list[str] = field(default_factory=list)
    dropped_magics: int = 0


def _tags(cell: dict[str, object]) -> list[str]:
    meta = cell.get("metadata") or {}
    tags = meta.get("tags", []) if isinstance(meta, dict) else []
    return [str(t) for t in tags] if isinstance(tags, list) else []


def notebook_parameters(source: str, where: str) -> list[str]:
    """The names the ``parameters`` cell assigns (``name = literal`` lines)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise InputError(
            f"{where}: the parameters cell does not parse ({exc.msg}, line {exc.lineno})"
        ) from None
    names: list[str] = []
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        for target in targets:
            if isinstance(target, ast.Name) and target.id not in names:
                names.append(target.id)
    return names


def _strip_magics(source: str) -> tuple[str, int]:
    """Comment out IPython magics and shell escapes: a script has no IPython to run them."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        return "\n".join(f"# nbgate export: cell magic dropped: {line}" for line in lines), 1
    out, dropped = [], 0
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}pass  # nbgate export: IPython magic dropped: {stripped}")
            dropped += 1
        else:
            out.append(line)
    return "\n".join(out), dropped


def export_script(
    notebook: Path,
    *,
    tag: str = "train",
    exclude_tag: str = "exploration",
    model_variable: str = "model",
    metrics: list[str] | None = None,
    source_name: str | None = None,
) -> ExportedScript:
    """The training script of ``notebook`` (see the module docstring)."""
    import nbformat

    try:
        nb = nbformat.read(str(notebook), as_version=4)  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read notebook {notebook}: {exc}") from None
    code = [(i, c) for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"]
    tagged = [(i, c) for i, c in code if tag in _tags(c)]
    if tagged:
        # The parameters cell always comes along: the script's options are built from it.
        chosen = [(i, c) for i, c in code if tag in _tags(c) or "parameters" in _tags(c)]
        mode = f"cells tagged {tag!r}"
    else:
        chosen = [(i, c) for i, c in code if exclude_tag not in _tags(c)]
        mode = f"all code cells but those tagged {exclude_tag!r}"
    name = source_name or notebook.name
    for var in [model_variable, *(metrics or [])]:
        if not var.isidentifier():
            raise InputError(f"promote.train: {var!r} is not a Python variable name")
    parts = [_HEADER.format(source=name, mode=mode)]
    params: list[str] = []
    dropped = 0
    for i, cell in chosen:
        body, n = _strip_magics(cell.source)
        dropped += n
        parts.append(f"\n# --- cell {i}{' (parameters)' if 'parameters' in _tags(cell) else ''}\n{body}\n")
        if "parameters" in _tags(cell) and not params:
            params = notebook_parameters(cell.source, f"{name} cell {i}")
            mapping = ", ".join(f"{p!r}: {p}" for p in params)
            parts.append(
                "\n# --- nbgate: command-line overrides of the parameters above\n"
                f"_nbgate_args = _nbgate_parse({{{mapping}}})\n"
                + "".join(f"{p} = _nbgate_args[{p!r}]\n" for p in params)
            )
    if not params:
        parts.append("\n_nbgate_args = _nbgate_parse({})\n")
    metric_map = ", ".join(f"{m!r}: {m}" for m in metrics or [])
    parts.append(
        "\n# --- nbgate: save the model and its metrics\n"
        f"_nbgate_save({model_variable}, {{{metric_map}}}, _nbgate_args)\n"
    )
    text = "".join(parts)
    try:
        compile(text, name, "exec")
    except SyntaxError as exc:
        raise InputError(
            f"{name}: the exported script does not parse (line {exc.lineno}: {exc.msg}); "
            f"fix the cell or leave it out with the tag {exclude_tag!r}"
        ) from None
    return ExportedScript(
        text=text, mode=mode, cells=[i for i, _ in chosen], parameters=params, dropped_magics=dropped
    )
