"""The ``export`` step: a validated notebook → a training script (issue 10)."""

from __future__ import annotations

from pathlib import Path

from nbgate.promote.results import ExportResult

__all__ = ["export"]


def export(
    notebook: Path,
    output: Path,
    *,
    tag: str = "train",
    exclude_tag: str = "exploration",
    model_variable: str = "model",
    metrics: list[str] | None = None,
    repo: Path | None = None,
    branch: str | None = None,
    repo_path: str | None = None,
) -> ExportResult:
    """Write the training script of ``notebook`` to ``output``; with ``branch``, also commit it
    to that branch of ``repo`` (pushed when Git credentials are in the env)."""
    from nbgate.promote.export import export_script

    exported = export_script(
        notebook,
        tag=tag,
        exclude_tag=exclude_tag,
        model_variable=model_variable,
        metrics=metrics,
        source_name=notebook.name,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(exported.text, encoding="utf-8")
    result = ExportResult(
        notebook=str(notebook),
        script=str(output),
        mode=exported.mode,
        cells=exported.cells,
        parameters=exported.parameters,
        dropped_magics=exported.dropped_magics,
    )
    if branch:
        from nbgate.promote.commit import commit_file

        root = repo or notebook.parent
        rel = repo_path or f"train/{notebook.stem}.py"
        done = commit_file(
            root, rel, exported.text, branch=branch, message=f"nbgate: export {notebook.name} as {rel}"
        )
        result = result.model_copy(
            update={"commit": done.commit, "branch": done.branch, "pushed": done.pushed}
        )
    return result
