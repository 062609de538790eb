"""``nbgate clone``: clone a Git repository at a ref and list the notebooks to validate.

``--notebooks-out`` writes a JSON list of notebook paths (an Argo ``withParam`` input);
``--commit-out`` writes the bare resolved SHA. A short summary goes to stderr.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from nbgate.cli._common import finish_step, step_outputs, write_json
from nbgate.errors import InputError, NbgateError
from nbgate.outcomes import Outcome

__all__ = ["command"]


def _split(values: tuple[str, ...]) -> list[str]:
    """Repeated options and comma-separated lists both work: ``--notebooks a,b --notebooks c``."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _changed_range(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    before, sep, after = text.partition("..")
    if not sep or not before.strip() or not after.strip() or "." in after.strip()[:1]:
        raise InputError(
            f"--changed-between {text!r} must look like BEFORE..AFTER "
            "(two commit SHAs, e.g. a push's before..after)"
        )
    return {"before": before.strip(), "after": after.strip()}


def _duration(option: str, text: str) -> float:
    from nbgate.duration_text import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise InputError(f"{option} {text!r}: {exc}") from None


@click.command("clone")
@click.option("--url", required=True, help="https, http, ssh (ssh:// or git@host:path), git or file URL.")
@click.option("--ref", default=None, help="Branch, tag or commit SHA (full or short); default: remote HEAD.")
@click.option(
    "--notebooks", "notebooks", multiple=True, help="Notebook path or glob (repeatable, or comma-separated)."
)
@click.option("--exclude", multiple=True, help="Glob of notebooks to leave out (repeatable).")
@click.option("--dest", default=None, help="Checkout directory (absent or empty); default: a new temp dir.")
@click.option("--depth", type=int, default=1, show_default=True, help="Shallow depth; 0 for full history.")
@click.option("--submodules", is_flag=True, help="Also check out submodules.")
@click.option("--no-lfs", is_flag=True, help="Do not fetch Git LFS files.")
@click.option(
    "--changed-between",
    default=None,
    metavar="BEFORE..AFTER",
    help="Only notebooks changed between two commits.",
)
@click.option(
    "--timeout", default="10m", show_default=True, help="Time limit for the whole clone (90, 90s, 10m…)."
)
@click.option(
    "--notebooks-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the notebook list (JSON) here.",
)
@click.option(
    "--commit-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the resolved commit SHA here.",
)
@step_outputs
def command(
    url: str,
    ref: str | None,
    notebooks: tuple[str, ...],
    exclude: tuple[str, ...],
    dest: str | None,
    depth: int,
    submodules: bool,
    no_lfs: bool,
    changed_between: str | None,
    timeout: str,
    notebooks_out: Path | None,
    commit_out: Path | None,
    result_path: Path | None,
    verdict_path: Path | None,
    exit_zero: bool,
) -> int:
    """Clone a Git repository at a ref and resolve the notebooks to validate."""
    from pydantic import ValidationError

    from nbgate.steps.clone import CloneRequest, clone

    _show_warnings()
    try:
        try:
            request = CloneRequest(
                url=url,
                ref=ref,
                dest=dest,
                notebooks=_split(notebooks) or ["**/*.ipynb"],
                exclude=_split(exclude),
                depth=depth,
                submodules=submodules,
                lfs=not no_lfs,
                changed_between=_changed_range(changed_between),
                timeout_seconds=_duration("--timeout", timeout),
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            option = "--" + "-".join(str(p) for p in first["loc"]).replace("_", "-")
            raise InputError(f"invalid {option}: {first['msg']}") from None
        result = clone(request)
    except NbgateError as exc:
        # Cluster mode needs the verdict file even when the step cannot run.
        if verdict_path is not None or exit_zero:
            outcome = Outcome.INPUT_ERROR if exc.exit_code == 2 else Outcome.TRANSIENT_ERROR
            click.echo(f"nbgate: error: {exc.message}", err=True)
            if notebooks_out is not None:
                write_json(notebooks_out, [])  # an empty fan-out: the DAG goes on to the report
            return finish_step(
                outcome, exc.message, result=None, result_path=None, verdict_path=verdict_path,
                exit_zero=exit_zero,
            )  # fmt: skip
        raise
    if notebooks_out is not None:
        write_json(notebooks_out, result.notebooks)
    if commit_out is not None:
        commit_out.parent.mkdir(parents=True, exist_ok=True)
        commit_out.write_text(f"{result.commit}\n", encoding="utf-8")
    count = len(result.notebooks)
    click.echo(
        f"nbgate: cloned {result.url} at {(result.commit or '')[:12]} into {result.checkout_dir}: "
        f"{count} notebook{'s' if count != 1 else ''}",
        err=True,
    )
    message = f"{count} notebook(s) at {result.commit}"
    return finish_step(
        Outcome.PASSED, message, result=result.to_wire(), result_path=result_path,
        verdict_path=verdict_path, exit_zero=exit_zero,
    )  # fmt: skip


def _show_warnings() -> None:
    """Warnings from the step (e.g. git-lfs missing) as one ``nbgate: warning:`` line each."""
    logger = logging.getLogger("nbgate.clone")
    if not any(getattr(h, "_nbgate", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("nbgate: warning: %(message)s"))
        handler._nbgate = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
